//! [`UserStore`]: the `users` and `user_aliases` tables (ListUsers itself is
//! in `user_list`).

use async_trait::async_trait;
use kognit_core::store::{AliasRecord, StoreResult, UserCursor, UserFilter, UserRecord, UserStore};
use sqlx::any::AnyRow;

use crate::args::Arg;
use crate::backend::Backend;
use crate::columns::Columns;
use crate::{Sql, errors};

/// The foreign key from a user to its pool.
pub(crate) const POOL_FKEY: &str = "users_pool_id_fkey";
/// The foreign key from an alias to its user.
pub(crate) const USER_FKEY: &str = "user_aliases_user_fkey";

/// The columns of a user row, in the order [`user`] decodes them. A macro so
/// that `concat!` can build whole static SQL texts from it (sqlx caches the
/// prepared statement per text).
macro_rules! user_columns {
    () => {
        "pool_id, username_key, username, sub, status, enabled, attributes, email, \
         phone_number, name, given_name, family_name, preferred_username, password_hash, \
         srp_sealed, temp_password_expires_ms, extra, created_ms, updated_ms, version"
    };
}
pub(crate) use user_columns;

/// Insert of a user; `$1…$20` as bound by [`bind_user`].
pub(crate) const INSERT_USER: &str = concat!(
    "INSERT INTO users (",
    user_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
     $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
);

// The point reads of a user. Their placeholders first appear in ascending
// order, so the SQLite lane binds them by position, as sqlx does.

/// A user by username key (`$1` pool, `$2` key).
pub(crate) const GET_USER: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM users WHERE pool_id = $1 AND username_key = $2"
);

/// A user by `sub` (`$1` pool, `$2` sub).
pub(crate) const GET_USER_BY_SUB: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM users WHERE pool_id = $1 AND sub = $2"
);

/// A user by `sub` (`$3`), then whether session `$2` of pool `$1` is
/// revoked. The flag is a BIGINT on both engines (the Any driver decodes no
/// SQLite booleans); it follows the user's columns.
pub(crate) const GET_USER_FOR_ORIGIN: &str = concat!(
    "SELECT ",
    user_columns!(),
    ", CAST(CASE WHEN EXISTS (SELECT 1 FROM revoked_origins r \
     WHERE r.pool_id = $1 AND r.origin_jti = $2) THEN 1 ELSE 0 END AS BIGINT) \
     FROM users WHERE pool_id = $1 AND sub = $3"
);

/// A user by alias (`$1` pool, `$2` kind, `$3` value key). One round trip:
/// two primary-key lookups. A missing alias makes the subquery NULL, which
/// matches no row.
pub(crate) const GET_USER_BY_ALIAS: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM users WHERE pool_id = $1 AND username_key = \
     (SELECT username_key FROM user_aliases \
      WHERE pool_id = $1 AND kind = $2 AND value_key = $3)"
);

/// Inserts of 1, 2 or 3 aliases of one user (`$1` pool, `$2` username key,
/// then kind and value key per alias) in one statement: a user has at most
/// one alias of each of the three kinds, so one statement covers them all.
pub(crate) const INSERT_ALIASES: [&str; 3] = [
    "INSERT INTO user_aliases (pool_id, username_key, kind, value_key) VALUES ($1, $2, $3, $4)",
    "INSERT INTO user_aliases (pool_id, username_key, kind, value_key) \
     VALUES ($1, $2, $3, $4), ($1, $2, $5, $6)",
    "INSERT INTO user_aliases (pool_id, username_key, kind, value_key) \
     VALUES ($1, $2, $3, $4), ($1, $2, $5, $6), ($1, $2, $7, $8)",
];

/// Decodes a row selected as [`user_columns!`] (by position: the same
/// text on both engines, and no name lookups per column), from sqlx or from
/// the SQLite lane.
pub(crate) fn user<R: Columns>(row: &R) -> Result<UserRecord, R::Error> {
    Ok(UserRecord {
        pool_id: row.text(0)?,
        username_key: row.text(1)?,
        username: row.text(2)?,
        sub: row.text(3)?,
        status: row.text(4)?,
        enabled: row.int(5)? != 0,
        attributes: row.text(6)?,
        email: row.opt_text(7)?,
        phone_number: row.opt_text(8)?,
        name: row.opt_text(9)?,
        given_name: row.opt_text(10)?,
        family_name: row.opt_text(11)?,
        preferred_username: row.opt_text(12)?,
        password_hash: row.opt_text(13)?,
        srp_sealed: row.opt_blob(14)?,
        temp_password_expires_ms: row.opt_int(15)?,
        extra: row.text(16)?,
        created_ms: row.int(17)?,
        updated_ms: row.int(18)?,
        version: row.int(19)?,
    })
}

/// Decodes rows selected as [`user_columns!`].
pub(crate) fn users(rows: &[AnyRow]) -> StoreResult<Vec<UserRecord>> {
    rows.iter()
        .map(user::<AnyRow>)
        .collect::<Result<_, _>>()
        .map_err(errors::db)
}

/// A user's columns as `$1…$20`, in [`user_columns!`] order.
pub(crate) fn user_args(u: &UserRecord) -> Vec<Arg<'_>> {
    vec![
        Arg::Text(&u.pool_id),
        Arg::Text(&u.username_key),
        Arg::Text(&u.username),
        Arg::Text(&u.sub),
        Arg::Text(&u.status),
        Arg::Flag(i32::from(u.enabled)),
        Arg::Text(&u.attributes),
        Arg::OptText(u.email.as_deref()),
        Arg::OptText(u.phone_number.as_deref()),
        Arg::OptText(u.name.as_deref()),
        Arg::OptText(u.given_name.as_deref()),
        Arg::OptText(u.family_name.as_deref()),
        Arg::OptText(u.preferred_username.as_deref()),
        Arg::OptText(u.password_hash.as_deref()),
        Arg::Bytes(u.srp_sealed.as_deref()),
        Arg::OptInt(u.temp_password_expires_ms),
        Arg::Text(&u.extra),
        Arg::Int(u.created_ms),
        Arg::Int(u.updated_ms),
        Arg::Int(u.version),
    ]
}

/// The columns in which `after` differs from `before`, with their new
/// values. The key (`pool_id`, `username_key`) never changes; `version` is
/// always written.
pub(crate) fn changes<'q>(
    before: &UserRecord,
    after: &'q UserRecord,
) -> Vec<(&'static str, Arg<'q>)> {
    let mut out = Vec::with_capacity(8);
    macro_rules! col {
        ($field:ident, $val:expr) => {
            if before.$field != after.$field {
                out.push((stringify!($field), $val));
            }
        };
    }
    col!(username, Arg::Text(&after.username));
    col!(sub, Arg::Text(&after.sub));
    col!(status, Arg::Text(&after.status));
    col!(enabled, Arg::Flag(i32::from(after.enabled)));
    col!(attributes, Arg::Text(&after.attributes));
    col!(email, Arg::OptText(after.email.as_deref()));
    col!(phone_number, Arg::OptText(after.phone_number.as_deref()));
    col!(name, Arg::OptText(after.name.as_deref()));
    col!(given_name, Arg::OptText(after.given_name.as_deref()));
    col!(family_name, Arg::OptText(after.family_name.as_deref()));
    col!(
        preferred_username,
        Arg::OptText(after.preferred_username.as_deref())
    );
    col!(password_hash, Arg::OptText(after.password_hash.as_deref()));
    col!(srp_sealed, Arg::Bytes(after.srp_sealed.as_deref()));
    col!(
        temp_password_expires_ms,
        Arg::OptInt(after.temp_password_expires_ms)
    );
    col!(extra, Arg::Text(&after.extra));
    col!(created_ms, Arg::Int(after.created_ms));
    col!(updated_ms, Arg::Int(after.updated_ms));
    out.push(("version", Arg::Int(after.version)));
    out
}

/// The UPDATE of only the columns that changed, when the stored version is
/// still `before`'s. SQLite rewrites the entry of every index that has a
/// column in the SET list, changed or not: naming all 18 columns cost 10
/// index deletes and 10 inserts per update, naming only an attribute
/// change's columns 2 of each (EXPLAIN, BENCHMARKS.md). PostgreSQL compares
/// the values itself, and writes a heap-only (HOT) row version when no
/// indexed column changed (lockout counters, passwords), so it gains less.
/// `$1` pool, `$2` username key, `$3` expected version, then the changed
/// values, with `$N` (sqlx) or `?N` (rusqlite) placeholders.
pub(crate) fn update_sql(set: &[(&'static str, Arg<'_>)], placeholder: char) -> String {
    let mut sql = String::from("UPDATE users SET ");
    for (i, (column, _)) in set.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        // Column names are this file's identifiers, never input.
        sql.push_str(&format!("{column} = {placeholder}{}", i + 4));
    }
    sql.push_str(&format!(
        " WHERE pool_id = {placeholder}1 AND username_key = {placeholder}2 \
         AND version = {placeholder}3"
    ));
    sql
}

#[async_trait]
impl<B: Backend> UserStore for Sql<B> {
    async fn insert_user(&self, u: &UserRecord, aliases: &[AliasRecord]) -> StoreResult<()> {
        self.backend.insert_user(u, aliases).await
    }

    async fn get_user(&self, pool_id: &str, username_key: &str) -> StoreResult<Option<UserRecord>> {
        self.backend.get_user(pool_id, username_key).await
    }

    async fn get_user_by_sub(&self, pool_id: &str, sub: &str) -> StoreResult<Option<UserRecord>> {
        self.backend.get_user_by_sub(pool_id, sub).await
    }

    async fn get_user_by_sub_for_origin(
        &self,
        pool_id: &str,
        sub: &str,
        origin_jti: &str,
    ) -> StoreResult<Option<(UserRecord, bool)>> {
        self.backend
            .get_user_by_sub_for_origin(pool_id, sub, origin_jti)
            .await
    }

    async fn get_user_by_alias(
        &self,
        pool_id: &str,
        kind: &str,
        value_key: &str,
    ) -> StoreResult<Option<UserRecord>> {
        self.backend
            .get_user_by_alias(pool_id, kind, value_key)
            .await
    }

    async fn update_user(
        &self,
        before: &UserRecord,
        after: &UserRecord,
        aliases: Option<&[AliasRecord]>,
    ) -> StoreResult<bool> {
        // Optimistic concurrency, as for pools: the write lands only on the
        // version the caller read.
        self.backend.update_user(before, after, aliases).await
    }

    async fn delete_user(&self, pool_id: &str, username_key: &str) -> StoreResult<bool> {
        // Aliases, codes and refresh tokens (its sessions end) go with it
        // through ON DELETE CASCADE, in this statement.
        let done = sqlx::query("DELETE FROM users WHERE pool_id = $1 AND username_key = $2")
            .bind(pool_id)
            .bind(username_key)
            .execute(&self.db.write)
            .await
            .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_users(
        &self,
        pool_id: &str,
        filter: Option<&UserFilter>,
        after: Option<&UserCursor>,
        limit: u32,
    ) -> StoreResult<Vec<UserRecord>> {
        crate::user_list::list(self, pool_id, filter, after, limit).await
    }

    async fn count_users(&self, pool_id: &str) -> StoreResult<u64> {
        // Served by any (pool_id, …) index; PostgreSQL can make it an
        // index-only scan. Not a counter column: that would be one hot row
        // every sign-up in the pool writes.
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE pool_id = $1")
            .bind(pool_id)
            .fetch_one(&self.db.read)
            .await
            .map_err(errors::db)?;
        // COUNT(*) is never negative.
        Ok(u64::try_from(n).unwrap_or_default())
    }
}
