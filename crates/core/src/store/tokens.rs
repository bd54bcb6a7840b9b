//! Storage of token-signing keys, refresh tokens and revocations.

use async_trait::async_trait;

use super::StoreResult;

/// An RSA key a pool signs ID or access tokens with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    /// The pool.
    pub pool_id: String,
    /// The key id (`kid` in token headers and the JWKS); unique per pool
    /// ([`Conflict::SigningKey`](crate::store::Conflict)).
    pub kid: String,
    /// `id` or `access`: Cognito signs the two token kinds with different keys.
    pub token_use: String,
    /// The PKCS#8 private key, sealed under the master key.
    pub sealed_private: Vec<u8>,
    /// The public key as a JWK (JSON text).
    pub public_jwk: String,
    /// When the key was made, ms.
    pub created_ms: i64,
    /// When the key stopped signing (a newer key took over), ms.
    pub retired_ms: Option<i64>,
}

/// A refresh token, stored only as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenRecord {
    /// SHA-256 of the opaque token (primary key; [`Conflict::RefreshToken`](crate::store::Conflict)).
    pub token_hash: Vec<u8>,
    /// The pool.
    pub pool_id: String,
    /// The user's username key.
    pub username_key: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The `origin_jti` of the sign-in that began this session (shared by
    /// every token refreshed from it; revoking it revokes them all).
    pub origin_jti: String,
    /// The remembered device, if the sign-in used one.
    pub device_key: Option<String>,
    /// When the sign-in happened (`auth_time`), seconds since the epoch.
    pub auth_time: i64,
    /// Issued, ms.
    pub created_ms: i64,
    /// Expiry, ms.
    pub expires_ms: i64,
    /// Set when the token was revoked or rotated away.
    pub revoked_ms: Option<i64>,
    /// The OAuth scopes of a session begun at the authorization server
    /// (`/oauth2/token`), space-separated; None for API sign-in, whose
    /// tokens carry `aws.cognito.signin.user.admin`.
    pub scope: Option<String>,
}

/// Signing keys.
#[async_trait]
pub trait SigningKeyStore: Send + Sync {
    /// Inserts a key; `Conflict` if the kid is taken.
    async fn insert_signing_key(&self, key: &SigningKeyRecord) -> StoreResult<()>;
    /// All of a pool's keys, oldest first (retired ones too).
    async fn list_signing_keys(&self, pool_id: &str) -> StoreResult<Vec<SigningKeyRecord>>;
    /// Marks every unretired key of this kind in the pool retired at `now`,
    /// except `keep_kid`, in one statement (key rotation).
    async fn retire_signing_keys(
        &self,
        pool_id: &str,
        token_use: &str,
        keep_kid: &str,
        now_ms: i64,
    ) -> StoreResult<()>;
    /// Deletes keys retired before `before_ms` (their tokens have expired).
    async fn delete_retired_keys(&self, pool_id: &str, before_ms: i64) -> StoreResult<u64>;
}

/// Refresh tokens and revocations.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Stores a new refresh token.
    async fn insert_refresh_token(&self, token: &RefreshTokenRecord) -> StoreResult<()>;
    /// The refresh token with this hash.
    async fn get_refresh_token(&self, token_hash: &[u8])
    -> StoreResult<Option<RefreshTokenRecord>>;
    /// Marks one refresh token revoked, if it is not yet; true when this call
    /// revoked it (so of two concurrent rotations only one proceeds).
    async fn revoke_refresh_token(&self, token_hash: &[u8], now_ms: i64) -> StoreResult<bool>;
    /// Revokes every refresh token of a session (same origin_jti) and records
    /// the origin as revoked until `expires_ms`, so access and ID tokens of
    /// that session are refused too.
    async fn revoke_origin(
        &self,
        pool_id: &str,
        origin_jti: &str,
        expires_ms: i64,
        now_ms: i64,
    ) -> StoreResult<()>;
    /// Whether tokens of this origin were revoked.
    async fn is_origin_revoked(&self, pool_id: &str, origin_jti: &str) -> StoreResult<bool>;
    /// Global sign-out: revokes every refresh token of a user and records every
    /// session (origin) the user began as revoked until `expires_ms`, so access
    /// and ID tokens of those sessions are refused too — exactly, with no
    /// clock-granularity window. One transaction; returns the tokens revoked.
    async fn revoke_user_refresh_tokens(
        &self,
        pool_id: &str,
        username_key: &str,
        expires_ms: i64,
        now_ms: i64,
    ) -> StoreResult<u64>;
    /// Ends every session begun through one app client: records the origin
    /// of each of the client's unrevoked refresh tokens (expired or not) as
    /// revoked until `expires_ms`, so the access and ID tokens of those
    /// sessions are refused too, then revokes those refresh tokens at
    /// `now_ms`. One transaction, found through the client's index, never a
    /// scan. Returns how many sessions it ended: the distinct origins among
    /// the tokens it revoked that had not expired at `now_ms`.
    async fn revoke_client_refresh_tokens(
        &self,
        pool_id: &str,
        client_id: &str,
        expires_ms: i64,
        now_ms: i64,
    ) -> StoreResult<u64>;
}
