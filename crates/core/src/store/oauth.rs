//! Storage of OAuth 2.0 authorization codes (`/oauth2/authorize` issues
//! them, `/oauth2/token` redeems them).

use async_trait::async_trait;

use super::StoreResult;

/// A stored authorization code: what the token endpoint needs to mint the
/// tokens of the sign-in it stands for. Only the code's SHA-256 is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthCodeRecord {
    /// SHA-256 of the code (primary key).
    pub code_hash: Vec<u8>,
    /// The pool.
    pub pool_id: String,
    /// The signed-in user's username key.
    pub username_key: String,
    /// The app client the code was issued to.
    pub client_id: String,
    /// The `redirect_uri` of the authorization request; the token request
    /// must name the same.
    pub redirect_uri: String,
    /// The granted scopes, space-separated.
    pub scope: String,
    /// The authorization request's `nonce`, for the ID token.
    pub nonce: Option<String>,
    /// The PKCE `code_challenge` (S256), when the request had one.
    pub code_challenge: Option<String>,
    /// The session the tokens will belong to.
    pub origin_jti: String,
    /// When the user authenticated, seconds since the epoch.
    pub auth_time: i64,
    /// Issued, ms.
    pub created_ms: i64,
    /// Expiry, ms (Cognito's five minutes after issue).
    pub expires_ms: i64,
}

/// Authorization codes.
#[async_trait]
pub trait OAuthCodeStore: Send + Sync {
    /// Stores a new code. `Conflict::MissingUser` when the user is gone.
    async fn insert_oauth_code(&self, code: &OAuthCodeRecord) -> StoreResult<()>;
    /// Removes the code and answers it: a code is redeemed once, so of two
    /// callers racing for it only one gets it. Expired codes are answered
    /// too (the caller judges expiry by its clock) and removed likewise.
    async fn take_oauth_code(&self, code_hash: &[u8]) -> StoreResult<Option<OAuthCodeRecord>>;
}
