//! The lane as the [`Backend`] of a store on SQLite: a file, or a shared
//! in-memory database, where a read that meets a table lock is made through
//! the sqlx pools instead (the module docs of `lite` say why).

use std::sync::Arc;

use kognit_core::store::{AliasRecord, GroupRecord, RefreshTokenRecord, StoreResult, UserRecord};

use super::{Lane, LaneError, LaneResult, conflict};
use crate::args::{self, Arg};
use crate::backend::Backend;
use crate::pooled::Pooled;

/// The lane, and for a shared in-memory database the sqlx backend its
/// locked reads fall back to.
#[derive(Debug)]
pub(crate) struct LaneBackend {
    // Shared (`Arc`) because a ListUsers page past its inline budget is
    // read again on the blocking pool, which needs the lane for `'static`.
    lane: Arc<Lane>,
    locked: Option<Pooled>,
}

impl LaneBackend {
    /// The backend on a file's lane: nothing there takes table locks.
    pub(crate) fn file(lane: Arc<Lane>) -> Self {
        Self { lane, locked: None }
    }

    /// The backend on a shared in-memory database's lane, with `pooled`
    /// for the reads that meet a table lock.
    pub(crate) fn memory(lane: Arc<Lane>, pooled: Pooled) -> Self {
        Self {
            lane,
            locked: Some(pooled),
        }
    }

    /// A lane read's answer; or, when it met a table lock, the sqlx
    /// backend to make the same read with, whose reader waits for the lock
    /// on its own thread.
    fn answer<T>(&self, read: LaneResult<T>) -> Result<StoreResult<T>, &Pooled> {
        match (read, &self.locked) {
            (Err(LaneError::Locked), Some(pooled)) => Err(pooled),
            (read, _) => Ok(read.map_err(Into::into)),
        }
    }
}

// Each call names `Lane::…` or `Backend::…`: both have methods of the same
// names.
impl Backend for LaneBackend {
    async fn execute(
        &self,
        sql: &'static str,
        args: Vec<Arg<'_>>,
        fk: &'static str,
    ) -> StoreResult<u64> {
        let values = args::values(args);
        let changed = self
            .lane
            .writer
            .write(move |conn| {
                conn.prepare_cached(sql)
                    .and_then(|mut s| s.execute(rusqlite::params_from_iter(&values)))
                    .map_err(conflict(fk))
            })
            .await?;
        Ok(u64::try_from(changed).unwrap_or(u64::MAX))
    }

    async fn insert_user(&self, u: &UserRecord, aliases: &[AliasRecord]) -> StoreResult<()> {
        Lane::insert_user(&self.lane, u, aliases).await
    }

    async fn get_user(&self, pool_id: &str, username_key: &str) -> StoreResult<Option<UserRecord>> {
        let read = Lane::get_user(&self.lane, pool_id, username_key).await;
        match self.answer(read) {
            Ok(answer) => answer,
            Err(p) => Backend::get_user(p, pool_id, username_key).await,
        }
    }

    async fn get_user_by_sub(&self, pool_id: &str, sub: &str) -> StoreResult<Option<UserRecord>> {
        let read = Lane::get_user_by_sub(&self.lane, pool_id, sub).await;
        match self.answer(read) {
            Ok(answer) => answer,
            Err(p) => Backend::get_user_by_sub(p, pool_id, sub).await,
        }
    }

    async fn get_user_by_sub_for_origin(
        &self,
        pool_id: &str,
        sub: &str,
        origin_jti: &str,
    ) -> StoreResult<Option<(UserRecord, bool)>> {
        let read = Lane::get_user_by_sub_for_origin(&self.lane, pool_id, sub, origin_jti).await;
        match self.answer(read) {
            Ok(answer) => answer,
            Err(p) => Backend::get_user_by_sub_for_origin(p, pool_id, sub, origin_jti).await,
        }
    }

    async fn get_user_by_alias(
        &self,
        pool_id: &str,
        kind: &str,
        value_key: &str,
    ) -> StoreResult<Option<UserRecord>> {
        let read = Lane::get_user_by_alias(&self.lane, pool_id, kind, value_key).await;
        match self.answer(read) {
            Ok(answer) => answer,
            Err(p) => Backend::get_user_by_alias(p, pool_id, kind, value_key).await,
        }
    }

    async fn update_user(
        &self,
        before: &UserRecord,
        after: &UserRecord,
        aliases: Option<&[AliasRecord]>,
    ) -> StoreResult<bool> {
        Lane::update_user(&self.lane, before, after, aliases).await
    }

    async fn ping(&self) -> StoreResult<()> {
        // On a reader of the lane's (a connection, opened at its first
        // read): in memory sqlx's readers are opened when first needed too,
        // and a start's first `/health` would wait for one of those (a
        // thread as well as a connection). It reads the database's header
        // (a read transaction, and on a file a read of its first page):
        // any SELECT, even `SELECT 1`, first makes SQLite parse the whole
        // schema on a connection that has not yet, a quarter to half a
        // millisecond that a new server's first `/health` need not wait
        // for; the first statement that needs the schema parses it. (Parsed
        // on the lane's writer thread as a start went on instead, it took
        // the CPU the start needed: 0.48 ms later to the first answer,
        // BENCHMARKS.md, "A tenth machine".)
        let read = self
            .lane
            .read(|conn| conn.query_row("PRAGMA user_version", [], |_| Ok(())))
            .await;
        match self.answer(read) {
            Ok(answer) => answer,
            Err(p) => Backend::ping(p).await,
        }
    }

    async fn get_refresh_token(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<RefreshTokenRecord>> {
        let read = Lane::get_refresh_token(&self.lane, token_hash).await;
        match self.answer(read) {
            Ok(answer) => answer,
            Err(p) => Backend::get_refresh_token(p, token_hash).await,
        }
    }

    async fn list_user_groups(
        &self,
        pool_id: &str,
        username_key: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<GroupRecord>> {
        let read = Lane::list_user_groups(&self.lane, pool_id, username_key, after, limit).await;
        match self.answer(read) {
            Ok(answer) => answer,
            Err(p) => Backend::list_user_groups(p, pool_id, username_key, after, limit).await,
        }
    }

    async fn list_users(
        &self,
        sql: &'static str,
        args: Vec<Arg<'_>>,
    ) -> StoreResult<Vec<UserRecord>> {
        // For the sqlx read, if there is one (None: no copy on a file).
        let again = self.locked.as_ref().map(|_| args.clone());
        let read = Lane::list_users(&self.lane, sql, args::values(args)).await;
        match self.answer(read) {
            Ok(answer) => answer,
            Err(p) => Backend::list_users(p, sql, again.unwrap_or_default()).await,
        }
    }
}
