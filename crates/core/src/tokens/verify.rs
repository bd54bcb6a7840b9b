//! Verifying the access tokens that user-facing operations (GetUser,
//! ChangePassword, GlobalSignOut, …) take in place of AWS credentials.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html>
//!
//! Every refusal is `NotAuthorizedException` with Cognito's message.

use kognit_wire::error::ErrorCode;

use super::jwt::{self, JwtError, Unverified};
use super::{ADMIN_SCOPE, PoolKeys, TokenUse};
use crate::service::Service;
use crate::{Error, Result};

/// The claims of a verified access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    /// The pool that issued it (from `iss`).
    pub pool_id: String,
    /// The user's `sub`.
    pub sub: String,
    /// The user's username (`username`).
    pub username: String,
    /// The app client it was issued to.
    pub client_id: String,
    /// The session it belongs to (shared by tokens refreshed from one sign-in).
    pub origin_jti: String,
    /// This token's id.
    pub jti: String,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// When the user signed in, seconds since the epoch.
    pub auth_time: i64,
    /// The scopes, space-separated.
    pub scope: String,
    /// The remembered device, if any.
    pub device_key: Option<String>,
}

/// Cognito's answer for the token of a revoked session (RevokeToken, global
/// sign-out, a revoked session).
pub(crate) fn revoked() -> Error {
    refused("Access Token has been revoked")
}

fn refused(message: &str) -> Error {
    Error::new(ErrorCode::NotAuthorizedException, message)
}

fn invalid() -> Error {
    refused("Invalid Access Token")
}

impl Service {
    /// Verifies an access token for API use: signature by the issuing pool's
    /// access key, not expired, `token_use` access, the
    /// `aws.cognito.signin.user.admin` scope, and its session not revoked
    /// (RevokeToken and global sign-out both revoke sessions by origin).
    pub async fn verify_access_token(&self, token: &str, now_ms: i64) -> Result<AccessClaims> {
        let claims = self.access_token_claims(token, now_ms).await?;
        if self
            .store
            .is_origin_revoked(&claims.pool_id, &claims.origin_jti)
            .await?
        {
            return Err(revoked());
        }
        Ok(claims)
    }

    /// [`Service::verify_access_token`] but for the revocation check, which
    /// the caller makes (with its own read of the user, in one round trip).
    pub(crate) async fn access_token_claims(
        &self,
        token: &str,
        now_ms: i64,
    ) -> Result<AccessClaims> {
        self.access_token_claims_with(token, now_ms, &[ADMIN_SCOPE])
            .await
    }

    /// [`Service::access_token_claims`] for a token that must hold one of
    /// `scopes` (the userInfo endpoint takes `openid` too).
    pub(crate) async fn access_token_claims_with(
        &self,
        token: &str,
        now_ms: i64,
        scopes: &[&str],
    ) -> Result<AccessClaims> {
        let t = jwt::parse(token).map_err(|_| invalid())?;
        // The issuer names the pool; the signature check below (with that
        // pool's keys only) then proves the claim.
        let pool_id = t
            .str_claim("iss")
            .and_then(|iss| iss.strip_prefix(&self.settings.issuer_base))
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|id| !id.is_empty() && !id.contains('/'))
            .ok_or_else(invalid)?
            .to_owned();
        let unknown_pool = |e: Error| match e.code {
            ErrorCode::ResourceNotFoundException => invalid(),
            _ => e,
        };
        let mut keys = self
            .pool_keys(&pool_id, now_ms)
            .await
            .map_err(unknown_pool)?;
        if keys.verifying_key(&t.kid, now_ms).is_none() {
            // Signed by a key this node has not seen yet: another node may
            // have rotated. One reload, then refuse.
            keys = self
                .reload_pool_keys(&pool_id, now_ms)
                .await
                .map_err(unknown_pool)?;
        }
        check_scoped(&keys, &t, now_ms, scopes)
    }
}

/// The store-free part of [`Service::verify_access_token`]: signature with an
/// access key of `keys`, expiry, `token_use`, scope, and the claims' shape.
pub fn check_access_token(
    keys: &PoolKeys,
    t: &Unverified<'_>,
    now_ms: i64,
) -> Result<AccessClaims> {
    check_scoped(keys, t, now_ms, &[ADMIN_SCOPE])
}

/// [`check_access_token`] with one of `scopes` required.
fn check_scoped(
    keys: &PoolKeys,
    t: &Unverified<'_>,
    now_ms: i64,
    scopes: &[&str],
) -> Result<AccessClaims> {
    let (kind, key) = keys.verifying_key(&t.kid, now_ms).ok_or_else(invalid)?;
    t.verify(key).map_err(|_| invalid())?;
    // Expiry only after the signature: a forged token learns nothing.
    match jwt::check_exp(&t.claims, now_ms) {
        Ok(()) => {}
        Err(JwtError::Expired) => return Err(refused("Access Token has expired")),
        Err(_) => return Err(invalid()),
    }
    // An ID token is signed by the ID key and says `token_use: id`; either
    // refuses it here.
    if kind != TokenUse::Access || t.str_claim("token_use") != Some(TokenUse::Access.as_str()) {
        return Err(invalid());
    }
    let scope = t.str_claim("scope").unwrap_or_default();
    if !scope.split_whitespace().any(|s| scopes.contains(&s)) {
        return Err(refused("Access Token does not have required scopes"));
    }
    let s = |name: &str| t.str_claim(name).map(str::to_owned).ok_or_else(invalid);
    let n = |name: &str| jwt::int_claim(&t.claims, name).ok_or_else(invalid);
    Ok(AccessClaims {
        pool_id: keys.pool_id().to_owned(),
        sub: s("sub")?,
        username: s("username")?,
        client_id: s("client_id")?,
        origin_jti: s("origin_jti")?,
        jti: s("jti")?,
        iat: n("iat")?,
        exp: n("exp")?,
        auth_time: n("auth_time")?,
        scope: scope.to_owned(),
        device_key: t.str_claim("device_key").map(str::to_owned),
    })
}
