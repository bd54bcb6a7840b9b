//! [`OAuthCodeStore`]: the `oauth_codes` table (migration 13).
//!
//! A code is redeemed by `DELETE … RETURNING`: the row goes in the same
//! statement that reads it, so of two redeemers racing only one gets it.

use async_trait::async_trait;
use kognit_core::store::{OAuthCodeRecord, OAuthCodeStore, StoreResult};
use sqlx::any::AnyRow;

use crate::backend::Backend;
use crate::columns::Columns;
use crate::{Sql, errors};

/// The foreign key from a code to its user.
const USER_FKEY: &str = "oauth_codes_user_fkey";

/// The columns of a code row, in the order [`code`] decodes them.
macro_rules! code_columns {
    () => {
        "code_hash, pool_id, username_key, client_id, redirect_uri, scope, nonce, \
         code_challenge, origin_jti, auth_time, created_ms, expires_ms"
    };
}

/// Decodes a row selected as [`code_columns!`].
fn code(row: &AnyRow) -> StoreResult<OAuthCodeRecord> {
    let decode = || -> Result<OAuthCodeRecord, sqlx::Error> {
        Ok(OAuthCodeRecord {
            code_hash: row.blob(0)?,
            pool_id: row.text(1)?,
            username_key: row.text(2)?,
            client_id: row.text(3)?,
            redirect_uri: row.text(4)?,
            scope: row.text(5)?,
            nonce: row.opt_text(6)?,
            code_challenge: row.opt_text(7)?,
            origin_jti: row.text(8)?,
            auth_time: row.int(9)?,
            created_ms: row.int(10)?,
            expires_ms: row.int(11)?,
        })
    };
    decode().map_err(errors::db)
}

#[async_trait]
impl<B: Backend> OAuthCodeStore for Sql<B> {
    async fn insert_oauth_code(&self, c: &OAuthCodeRecord) -> StoreResult<()> {
        sqlx::query(concat!(
            "INSERT INTO oauth_codes (",
            code_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(c.code_hash.as_slice())
        .bind(c.pool_id.as_str())
        .bind(c.username_key.as_str())
        .bind(c.client_id.as_str())
        .bind(c.redirect_uri.as_str())
        .bind(c.scope.as_str())
        .bind(c.nonce.as_deref())
        .bind(c.code_challenge.as_deref())
        .bind(c.origin_jti.as_str())
        .bind(c.auth_time)
        .bind(c.created_ms)
        .bind(c.expires_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::fk(USER_FKEY))?;
        Ok(())
    }

    async fn take_oauth_code(&self, code_hash: &[u8]) -> StoreResult<Option<OAuthCodeRecord>> {
        let row = sqlx::query(concat!(
            "DELETE FROM oauth_codes WHERE code_hash = $1 RETURNING ",
            code_columns!()
        ))
        .bind(code_hash)
        .fetch_optional(&self.db.write)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(code).transpose()
    }
}
