//! Storage of users' remembered (tracked) devices.

use async_trait::async_trait;

use super::StoreResult;

/// A device a user confirmed (ConfirmDevice), with its SRP verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    /// The pool.
    pub pool_id: String,
    /// The owner's username key.
    pub username_key: String,
    /// `<region>_<uuid>`; unique per user ([`Conflict::Device`](crate::store::Conflict)).
    pub device_key: String,
    /// The device group key the device's SRP identity was made with.
    pub device_group_key: String,
    /// The name the app gave (ConfirmDevice's DeviceName), if any.
    pub device_name: Option<String>,
    /// The device's SRP salt and verifier, sealed under the master key.
    pub sealed_secret: Vec<u8>,
    /// `remembered` or `not_remembered`.
    pub remembered_status: String,
    /// Confirmed, ms since the epoch.
    pub created_ms: i64,
    /// Last changed (status), ms since the epoch.
    pub updated_ms: i64,
    /// Last signed in with device authentication, ms since the epoch.
    pub last_auth_ms: Option<i64>,
}

/// Devices.
#[async_trait]
pub trait DeviceStore: Send + Sync {
    /// Inserts a confirmed device. `Conflict` is `Device` (the key
    /// is confirmed already) or `MissingUser` (no such user).
    async fn insert_device(&self, device: &DeviceRecord) -> StoreResult<()>;
    /// The device, if the user has it.
    async fn get_device(
        &self,
        pool_id: &str,
        username_key: &str,
        device_key: &str,
    ) -> StoreResult<Option<DeviceRecord>>;
    /// Up to `limit` of a user's devices ordered by device key, after `after`.
    async fn list_devices(
        &self,
        pool_id: &str,
        username_key: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<DeviceRecord>>;
    /// Sets the remembered status and `updated_ms`; false when there is no
    /// such device.
    async fn update_device_status(
        &self,
        pool_id: &str,
        username_key: &str,
        device_key: &str,
        remembered_status: &str,
        now_ms: i64,
    ) -> StoreResult<bool>;
    /// Records a device authentication at `now_ms`; false when there is no
    /// such device.
    async fn touch_device(
        &self,
        pool_id: &str,
        username_key: &str,
        device_key: &str,
        now_ms: i64,
    ) -> StoreResult<bool>;
    /// Forgets a device and revokes the user's live refresh tokens bound to
    /// it, in one transaction; false when there was no such device.
    async fn forget_device(
        &self,
        pool_id: &str,
        username_key: &str,
        device_key: &str,
        now_ms: i64,
    ) -> StoreResult<bool>;
}
