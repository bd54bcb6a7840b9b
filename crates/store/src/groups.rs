//! [`GroupStore`]: the `user_groups` and `group_members` tables.
//!
//! The two limits (groups per pool, groups per user) are counted and written
//! in one transaction that first locks the parent row (`Dialect::lock_pool`,
//! `Dialect::lock_user`), as client secrets do, so concurrent additions cannot
//! both pass the count.

use async_trait::async_trait;
use kognit_core::store::{
    GroupChange, GroupRecord, GroupStore, StoreError, StoreResult, UserRecord,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::args::Arg;
use crate::backend::Backend;
use crate::columns::Columns;
use crate::users::{user_columns, users};
use crate::{Sql, errors};

/// The foreign key from a group to its pool.
const POOL_FKEY: &str = "user_groups_pool_id_fkey";
/// The foreign key from a membership to its group.
const GROUP_FKEY: &str = "group_members_group_fkey";
/// The foreign key from a membership to its user.
const USER_FKEY: &str = "group_members_user_fkey";

/// The columns of a group row, in the order [`group`] decodes them.
macro_rules! group_columns {
    () => {
        "pool_id, group_name, description, role_arn, precedence, created_ms, updated_ms"
    };
}

/// A page of a user's groups (`$1` pool, `$2` username key, `$3` after
/// this name, `$4` limit). The page of names comes from
/// group_members_user_idx in order; the groups are then found by primary
/// key. A subquery rather than a join, so the shared column list needs no
/// table prefix.
pub(crate) const LIST_USER_GROUPS: &str = concat!(
    "SELECT ",
    group_columns!(),
    " FROM user_groups WHERE pool_id = $1 AND group_name IN \
     (SELECT group_name FROM group_members WHERE pool_id = $1 AND username_key = $2 \
      AND group_name > $3 ORDER BY group_name LIMIT $4) \
     ORDER BY group_name"
);

/// Decodes a row selected as [`group_columns!`], from sqlx or the lane.
pub(crate) fn group<R: Columns>(row: &R) -> Result<GroupRecord, R::Error> {
    Ok(GroupRecord {
        pool_id: row.text(0)?,
        group_name: row.text(1)?,
        description: row.opt_text(2)?,
        role_arn: row.opt_text(3)?,
        precedence: row.opt_int(4)?,
        created_ms: row.int(5)?,
        updated_ms: row.int(6)?,
    })
}

/// Decodes rows selected as [`group_columns!`].
pub(crate) fn groups(rows: &[AnyRow]) -> StoreResult<Vec<GroupRecord>> {
    rows.iter()
        .map(group::<AnyRow>)
        .collect::<Result<_, _>>()
        .map_err(errors::db)
}

#[async_trait]
impl<B: Backend> GroupStore for Sql<B> {
    async fn insert_group(&self, g: &GroupRecord, max_per_pool: u32) -> StoreResult<bool> {
        let mut tx = self.db.begin_write().await?;
        let pool = sqlx::query(self.db.dialect.lock_pool)
            .bind(g.pool_id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(errors::db)?;
        if pool.is_none() {
            // What the insert's foreign key would say, without trying it.
            return Err(StoreError::Conflict(crate::errors::conflict_of(POOL_FKEY)));
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_groups WHERE pool_id = $1")
            .bind(g.pool_id.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(errors::db)?;
        if count >= i64::from(max_per_pool) {
            return Ok(false);
        }
        // A taken name fails here as user_groups_pkey; dropping `tx` (on
        // every early return) rolls back.
        sqlx::query(concat!(
            "INSERT INTO user_groups (",
            group_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(g.pool_id.as_str())
        .bind(g.group_name.as_str())
        .bind(g.description.as_deref())
        .bind(g.role_arn.as_deref())
        .bind(g.precedence)
        .bind(g.created_ms)
        .bind(g.updated_ms)
        .execute(&mut *tx)
        .await
        .map_err(errors::fk(POOL_FKEY))?;
        tx.commit().await.map_err(errors::db)?;
        Ok(true)
    }

    async fn get_group(&self, pool_id: &str, group_name: &str) -> StoreResult<Option<GroupRecord>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            group_columns!(),
            " FROM user_groups WHERE pool_id = $1 AND group_name = $2"
        ))
        .bind(pool_id)
        .bind(group_name)
        .fetch_optional(&self.db.read)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(group).transpose().map_err(errors::db)
    }

    async fn update_group(
        &self,
        pool_id: &str,
        group_name: &str,
        change: &GroupChange,
        updated_ms: i64,
    ) -> StoreResult<Option<GroupRecord>> {
        // COALESCE keeps what the change leaves out, inside the one
        // statement: no read-modify-write that a concurrent update could
        // interleave with and undo.
        let row = sqlx::query(concat!(
            "UPDATE user_groups SET description = COALESCE($3, description), \
             role_arn = COALESCE($4, role_arn), precedence = COALESCE($5, precedence), \
             updated_ms = $6 WHERE pool_id = $1 AND group_name = $2 RETURNING ",
            group_columns!()
        ))
        .bind(pool_id)
        .bind(group_name)
        .bind(change.description.as_deref())
        .bind(change.role_arn.as_deref())
        .bind(change.precedence)
        .bind(updated_ms)
        .fetch_optional(&self.db.write)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(group).transpose().map_err(errors::db)
    }

    async fn delete_group(&self, pool_id: &str, group_name: &str) -> StoreResult<bool> {
        // Its memberships go with it through ON DELETE CASCADE.
        let done = sqlx::query("DELETE FROM user_groups WHERE pool_id = $1 AND group_name = $2")
            .bind(pool_id)
            .bind(group_name)
            .execute(&self.db.write)
            .await
            .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<GroupRecord>> {
        // Keyset paging on the primary key, "" before every name (as pools).
        let rows = self
            .db
            .read_page(
                concat!(
                    "SELECT ",
                    group_columns!(),
                    " FROM user_groups WHERE pool_id = $1 AND group_name > $2 \
             ORDER BY group_name LIMIT $3"
                ),
                vec![Arg::Text(pool_id)],
                after,
                limit,
            )
            .await?;
        groups(&rows)
    }

    async fn add_member(
        &self,
        pool_id: &str,
        group_name: &str,
        username_key: &str,
        max_per_user: u32,
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin_write().await?;
        let user = sqlx::query(self.db.dialect.lock_user)
            .bind(pool_id)
            .bind(username_key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(errors::db)?;
        if user.is_none() {
            // Checked under the lock, so the insert's only foreign key that
            // can fail below is the group's, and SQLite (which never names
            // the failed key) is still answered precisely.
            return Err(StoreError::Conflict(crate::errors::conflict_of(USER_FKEY)));
        }
        // The user's memberships and whether this is one of them, from one
        // range of group_members_user_idx (at most the limit's rows).
        let row = sqlx::query(
            "SELECT COUNT(*), COUNT(CASE WHEN group_name = $3 THEN 1 END) \
             FROM group_members WHERE pool_id = $1 AND username_key = $2",
        )
        .bind(pool_id)
        .bind(username_key)
        .bind(group_name)
        .fetch_one(&mut *tx)
        .await
        .map_err(errors::db)?;
        let count: i64 = row.try_get(0).map_err(errors::db)?;
        let already: i64 = row.try_get(1).map_err(errors::db)?;
        if already > 0 {
            // Cognito answers a repeated addition with success.
            return Ok(true);
        }
        if count >= i64::from(max_per_user) {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO group_members (pool_id, group_name, username_key) VALUES ($1, $2, $3)",
        )
        .bind(pool_id)
        .bind(group_name)
        .bind(username_key)
        .execute(&mut *tx)
        .await
        .map_err(errors::fk(GROUP_FKEY))?;
        tx.commit().await.map_err(errors::db)?;
        Ok(true)
    }

    async fn remove_member(
        &self,
        pool_id: &str,
        group_name: &str,
        username_key: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM group_members \
             WHERE pool_id = $1 AND group_name = $2 AND username_key = $3",
        )
        .bind(pool_id)
        .bind(group_name)
        .bind(username_key)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_user_groups(
        &self,
        pool_id: &str,
        username_key: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<GroupRecord>> {
        self.backend
            .list_user_groups(pool_id, username_key, after, limit)
            .await
    }

    async fn list_group_members(
        &self,
        pool_id: &str,
        group_name: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<UserRecord>> {
        // The page of keys comes from the membership primary key in order;
        // the users are then found by theirs.
        let rows = self
            .db
            .read_page(
                concat!(
                    "SELECT ",
                    user_columns!(),
                    " FROM users WHERE pool_id = $1 AND username_key IN \
             (SELECT username_key FROM group_members WHERE pool_id = $1 AND group_name = $2 \
              AND username_key > $3 ORDER BY username_key LIMIT $4) \
             ORDER BY username_key"
                ),
                vec![Arg::Text(pool_id), Arg::Text(group_name)],
                after,
                limit,
            )
            .await?;
        users(&rows)
    }
}
