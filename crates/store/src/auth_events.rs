//! [`AuthEventStore`]: the `auth_events` table. Its `seq` grows with every
//! insert (SQLite's rowid, a PostgreSQL identity), so a user's events newest
//! first are a backwards range of `auth_events_user_idx`, and a page ends at
//! one integer.

use async_trait::async_trait;
use kognit_core::store::{AuthEventRecord, AuthEventStore, EventFeedback, StoreResult};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::args::Arg;
use crate::backend::Backend;
use crate::{Sql, errors};

/// The foreign key from an event to its user.
const USER_FKEY: &str = "auth_events_user_fkey";

/// A user's events (`$1` pool, `$2` user) before position `$3`, newest
/// first, at most `$4`.
pub(crate) const LIST_EVENTS: &str = "SELECT seq, pool_id, username_key, event_id, event_type, \
     created_ms, response, challenges, ip, device_name, feedback_value, feedback_provider, \
     feedback_ms FROM auth_events WHERE pool_id = $1 AND username_key = $2 AND seq < $3 \
     ORDER BY seq DESC LIMIT $4";

fn record(row: &AnyRow) -> Result<(i64, AuthEventRecord), sqlx::Error> {
    Ok((
        row.try_get(0)?,
        AuthEventRecord {
            pool_id: row.try_get(1)?,
            username_key: row.try_get(2)?,
            event_id: row.try_get(3)?,
            event_type: row.try_get(4)?,
            created_ms: row.try_get(5)?,
            response: row.try_get(6)?,
            challenges: row.try_get(7)?,
            ip: row.try_get(8)?,
            device_name: row.try_get(9)?,
            feedback_value: row.try_get(10)?,
            feedback_provider: row.try_get(11)?,
            feedback_ms: row.try_get(12)?,
        },
    ))
}

/// Insert of an auth event, `$1…$12`.
const INSERT_EVENT: &str = "INSERT INTO auth_events (pool_id, username_key, event_id, \
     event_type, created_ms, response, challenges, ip, device_name, feedback_value, \
     feedback_provider, feedback_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

#[async_trait]
impl<B: Backend> AuthEventStore for Sql<B> {
    async fn insert_auth_event(&self, e: &AuthEventRecord) -> StoreResult<()> {
        let args = vec![
            Arg::Text(&e.pool_id),
            Arg::Text(&e.username_key),
            Arg::Text(&e.event_id),
            Arg::Text(&e.event_type),
            Arg::Int(e.created_ms),
            Arg::Text(&e.response),
            Arg::Text(&e.challenges),
            Arg::OptText(e.ip.as_deref()),
            Arg::OptText(e.device_name.as_deref()),
            Arg::OptText(e.feedback_value.as_deref()),
            Arg::OptText(e.feedback_provider.as_deref()),
            Arg::OptInt(e.feedback_ms),
        ];
        self.backend.execute(INSERT_EVENT, args, USER_FKEY).await?;
        Ok(())
    }

    async fn list_auth_events(
        &self,
        pool_id: &str,
        username_key: &str,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<(i64, AuthEventRecord)>> {
        let rows = sqlx::query(LIST_EVENTS)
            .bind(pool_id)
            .bind(username_key)
            .bind(before.unwrap_or(i64::MAX))
            .bind(i64::from(limit))
            .fetch_all(&self.db.read)
            .await
            .map_err(errors::db)?;
        rows.iter()
            .map(record)
            .collect::<Result<_, _>>()
            .map_err(errors::db)
    }

    async fn set_auth_event_feedback(
        &self,
        pool_id: &str,
        username_key: &str,
        event_id: &str,
        f: &EventFeedback<'_>,
    ) -> StoreResult<bool> {
        // Found through auth_events_event_key; the user must match too.
        let done = sqlx::query(
            "UPDATE auth_events SET feedback_value = $4, feedback_provider = $5, \
             feedback_ms = $6 WHERE pool_id = $1 AND event_id = $3 AND username_key = $2",
        )
        .bind(pool_id)
        .bind(username_key)
        .bind(event_id)
        .bind(f.value)
        .bind(f.provider)
        .bind(f.at_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() == 1)
    }
}
