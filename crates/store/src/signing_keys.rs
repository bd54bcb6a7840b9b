//! [`SigningKeyStore`]: the `signing_keys` table. Every call is one
//! statement, so each is atomic without a transaction.

use async_trait::async_trait;
use kognit_core::store::{SigningKeyRecord, SigningKeyStore, StoreResult};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::backend::Backend;
use crate::{Sql, errors};

/// The foreign key from a key to its pool.
const POOL_FKEY: &str = "signing_keys_pool_id_fkey";

/// Decodes a row selected as `pool_id, kid, token_use, sealed_private,
/// public_jwk, created_ms, retired_ms`.
fn record(row: &AnyRow) -> Result<SigningKeyRecord, sqlx::Error> {
    Ok(SigningKeyRecord {
        pool_id: row.try_get(0)?,
        kid: row.try_get(1)?,
        token_use: row.try_get(2)?,
        sealed_private: row.try_get(3)?,
        public_jwk: row.try_get(4)?,
        created_ms: row.try_get(5)?,
        retired_ms: row.try_get(6)?,
    })
}

#[async_trait]
impl<B: Backend> SigningKeyStore for Sql<B> {
    async fn insert_signing_key(&self, key: &SigningKeyRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO signing_keys (pool_id, kid, token_use, sealed_private, public_jwk, \
             created_ms, retired_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(key.pool_id.as_str())
        .bind(key.kid.as_str())
        .bind(key.token_use.as_str())
        .bind(key.sealed_private.as_slice())
        .bind(key.public_jwk.as_str())
        .bind(key.created_ms)
        .bind(key.retired_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::fk(POOL_FKEY))?;
        Ok(())
    }

    async fn list_signing_keys(&self, pool_id: &str) -> StoreResult<Vec<SigningKeyRecord>> {
        // A pool holds a handful of keys: sorting them costs nothing, and the
        // kid breaks ties so the JWKS order is stable.
        let rows = sqlx::query(
            "SELECT pool_id, kid, token_use, sealed_private, public_jwk, created_ms, retired_ms \
             FROM signing_keys WHERE pool_id = $1 ORDER BY created_ms, kid",
        )
        .bind(pool_id)
        .fetch_all(&self.db.read)
        .await
        .map_err(errors::db)?;
        rows.iter()
            .map(record)
            .collect::<Result<_, _>>()
            .map_err(errors::db)
    }

    async fn retire_signing_keys(
        &self,
        pool_id: &str,
        token_use: &str,
        keep_kid: &str,
        now_ms: i64,
    ) -> StoreResult<()> {
        // `retired_ms IS NULL` keeps the retirement time of keys retired
        // earlier, which is what delete_retired_keys measures from.
        sqlx::query(
            "UPDATE signing_keys SET retired_ms = $4 \
             WHERE pool_id = $1 AND token_use = $2 AND kid <> $3 AND retired_ms IS NULL",
        )
        .bind(pool_id)
        .bind(token_use)
        .bind(keep_kid)
        .bind(now_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(())
    }

    async fn delete_retired_keys(&self, pool_id: &str, before_ms: i64) -> StoreResult<u64> {
        // An unretired key has retired_ms NULL, which no comparison matches.
        let done = sqlx::query("DELETE FROM signing_keys WHERE pool_id = $1 AND retired_ms < $2")
            .bind(pool_id)
            .bind(before_ms)
            .execute(&self.db.write)
            .await
            .map_err(errors::db)?;
        Ok(done.rows_affected())
    }
}
