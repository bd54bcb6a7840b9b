//! [`Pooled`]: the [`Backend`] on the sqlx pools, for PostgreSQL, for an
//! unnamed in-memory SQLite database, and for the reads of a shared
//! in-memory one that meet a table lock (`lite::LaneBackend`). The same
//! statements as the SQLite lane's (`lite`), from the capability modules,
//! on sqlx.

use kognit_core::store::{AliasRecord, GroupRecord, RefreshTokenRecord, StoreResult, UserRecord};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Row};

use crate::args::{Arg, bind};
use crate::backend::Backend;
use crate::groups::{LIST_USER_GROUPS, groups};
use crate::tokens::GET_REFRESH;
use crate::users::{
    GET_USER, GET_USER_BY_ALIAS, GET_USER_BY_SUB, GET_USER_FOR_ORIGIN, INSERT_ALIASES, INSERT_USER,
    POOL_FKEY, USER_FKEY, changes, update_sql, user, user_args, users,
};
use crate::{Db, errors, tokens};

/// The sqlx backend: the store's own pools.
#[derive(Debug)]
pub(crate) struct Pooled {
    db: Db,
}

impl Pooled {
    /// The backend on these pools.
    pub(crate) fn new(db: Db) -> Self {
        Self { db }
    }

    /// The user a point read (`GET_USER…`, bound in this order) finds.
    async fn user_where(
        &self,
        sql: &'static str,
        params: [&str; 2],
    ) -> StoreResult<Option<UserRecord>> {
        let [a, b] = params;
        let row = sqlx::query(sql)
            .bind(a)
            .bind(b)
            .fetch_optional(&self.db.read)
            .await
            .map_err(errors::db)?;
        row.as_ref().map(user).transpose().map_err(errors::db)
    }
}

impl Backend for Pooled {
    async fn execute(
        &self,
        sql: &'static str,
        args: Vec<Arg<'_>>,
        fk: &'static str,
    ) -> StoreResult<u64> {
        let done = bind(sql, args)
            .execute(&self.db.write)
            .await
            .map_err(errors::fk(fk))?;
        Ok(done.rows_affected())
    }

    async fn insert_user(&self, u: &UserRecord, aliases: &[AliasRecord]) -> StoreResult<()> {
        if aliases.is_empty() {
            // One statement is atomic by itself: spare BEGIN and COMMIT.
            bind(INSERT_USER, user_args(u))
                .execute(&self.db.write)
                .await
                .map_err(errors::fk(POOL_FKEY))?;
            return Ok(());
        }
        let mut tx = self.db.begin_write().await?;
        bind(INSERT_USER, user_args(u))
            .execute(&mut *tx)
            .await
            .map_err(errors::fk(POOL_FKEY))?;
        // A taken alias fails here; dropping `tx` rolls the user back too.
        insert_aliases(&mut tx, &u.pool_id, &u.username_key, aliases).await?;
        tx.commit().await.map_err(errors::db)
    }

    async fn get_user(&self, pool_id: &str, username_key: &str) -> StoreResult<Option<UserRecord>> {
        self.user_where(GET_USER, [pool_id, username_key]).await
    }

    async fn get_user_by_sub(&self, pool_id: &str, sub: &str) -> StoreResult<Option<UserRecord>> {
        self.user_where(GET_USER_BY_SUB, [pool_id, sub]).await
    }

    async fn get_user_by_sub_for_origin(
        &self,
        pool_id: &str,
        sub: &str,
        origin_jti: &str,
    ) -> StoreResult<Option<(UserRecord, bool)>> {
        let row = sqlx::query(GET_USER_FOR_ORIGIN)
            .bind(pool_id)
            .bind(origin_jti)
            .bind(sub)
            .fetch_optional(&self.db.read)
            .await
            .map_err(errors::db)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let revoked: i64 = row.try_get(20).map_err(errors::db)?;
        Ok(Some((user(&row).map_err(errors::db)?, revoked != 0)))
    }

    async fn get_user_by_alias(
        &self,
        pool_id: &str,
        kind: &str,
        value_key: &str,
    ) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query(GET_USER_BY_ALIAS)
            .bind(pool_id)
            .bind(kind)
            .bind(value_key)
            .fetch_optional(&self.db.read)
            .await
            .map_err(errors::db)?;
        row.as_ref().map(user).transpose().map_err(errors::db)
    }

    async fn update_user(
        &self,
        before: &UserRecord,
        after: &UserRecord,
        aliases: Option<&[AliasRecord]>,
    ) -> StoreResult<bool> {
        let Some(aliases) = aliases else {
            let done = update_statement(before, after)
                .execute(&self.db.write)
                .await
                .map_err(errors::db)?;
            return Ok(done.rows_affected() == 1);
        };
        let mut tx = self.db.begin_write().await?;
        let done = update_statement(before, after)
            .execute(&mut *tx)
            .await
            .map_err(errors::db)?;
        if done.rows_affected() != 1 {
            tx.rollback().await.map_err(errors::db)?;
            return Ok(false);
        }
        // The updated row stays locked until COMMIT (PostgreSQL) or the
        // write lock is held (SQLite), so the alias set cannot be replaced
        // by two updates at once. An alias held by another user fails the
        // insert; dropping `tx` then undoes the delete and the row update.
        sqlx::query("DELETE FROM user_aliases WHERE pool_id = $1 AND username_key = $2")
            .bind(after.pool_id.as_str())
            .bind(after.username_key.as_str())
            .execute(&mut *tx)
            .await
            .map_err(errors::db)?;
        insert_aliases(&mut tx, &after.pool_id, &after.username_key, aliases).await?;
        tx.commit().await.map_err(errors::db)?;
        Ok(true)
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.db.read)
            .await
            .map_err(errors::db)?;
        Ok(())
    }

    async fn get_refresh_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<RefreshTokenRecord>> {
        let row = sqlx::query(GET_REFRESH)
            .bind(token_hash)
            .fetch_optional(&self.db.read)
            .await
            .map_err(errors::db)?;
        row.as_ref()
            .map(tokens::record)
            .transpose()
            .map_err(errors::db)
    }

    async fn list_user_groups(
        &self,
        pool_id: &str,
        username_key: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<GroupRecord>> {
        let rows = self
            .db
            .read_page(
                LIST_USER_GROUPS,
                vec![Arg::Text(pool_id), Arg::Text(username_key)],
                after,
                limit,
            )
            .await?;
        groups(&rows)
    }

    async fn list_users(
        &self,
        sql: &'static str,
        args: Vec<Arg<'_>>,
    ) -> StoreResult<Vec<UserRecord>> {
        let rows = bind(sql, args)
            .fetch_all(&self.db.read)
            .await
            .map_err(errors::db)?;
        users(&rows)
    }
}

/// The UPDATE of only the columns that changed, when the stored version is
/// still `before`'s (`users::update_sql` has why). `$1` pool, `$2` username
/// key, `$3` expected version, then the changed values.
fn update_statement<'q>(
    before: &UserRecord,
    after: &'q UserRecord,
) -> Query<'q, Any, AnyArguments> {
    let set = changes(before, after);
    let sql = update_sql(&set, '$');
    let mut args = vec![
        Arg::Text(&after.pool_id),
        Arg::Text(&after.username_key),
        Arg::Int(before.version),
    ];
    args.extend(set.into_iter().map(|(_, v)| v));
    bind(AssertSqlSafe(sql), args)
}

/// Inserts the aliases of one user, three per statement, on `conn` (inside
/// the caller's transaction).
async fn insert_aliases(
    conn: &mut AnyConnection,
    pool_id: &str,
    username_key: &str,
    aliases: &[AliasRecord],
) -> StoreResult<()> {
    for chunk in aliases.chunks(INSERT_ALIASES.len()) {
        let mut q = sqlx::query(INSERT_ALIASES[chunk.len() - 1])
            .bind(pool_id)
            .bind(username_key);
        for a in chunk {
            q = q.bind(a.kind.as_str()).bind(a.value_key.as_str());
        }
        q.execute(&mut *conn).await.map_err(errors::fk(USER_FKEY))?;
    }
    Ok(())
}
