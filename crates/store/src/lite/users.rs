//! The lane's user statements: point reads by a unique key, and the writes
//! of `users` and `user_aliases` (same SQL and semantics as `crate::users`).

use std::sync::Arc;

use kognit_core::store::{AliasRecord, StoreError, StoreResult, UserRecord};

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params_from_iter};

use super::{Lane, LaneError, LaneResult, conflict, db};
use crate::args::{self, Arg};
use crate::users::{
    GET_USER, GET_USER_BY_ALIAS, GET_USER_BY_SUB, GET_USER_FOR_ORIGIN, INSERT_ALIASES, INSERT_USER,
    POOL_FKEY, USER_FKEY, changes, update_sql, user, user_args,
};

impl Lane {
    /// One user by one of `users`' point reads (`GET_USER…`), with any
    /// columns after the user's decoded by `tail`.
    async fn user_where<T>(
        &self,
        sql: &'static str,
        params: &[&str],
        tail: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> LaneResult<Option<(UserRecord, T)>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(sql)?;
            stmt.query_row(rusqlite::params_from_iter(params), |row| {
                Ok((user(row)?, tail(row)?))
            })
            .optional()
        })
        .await
    }

    /// The user with this username key.
    pub(crate) async fn get_user(
        &self,
        pool_id: &str,
        username_key: &str,
    ) -> LaneResult<Option<UserRecord>> {
        let found = self
            .user_where(GET_USER, &[pool_id, username_key], |_| Ok(()))
            .await?;
        Ok(found.map(|(u, ())| u))
    }

    /// The user with this `sub`.
    pub(crate) async fn get_user_by_sub(
        &self,
        pool_id: &str,
        sub: &str,
    ) -> LaneResult<Option<UserRecord>> {
        let found = self
            .user_where(GET_USER_BY_SUB, &[pool_id, sub], |_| Ok(()))
            .await?;
        Ok(found.map(|(u, ())| u))
    }

    /// The user with this `sub`, and whether the session `origin_jti` was
    /// revoked.
    pub(crate) async fn get_user_by_sub_for_origin(
        &self,
        pool_id: &str,
        sub: &str,
        origin_jti: &str,
    ) -> LaneResult<Option<(UserRecord, bool)>> {
        self.user_where(GET_USER_FOR_ORIGIN, &[pool_id, origin_jti, sub], |row| {
            Ok(row.get::<_, i64>(20)? != 0)
        })
        .await
    }

    /// The user holding this alias.
    pub(crate) async fn get_user_by_alias(
        &self,
        pool_id: &str,
        kind: &str,
        value_key: &str,
    ) -> LaneResult<Option<UserRecord>> {
        let found = self
            .user_where(GET_USER_BY_ALIAS, &[pool_id, kind, value_key], |_| Ok(()))
            .await?;
        Ok(found.map(|(u, ())| u))
    }

    /// A ListUsers page. Most pages are a short index walk, read here on
    /// the calling thread like the point reads, under a budget of SQLite
    /// steps; a page that runs past it (a broad prefix, whose matches are
    /// all sorted by username) is abandoned and read again on the blocking
    /// pool, so the async worker is never held for long.
    ///
    /// Unlike a point read, a page that finds every reader of the calling
    /// threads busy waits for one on its thread (spinning, then asleep):
    /// a page holds its reader a few hundred microseconds, and on an
    /// in-memory database, where the two workers share one reader, pages
    /// that waited without their worker were woken onto the other worker
    /// after its request and left their own idle (7% fewer pages, p99 3.2
    /// -> 4.4 ms), and pages sent to the blocking pool instead cost half as
    /// much CPU again (27% fewer).
    pub(crate) async fn list_users(
        self: &Arc<Self>,
        sql: &'static str,
        values: Vec<Value>,
    ) -> LaneResult<Vec<UserRecord>> {
        let quick = self.read_waiting(|conn| {
            let mut left = self
                .inline_checks
                .load(std::sync::atomic::Ordering::Relaxed);
            conn.progress_handler(
                STEPS_PER_CHECK,
                Some(move || {
                    left = left.saturating_sub(1);
                    left == 0
                }),
            )?;
            let page = page(conn, sql, &values);
            conn.progress_handler(STEPS_PER_CHECK, None::<fn() -> bool>)?;
            match page {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::OperationInterrupted =>
                {
                    Ok(None)
                }
                other => other.map(Some),
            }
        })?;
        if let Some(users) = quick {
            return Ok(users);
        }
        let lane = Arc::clone(self);
        let read = move || lane.read_blocking(|conn| page(conn, sql, &values));
        tokio::task::spawn_blocking(read)
            .await
            .map_err(|e| LaneError::Store(StoreError::Backend(format!("ListUsers read: {e}"))))?
    }

    /// Inserts a user and their aliases in one transaction.
    pub(crate) async fn insert_user(
        &self,
        u: &UserRecord,
        aliases: &[AliasRecord],
    ) -> StoreResult<()> {
        let values = args::values(user_args(u));
        let aliases = aliases.to_vec();
        let key = (u.pool_id.clone(), u.username_key.clone());
        self.writer
            .write(move |conn| {
                let mut insert = conn.prepare_cached(INSERT_USER).map_err(db)?;
                insert
                    .execute(params_from_iter(&values))
                    .map_err(conflict(POOL_FKEY))?;
                insert_aliases(conn, &key.0, &key.1, &aliases)
            })
            .await
    }

    /// Writes the columns in which `after` differs from `before`, if the
    /// stored version is still `before`'s; with `aliases`, replaces the
    /// user's alias set in the same transaction. False when the version moved.
    pub(crate) async fn update_user(
        &self,
        before: &UserRecord,
        after: &UserRecord,
        aliases: Option<&[AliasRecord]>,
    ) -> StoreResult<bool> {
        let set = changes(before, after);
        let sql = update_sql(&set, '?');
        let mut args = vec![
            Arg::Text(&after.pool_id),
            Arg::Text(&after.username_key),
            Arg::Int(before.version),
        ];
        args.extend(set.into_iter().map(|(_, v)| v));
        let values = args::values(args);
        let aliases = aliases.map(<[AliasRecord]>::to_vec);
        let key = (after.pool_id.clone(), after.username_key.clone());
        self.writer
            .write(move |conn| {
                // No foreign key among the columns an update can change.
                let updated = conn
                    .prepare_cached(&sql)
                    .and_then(|mut s| s.execute(params_from_iter(&values)))
                    .map_err(conflict(POOL_FKEY))?;
                if updated != 1 {
                    return Ok(false);
                }
                if let Some(aliases) = &aliases {
                    conn.prepare_cached(
                        "DELETE FROM user_aliases WHERE pool_id = ?1 AND username_key = ?2",
                    )
                    .and_then(|mut s| s.execute([&key.0, &key.1]))
                    .map_err(db)?;
                    insert_aliases(conn, &key.0, &key.1, aliases)?;
                }
                Ok(true)
            })
            .await
    }
}

/// Inserts the aliases of one user, three per statement.
fn insert_aliases(
    conn: &Connection,
    pool_id: &str,
    username_key: &str,
    aliases: &[AliasRecord],
) -> LaneResult<()> {
    for chunk in aliases.chunks(INSERT_ALIASES.len()) {
        let mut params: Vec<&str> = vec![pool_id, username_key];
        for a in chunk {
            params.extend([a.kind.as_str(), a.value_key.as_str()]);
        }
        conn.prepare_cached(INSERT_ALIASES[chunk.len() - 1])
            .and_then(|mut s| s.execute(params_from_iter(params)))
            .map_err(conflict(USER_FKEY))?;
    }
    Ok(())
}

/// SQLite virtual-machine steps between two checks of an inline ListUsers
/// page's budget.
const STEPS_PER_CHECK: i32 = 1000;

/// Checks an inline page may use: 20,000 steps cover a page of 60 users
/// read from an index walk several times over (about 3,000–5,000 steps),
/// and take well under a millisecond.
pub(super) const INLINE_BUDGET: u32 = 20;

/// The users a ListUsers statement returns.
fn page(conn: &Connection, sql: &str, values: &[Value]) -> rusqlite::Result<Vec<UserRecord>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params_from_iter(values), |row| user(row))?;
    rows.collect()
}
