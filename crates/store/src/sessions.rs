//! [`SessionStore`]: the `token_sessions` table, beside `refresh_tokens` and
//! `revoked_origins`.
//!
//! A session is live while it has not expired and its origin is not in
//! `revoked_origins`, so every way of ending sessions (RevokeToken, global
//! sign-out, session revocation, eviction) hides it at once. Ending a session
//! takes its origin's row lock before touching its tokens or record, in the
//! same order as `revoke_origin` and global sign-out (origins, then tokens),
//! so two of them never wait on each other in a cycle on PostgreSQL.

use async_trait::async_trait;
use kognit_core::store::{
    SessionActivity, SessionStore, StoreError, StoreResult, TokenSessionRecord,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::args::Arg;
use crate::backend::Backend;
use crate::tokens::REVOKE_ORIGIN_TOKENS;
use crate::{Sql, errors};

/// The foreign key from a session to its user.
const USER_FKEY: &str = "token_sessions_user_fkey";

/// The columns [`record`] decodes, in its order.
macro_rules! session_columns {
    () => {
        "s.pool_id, s.session_id, s.origin_jti, s.username_key, s.client_id, s.created_ms, \
         s.last_active_ms, s.expires_ms, s.last_ip, s.device_type"
    };
}

/// The condition that a session `s` is live at `$3` (pool `$1` implied).
macro_rules! live {
    () => {
        "s.expires_ms > $3 AND NOT EXISTS (SELECT 1 FROM revoked_origins r \
         WHERE r.pool_id = s.pool_id AND r.origin_jti = s.origin_jti)"
    };
}

/// A user's live sessions (`$1` pool, `$2` user, `$3` now) after session id
/// `$4`, at most `$5`; a range of token_sessions_user_idx.
pub(crate) const LIST_SESSIONS: &str = concat!(
    "SELECT ",
    session_columns!(),
    " FROM token_sessions s WHERE s.pool_id = $1 AND s.username_key = $2 AND ",
    live!(),
    " AND s.session_id > $4 ORDER BY s.session_id LIMIT $5"
);

fn record(row: &AnyRow) -> Result<TokenSessionRecord, sqlx::Error> {
    Ok(TokenSessionRecord {
        pool_id: row.try_get(0)?,
        session_id: row.try_get(1)?,
        origin_jti: row.try_get(2)?,
        username_key: row.try_get(3)?,
        client_id: row.try_get(4)?,
        created_ms: row.try_get(5)?,
        last_active_ms: row.try_get(6)?,
        expires_ms: row.try_get(7)?,
        last_ip: row.try_get(8)?,
        device_type: row.try_get(9)?,
    })
}

/// Ends one session inside `tx`: its origin revoked until `until` (locking
/// the origin row first), its live refresh tokens revoked at `now`, its
/// record deleted.
async fn end_session(
    tx: &mut Transaction<'static, Any>,
    pool_id: &str,
    session_id: &str,
    origin_jti: &str,
    until: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO revoked_origins (pool_id, origin_jti, expires_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (pool_id, origin_jti) DO UPDATE SET expires_ms = excluded.expires_ms \
         WHERE excluded.expires_ms > revoked_origins.expires_ms",
    )
    .bind(pool_id)
    .bind(origin_jti)
    .bind(until)
    .execute(&mut **tx)
    .await?;
    sqlx::query(REVOKE_ORIGIN_TOKENS)
        .bind(pool_id)
        .bind(origin_jti)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM token_sessions WHERE pool_id = $1 AND session_id = $2")
        .bind(pool_id)
        .bind(session_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait]
impl<B: Backend> SessionStore for Sql<B> {
    async fn insert_token_session(
        &self,
        s: &TokenSessionRecord,
        max_per_user: u32,
        revoked_until_ms: i64,
    ) -> StoreResult<u64> {
        let now = s.created_ms;
        let mut tx = self.db.begin_write().await?;
        // Sign-ins of one user queue here, so two of them cannot both find
        // room for one more session.
        let user = sqlx::query(self.db.dialect.lock_user)
            .bind(s.pool_id.as_str())
            .bind(s.username_key.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(errors::db)?;
        if user.is_none() {
            return Err(StoreError::Conflict(crate::errors::conflict_of(USER_FKEY)));
        }
        // Records of ended sessions are of no further use.
        sqlx::query(concat!(
            "DELETE FROM token_sessions WHERE pool_id = $1 AND username_key = $2 AND NOT (",
            "expires_ms > $3 AND NOT EXISTS (SELECT 1 FROM revoked_origins r \
             WHERE r.pool_id = token_sessions.pool_id \
             AND r.origin_jti = token_sessions.origin_jti))"
        ))
        .bind(s.pool_id.as_str())
        .bind(s.username_key.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(errors::db)?;
        let rows = sqlx::query(
            "SELECT session_id, origin_jti FROM token_sessions \
             WHERE pool_id = $1 AND username_key = $2 ORDER BY last_active_ms, session_id",
        )
        .bind(s.pool_id.as_str())
        .bind(s.username_key.as_str())
        .fetch_all(&mut *tx)
        .await
        .map_err(errors::db)?;
        let excess = (rows.len() + 1).saturating_sub(max_per_user.max(1) as usize);
        let mut evict = rows
            .iter()
            .take(excess)
            .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(errors::db)?;
        // Origins are locked in origin order, as global sign-out locks them.
        evict.sort_by(|a, b| a.1.cmp(&b.1));
        for (session_id, origin_jti) in &evict {
            end_session(
                &mut tx,
                &s.pool_id,
                session_id,
                origin_jti,
                revoked_until_ms,
                now,
            )
            .await
            .map_err(errors::db)?;
        }
        sqlx::query(
            "INSERT INTO token_sessions (pool_id, session_id, origin_jti, username_key, \
             client_id, created_ms, last_active_ms, expires_ms, last_ip, device_type) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(s.pool_id.as_str())
        .bind(s.session_id.as_str())
        .bind(s.origin_jti.as_str())
        .bind(s.username_key.as_str())
        .bind(s.client_id.as_str())
        .bind(s.created_ms)
        .bind(s.last_active_ms)
        .bind(s.expires_ms)
        .bind(s.last_ip.as_deref())
        .bind(s.device_type.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(errors::fk(USER_FKEY))?;
        tx.commit().await.map_err(errors::db)?;
        Ok(evict.len() as u64)
    }

    async fn touch_token_session(
        &self,
        pool_id: &str,
        session_id: &str,
        a: &SessionActivity,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE token_sessions SET last_active_ms = $3, last_ip = $4, device_type = $5, \
             expires_ms = COALESCE($6, expires_ms) WHERE pool_id = $1 AND session_id = $2",
        )
        .bind(pool_id)
        .bind(session_id)
        .bind(a.at_ms)
        .bind(a.ip.as_deref())
        .bind(a.device_type.as_deref())
        .bind(a.expires_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn get_token_session(
        &self,
        pool_id: &str,
        session_id: &str,
    ) -> StoreResult<Option<TokenSessionRecord>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            session_columns!(),
            " FROM token_sessions s WHERE s.pool_id = $1 AND s.session_id = $2"
        ))
        .bind(pool_id)
        .bind(session_id)
        .fetch_optional(&self.db.read)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(record).transpose().map_err(errors::db)
    }

    async fn list_token_sessions(
        &self,
        pool_id: &str,
        username_key: &str,
        now_ms: i64,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<TokenSessionRecord>> {
        // Keyset paging on the session id, "" before every id.
        let rows = self
            .db
            .read_page(
                LIST_SESSIONS,
                vec![
                    Arg::Text(pool_id),
                    Arg::Text(username_key),
                    Arg::Int(now_ms),
                ],
                after,
                limit,
            )
            .await?;
        rows.iter()
            .map(record)
            .collect::<Result<_, _>>()
            .map_err(errors::db)
    }

    async fn revoke_token_session(
        &self,
        pool_id: &str,
        session_id: &str,
        revoked_until_ms: i64,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin_write().await?;
        let row = sqlx::query(
            "SELECT origin_jti FROM token_sessions WHERE pool_id = $1 AND session_id = $2",
        )
        .bind(pool_id)
        .bind(session_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(errors::db)?;
        let Some(row) = row else {
            return Ok(false);
        };
        let origin_jti: String = row.try_get(0).map_err(errors::db)?;
        end_session(
            &mut tx,
            pool_id,
            session_id,
            &origin_jti,
            revoked_until_ms,
            now_ms,
        )
        .await
        .map_err(errors::db)?;
        tx.commit().await.map_err(errors::db)?;
        Ok(true)
    }
}
