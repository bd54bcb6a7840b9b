//! Storage of token sessions (one per sign-in, tracked when the pool turns
//! session tracking on) and of the auth-event history.

use async_trait::async_trait;

use super::StoreResult;

/// A token session: one sign-in's refresh-token family, named by the sign-in's
/// `origin_jti`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSessionRecord {
    /// The pool.
    pub pool_id: String,
    /// `tkn` and 25 lowercase alphanumerics, derived from the origin; unique
    /// per pool ([`Conflict::TokenSession`](crate::store::Conflict)).
    pub session_id: String,
    /// The `origin_jti` of the sign-in that began the session.
    pub origin_jti: String,
    /// The user's username key.
    pub username_key: String,
    /// The app client the session's tokens were issued to.
    pub client_id: String,
    /// The sign-in, ms.
    pub created_ms: i64,
    /// The latest sign-in, refresh or rotation, ms.
    pub last_active_ms: i64,
    /// When the session's newest refresh token expires, ms.
    pub expires_ms: i64,
    /// The caller's IP address at the latest activity.
    pub last_ip: Option<String>,
    /// The caller's device as read from its User-Agent at the latest activity.
    pub device_type: Option<String>,
}

/// The latest activity on a session (a refresh or a rotation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionActivity {
    /// When, ms.
    pub at_ms: i64,
    /// The caller's IP address.
    pub ip: Option<String>,
    /// The caller's device.
    pub device_type: Option<String>,
    /// The expiry of a refresh token issued by a rotation; None keeps the
    /// session's expiry.
    pub expires_ms: Option<i64>,
}

/// One recorded authentication event of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthEventRecord {
    /// The pool.
    pub pool_id: String,
    /// The user's username key.
    pub username_key: String,
    /// The event id (a UUID); unique per pool ([`Conflict::AuthEvent`](crate::store::Conflict)).
    pub event_id: String,
    /// Cognito's EventType: `SignIn`, `SignUp`, ….
    pub event_type: String,
    /// When, ms.
    pub created_ms: i64,
    /// Cognito's EventResponse: `Pass`, `Fail` or `InProgress`.
    pub response: String,
    /// The challenges and their results as JSON text, e.g.
    /// `[["Password","Success"]]`.
    pub challenges: String,
    /// The caller's IP address.
    pub ip: Option<String>,
    /// The caller's device as read from its User-Agent.
    pub device_name: Option<String>,
    /// Feedback on the event: `Valid` or `Invalid`.
    pub feedback_value: Option<String>,
    /// Who gave the feedback (`Admin`, `User`).
    pub feedback_provider: Option<String>,
    /// When the feedback was given, ms.
    pub feedback_ms: Option<i64>,
}

/// Feedback on one auth event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFeedback<'a> {
    /// `Valid` or `Invalid`.
    pub value: &'a str,
    /// Who gave it.
    pub provider: &'a str,
    /// When, ms.
    pub at_ms: i64,
}

/// Token sessions.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session. When the user already holds `max_per_user` or
    /// more live sessions, the least recently active ones are ended first
    /// (revoked as [`super::TokenStore::revoke_origin`] does, until
    /// `revoked_until_ms`, and their records deleted) so that the new one
    /// makes `max_per_user`. One transaction, serialized per user; returns how
    /// many sessions were ended. `Conflict` if the user is gone.
    async fn insert_token_session(
        &self,
        session: &TokenSessionRecord,
        max_per_user: u32,
        revoked_until_ms: i64,
    ) -> StoreResult<u64>;
    /// Records activity on a session; false when there is no such record.
    async fn touch_token_session(
        &self,
        pool_id: &str,
        session_id: &str,
        activity: &SessionActivity,
    ) -> StoreResult<bool>;
    /// The session with this id, live or not.
    async fn get_token_session(
        &self,
        pool_id: &str,
        session_id: &str,
    ) -> StoreResult<Option<TokenSessionRecord>>;
    /// Up to `limit` live sessions of a user (not expired at `now_ms`, origin
    /// not revoked) ordered by session id, after `after` when given.
    async fn list_token_sessions(
        &self,
        pool_id: &str,
        username_key: &str,
        now_ms: i64,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<TokenSessionRecord>>;
    /// Ends a session: deletes its record and revokes its origin and refresh
    /// tokens (as `revoke_origin`) in one transaction; false when there was
    /// no such record.
    async fn revoke_token_session(
        &self,
        pool_id: &str,
        session_id: &str,
        revoked_until_ms: i64,
        now_ms: i64,
    ) -> StoreResult<bool>;
}

/// The auth-event history.
#[async_trait]
pub trait AuthEventStore: Send + Sync {
    /// Stores an event; `Conflict` if the user is gone or the id is taken.
    async fn insert_auth_event(&self, event: &AuthEventRecord) -> StoreResult<()>;
    /// Up to `limit` events of a user, newest first, continuing after the
    /// position `before` returned with an earlier page. Each event comes with
    /// its position.
    async fn list_auth_events(
        &self,
        pool_id: &str,
        username_key: &str,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<(i64, AuthEventRecord)>>;
    /// Stores feedback on an event of this user; false when the user has no
    /// such event.
    async fn set_auth_event_feedback(
        &self,
        pool_id: &str,
        username_key: &str,
        event_id: &str,
        feedback: &EventFeedback<'_>,
    ) -> StoreResult<bool>;
}
