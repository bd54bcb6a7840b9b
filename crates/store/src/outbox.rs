//! [`OutboxStore`]: the `outbox` table, the developer's view of what kognit
//! sent.

use async_trait::async_trait;
use kognit_core::store::{OutboxRecord, OutboxStore, StoreResult};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::backend::Backend;
use crate::{Sql, errors};

/// The selected columns, in the order [`record`] decodes them.
macro_rules! columns {
    () => {
        "SELECT id, pool_id, username, channel, destination, subject, body, code, created_ms \
         FROM outbox"
    };
}

/// One text per combination of filters rather than `($1 IS NULL OR …)`, which
/// would keep PostgreSQL's cached generic plan from using the index. Every
/// text pages with `id < before` (`i64::MAX` for the first page).
const BY_USER: &str = concat!(
    columns!(),
    " WHERE pool_id = $1 AND username = $2 AND id < $3 ORDER BY id DESC LIMIT $4"
);
const BY_POOL: &str = concat!(
    columns!(),
    " WHERE pool_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
);
const BY_USERNAME: &str = concat!(
    columns!(),
    " WHERE username = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
);
const EVERY: &str = concat!(columns!(), " WHERE id < $1 ORDER BY id DESC LIMIT $2");

/// Decodes a row selected by [`columns!`].
fn record(row: &AnyRow) -> Result<OutboxRecord, sqlx::Error> {
    Ok(OutboxRecord {
        id: row.try_get(0)?,
        pool_id: row.try_get(1)?,
        username: row.try_get(2)?,
        channel: row.try_get(3)?,
        destination: row.try_get(4)?,
        subject: row.try_get(5)?,
        body: row.try_get(6)?,
        code: row.try_get(7)?,
        created_ms: row.try_get(8)?,
    })
}

#[async_trait]
impl<B: Backend> OutboxStore for Sql<B> {
    async fn add_message(&self, m: &OutboxRecord) -> StoreResult<()> {
        // The id is the engine's (AUTOINCREMENT / identity): increasing in
        // commit order per writer, which is what "newest first" sorts on.
        sqlx::query(
            "INSERT INTO outbox (pool_id, username, channel, destination, subject, body, code, \
             created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(m.pool_id.as_str())
        .bind(m.username.as_str())
        .bind(m.channel.as_str())
        .bind(m.destination.as_str())
        .bind(m.subject.as_deref())
        .bind(m.body.as_str())
        .bind(m.code.as_deref())
        .bind(m.created_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(())
    }

    async fn list_messages(
        &self,
        pool_id: Option<&str>,
        username: Option<&str>,
        before_id: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxRecord>> {
        let limit = i64::from(limit);
        let before = before_id.unwrap_or(i64::MAX);
        let query = match (pool_id, username) {
            // The (pool_id, username, id) index, read backwards: no sort.
            (Some(p), Some(u)) => sqlx::query(BY_USER).bind(p).bind(u).bind(before),
            (Some(p), None) => sqlx::query(BY_POOL).bind(p).bind(before),
            (None, Some(u)) => sqlx::query(BY_USERNAME).bind(u).bind(before),
            (None, None) => sqlx::query(EVERY).bind(before),
        };
        let query = query.bind(limit);
        let rows = query.fetch_all(&self.db.read).await.map_err(errors::db)?;
        rows.iter()
            .map(record)
            .collect::<Result<_, _>>()
            .map_err(errors::db)
    }
}
