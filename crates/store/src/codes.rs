//! [`CodeStore`]: the `user_codes` table. Every call is one statement, so
//! each is atomic without a transaction, and single use holds under
//! concurrency: the engines serialize writes to one row.

use async_trait::async_trait;
use kognit_core::store::{CodeRecord, CodeStore, StoreResult};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::backend::Backend;
use crate::{Sql, errors};

/// The foreign key from a code to its user.
const USER_FKEY: &str = "user_codes_user_fkey";

/// Decodes a row selected as `pool_id, username_key, purpose, code_hash,
/// expires_ms, attempts, sends, window_start_ms`.
fn record(row: &AnyRow) -> Result<CodeRecord, sqlx::Error> {
    Ok(CodeRecord {
        pool_id: row.try_get(0)?,
        username_key: row.try_get(1)?,
        purpose: row.try_get(2)?,
        code_hash: row.try_get(3)?,
        expires_ms: row.try_get(4)?,
        attempts: row.try_get(5)?,
        sends: row.try_get(6)?,
        window_start_ms: row.try_get(7)?,
    })
}

#[async_trait]
impl<B: Backend> CodeStore for Sql<B> {
    async fn put_code(&self, c: &CodeRecord) -> StoreResult<()> {
        // An upsert rather than delete + insert: one statement, and no
        // window in which a concurrent redemption sees no code.
        sqlx::query(
            "INSERT INTO user_codes (pool_id, username_key, purpose, code_hash, expires_ms, \
             attempts, sends, window_start_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (pool_id, username_key, purpose) DO UPDATE SET \
             code_hash = excluded.code_hash, expires_ms = excluded.expires_ms, \
             attempts = excluded.attempts, sends = excluded.sends, \
             window_start_ms = excluded.window_start_ms",
        )
        .bind(c.pool_id.as_str())
        .bind(c.username_key.as_str())
        .bind(c.purpose.as_str())
        .bind(c.code_hash.as_slice())
        .bind(c.expires_ms)
        .bind(c.attempts)
        .bind(c.sends)
        .bind(c.window_start_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::fk(USER_FKEY))?;
        Ok(())
    }

    async fn get_code(
        &self,
        pool_id: &str,
        username_key: &str,
        purpose: &str,
    ) -> StoreResult<Option<CodeRecord>> {
        let row = sqlx::query(
            "SELECT pool_id, username_key, purpose, code_hash, expires_ms, attempts, sends, \
             window_start_ms FROM user_codes \
             WHERE pool_id = $1 AND username_key = $2 AND purpose = $3",
        )
        .bind(pool_id)
        .bind(username_key)
        .bind(purpose)
        .fetch_optional(&self.db.read)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(record).transpose().map_err(errors::db)
    }

    async fn add_code_attempt(
        &self,
        pool_id: &str,
        username_key: &str,
        purpose: &str,
    ) -> StoreResult<i64> {
        // Read-modify-write in the database: concurrent failures each add
        // one, and each caller learns the count its own attempt made.
        let attempts: Option<i64> = sqlx::query_scalar(
            "UPDATE user_codes SET attempts = attempts + 1 \
             WHERE pool_id = $1 AND username_key = $2 AND purpose = $3 RETURNING attempts",
        )
        .bind(pool_id)
        .bind(username_key)
        .bind(purpose)
        .fetch_optional(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(attempts.unwrap_or(0))
    }

    async fn take_code(
        &self,
        pool_id: &str,
        username_key: &str,
        purpose: &str,
        code_hash: &[u8],
    ) -> StoreResult<bool> {
        // Only one DELETE can remove the row: on PostgreSQL a concurrent one
        // waits for the row lock, re-checks, and finds it gone; SQLite runs
        // them one after the other. The hash check also keeps a redemption
        // of an old code from taking a code sent since.
        let done = sqlx::query(
            "DELETE FROM user_codes \
             WHERE pool_id = $1 AND username_key = $2 AND purpose = $3 AND code_hash = $4",
        )
        .bind(pool_id)
        .bind(username_key)
        .bind(purpose)
        .bind(code_hash)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() == 1)
    }
}
