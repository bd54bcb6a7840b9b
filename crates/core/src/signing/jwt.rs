//! JWTs in compact JWS form (`header.payload.signature`, RFC 7515/7519),
//! signed with RS256 and carrying Cognito's two-member header.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html>
//!
//! Decoding never panics: every malformed input is a [`JwtError`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use serde_json::{Map, Value};

use super::rsa::{ALG, PrivateKey, PublicKey};
use crate::{Error, Result};

/// Longest token accepted for decoding; Cognito's tokens are a few KB, and a
/// bound keeps a hostile input from costing more than a small allocation.
pub const MAX_TOKEN_LEN: usize = 64 * 1024;

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// Not three base64url parts of a JSON header and claims object, the
    /// header's `alg` is not RS256, or a required claim has the wrong type.
    #[error("malformed token")]
    Malformed,
    /// The header's `kid` names no key that may verify it.
    #[error("unknown signing key")]
    UnknownKey,
    /// The signature does not verify.
    #[error("bad signature")]
    BadSignature,
    /// `exp` is not in the future.
    #[error("token expired")]
    Expired,
}

/// Signs `claims` as a JWT with header `{"kid":…,"alg":"RS256"}`.
pub fn encode(key: &PrivateKey, kid: &str, claims: &Map<String, Value>) -> Result<String> {
    // Written by hand so the members keep Cognito's order (`kid` first): real
    // tokens begin `eyJraWQiOi`, and a serde map would sort `alg` first.
    let kid_json = serde_json::to_string(kid).map_err(Error::internal)?;
    let header = format!(r#"{{"kid":{kid_json},"alg":"{ALG}"}}"#);
    let payload = serde_json::to_vec(claims).map_err(Error::internal)?;
    let mut token = B64URL.encode(header.as_bytes());
    token.push('.');
    token.push_str(&B64URL.encode(payload));
    let sig = key.sign(token.as_bytes())?;
    token.push('.');
    token.push_str(&B64URL.encode(sig));
    Ok(token)
}

/// A token split and decoded but not yet verified: read `claims` only to pick
/// the key (through `iss` and `kid`), trust them only after [`Unverified::verify`].
#[derive(Debug, Clone)]
pub struct Unverified<'a> {
    /// The header's key id.
    pub kid: String,
    /// The payload.
    pub claims: Map<String, Value>,
    signing_input: &'a str,
    signature: Vec<u8>,
}

/// Splits and decodes a token without verifying it.
pub fn parse(token: &str) -> std::result::Result<Unverified<'_>, JwtError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(JwtError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let header = json_object(h)?;
    // Only RS256: accepting the header's word for another algorithm (`none`,
    // HS256 keyed with the public key) is the classic JWT forgery.
    if header.get("alg").and_then(Value::as_str) != Some(ALG) || header.contains_key("crit") {
        return Err(JwtError::Malformed);
    }
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or(JwtError::Malformed)?
        .to_owned();
    let claims = json_object(p)?;
    let signature = B64URL.decode(s).map_err(|_| JwtError::Malformed)?;
    Ok(Unverified {
        kid,
        claims,
        signing_input: &token[..h.len() + 1 + p.len()],
        signature,
    })
}

impl Unverified<'_> {
    /// Checks the signature with `key`.
    pub fn verify(&self, key: &PublicKey) -> std::result::Result<(), JwtError> {
        if key.verify(self.signing_input.as_bytes(), &self.signature) {
            Ok(())
        } else {
            Err(JwtError::BadSignature)
        }
    }

    /// A string claim, if present and a string.
    pub fn str_claim(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

/// Checks that `exp` (seconds) is after `now_ms`. No leeway: kognit's nodes
/// both issue and check, so only their clock skew (NTP keeps it well under a
/// second) separates the two readings of the clock.
pub fn check_exp(claims: &Map<String, Value>, now_ms: i64) -> std::result::Result<(), JwtError> {
    let exp = int_claim(claims, "exp").ok_or(JwtError::Malformed)?;
    if now_ms >= exp.saturating_mul(1000) {
        return Err(JwtError::Expired);
    }
    Ok(())
}

/// Parses, picks the key by `kid`, verifies the signature, then checks `exp`;
/// returns the claims.
pub fn decode<'k>(
    token: &str,
    key_for: impl FnOnce(&str) -> Option<&'k PublicKey>,
    now_ms: i64,
) -> std::result::Result<Map<String, Value>, JwtError> {
    let t = parse(token)?;
    let key = key_for(&t.kid).ok_or(JwtError::UnknownKey)?;
    t.verify(key)?;
    check_exp(&t.claims, now_ms)?;
    Ok(t.claims)
}

/// An integer claim (seconds since the epoch for `exp`, `iat`, `auth_time`).
pub fn int_claim(claims: &Map<String, Value>, name: &str) -> Option<i64> {
    claims.get(name).and_then(Value::as_i64)
}

fn json_object(part: &str) -> std::result::Result<Map<String, Value>, JwtError> {
    let bytes = B64URL.decode(part).map_err(|_| JwtError::Malformed)?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(JwtError::Malformed),
    }
}
