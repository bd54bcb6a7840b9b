//! [`ClientStore`]: the `user_pool_clients` and `client_secrets` tables.

use async_trait::async_trait;
use kognit_core::store::{ClientRecord, ClientSecretRecord, ClientStore, StoreResult};
use sqlx::Any;
use sqlx::Row;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;

use crate::args::Arg;
use crate::backend::Backend;
use crate::{Sql, errors};

/// The foreign key from a client to its pool.
const POOL_FKEY: &str = "user_pool_clients_pool_id_fkey";
/// The foreign key from a secret to its client.
const CLIENT_FKEY: &str = "client_secrets_client_fkey";

const INSERT_SECRET: &str = "INSERT INTO client_secrets \
     (pool_id, client_id, secret_id, sealed, created_ms) VALUES ($1, $2, $3, $4, $5)";

/// Decodes a row selected as `pool_id, client_id, name, config, created_ms, version`.
fn client(row: &AnyRow) -> Result<ClientRecord, sqlx::Error> {
    Ok(ClientRecord {
        pool_id: row.try_get("pool_id")?,
        client_id: row.try_get("client_id")?,
        name: row.try_get("name")?,
        config: row.try_get("config")?,
        created_ms: row.try_get("created_ms")?,
        version: row.try_get("version")?,
    })
}

/// Decodes a row selected as `pool_id, client_id, secret_id, sealed, created_ms`.
fn secret(row: &AnyRow) -> Result<ClientSecretRecord, sqlx::Error> {
    Ok(ClientSecretRecord {
        pool_id: row.try_get("pool_id")?,
        client_id: row.try_get("client_id")?,
        secret_id: row.try_get("secret_id")?,
        sealed: row.try_get("sealed")?,
        created_ms: row.try_get("created_ms")?,
    })
}

/// Binds a secret to [`INSERT_SECRET`].
fn insert_secret(s: &ClientSecretRecord) -> Query<'static, Any, AnyArguments> {
    sqlx::query(INSERT_SECRET)
        .bind(s.pool_id.as_str())
        .bind(s.client_id.as_str())
        .bind(s.secret_id.as_str())
        .bind(s.sealed.as_slice())
        .bind(s.created_ms)
}

#[async_trait]
impl<B: Backend> ClientStore for Sql<B> {
    async fn insert_client(
        &self,
        client: &ClientRecord,
        secrets: &[ClientSecretRecord],
    ) -> StoreResult<()> {
        let mut tx = self.db.begin_write().await?;
        sqlx::query(
            "INSERT INTO user_pool_clients \
             (pool_id, client_id, name, config, created_ms, version) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(client.pool_id.as_str())
        .bind(client.client_id.as_str())
        .bind(client.name.as_str())
        .bind(client.config.as_str())
        .bind(client.created_ms)
        .bind(client.version)
        .execute(&mut *tx)
        .await
        .map_err(errors::fk(POOL_FKEY))?;
        for s in secrets {
            insert_secret(s)
                .execute(&mut *tx)
                .await
                .map_err(errors::fk(CLIENT_FKEY))?;
        }
        // An early return above drops `tx`, which rolls it back.
        tx.commit().await.map_err(errors::db)
    }

    async fn find_client(&self, client_id: &str) -> StoreResult<Option<ClientRecord>> {
        // Served by user_pool_clients_client_id_idx (migration 0002). Ids are
        // random, so at most one pool holds one; the ORDER BY only makes the
        // answer deterministic should two ever collide.
        let row = sqlx::query(
            "SELECT pool_id, client_id, name, config, created_ms, version \
             FROM user_pool_clients WHERE client_id = $1 ORDER BY pool_id LIMIT 1",
        )
        .bind(client_id)
        .fetch_optional(&self.db.read)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(client).transpose().map_err(errors::db)
    }

    async fn get_client(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> StoreResult<Option<ClientRecord>> {
        let row = sqlx::query(
            "SELECT pool_id, client_id, name, config, created_ms, version \
             FROM user_pool_clients WHERE pool_id = $1 AND client_id = $2",
        )
        .bind(pool_id)
        .bind(client_id)
        .fetch_optional(&self.db.read)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(client).transpose().map_err(errors::db)
    }

    async fn update_client(&self, c: &ClientRecord) -> StoreResult<bool> {
        // Optimistic concurrency, as for pools.
        let done = sqlx::query(
            "UPDATE user_pool_clients SET name = $1, config = $2, version = $3 \
             WHERE pool_id = $4 AND client_id = $5 AND version = $6",
        )
        .bind(c.name.as_str())
        .bind(c.config.as_str())
        .bind(c.version)
        .bind(c.pool_id.as_str())
        .bind(c.client_id.as_str())
        .bind(c.version.wrapping_sub(1))
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<bool> {
        // The secrets go with it through ON DELETE CASCADE, in this statement.
        let done =
            sqlx::query("DELETE FROM user_pool_clients WHERE pool_id = $1 AND client_id = $2")
                .bind(pool_id)
                .bind(client_id)
                .execute(&self.db.write)
                .await
                .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_clients(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<ClientRecord>> {
        let rows = self
            .db
            .read_page(
                "SELECT pool_id, client_id, name, config, created_ms, version \
             FROM user_pool_clients WHERE pool_id = $1 AND client_id > $2 \
             ORDER BY client_id LIMIT $3",
                vec![Arg::Text(pool_id)],
                after,
                limit,
            )
            .await?;
        rows.iter()
            .map(client)
            .collect::<Result<_, _>>()
            .map_err(errors::db)
    }

    async fn add_client_secret(&self, s: &ClientSecretRecord, max: u32) -> StoreResult<bool> {
        // Count and insert must not interleave with another add, or both
        // could pass the count. SQLite: BEGIN IMMEDIATE holds the write lock
        // from the start. PostgreSQL: the client row is locked FOR UPDATE,
        // and READ COMMITTED gives the COUNT a snapshot taken after the lock.
        let mut tx = self.db.begin_write().await?;
        let exists = sqlx::query(self.db.dialect.lock_client)
            .bind(s.pool_id.as_str())
            .bind(s.client_id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(errors::db)?
            .is_some();
        if !exists {
            tx.rollback().await.map_err(errors::db)?;
            return Ok(false);
        }
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM client_secrets WHERE pool_id = $1 AND client_id = $2",
        )
        .bind(s.pool_id.as_str())
        .bind(s.client_id.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(errors::db)?;
        if count >= i64::from(max) {
            tx.rollback().await.map_err(errors::db)?;
            return Ok(false);
        }
        insert_secret(s)
            .execute(&mut *tx)
            .await
            .map_err(errors::fk(CLIENT_FKEY))?;
        tx.commit().await.map_err(errors::db)?;
        Ok(true)
    }

    async fn list_client_secrets(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> StoreResult<Vec<ClientSecretRecord>> {
        // secret_id breaks ties between secrets created in the same millisecond.
        let rows = sqlx::query(
            "SELECT pool_id, client_id, secret_id, sealed, created_ms FROM client_secrets \
             WHERE pool_id = $1 AND client_id = $2 ORDER BY created_ms, secret_id",
        )
        .bind(pool_id)
        .bind(client_id)
        .fetch_all(&self.db.read)
        .await
        .map_err(errors::db)?;
        rows.iter()
            .map(secret)
            .collect::<Result<_, _>>()
            .map_err(errors::db)
    }

    async fn delete_client_secret(
        &self,
        pool_id: &str,
        client_id: &str,
        secret_id: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM client_secrets WHERE pool_id = $1 AND client_id = $2 AND secret_id = $3",
        )
        .bind(pool_id)
        .bind(client_id)
        .bind(secret_id)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }
}
