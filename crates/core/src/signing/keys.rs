//! A pool's signing keys as stored and loaded: one active key for ID tokens
//! and one for access tokens (Cognito signs the two with different keys),
//! private keys sealed at rest, public keys published as the pool's JWKS.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html>

use serde_json::{Map, Value, json};

use super::rsa::{PrivateKey, PublicKey};
use super::{RETIRED_KEY_RETENTION_MS, TokenUse, jwt};
use crate::crypto::SecretBox;
use crate::store::SigningKeyRecord;
use crate::{Error, Result};

/// The associated data binding a sealed private key to its row, so a key
/// copied to another pool, kid or token kind does not open.
fn key_aad(pool_id: &str, kid: &str, token_use: &str) -> Vec<u8> {
    format!("kognit signing key v1\0{pool_id}\0{kid}\0{token_use}").into_bytes()
}

/// The stored form of a new key; `now_ms` is its creation time. The kid is the
/// key's RFC 7638 thumbprint, so two keys never share one.
pub fn new_key_record(
    secrets: &SecretBox,
    pool_id: &str,
    token_use: TokenUse,
    key: &PrivateKey,
    now_ms: i64,
) -> Result<SigningKeyRecord> {
    let public = key.public_key()?;
    let kid = public.thumbprint_kid();
    let aad = key_aad(pool_id, &kid, token_use.as_str());
    Ok(SigningKeyRecord {
        pool_id: pool_id.to_owned(),
        sealed_private: secrets.seal(&key.to_pkcs8()?, &aad),
        public_jwk: public.jwk(&kid).to_string(),
        kid,
        token_use: token_use.as_str().to_owned(),
        created_ms: now_ms,
        retired_ms: None,
    })
}

/// The key that signs one kind of token.
struct Signer {
    kid: String,
    key: PrivateKey,
}

/// A key that verifies tokens (active, or retired within the retention time).
struct Verifier {
    kid: String,
    token_use: TokenUse,
    key: PublicKey,
    jwk: Value,
    retired_ms: Option<i64>,
}

/// A pool's keys as loaded: the signer of each kind, and every key that may
/// still verify.
pub struct PoolKeys {
    pub(super) pool_id: String,
    id: Signer,
    access: Signer,
    verifiers: Vec<Verifier>,
}

impl PoolKeys {
    /// Builds the key set from stored records; `None` when a kind has no
    /// unretired key. When several unretired keys of a kind exist (two nodes
    /// created one at once), the newest signs and all of them verify.
    pub fn from_records(
        pool_id: &str,
        records: &[SigningKeyRecord],
        secrets: &SecretBox,
    ) -> Result<Option<Self>> {
        let (Some(id), Some(access)) = (
            newest_active(records, TokenUse::Id),
            newest_active(records, TokenUse::Access),
        ) else {
            return Ok(None);
        };
        let mut verifiers = Vec::with_capacity(records.len());
        for r in records {
            let Some(token_use) = TokenUse::parse(&r.token_use) else {
                continue;
            };
            let jwk: Value = serde_json::from_str(&r.public_jwk).map_err(Error::internal)?;
            let (_, key) = PublicKey::from_jwk(&jwk)?;
            verifiers.push(Verifier {
                kid: r.kid.clone(),
                token_use,
                key,
                jwk,
                retired_ms: r.retired_ms,
            });
        }
        Ok(Some(Self {
            pool_id: pool_id.to_owned(),
            id: open_signer(id, secrets)?,
            access: open_signer(access, secrets)?,
            verifiers,
        }))
    }

    /// The pool these keys belong to.
    pub fn pool_id(&self) -> &str {
        &self.pool_id
    }

    /// The kid that signs tokens of this kind.
    pub fn signing_kid(&self, token_use: TokenUse) -> &str {
        &self.signer(token_use).kid
    }

    /// Signs `claims` with the active key of this kind.
    pub fn sign(&self, token_use: TokenUse, claims: &Map<String, Value>) -> Result<String> {
        let s = self.signer(token_use);
        jwt::encode(&s.key, &s.kid, claims)
    }

    /// The key with this kid, with the kind it signs, if it may verify at `now_ms`.
    pub fn verifying_key(&self, kid: &str, now_ms: i64) -> Option<(TokenUse, &PublicKey)> {
        self.verifiers
            .iter()
            .find(|v| v.kid == kid && still_verifies(v.retired_ms, now_ms))
            .map(|v| (v.token_use, &v.key))
    }

    /// The JWKS document (`{"keys":[…]}`) of every key that may verify at `now_ms`.
    pub fn jwks(&self, now_ms: i64) -> Value {
        let keys: Vec<Value> = self
            .verifiers
            .iter()
            .filter(|v| still_verifies(v.retired_ms, now_ms))
            .map(|v| v.jwk.clone())
            .collect();
        json!({ "keys": keys })
    }

    fn signer(&self, token_use: TokenUse) -> &Signer {
        match token_use {
            TokenUse::Id => &self.id,
            TokenUse::Access => &self.access,
        }
    }
}

fn still_verifies(retired_ms: Option<i64>, now_ms: i64) -> bool {
    retired_ms.is_none_or(|r| now_ms < r.saturating_add(RETIRED_KEY_RETENTION_MS))
}

/// The newest unretired key of a kind; ties (equal clocks on two nodes) go to
/// the greater kid so every node picks the same one.
pub(crate) fn newest_active(
    records: &[SigningKeyRecord],
    token_use: TokenUse,
) -> Option<&SigningKeyRecord> {
    records
        .iter()
        .filter(|r| r.token_use == token_use.as_str() && r.retired_ms.is_none())
        .max_by(|a, b| (a.created_ms, &a.kid).cmp(&(b.created_ms, &b.kid)))
}

fn open_signer(r: &SigningKeyRecord, secrets: &SecretBox) -> Result<Signer> {
    Ok(Signer {
        kid: r.kid.clone(),
        key: open_private_key(r, secrets)?,
    })
}

/// The private key of a stored record, opened.
pub(crate) fn open_private_key(r: &SigningKeyRecord, secrets: &SecretBox) -> Result<PrivateKey> {
    let der = secrets
        .open(
            &r.sealed_private,
            &key_aad(&r.pool_id, &r.kid, &r.token_use),
        )
        .ok_or_else(|| Error::internal(format!("signing key {} does not open", r.kid)))?;
    PrivateKey::from_pkcs8(&der)
}
