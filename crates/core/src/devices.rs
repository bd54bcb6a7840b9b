//! Remembered devices: ConfirmDevice, and GetDevice, ListDevices,
//! UpdateDeviceStatus and ForgetDevice with their admin twins. The sign-in
//! side (NewDeviceMetadata, DEVICE_SRP_AUTH) is in `auth::device_flow`.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-device-tracking.html>

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use crate::groups::{page, page_limit};
use crate::page_token::decode as decode_token;
use crate::service::{Admin, Millis, Service, epoch_seconds};
use crate::srp::{self, SrpSecret};
use crate::store::{DeviceRecord, StoreError};
use crate::users::Pool;
use crate::{Error, Result};

/// The status of a device the user chose to remember.
pub(crate) const REMEMBERED: &str = "remembered";
/// The status of a tracked device the user did not choose to remember.
const NOT_REMEMBERED: &str = "not_remembered";
/// The longest salt ConfirmDevice accepts, in bytes (clients send 16 or 17).
const MAX_SALT: usize = 64;

/// The error for a device key the user does not have.
pub(crate) fn device_not_found() -> Error {
    Error::new(
        ErrorCode::ResourceNotFoundException,
        "Device does not exist.",
    )
}

/// What seals a device's SRP secret to its pool, user and key.
pub(crate) fn device_aad(pool_id: &str, username_key: &str, device_key: &str) -> Vec<u8> {
    format!("device-srp\0{pool_id}\0{username_key}\0{device_key}").into_bytes()
}

/// A device as the API shows it.
fn device_type(d: &DeviceRecord) -> DeviceType {
    let attr = |name: &str, value: &str| AttributeType {
        name: name.to_owned(),
        value: Some(value.to_owned()),
    };
    let mut attributes = vec![attr("device_status", "valid")];
    if let Some(name) = &d.device_name {
        attributes.push(attr("device_name", name));
    }
    attributes.push(attr("dev:device_remembered_status", &d.remembered_status));
    DeviceType {
        device_key: Some(d.device_key.clone()),
        device_attributes: Some(attributes),
        device_create_date: Some(epoch_seconds(d.created_ms)),
        device_last_modified_date: Some(epoch_seconds(d.updated_ms)),
        // The sign-in that announced the device authenticated it too.
        device_last_authenticated_date: Some(epoch_seconds(d.last_auth_ms.unwrap_or(d.created_ms))),
    }
}

/// UpdateDeviceStatus's new status: one of the two enum values (the protocol
/// checked the value; absence is refused here).
fn remembered_status(status: Option<DeviceRememberedStatusType>) -> Result<&'static str> {
    status
        .map(DeviceRememberedStatusType::as_str)
        .ok_or_else(|| {
            Error::invalid_parameter("DeviceRememberedStatus must be remembered or not_remembered.")
        })
}

/// ConfirmDevice's salt and verifier, decoded and checked.
fn device_secret(config: Option<&DeviceSecretVerifierConfigType>) -> Result<SrpSecret> {
    let invalid = || Error::invalid_parameter("Invalid DeviceSecretVerifierConfig.");
    let config = config.ok_or_else(invalid)?;
    let decode = |v: &Option<String>| {
        v.as_deref()
            .and_then(|v| B64.decode(v.trim()).ok())
            .ok_or_else(invalid)
    };
    let salt = decode(&config.salt)?;
    let verifier = decode(&config.password_verifier)?;
    if salt.is_empty() || salt.len() > MAX_SALT || !srp::valid_verifier(&verifier) {
        return Err(invalid());
    }
    Ok(SrpSecret { salt, verifier })
}

impl Service {
    /// A device's SRP salt and verifier, opened from their sealed form.
    pub(crate) fn device_secret(&self, d: &DeviceRecord) -> Result<SrpSecret> {
        let aad = device_aad(&d.pool_id, &d.username_key, &d.device_key);
        self.secrets
            .open(&d.sealed_secret, &aad)
            .and_then(|plain| SrpSecret::from_bytes(&plain))
            .ok_or_else(|| Error::internal("a device verifier did not open under the master key"))
    }

    async fn device_of_user(
        &self,
        pool: &Pool,
        username_key: &str,
        device_key: &str,
    ) -> Result<DeviceRecord> {
        self.store
            .get_device(&pool.id, username_key, device_key)
            .await?
            .ok_or_else(device_not_found)
    }

    async fn list_user_devices(
        &self,
        pool: &Pool,
        username_key: &str,
        limit: Option<i32>,
        token: Option<&str>,
    ) -> Result<(Vec<DeviceType>, Option<String>)> {
        let limit = page_limit(limit);
        let after = token.map(decode_token).transpose()?;
        let recs = self
            .store
            .list_devices(&pool.id, username_key, after.as_deref(), limit + 1)
            .await?;
        let (recs, token) = page(recs, limit, |d| &d.device_key);
        Ok((recs.iter().map(device_type).collect(), token))
    }

    async fn set_device_status(
        &self,
        pool: &Pool,
        username_key: &str,
        device_key: &str,
        status: Option<DeviceRememberedStatusType>,
        now: Millis,
    ) -> Result<()> {
        let status = remembered_status(status)?;
        if !self
            .store
            .update_device_status(&pool.id, username_key, device_key, status, now)
            .await?
        {
            return Err(device_not_found());
        }
        Ok(())
    }

    async fn forget(
        &self,
        pool: &Pool,
        username_key: &str,
        device_key: &str,
        now: Millis,
    ) -> Result<()> {
        if !self
            .store
            .forget_device(&pool.id, username_key, device_key, now)
            .await?
        {
            return Err(device_not_found());
        }
        Ok(())
    }

    /// ConfirmDevice: stores the device the access token's sign-in announced
    /// (NewDeviceMetadata) with its SRP verifier, sealed. The device is
    /// remembered at once unless the pool lets the user choose
    /// (DeviceOnlyRememberedOnUserPrompt), which UserConfirmationNecessary says.
    pub async fn confirm_device(
        &self,
        req: ConfirmDeviceRequest,
        now: Millis,
    ) -> Result<ConfirmDeviceResponse> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        let device_key = req.device_key.as_str();
        // Only the device of this token's sign-in can be confirmed with it.
        if t.claims.device_key.as_deref() != Some(device_key) {
            return Err(Error::invalid_parameter("Invalid device key given."));
        }
        let secret = device_secret(req.device_secret_verifier_config.as_ref())?;
        let prompt = t
            .pool
            .p()
            .device_configuration
            .as_ref()
            .and_then(|d| d.device_only_remembered_on_user_prompt)
            == Some(true);
        let aad = device_aad(&t.pool.id, &t.user.username_key, device_key);
        let record = DeviceRecord {
            pool_id: t.pool.id.clone(),
            username_key: t.user.username_key.clone(),
            device_key: device_key.to_owned(),
            device_group_key: self.device_group_key(&t.pool.id, &t.user),
            device_name: req.device_name.clone(),
            sealed_secret: self.secrets.seal(&secret.to_bytes(), &aad),
            remembered_status: if prompt { NOT_REMEMBERED } else { REMEMBERED }.into(),
            created_ms: now,
            updated_ms: now,
            last_auth_ms: None,
        };
        match self.store.insert_device(&record).await {
            Ok(()) => {}
            Err(StoreError::Conflict(crate::store::Conflict::Device)) => {
                return Err(Error::new(
                    ErrorCode::DeviceKeyExistsException,
                    "Device key already exists.",
                ));
            }
            Err(StoreError::Conflict(_)) => return Err(crate::users::user_not_found()),
            Err(e) => return Err(e.into()),
        }
        Ok(ConfirmDeviceResponse {
            user_confirmation_necessary: Some(prompt),
        })
    }

    /// GetDevice.
    pub async fn get_device(
        &self,
        req: GetDeviceRequest,
        now: Millis,
    ) -> Result<GetDeviceResponse> {
        let t = self
            .signed_in_user(req.access_token.as_deref().unwrap_or_default(), now)
            .await?;
        let key = req.device_key.as_str();
        let d = self
            .device_of_user(&t.pool, &t.user.username_key, key)
            .await?;
        Ok(GetDeviceResponse {
            device: Some(device_type(&d)),
        })
    }

    /// ListDevices.
    pub async fn list_devices(
        &self,
        req: ListDevicesRequest,
        now: Millis,
    ) -> Result<ListDevicesResponse> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        let (devices, pagination_token) = self
            .list_user_devices(
                &t.pool,
                &t.user.username_key,
                req.limit,
                req.pagination_token.as_deref(),
            )
            .await?;
        Ok(ListDevicesResponse {
            devices: Some(devices),
            pagination_token,
        })
    }

    /// UpdateDeviceStatus.
    pub async fn update_device_status(
        &self,
        req: UpdateDeviceStatusRequest,
        now: Millis,
    ) -> Result<()> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        let key = req.device_key.as_str();
        self.set_device_status(
            &t.pool,
            &t.user.username_key,
            key,
            req.device_remembered_status,
            now,
        )
        .await
    }

    /// ForgetDevice: the device and its refresh tokens are gone.
    pub async fn forget_device(&self, req: ForgetDeviceRequest, now: Millis) -> Result<()> {
        let t = self
            .signed_in_user(req.access_token.as_deref().unwrap_or_default(), now)
            .await?;
        let key = req.device_key.as_str();
        self.forget(&t.pool, &t.user.username_key, key, now).await
    }

    /// AdminGetDevice.
    pub async fn admin_get_device(
        &self,
        _admin: &Admin,
        req: AdminGetDeviceRequest,
    ) -> Result<AdminGetDeviceResponse> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let key = req.device_key.as_str();
        let d = self.device_of_user(&pool, &user.username_key, key).await?;
        Ok(AdminGetDeviceResponse {
            device: Some(device_type(&d)),
        })
    }

    /// AdminListDevices.
    pub async fn admin_list_devices(
        &self,
        _admin: &Admin,
        req: AdminListDevicesRequest,
    ) -> Result<AdminListDevicesResponse> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let (devices, pagination_token) = self
            .list_user_devices(
                &pool,
                &user.username_key,
                req.limit,
                req.pagination_token.as_deref(),
            )
            .await?;
        Ok(AdminListDevicesResponse {
            devices: Some(devices),
            pagination_token,
        })
    }

    /// AdminUpdateDeviceStatus.
    pub async fn admin_update_device_status(
        &self,
        _admin: &Admin,
        req: AdminUpdateDeviceStatusRequest,
        now: Millis,
    ) -> Result<()> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let key = req.device_key.as_str();
        self.set_device_status(
            &pool,
            &user.username_key,
            key,
            req.device_remembered_status,
            now,
        )
        .await
    }

    /// AdminForgetDevice.
    pub async fn admin_forget_device(
        &self,
        _admin: &Admin,
        req: AdminForgetDeviceRequest,
        now: Millis,
    ) -> Result<()> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let key = req.device_key.as_str();
        self.forget(&pool, &user.username_key, key, now).await
    }
}
