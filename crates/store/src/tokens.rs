//! [`TokenStore`]: the `refresh_tokens` and `revoked_origins` tables.
//!
//! Revocation is an UPDATE guarded by `revoked_ms IS NULL`, so it happens
//! once however many callers race: PostgreSQL makes a concurrent UPDATE wait
//! for the row lock and re-check the condition, SQLite runs writers one
//! after the other. The first keeps its time; the others change nothing.

use async_trait::async_trait;
use kognit_core::store::{RefreshTokenRecord, StoreResult, TokenStore};

use crate::args::Arg;
use crate::backend::Backend;
use crate::columns::Columns;
use crate::{Sql, errors};

/// The foreign key from a refresh token to its user.
const USER_FKEY: &str = "refresh_tokens_user_fkey";
/// The foreign key from a revoked origin to its pool.
const POOL_FKEY: &str = "revoked_origins_pool_id_fkey";

/// A refresh token by its hash (`$1`); primary-key search.
pub(crate) const GET_REFRESH: &str = "SELECT token_hash, pool_id, username_key, client_id, \
     origin_jti, device_key, auth_time, created_ms, expires_ms, revoked_ms, scope \
     FROM refresh_tokens WHERE token_hash = $1";
/// Revokes the live tokens of session `$2` in pool `$1` at `$3`; searches
/// refresh_tokens_origin_idx. Tokens revoked earlier (by rotation) keep their
/// time.
pub(crate) const REVOKE_ORIGIN_TOKENS: &str = "UPDATE refresh_tokens SET revoked_ms = $3 \
     WHERE pool_id = $1 AND origin_jti = $2 AND revoked_ms IS NULL";
/// Revokes the live tokens of user `$2` in pool `$1` at `$3`; searches
/// refresh_tokens_user_idx.
pub(crate) const REVOKE_USER_TOKENS: &str = "UPDATE refresh_tokens SET revoked_ms = $3 \
     WHERE pool_id = $1 AND username_key = $2 AND revoked_ms IS NULL";
/// Records as revoked until `$3` the origin of every unrevoked token of
/// client `$2` in pool `$1` (expired ones too: their access tokens may
/// outlive them); searches refresh_tokens_client_idx. Origins are locked in
/// origin_jti order, as in `revoke_user_refresh_tokens`.
pub(crate) const REVOKE_CLIENT_ORIGINS: &str = "INSERT INTO revoked_origins \
     (pool_id, origin_jti, expires_ms) \
     SELECT DISTINCT pool_id, origin_jti, $3 FROM refresh_tokens \
     WHERE pool_id = $1 AND client_id = $2 AND revoked_ms IS NULL ORDER BY origin_jti \
     ON CONFLICT (pool_id, origin_jti) DO UPDATE SET expires_ms = excluded.expires_ms \
     WHERE excluded.expires_ms > revoked_origins.expires_ms";
/// Revokes the live tokens of client `$2` in pool `$1` at `$3`, answering
/// each one's origin and expiry; searches refresh_tokens_client_idx.
pub(crate) const REVOKE_CLIENT_TOKENS: &str = "UPDATE refresh_tokens SET revoked_ms = $3 \
     WHERE pool_id = $1 AND client_id = $2 AND revoked_ms IS NULL \
     RETURNING origin_jti, expires_ms";
/// Whether origin `$2` of pool `$1` is revoked: a row or none, by primary key.
pub(crate) const IS_ORIGIN_REVOKED: &str =
    "SELECT 1 FROM revoked_origins WHERE pool_id = $1 AND origin_jti = $2";

/// Decodes a row selected as `token_hash, pool_id, username_key, client_id,
/// origin_jti, device_key, auth_time, created_ms, expires_ms, revoked_ms, scope`.
pub(crate) fn record<R: Columns>(row: &R) -> Result<RefreshTokenRecord, R::Error> {
    Ok(RefreshTokenRecord {
        token_hash: row.blob(0)?,
        pool_id: row.text(1)?,
        username_key: row.text(2)?,
        client_id: row.text(3)?,
        origin_jti: row.text(4)?,
        device_key: row.opt_text(5)?,
        auth_time: row.int(6)?,
        created_ms: row.int(7)?,
        expires_ms: row.int(8)?,
        revoked_ms: row.opt_int(9)?,
        scope: row.opt_text(10)?,
    })
}

/// Insert of a refresh token, `$1…$11`.
const INSERT_REFRESH: &str = "INSERT INTO refresh_tokens (token_hash, pool_id, username_key, \
     client_id, origin_jti, device_key, auth_time, created_ms, expires_ms, revoked_ms, scope) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

#[async_trait]
impl<B: Backend> TokenStore for Sql<B> {
    async fn insert_refresh_token(&self, t: &RefreshTokenRecord) -> StoreResult<()> {
        let args = vec![
            Arg::Bytes(Some(&t.token_hash)),
            Arg::Text(&t.pool_id),
            Arg::Text(&t.username_key),
            Arg::Text(&t.client_id),
            Arg::Text(&t.origin_jti),
            Arg::OptText(t.device_key.as_deref()),
            Arg::Int(t.auth_time),
            Arg::Int(t.created_ms),
            Arg::Int(t.expires_ms),
            Arg::OptInt(t.revoked_ms),
            Arg::OptText(t.scope.as_deref()),
        ];
        self.backend
            .execute(INSERT_REFRESH, args, USER_FKEY)
            .await?;
        Ok(())
    }

    async fn get_refresh_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<RefreshTokenRecord>> {
        self.backend.get_refresh_token(token_hash).await
    }

    async fn revoke_refresh_token(&self, token_hash: &[u8], now_ms: i64) -> StoreResult<bool> {
        // The caller that changes the row wins the rotation (module docs).
        let done = sqlx::query(
            "UPDATE refresh_tokens SET revoked_ms = $2 \
             WHERE token_hash = $1 AND revoked_ms IS NULL",
        )
        .bind(token_hash)
        .bind(now_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn revoke_origin(
        &self,
        pool_id: &str,
        origin_jti: &str,
        expires_ms: i64,
        now_ms: i64,
    ) -> StoreResult<()> {
        // One transaction: a refresh racing this sees either a live session
        // or a fully revoked one, never tokens revoked but the origin not.
        let mut tx = self.db.begin_write().await?;
        // The origin row first: on PostgreSQL it is locked until COMMIT, so
        // two revocations of one session queue here before touching any
        // token, instead of locking its tokens in different orders. The
        // later expiry wins, so revoking again never shortens the refusal.
        sqlx::query(
            "INSERT INTO revoked_origins (pool_id, origin_jti, expires_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (pool_id, origin_jti) DO UPDATE SET expires_ms = excluded.expires_ms \
             WHERE excluded.expires_ms > revoked_origins.expires_ms",
        )
        .bind(pool_id)
        .bind(origin_jti)
        .bind(expires_ms)
        .execute(&mut *tx)
        .await
        .map_err(errors::fk(POOL_FKEY))?;
        sqlx::query(REVOKE_ORIGIN_TOKENS)
            .bind(pool_id)
            .bind(origin_jti)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(errors::db)?;
        // An early return above drops `tx`, which rolls it back.
        tx.commit().await.map_err(errors::db)
    }

    async fn is_origin_revoked(&self, pool_id: &str, origin_jti: &str) -> StoreResult<bool> {
        // Runs on every token-authorised request: one primary-key probe on a
        // reader, nothing decoded. The row outlives `expires_ms` harmlessly:
        // by then the session's tokens are refused as expired anyway.
        let row = sqlx::query(IS_ORIGIN_REVOKED)
            .bind(pool_id)
            .bind(origin_jti)
            .fetch_optional(&self.db.read)
            .await
            .map_err(errors::db)?;
        Ok(row.is_some())
    }

    async fn revoke_user_refresh_tokens(
        &self,
        pool_id: &str,
        username_key: &str,
        expires_ms: i64,
        now_ms: i64,
    ) -> StoreResult<u64> {
        let mut tx = self.db.begin_write().await?;
        // Every session the user began is marked revoked first (the later
        // expiry wins), then the tokens; the WHERE makes INSERT … SELECT …
        // ON CONFLICT parse on SQLite. Origin rows are locked before tokens,
        // as in revoke_origin, and in origin_jti order, so two sign-outs of
        // one user cannot lock the same origins in opposite orders and
        // deadlock on PostgreSQL (DISTINCT alone leaves the order open).
        sqlx::query(
            "INSERT INTO revoked_origins (pool_id, origin_jti, expires_ms) \
             SELECT DISTINCT pool_id, origin_jti, $3 FROM refresh_tokens \
             WHERE pool_id = $1 AND username_key = $2 ORDER BY origin_jti \
             ON CONFLICT (pool_id, origin_jti) DO UPDATE SET expires_ms = excluded.expires_ms \
             WHERE excluded.expires_ms > revoked_origins.expires_ms",
        )
        .bind(pool_id)
        .bind(username_key)
        .bind(expires_ms)
        .execute(&mut *tx)
        .await
        .map_err(errors::db)?;
        // Counts only the tokens this call revoked.
        let done = sqlx::query(REVOKE_USER_TOKENS)
            .bind(pool_id)
            .bind(username_key)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(errors::db)?;
        tx.commit().await.map_err(errors::db)?;
        Ok(done.rows_affected())
    }

    async fn revoke_client_refresh_tokens(
        &self,
        pool_id: &str,
        client_id: &str,
        expires_ms: i64,
        now_ms: i64,
    ) -> StoreResult<u64> {
        // As a global sign-out, per client: the origins first, then the
        // tokens, in one transaction.
        let mut tx = self.db.begin_write().await?;
        sqlx::query(REVOKE_CLIENT_ORIGINS)
            .bind(pool_id)
            .bind(client_id)
            .bind(expires_ms)
            .execute(&mut *tx)
            .await
            .map_err(errors::db)?;
        let revoked: Vec<(String, i64)> = sqlx::query_as(REVOKE_CLIENT_TOKENS)
            .bind(pool_id)
            .bind(client_id)
            .bind(now_ms)
            .fetch_all(&mut *tx)
            .await
            .map_err(errors::db)?;
        tx.commit().await.map_err(errors::db)?;
        // A session is one origin, however many of its tokens (rotations)
        // were live; one whose token had expired was over already.
        let sessions: std::collections::BTreeSet<&str> = revoked
            .iter()
            .filter(|(_, expires)| *expires > now_ms)
            .map(|(origin, _)| origin.as_str())
            .collect();
        Ok(sessions.len() as u64)
    }
}
