//! [`DomainStore`]: the `user_pool_domains` table.
//!
//! Uniqueness is the database's: the primary key makes a domain unique
//! across pools, and `user_pool_domains_pool_kind_key` allows one prefix and
//! one custom domain per pool, so two writers racing for either cannot both
//! win.

use async_trait::async_trait;
use kognit_core::store::{DomainRecord, DomainStore, StoreResult};
use sqlx::any::AnyRow;

use crate::backend::Backend;
use crate::columns::Columns;
use crate::{Sql, errors};

/// The foreign key from a domain to its pool.
const POOL_FKEY: &str = "user_pool_domains_pool_id_fkey";

/// The columns of a domain row, in the order [`domain`] decodes them.
macro_rules! domain_columns {
    () => {
        "domain, pool_id, custom, config, created_ms, updated_ms"
    };
}

/// Decodes a row selected as [`domain_columns!`].
fn domain(row: &AnyRow) -> StoreResult<DomainRecord> {
    let decode = || -> Result<DomainRecord, sqlx::Error> {
        Ok(DomainRecord {
            domain: row.text(0)?,
            pool_id: row.text(1)?,
            custom: row.int(2)? != 0,
            config: row.text(3)?,
            created_ms: row.int(4)?,
            updated_ms: row.int(5)?,
        })
    };
    decode().map_err(errors::db)
}

#[async_trait]
impl<B: Backend> DomainStore for Sql<B> {
    async fn insert_domain(&self, d: &DomainRecord) -> StoreResult<()> {
        sqlx::query(concat!(
            "INSERT INTO user_pool_domains (",
            domain_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind(d.domain.as_str())
        .bind(d.pool_id.as_str())
        .bind(i64::from(d.custom))
        .bind(d.config.as_str())
        .bind(d.created_ms)
        .bind(d.updated_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::fk(POOL_FKEY))?;
        Ok(())
    }

    async fn get_domain(&self, name: &str) -> StoreResult<Option<DomainRecord>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            domain_columns!(),
            " FROM user_pool_domains WHERE domain = $1"
        ))
        .bind(name)
        .fetch_optional(&self.db.read)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(domain).transpose()
    }

    async fn list_pool_domains(&self, pool_id: &str) -> StoreResult<Vec<DomainRecord>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            domain_columns!(),
            " FROM user_pool_domains WHERE pool_id = $1 ORDER BY custom"
        ))
        .bind(pool_id)
        .fetch_all(&self.db.read)
        .await
        .map_err(errors::db)?;
        rows.iter().map(domain).collect()
    }

    async fn update_domain(&self, d: &DomainRecord) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE user_pool_domains SET config = $3, updated_ms = $4 \
             WHERE domain = $1 AND pool_id = $2",
        )
        .bind(d.domain.as_str())
        .bind(d.pool_id.as_str())
        .bind(d.config.as_str())
        .bind(d.updated_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_domain(&self, pool_id: &str, name: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM user_pool_domains WHERE domain = $1 AND pool_id = $2")
            .bind(name)
            .bind(pool_id)
            .execute(&self.db.write)
            .await
            .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }
}
