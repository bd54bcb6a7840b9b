//! [`ResourceServerStore`]: the `resource_servers` table.
//!
//! The per-pool limit is counted and written in one transaction that first
//! locks the pool row (`Dialect::lock_pool`), as groups do, so concurrent
//! creations cannot both pass the count.

use async_trait::async_trait;
use kognit_core::store::{ResourceServerRecord, ResourceServerStore, StoreError, StoreResult};
use sqlx::any::AnyRow;

use crate::args::Arg;
use crate::backend::Backend;
use crate::columns::Columns;
use crate::{Sql, errors};

/// The foreign key from a resource server to its pool.
const POOL_FKEY: &str = "resource_servers_pool_id_fkey";

/// The columns of a resource-server row, in the order [`server`] decodes them.
macro_rules! server_columns {
    () => {
        "pool_id, identifier, name, scopes, created_ms, updated_ms"
    };
}

/// Decodes a row selected as [`server_columns!`].
fn server<R: Columns>(row: &R) -> Result<ResourceServerRecord, R::Error> {
    Ok(ResourceServerRecord {
        pool_id: row.text(0)?,
        identifier: row.text(1)?,
        name: row.text(2)?,
        scopes: row.text(3)?,
        created_ms: row.int(4)?,
        updated_ms: row.int(5)?,
    })
}

#[async_trait]
impl<B: Backend> ResourceServerStore for Sql<B> {
    async fn insert_resource_server(
        &self,
        r: &ResourceServerRecord,
        max_per_pool: u32,
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin_write().await?;
        let pool = sqlx::query(self.db.dialect.lock_pool)
            .bind(r.pool_id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(errors::db)?;
        if pool.is_none() {
            // What the insert's foreign key would say, without trying it.
            return Err(StoreError::Conflict(errors::conflict_of(POOL_FKEY)));
        }
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM resource_servers WHERE pool_id = $1")
                .bind(r.pool_id.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(errors::db)?;
        if count >= i64::from(max_per_pool) {
            return Ok(false);
        }
        // A taken identifier fails here as resource_servers_pkey; dropping
        // `tx` (on every early return) rolls back.
        sqlx::query(concat!(
            "INSERT INTO resource_servers (",
            server_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind(r.pool_id.as_str())
        .bind(r.identifier.as_str())
        .bind(r.name.as_str())
        .bind(r.scopes.as_str())
        .bind(r.created_ms)
        .bind(r.updated_ms)
        .execute(&mut *tx)
        .await
        .map_err(errors::fk(POOL_FKEY))?;
        tx.commit().await.map_err(errors::db)?;
        Ok(true)
    }

    async fn get_resource_server(
        &self,
        pool_id: &str,
        identifier: &str,
    ) -> StoreResult<Option<ResourceServerRecord>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            server_columns!(),
            " FROM resource_servers WHERE pool_id = $1 AND identifier = $2"
        ))
        .bind(pool_id)
        .bind(identifier)
        .fetch_optional(&self.db.read)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(server).transpose().map_err(errors::db)
    }

    async fn update_resource_server(
        &self,
        pool_id: &str,
        identifier: &str,
        name: &str,
        scopes: &str,
        updated_ms: i64,
    ) -> StoreResult<Option<ResourceServerRecord>> {
        let row = sqlx::query(concat!(
            "UPDATE resource_servers SET name = $3, scopes = $4, updated_ms = $5 \
             WHERE pool_id = $1 AND identifier = $2 RETURNING ",
            server_columns!()
        ))
        .bind(pool_id)
        .bind(identifier)
        .bind(name)
        .bind(scopes)
        .bind(updated_ms)
        .fetch_optional(&self.db.write)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(server).transpose().map_err(errors::db)
    }

    async fn delete_resource_server(&self, pool_id: &str, identifier: &str) -> StoreResult<bool> {
        let done =
            sqlx::query("DELETE FROM resource_servers WHERE pool_id = $1 AND identifier = $2")
                .bind(pool_id)
                .bind(identifier)
                .execute(&self.db.write)
                .await
                .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_resource_servers(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<ResourceServerRecord>> {
        // Keyset paging on the primary key, "" before every identifier
        // (identifiers are at least one character long).
        let rows = self
            .db
            .read_page(
                concat!(
                    "SELECT ",
                    server_columns!(),
                    " FROM resource_servers WHERE pool_id = $1 AND identifier > $2 \
                     ORDER BY identifier LIMIT $3"
                ),
                vec![Arg::Text(pool_id)],
                after,
                limit,
            )
            .await?;
        rows.iter()
            .map(server::<AnyRow>)
            .collect::<Result<_, _>>()
            .map_err(errors::db)
    }
}
