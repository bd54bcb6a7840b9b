//! Device tracking in sign-in: NewDeviceMetadata for a sign-in without a known
//! device, and the DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER challenges by
//! which a confirmed device proves it holds its random password (the same SRP
//! as the user's, with the device group key and device key in place of the
//! pool name and user id).
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-device-tracking.html>

use std::collections::BTreeMap;

use kognit_wire::error::ErrorCode;
use kognit_wire::types::{ChallengeNameType, NewDeviceMetadataType};

use super::srp_flow::{Claim, claim_holds, incorrect, public_a, start_exchange};
use super::{Finish, Step, param};
use crate::devices::device_not_found;
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::sign_in_session::SessionState;
use crate::store::{DeviceRecord, UserRecord};
use crate::users::Pool;
use crate::{Error, Result, ids};

const DEVICE_SRP_AUTH: &str = "DEVICE_SRP_AUTH";
const DEVICE_PASSWORD_VERIFIER: &str = "DEVICE_PASSWORD_VERIFIER";

/// Whether the pool tracks devices: Cognito turns tracking on as soon as any
/// member of DeviceConfiguration holds a value (true or false).
pub(crate) fn tracks_devices(pool: &Pool) -> bool {
    pool.p().device_configuration.as_ref().is_some_and(|d| {
        d.challenge_required_on_new_device.is_some()
            || d.device_only_remembered_on_user_prompt.is_some()
    })
}

impl Service {
    /// The device group key of a user's devices: stable per user and derived
    /// under the server key, so ConfirmDevice (which names only the device key)
    /// finds the one NewDeviceMetadata announced without storing unconfirmed
    /// devices.
    pub(crate) fn device_group_key(&self, pool_id: &str, rec: &UserRecord) -> String {
        let tag = self
            .codes
            .tag(&[b"device-group-key", pool_id.as_bytes(), rec.sub.as_bytes()]);
        ids::device_group_key(&tag)
    }

    /// A new device key and the user's group key, for a sign-in that named no
    /// known device in a pool that tracks devices.
    pub(super) fn new_device_metadata(
        &self,
        pool: &Pool,
        rec: &UserRecord,
    ) -> Option<NewDeviceMetadataType> {
        tracks_devices(pool).then(|| NewDeviceMetadataType {
            device_key: Some(ids::device_key(&self.settings.region)),
            device_group_key: Some(self.device_group_key(&pool.id, rec)),
        })
    }

    /// After the password: a sign-in naming a confirmed device of the user
    /// must prove the device (DEVICE_SRP_AUTH); None when the pool does not
    /// track devices or no device was named. An unknown device is refused
    /// with "Device does not exist.", on which Cognito's JS SDK retries
    /// without it.
    pub(super) async fn device_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        rec: &UserRecord,
        device_key: Option<&str>,
        now: Millis,
    ) -> Result<Option<Step>> {
        let Some(device_key) = device_key.filter(|_| tracks_devices(pool)) else {
            return Ok(None);
        };
        self.store
            .get_device(&pool.id, &rec.username_key, device_key)
            .await?
            .ok_or_else(device_not_found)?;
        let session = self.seal_session(&SessionState {
            challenge: DEVICE_SRP_AUTH.into(),
            pool_id: pool.id.clone(),
            client_id: client.session_client(),
            username_key: Some(rec.username_key.clone()),
            expires_ms: now + super::session_validity_ms(client),
            device_key: Some(device_key.to_owned()),
            ..Default::default()
        })?;
        let mut cp = BTreeMap::new();
        cp.insert("USERNAME".into(), rec.username.clone());
        Ok(Some(Step {
            challenge_name: Some(ChallengeNameType::DeviceSrpAuth),
            session: Some(session),
            challenge_parameters: Some(cp),
            result: None,
            hosted: None,
        }))
    }

    /// The user and device a device step's state names; the device must
    /// still exist and the user still be enabled.
    async fn device_of(&self, state: &SessionState) -> Result<(UserRecord, DeviceRecord)> {
        let (Some(username_key), Some(device_key)) = (&state.username_key, &state.device_key)
        else {
            return Err(incorrect());
        };
        let rec = self
            .store
            .get_user(&state.pool_id, username_key)
            .await?
            .ok_or_else(incorrect)?;
        if !rec.enabled {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "User is disabled.",
            ));
        }
        let device = self
            .store
            .get_device(&state.pool_id, username_key, device_key)
            .await?
            .ok_or_else(device_not_found)?;
        Ok((rec, device))
    }

    /// The answer to DEVICE_SRP_AUTH: the device's `SRP_A`; the server
    /// answers DEVICE_PASSWORD_VERIFIER with `SRP_B`, the device's `SALT` and
    /// the sealed state as `SECRET_BLOCK` (and as the Session).
    pub(super) async fn device_srp_start(
        &self,
        client: &AppClient,
        session: Option<&str>,
        responses: &Option<BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        let session = session
            .ok_or_else(|| Error::invalid_parameter("Missing required parameter Session"))?;
        let username = param(responses, "USERNAME")?;
        let device_key = param(responses, "DEVICE_KEY")?;
        let a_hex = public_a(responses)?;
        let secret_hash = responses
            .as_ref()
            .and_then(|m| m.get("SECRET_HASH"))
            .map(String::as_str);
        self.check_secret_hash(client, username, secret_hash)
            .await?;
        let state = self.open_session(
            session,
            DEVICE_SRP_AUTH,
            &client.pool_id,
            &client.session_client(),
            now,
        )?;
        if state.device_key.as_deref() != Some(device_key) {
            return Err(device_not_found());
        }
        let (rec, device) = self.device_of(&state).await?;
        let secret = self.device_secret(&device)?;
        let challenge = start_exchange(secret.verifier).await?;
        let next = SessionState {
            challenge: DEVICE_PASSWORD_VERIFIER.into(),
            expires_ms: now + super::session_validity_ms(client),
            srp_b: Some(challenge.to_bytes()),
            srp_a: Some(a_hex),
            ..state
        };
        let sealed = self.seal_session(&next)?;
        let mut cp = BTreeMap::new();
        cp.insert("SRP_B".into(), hex::encode(&challenge.big_b));
        // The salt exactly as ConfirmDevice uploaded it: clients that read it
        // as bytes and clients that read it as a number both recompute x.
        cp.insert("SALT".into(), hex::encode(&secret.salt));
        cp.insert("SECRET_BLOCK".into(), sealed.clone());
        cp.insert("USERNAME".into(), rec.username);
        cp.insert("DEVICE_KEY".into(), device.device_key);
        Ok(Step {
            challenge_name: Some(ChallengeNameType::DevicePasswordVerifier),
            session: Some(sealed),
            challenge_parameters: Some(cp),
            result: None,
            hosted: None,
        })
    }

    /// The answer to DEVICE_PASSWORD_VERIFIER: the claim signed with the key
    /// from the device's password. Success signs the user in on this device.
    pub(super) async fn device_srp_verify(
        &self,
        client: &AppClient,
        responses: &Option<BTreeMap<String, String>>,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        let block = param(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        let signature = param(responses, "PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = param(responses, "TIMESTAMP")?;
        let username = param(responses, "USERNAME")?;
        let secret_hash = responses
            .as_ref()
            .and_then(|m| m.get("SECRET_HASH"))
            .map(String::as_str);
        self.check_secret_hash(client, username, secret_hash)
            .await?;
        let state = self.open_session(
            block,
            DEVICE_PASSWORD_VERIFIER,
            &client.pool_id,
            &client.session_client(),
            now,
        )?;
        if let Some(named) = responses.as_ref().and_then(|m| m.get("DEVICE_KEY"))
            && state.device_key.as_ref() != Some(named)
        {
            return Err(device_not_found());
        }
        let (rec, device) = self.device_of(&state).await?;
        let secret = self.device_secret(&device)?;
        let claim = Claim {
            realm: &device.device_group_key,
            identity: &device.device_key,
            secret_block: block,
            timestamp,
            signature,
        };
        if !claim_holds(&state, secret.verifier, &claim).await? {
            // The password step already passed; a wrong device proof is not
            // a password failure and does not count towards lockout.
            return Err(incorrect());
        }
        self.store
            .touch_device(&state.pool_id, &rec.username_key, &device.device_key, now)
            .await?;
        let pool = self.pool(&state.pool_id).await?;
        // A device-authenticated sign-in: tokens carry the device and no new
        // device metadata. MFA, where the pool asks for it, is skipped only for
        // a remembered device in a pool with ChallengeRequiredOnNewDevice
        // (DeviceConfigurationType); any other device still gives a second factor.
        let skips_mfa = device.remembered_status == crate::devices::REMEMBERED
            && pool
                .p()
                .device_configuration
                .as_ref()
                .and_then(|d| d.challenge_required_on_new_device)
                == Some(true);
        if skips_mfa {
            self.grant(
                &pool,
                client,
                &rec,
                Some(device.device_key),
                Finish::Password,
                metadata,
                now,
            )
            .await
        } else {
            self.mfa_or_grant(
                &pool,
                client,
                &rec,
                Some(device.device_key),
                Finish::Password,
                metadata,
                now,
            )
            .await
        }
    }
}
