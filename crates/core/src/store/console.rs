//! Storage of the admin console: its sign-in sessions and the audit log of
//! what administrators did through it.

use async_trait::async_trait;

use super::StoreResult;

/// A signed-in console administrator's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleSessionRecord {
    /// SHA-256 of the session cookie's token (primary key): a leaked table
    /// holds no usable cookie.
    pub token_hash: Vec<u8>,
    /// Who signed in: an access key id, or `console:<name>`.
    pub principal: String,
    /// Sign-in, ms.
    pub created_ms: i64,
    /// The latest request of the session, ms (the idle timeout counts from it).
    pub seen_ms: i64,
    /// The session ends at this moment whatever its activity, ms.
    pub expires_ms: i64,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Increasing in the order entries were written; the store assigns it.
    pub id: i64,
    /// When, ms.
    pub at_ms: i64,
    /// Who: the session's principal.
    pub actor: String,
    /// What: the operation (`AdminCreateUser`, `Kognit.RevokeClientSessions`,
    /// `ConsoleSignIn`, …).
    pub action: String,
    /// The pool it concerned, if one.
    pub pool_id: Option<String>,
    /// The user (or other object: a group, a client) it concerned, if one.
    pub target: Option<String>,
    /// `ok`, or the Cognito error code it failed with.
    pub outcome: String,
    /// The caller's IP address.
    pub ip: Option<String>,
}

/// Which audit entries to list (each given field must match exactly).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this actor's.
    pub actor: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only this pool's.
    pub pool_id: Option<String>,
    /// Only those concerning this user or object.
    pub target: Option<String>,
    /// Only `ok`, or only failures (`Some(false)`).
    pub succeeded: Option<bool>,
}

/// Console sessions and the audit log.
#[async_trait]
pub trait ConsoleStore: Send + Sync {
    /// Stores a new session.
    async fn insert_console_session(&self, s: &ConsoleSessionRecord) -> StoreResult<()>;
    /// The session with this token hash.
    async fn get_console_session(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<ConsoleSessionRecord>>;
    /// Records activity on a session.
    async fn touch_console_session(&self, token_hash: &[u8], seen_ms: i64) -> StoreResult<()>;
    /// Ends a session; false if there was none.
    async fn delete_console_session(&self, token_hash: &[u8]) -> StoreResult<bool>;
    /// Appends an entry (its `id` is ignored and assigned by the store).
    async fn insert_audit(&self, entry: &AuditRecord) -> StoreResult<()>;
    /// Entries matching `filter` with an id below `before` (all when None),
    /// newest first, at most `limit`.
    async fn list_audit(
        &self,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditRecord>>;
}
