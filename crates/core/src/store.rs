//! The storage interface. One trait per capability, combined by [`Store`]; the
//! SQLite/PostgreSQL choice is made once, behind it (crate `kognit-store`).
//!
//! Records carry configuration as JSON text so the store needs no knowledge of
//! Cognito's shapes; what must be unique or looked up is a column with an index.

use async_trait::async_trait;

mod console;
mod devices;
mod domains;
mod groups;
mod managed_login;
mod oauth;
mod resource_servers;
mod sessions;
mod tokens;
mod ui_customizations;
mod users;
pub use console::*;
pub use devices::*;
pub use domains::*;
pub use groups::*;
pub use managed_login::*;
pub use oauth::*;
pub use resource_servers::*;
pub use sessions::*;
pub use tokens::*;
pub use ui_customizations::*;
pub use users::*;

/// A failure of the storage backend.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique or foreign-key constraint refused the write; what it
    /// clashed with, named by the store for both engines.
    #[error("constraint violated: {0:?}")]
    Conflict(Conflict),
    /// The database could not be reached or answered with an error.
    #[error("storage backend error: {0}")]
    Backend(String),
}

/// What a write the database refused clashed with: a key another row holds,
/// or a row a reference needs that is missing. The store maps its
/// constraints onto these for both engines; core never sees SQL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// A pool with this id exists.
    Pool,
    /// The pool has an app client with this id.
    Client,
    /// The client has a secret with this id.
    ClientSecret,
    /// An access key with this id exists.
    AccessKey,
    /// The pool has a user with this username (key).
    Username,
    /// The pool has a user with this `sub`.
    Sub,
    /// Another user of the pool holds one of the aliases (which one the
    /// store cannot tell from a multi-row insert; core reads it back).
    Alias,
    /// The user has a code for this purpose.
    Code,
    /// The pool has a signing key with this id.
    SigningKey,
    /// A refresh token with this hash exists.
    RefreshToken,
    /// The session is revoked already.
    RevokedOrigin,
    /// The pool has a group with this name.
    Group,
    /// The user is a member of the group already.
    GroupMember,
    /// The pool has a resource server with this identifier.
    ResourceServer,
    /// The user has a device with this key.
    Device,
    /// The pool has a token session with this id.
    TokenSession,
    /// The pool has an auth event with this id.
    AuthEvent,
    /// Another pool (or this one) holds this user-pool domain.
    Domain,
    /// The pool has a user-pool domain of this kind (prefix or custom).
    PoolDomain,
    /// The app client has a managed login branding style already.
    ManagedLoginBranding,
    /// The pool has a managed login branding style with this id.
    ManagedLoginBrandingId,
    /// The migration is recorded already.
    Migration,
    /// The pool the row belongs to does not exist.
    MissingPool,
    /// The app client the row belongs to does not exist.
    MissingClient,
    /// The user the row belongs to does not exist.
    MissingUser,
    /// The group the row belongs to does not exist.
    MissingGroup,
    /// A constraint the store does not name (the driver's description).
    Other(String),
}

/// Result of a storage call.
pub type StoreResult<T> = std::result::Result<T, StoreError>;

/// A stored user pool.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolRecord {
    /// `<region>_<9 alphanumerics>`; primary key.
    pub id: String,
    /// The pool's name (not unique, as in Cognito).
    pub name: String,
    /// The whole `UserPoolType` as JSON text.
    pub config: String,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// Optimistic-concurrency version; starts at 1, bumped by every update.
    pub version: i64,
}

/// A stored app client (its secrets live apart, encrypted).
#[derive(Debug, Clone, PartialEq)]
pub struct ClientRecord {
    /// The owning pool.
    pub pool_id: String,
    /// 26 lowercase alphanumerics; unique within the pool.
    pub client_id: String,
    /// The client's name.
    pub name: String,
    /// The `UserPoolClientType` as JSON text, without `ClientSecret`.
    pub config: String,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// Optimistic-concurrency version; starts at 1, bumped by every update.
    pub version: i64,
}

/// A client secret, sealed under the master key.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientSecretRecord {
    /// The owning pool.
    pub pool_id: String,
    /// The owning client.
    pub client_id: String,
    /// The secret's id (Cognito's `ClientSecretId`).
    pub secret_id: String,
    /// The sealed secret value (see [`crate::crypto::SecretBox`]).
    pub sealed: Vec<u8>,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_ms: i64,
}

/// An administrator access key for SigV4, its secret sealed under the master key.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessKeyRecord {
    /// The access key id (`AKIA…`-like).
    pub id: String,
    /// The sealed secret access key.
    pub sealed_secret: Vec<u8>,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_ms: i64,
}

/// User pools.
#[async_trait]
pub trait PoolStore: Send + Sync {
    /// Inserts a new pool; `Conflict` if the id is taken.
    async fn insert_pool(&self, pool: &PoolRecord) -> StoreResult<()>;
    /// The pool with this id, if any.
    async fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>>;
    /// Replaces name and config if the stored version equals `pool.version - 1`
    /// (the caller bumps it); false when the pool is gone or the version moved on.
    async fn update_pool(&self, pool: &PoolRecord) -> StoreResult<bool>;
    /// Deletes the pool and everything it owns (clients, secrets, users, groups,
    /// resource servers, codes) in one transaction; false when there was no such pool.
    async fn delete_pool(&self, id: &str) -> StoreResult<bool>;
    /// Up to `limit` pools ordered by id, starting after `after` when given.
    async fn list_pools(&self, after: Option<&str>, limit: u32) -> StoreResult<Vec<PoolRecord>>;
}

/// App clients and their secrets.
#[async_trait]
pub trait ClientStore: Send + Sync {
    /// Inserts a client and its initial secrets in one transaction; `Conflict`
    /// if the id is taken or the pool does not exist.
    async fn insert_client(
        &self,
        client: &ClientRecord,
        secrets: &[ClientSecretRecord],
    ) -> StoreResult<()>;
    /// The client with this id in whichever pool holds it (public operations
    /// name only the client id).
    async fn find_client(&self, client_id: &str) -> StoreResult<Option<ClientRecord>>;
    /// The client, if any.
    async fn get_client(&self, pool_id: &str, client_id: &str)
    -> StoreResult<Option<ClientRecord>>;
    /// Replaces name and config if the stored version equals `client.version - 1`;
    /// false when the client is gone or the version moved on.
    async fn update_client(&self, client: &ClientRecord) -> StoreResult<bool>;
    /// Deletes the client and its secrets; false when there was no such client.
    async fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<bool>;
    /// Up to `limit` clients of a pool ordered by client id, after `after`.
    async fn list_clients(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<ClientRecord>>;
    /// Adds a secret unless the client already holds `max` secrets (checked and
    /// written in one transaction); false when the limit is reached or the
    /// client is gone.
    async fn add_client_secret(&self, secret: &ClientSecretRecord, max: u32) -> StoreResult<bool>;
    /// The client's secrets, oldest first.
    async fn list_client_secrets(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> StoreResult<Vec<ClientSecretRecord>>;
    /// Deletes one secret; false when there was no such secret.
    async fn delete_client_secret(
        &self,
        pool_id: &str,
        client_id: &str,
        secret_id: &str,
    ) -> StoreResult<bool>;
}

/// Administrator access keys (SigV4 credentials of `kognit serve`).
#[async_trait]
pub trait AccessKeyStore: Send + Sync {
    /// Inserts a key; `Conflict` if the id is taken.
    async fn insert_access_key(&self, key: &AccessKeyRecord) -> StoreResult<()>;
    /// The key with this id, if any.
    async fn get_access_key(&self, id: &str) -> StoreResult<Option<AccessKeyRecord>>;
    /// How many keys are stored.
    async fn count_access_keys(&self) -> StoreResult<u64>;
}

/// Whole-store operations.
#[async_trait]
pub trait AdminStore: Send + Sync {
    /// Answers when the database answers (a trivial query).
    async fn ping(&self) -> StoreResult<()>;
    /// Deletes every pool, client, secret, user, group, resource server,
    /// code and outbox message (the developer reset); access keys stay.
    async fn reset(&self) -> StoreResult<()>;
    /// Deletes what has outlived its use, a batch at a time: refresh tokens,
    /// revocations and token sessions expired before `cut.now_ms`, codes
    /// expired whose hourly send window is over, outbox messages created
    /// before `cut.outbox_before_ms` and auth events created before
    /// `cut.events_before_ms`. Returns how many rows went.
    async fn purge(&self, cut: &PurgeCut) -> StoreResult<u64>;
}

/// The moments before which [`AdminStore::purge`] deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurgeCut {
    /// Now, ms: what expired before it goes.
    pub now_ms: i64,
    /// Outbox messages created before this go.
    pub outbox_before_ms: i64,
    /// Auth events created before this go.
    pub events_before_ms: i64,
}

/// Everything kognit stores.
pub trait Store:
    PoolStore
    + ClientStore
    + AccessKeyStore
    + AdminStore
    + UserStore
    + CodeStore
    + OutboxStore
    + SigningKeyStore
    + TokenStore
    + GroupStore
    + ResourceServerStore
    + DeviceStore
    + SessionStore
    + AuthEventStore
    + ConsoleStore
    + DomainStore
    + OAuthCodeStore
    + UiCustomizationStore
    + ManagedLoginBrandingStore
{
}

impl<T> Store for T where
    T: PoolStore
        + ClientStore
        + AccessKeyStore
        + AdminStore
        + UserStore
        + CodeStore
        + OutboxStore
        + SigningKeyStore
        + TokenStore
        + GroupStore
        + ResourceServerStore
        + DeviceStore
        + SessionStore
        + AuthEventStore
        + ConsoleStore
        + DomainStore
        + OAuthCodeStore
        + UiCustomizationStore
        + ManagedLoginBrandingStore
{
}
