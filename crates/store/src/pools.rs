//! [`PoolStore`]: the `user_pools` table.

use async_trait::async_trait;
use kognit_core::store::{PoolRecord, PoolStore, StoreResult};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::backend::Backend;
use crate::{Sql, errors};

/// Decodes a row selected as `id, name, config, created_ms, version`.
fn record(row: &AnyRow) -> Result<PoolRecord, sqlx::Error> {
    Ok(PoolRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        config: row.try_get("config")?,
        created_ms: row.try_get("created_ms")?,
        version: row.try_get("version")?,
    })
}

#[async_trait]
impl<B: Backend> PoolStore for Sql<B> {
    async fn insert_pool(&self, pool: &PoolRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO user_pools (id, name, config, created_ms, version) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(pool.id.as_str())
        .bind(pool.name.as_str())
        .bind(pool.config.as_str())
        .bind(pool.created_ms)
        .bind(pool.version)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(())
    }

    async fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>> {
        let row = sqlx::query(
            "SELECT id, name, config, created_ms, version FROM user_pools WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.read)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(record).transpose().map_err(errors::db)
    }

    async fn update_pool(&self, pool: &PoolRecord) -> StoreResult<bool> {
        // Optimistic concurrency: the write only lands on the version the
        // caller read, so a concurrent update makes this one report false.
        let done = sqlx::query(
            "UPDATE user_pools SET name = $1, config = $2, version = $3 \
             WHERE id = $4 AND version = $5",
        )
        .bind(pool.name.as_str())
        .bind(pool.config.as_str())
        .bind(pool.version)
        .bind(pool.id.as_str())
        .bind(pool.version.wrapping_sub(1))
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_pool(&self, id: &str) -> StoreResult<bool> {
        // One statement, hence atomic: ON DELETE CASCADE removes the pool's
        // clients and their secrets, its users with their aliases, codes and
        // refresh tokens, its groups and their memberships, its signing keys
        // and revoked origins, within it (foreign_keys is on for SQLite).
        // The outbox has no foreign key and keeps its messages until a reset.
        let done = sqlx::query("DELETE FROM user_pools WHERE id = $1")
            .bind(id)
            .execute(&self.db.write)
            .await
            .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_pools(&self, after: Option<&str>, limit: u32) -> StoreResult<Vec<PoolRecord>> {
        // Keyset paging: "" sorts before every id, so no cursor means "from
        // the start" without a second SQL text.
        let rows = self
            .db
            .read_page(
                "SELECT id, name, config, created_ms, version FROM user_pools \
             WHERE id > $1 ORDER BY id LIMIT $2",
                vec![],
                after,
                limit,
            )
            .await?;
        rows.iter()
            .map(record)
            .collect::<Result<_, _>>()
            .map_err(errors::db)
    }
}
