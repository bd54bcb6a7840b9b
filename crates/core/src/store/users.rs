//! Storage of users, their one-time codes, and the developer outbox.

use async_trait::async_trait;

use super::StoreResult;

/// A stored user.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UserRecord {
    /// The owning pool.
    pub pool_id: String,
    /// The username as created (case preserved). For pools whose username
    /// attributes are email/phone, this is the internal name (a UUID).
    pub username: String,
    /// The username as compared: lower-cased when the pool is case-insensitive.
    /// Unique per pool ([`Conflict::Username`](crate::store::Conflict)).
    pub username_key: String,
    /// The `sub` attribute, a UUID; unique per pool ([`Conflict::Sub`](crate::store::Conflict)).
    pub sub: String,
    /// UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, …
    pub status: String,
    /// False after AdminDisableUser.
    pub enabled: bool,
    /// Every attribute except `sub` as a JSON object of strings, e.g.
    /// `{"email":"a@b.c","email_verified":"true","custom:team":"x"}`.
    pub attributes: String,
    /// Searchable copies of attributes for ListUsers (indexed with the pool id):
    /// `email`, `phone_number`, `name`, `given_name`, `family_name`,
    /// `preferred_username`; None when the user has no such attribute.
    pub email: Option<String>,
    /// See `email`.
    pub phone_number: Option<String>,
    /// See `email`.
    pub name: Option<String>,
    /// See `email`.
    pub given_name: Option<String>,
    /// See `email`.
    pub family_name: Option<String>,
    /// See `email`.
    pub preferred_username: Option<String>,
    /// The Argon2id hash in PHC form (records its parameters); None when the
    /// user has no password yet.
    pub password_hash: Option<String>,
    /// The SRP salt and verifier, sealed under the master key.
    pub srp_sealed: Option<Vec<u8>>,
    /// When a temporary password stops working (FORCE_CHANGE_PASSWORD), ms.
    pub temp_password_expires_ms: Option<i64>,
    /// Other per-user state (MFA settings, counters) as a JSON object.
    pub extra: String,
    /// Creation time, ms since the epoch.
    pub created_ms: i64,
    /// Last modification time, ms since the epoch.
    pub updated_ms: i64,
    /// Optimistic-concurrency version; starts at 1, bumped by every update.
    pub version: i64,
}

/// One unique sign-in alias of a user: a verified email/phone/preferred
/// username in alias pools, or the email/phone in username-attribute pools.
/// Unique per (pool, kind, value_key) ([`Conflict::Alias`](crate::store::Conflict)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasRecord {
    /// `email`, `phone_number` or `preferred_username`.
    pub kind: String,
    /// The value as compared (lower-cased email, E.164 phone, …).
    pub value_key: String,
}

/// The searchable columns of ListUsers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserColumn {
    /// `username` (compared on the username as created).
    Username,
    /// `email`.
    Email,
    /// `phone_number`.
    PhoneNumber,
    /// `name`.
    Name,
    /// `given_name`.
    GivenName,
    /// `family_name`.
    FamilyName,
    /// `preferred_username`.
    PreferredUsername,
    /// `sub`.
    Sub,
    /// `cognito:user_status` (the status column).
    Status,
    /// `status`: "Enabled" or "Disabled" (the enabled column).
    Enabled,
}

/// A ListUsers filter: one column, exact or prefix match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFilter {
    /// The column.
    pub column: UserColumn,
    /// True for `^=` (starts with), false for `=`.
    pub prefix: bool,
    /// The value to compare with (for `Enabled`: "Enabled" or "Disabled").
    pub value: String,
}

impl UserColumn {
    /// This column's value in a user's record; None for `Enabled` (a flag)
    /// and for an attribute the user lacks.
    pub fn value_of(self, rec: &UserRecord) -> Option<&str> {
        match self {
            Self::Username => Some(&rec.username),
            Self::Email => rec.email.as_deref(),
            Self::PhoneNumber => rec.phone_number.as_deref(),
            Self::Name => rec.name.as_deref(),
            Self::GivenName => rec.given_name.as_deref(),
            Self::FamilyName => rec.family_name.as_deref(),
            Self::PreferredUsername => rec.preferred_username.as_deref(),
            Self::Sub => Some(&rec.sub),
            Self::Status => Some(&rec.status),
            Self::Enabled => None,
        }
    }
}

impl UserFilter {
    /// Whether ListUsers orders this filter's matches by the filtered value
    /// first (then the username key): true for a prefix filter on a text
    /// column, which is then one index range scan that stops after a page.
    /// Exact filters (and `status`, a flag) list in username-key order.
    pub fn sorts_by_value(&self) -> bool {
        self.prefix && self.column != UserColumn::Enabled
    }
}

/// Where a ListUsers page starts: after this user, in the listing's order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserCursor {
    /// The filtered column's value of the last user listed, when the filter
    /// [sorts by value](UserFilter::sorts_by_value); None otherwise.
    pub value: Option<String>,
    /// The username key of the last user listed.
    pub username_key: String,
}

/// Users.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Inserts a user and its aliases in one transaction. `Conflict` says what
    /// clashed: `Username` (username taken), `Sub`, `Alias` (an alias value
    /// is taken), `MissingPool`.
    async fn insert_user(&self, user: &UserRecord, aliases: &[AliasRecord]) -> StoreResult<()>;
    /// The user with this username key.
    async fn get_user(&self, pool_id: &str, username_key: &str) -> StoreResult<Option<UserRecord>>;
    /// The user with this `sub`.
    async fn get_user_by_sub(&self, pool_id: &str, sub: &str) -> StoreResult<Option<UserRecord>>;
    /// The user with this `sub`, and whether the sign-in session
    /// `origin_jti` was revoked (`revoked_origins`): what every
    /// token-authorised operation asks, in one round trip.
    async fn get_user_by_sub_for_origin(
        &self,
        pool_id: &str,
        sub: &str,
        origin_jti: &str,
    ) -> StoreResult<Option<(UserRecord, bool)>>;
    /// The user holding this alias.
    async fn get_user_by_alias(
        &self,
        pool_id: &str,
        kind: &str,
        value_key: &str,
    ) -> StoreResult<Option<UserRecord>>;
    /// Writes `after` over the user's row if the stored version is still
    /// `before.version`, and (when `aliases` is Some) replaces its alias set,
    /// in one transaction. `before` is the row as the caller read it: only
    /// the columns in which `after` differs from it are written (so the
    /// indexes of unchanged columns are left alone), and `version` always.
    /// Ok(false) when the user is gone or the version moved on; `Conflict`
    /// (`Alias`) when a new alias is held by another user.
    async fn update_user(
        &self,
        before: &UserRecord,
        after: &UserRecord,
        aliases: Option<&[AliasRecord]>,
    ) -> StoreResult<bool>;
    /// Deletes a user with its aliases and codes; false when there was none.
    async fn delete_user(&self, pool_id: &str, username_key: &str) -> StoreResult<bool>;
    /// Up to `limit` users matching the filter, after `after`, ordered by
    /// username key, or by (value, username key) when the filter
    /// [sorts by value](UserFilter::sorts_by_value) — served by an index on
    /// (pool_id, column, username_key) that the query stops reading after
    /// `limit` rows, never a full scan.
    async fn list_users(
        &self,
        pool_id: &str,
        filter: Option<&UserFilter>,
        after: Option<&UserCursor>,
        limit: u32,
    ) -> StoreResult<Vec<UserRecord>>;
    /// How many users a pool has.
    async fn count_users(&self, pool_id: &str) -> StoreResult<u64>;
}

/// A one-time code (sign-up confirmation, forgot password, attribute
/// verification), stored only as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRecord {
    /// The owning pool.
    pub pool_id: String,
    /// The user's username key.
    pub username_key: String,
    /// What the code is for: `SIGNUP`, `FORGOT`, `VERIFY:email`, …
    pub purpose: String,
    /// Hash of the code (see the service's code module).
    pub code_hash: Vec<u8>,
    /// Expiry, ms since the epoch.
    pub expires_ms: i64,
    /// Failed attempts so far.
    pub attempts: i64,
    /// Codes sent in the current rate window.
    pub sends: i64,
    /// Start of the current rate window, ms.
    pub window_start_ms: i64,
}

/// One-time codes.
#[async_trait]
pub trait CodeStore: Send + Sync {
    /// Inserts or replaces the code of (pool, user, purpose).
    async fn put_code(&self, code: &CodeRecord) -> StoreResult<()>;
    /// The current code of (pool, user, purpose).
    async fn get_code(
        &self,
        pool_id: &str,
        username_key: &str,
        purpose: &str,
    ) -> StoreResult<Option<CodeRecord>>;
    /// Adds one failed attempt atomically; returns the new count (0 if no code).
    async fn add_code_attempt(
        &self,
        pool_id: &str,
        username_key: &str,
        purpose: &str,
    ) -> StoreResult<i64>;
    /// Deletes the code if its hash is still `code_hash` (single use: of two
    /// concurrent redemptions exactly one gets true).
    async fn take_code(
        &self,
        pool_id: &str,
        username_key: &str,
        purpose: &str,
        code_hash: &[u8],
    ) -> StoreResult<bool>;
}

/// A message kognit sent (kept in the developer outbox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    /// Assigned by the store on insert (ignored when adding).
    pub id: i64,
    /// The pool.
    pub pool_id: String,
    /// The recipient's username.
    pub username: String,
    /// `EMAIL` or `SMS`.
    pub channel: String,
    /// Email address or phone number.
    pub destination: String,
    /// Email subject (None for SMS).
    pub subject: Option<String>,
    /// The rendered text.
    pub body: String,
    /// The code the message carries, if any.
    pub code: Option<String>,
    /// When it was sent, ms.
    pub created_ms: i64,
}

/// The developer outbox.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Appends a message.
    async fn add_message(&self, msg: &OutboxRecord) -> StoreResult<()>;
    /// Messages newest first, optionally for one pool and/or one username,
    /// and only those older than the message `before_id` (the next page
    /// after a page whose last message had that id).
    async fn list_messages(
        &self,
        pool_id: Option<&str>,
        username: Option<&str>,
        before_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxRecord>>;
}
