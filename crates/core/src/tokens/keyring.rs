//! The store-backed key operations: loading a pool's keys into the node's
//! cache (creating its first ones), the JWKS, and rotation.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html>

use std::sync::Arc;

use serde_json::Value;

use super::{RETIRED_KEY_RETENTION_MS, TokenUse};
use crate::service::{Admin, Service};
use crate::signing::keys::newest_active;
use crate::signing::rsa::PrivateKey;
use crate::signing::{PoolKeys, new_key_record};
use crate::store::{SigningKeyRecord, StoreError};
use crate::{Error, Result};

impl Service {
    /// The pool's keys, from the node's cache when fresh; creates the pool's
    /// first keys when it has none. ResourceNotFoundException for unknown pools.
    pub async fn pool_keys(&self, pool_id: &str, now_ms: i64) -> Result<Arc<PoolKeys>> {
        match self.token_keys.get(pool_id) {
            Some(keys) => Ok(keys),
            None => self.reload_pool_keys(pool_id, now_ms).await,
        }
    }

    /// Reloads the pool's keys from the store, bypassing the cache (a token
    /// named a kid the cached set lacks: another node may have rotated).
    pub(crate) async fn reload_pool_keys(
        &self,
        pool_id: &str,
        now_ms: i64,
    ) -> Result<Arc<PoolKeys>> {
        self.load_pool(pool_id).await?;
        let records = self.store.list_signing_keys(pool_id).await?;
        let keys = match PoolKeys::from_records(pool_id, &records, &self.secrets)? {
            Some(keys) => keys,
            None => self.create_missing_keys(pool_id, now_ms).await?,
        };
        let keys = Arc::new(keys);
        self.token_keys.put(Arc::clone(&keys));
        Ok(keys)
    }

    /// The pool's JWKS (`{"keys":[…]}`): active keys and those retired within
    /// the retention time, as served at `<issuer>/.well-known/jwks.json`.
    pub async fn jwks(&self, pool_id: &str, now_ms: i64) -> Result<Value> {
        Ok(self.pool_keys(pool_id, now_ms).await?.jwks(now_ms))
    }

    /// Makes new ID and access keys, retires the previous ones (they keep
    /// verifying for a day, the longest token lifetime) and deletes keys
    /// retired longer ago than that.
    pub async fn rotate_signing_keys(
        &self,
        _admin: &Admin,
        pool_id: &str,
        now_ms: i64,
    ) -> Result<()> {
        self.load_pool(pool_id).await?;
        for token_use in TokenUse::ALL {
            let rec = self.generate_key_record(pool_id, token_use, now_ms).await?;
            self.store.insert_signing_key(&rec).await?;
            self.store
                .retire_signing_keys(pool_id, token_use.as_str(), &rec.kid, now_ms)
                .await?;
        }
        self.store
            .delete_retired_keys(pool_id, now_ms - RETIRED_KEY_RETENTION_MS)
            .await?;
        self.token_keys.forget(pool_id);
        Ok(())
    }

    /// Makes `key` the key that signs the pool's tokens of this kind (a key
    /// an operator fixed, e.g. in a seed file): stored, if it is not yet,
    /// and every other unretired key of the kind retired (they still verify
    /// what they signed).
    pub(crate) async fn install_signing_key(
        &self,
        pool_id: &str,
        token_use: TokenUse,
        key: &PrivateKey,
        now_ms: i64,
    ) -> Result<()> {
        let rec = new_key_record(&self.secrets, pool_id, token_use, key, now_ms)?;
        match self.store.insert_signing_key(&rec).await {
            // A kid clash means the very same key is already stored.
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
        self.store
            .retire_signing_keys(pool_id, token_use.as_str(), &rec.kid, now_ms)
            .await?;
        self.token_keys.forget(pool_id);
        Ok(())
    }

    /// Creates the keys a pool lacks. Two nodes may do this at once: each
    /// re-lists afterwards, the newest key of each kind signs everywhere, and
    /// the others are retired (they still verify what they signed meanwhile).
    async fn create_missing_keys(&self, pool_id: &str, now_ms: i64) -> Result<PoolKeys> {
        let _creating = self.token_keys.creating.lock().await;
        let records = self.store.list_signing_keys(pool_id).await?;
        for token_use in TokenUse::ALL {
            if newest_active(&records, token_use).is_none() {
                let rec = self.generate_key_record(pool_id, token_use, now_ms).await?;
                match self.store.insert_signing_key(&rec).await {
                    // A kid clash means the very same key is already stored.
                    Ok(()) | Err(StoreError::Conflict(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        let records = self.store.list_signing_keys(pool_id).await?;
        for token_use in TokenUse::ALL {
            let active = records
                .iter()
                .filter(|r| r.token_use == token_use.as_str() && r.retired_ms.is_none());
            if let (2.., Some(newest)) = (active.count(), newest_active(&records, token_use)) {
                self.store
                    .retire_signing_keys(pool_id, token_use.as_str(), &newest.kid, now_ms)
                    .await?;
            }
        }
        PoolKeys::from_records(pool_id, &records, &self.secrets)?.ok_or_else(|| {
            Error::internal(format!(
                "pool {pool_id} has no signing keys after creating them"
            ))
        })
    }

    /// A new key, generated on the blocking pool (RSA generation takes tens to
    /// hundreds of milliseconds), sealed for storage.
    async fn generate_key_record(
        &self,
        pool_id: &str,
        token_use: TokenUse,
        now_ms: i64,
    ) -> Result<SigningKeyRecord> {
        let key = tokio::task::spawn_blocking(PrivateKey::generate)
            .await
            .map_err(|e| Error::internal(format!("key generation task: {e}")))??;
        new_key_record(&self.secrets, pool_id, token_use, &key, now_ms)
    }
}
