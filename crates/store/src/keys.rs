//! [`AccessKeyStore`]: the `access_keys` table.

use async_trait::async_trait;
use kognit_core::store::{AccessKeyRecord, AccessKeyStore, StoreResult};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::backend::Backend;
use crate::{Sql, errors};

/// Decodes a row selected as `id, sealed_secret, created_ms`.
fn record(row: &AnyRow) -> Result<AccessKeyRecord, sqlx::Error> {
    Ok(AccessKeyRecord {
        id: row.try_get("id")?,
        sealed_secret: row.try_get("sealed_secret")?,
        created_ms: row.try_get("created_ms")?,
    })
}

#[async_trait]
impl<B: Backend> AccessKeyStore for Sql<B> {
    async fn insert_access_key(&self, key: &AccessKeyRecord) -> StoreResult<()> {
        sqlx::query("INSERT INTO access_keys (id, sealed_secret, created_ms) VALUES ($1, $2, $3)")
            .bind(key.id.as_str())
            .bind(key.sealed_secret.as_slice())
            .bind(key.created_ms)
            .execute(&self.db.write)
            .await
            .map_err(errors::db)?;
        Ok(())
    }

    async fn get_access_key(&self, id: &str) -> StoreResult<Option<AccessKeyRecord>> {
        let row =
            sqlx::query("SELECT id, sealed_secret, created_ms FROM access_keys WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.db.read)
                .await
                .map_err(errors::db)?;
        row.as_ref().map(record).transpose().map_err(errors::db)
    }

    async fn count_access_keys(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_keys")
            .fetch_one(&self.db.read)
            .await
            .map_err(errors::db)?;
        // COUNT(*) is never negative.
        Ok(u64::try_from(n).unwrap_or_default())
    }
}
