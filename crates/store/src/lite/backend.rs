//! The lane as the [`Backend`] of a store on a SQLite file.

use std::sync::Arc;

use kognit_core::store::{AliasRecord, GroupRecord, RefreshTokenRecord, StoreResult, UserRecord};

use super::{Lane, conflict};
use crate::args::{self, Arg};
use crate::backend::Backend;

// Shared (`Arc`) because a ListUsers page past its inline budget is read
// again on the blocking pool, which needs the lane for `'static`. Each call
// names `Lane::…`: `self.get_user(…)` would find this trait's method first.
impl Backend for Arc<Lane> {
    async fn execute(
        &self,
        sql: &'static str,
        args: Vec<Arg<'_>>,
        fk: &'static str,
    ) -> StoreResult<u64> {
        let values = args::values(args);
        let changed = self
            .writer
            .write(move |conn| {
                conn.prepare_cached(sql)
                    .and_then(|mut s| s.execute(rusqlite::params_from_iter(values)))
                    .map_err(conflict(fk))
            })
            .await?;
        Ok(u64::try_from(changed).unwrap_or(u64::MAX))
    }

    async fn insert_user(&self, u: &UserRecord, aliases: &[AliasRecord]) -> StoreResult<()> {
        Lane::insert_user(self, u, aliases).await
    }

    async fn get_user(&self, pool_id: &str, username_key: &str) -> StoreResult<Option<UserRecord>> {
        Lane::get_user(self, pool_id, username_key)
    }

    async fn get_user_by_sub(&self, pool_id: &str, sub: &str) -> StoreResult<Option<UserRecord>> {
        Lane::get_user_by_sub(self, pool_id, sub)
    }

    async fn get_user_by_sub_for_origin(
        &self,
        pool_id: &str,
        sub: &str,
        origin_jti: &str,
    ) -> StoreResult<Option<(UserRecord, bool)>> {
        Lane::get_user_by_sub_for_origin(self, pool_id, sub, origin_jti)
    }

    async fn get_user_by_alias(
        &self,
        pool_id: &str,
        kind: &str,
        value_key: &str,
    ) -> StoreResult<Option<UserRecord>> {
        Lane::get_user_by_alias(self, pool_id, kind, value_key)
    }

    async fn update_user(
        &self,
        before: &UserRecord,
        after: &UserRecord,
        aliases: Option<&[AliasRecord]>,
    ) -> StoreResult<bool> {
        Lane::update_user(self, before, after, aliases).await
    }

    async fn get_refresh_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<RefreshTokenRecord>> {
        Lane::get_refresh_token(self, token_hash)
    }

    async fn list_user_groups(
        &self,
        pool_id: &str,
        username_key: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<GroupRecord>> {
        Lane::list_user_groups(self, pool_id, username_key, after, limit)
    }

    async fn list_users(
        &self,
        sql: &'static str,
        args: Vec<Arg<'_>>,
    ) -> StoreResult<Vec<UserRecord>> {
        Lane::list_users(self, sql, args::values(args)).await
    }
}
