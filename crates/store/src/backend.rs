//! [`Backend`]: the operations whose implementation differs by how a store
//! reaches its database, chosen once when the store opens
//! (`SqlStore::open_with`), never per query.
//!
//! Two implementations, each over the same SQL texts and row decoders
//! (`users.rs`, `tokens.rs`, `groups.rs`, `user_list.rs`):
//!
//! - [`LaneBackend`](crate::lite::LaneBackend) on SQLite, a file or a
//!   shared in-memory database: rusqlite directly, point reads on the
//!   calling thread and user writes committed in batches (`lite`).
//! - [`Pooled`](crate::pooled::Pooled) on PostgreSQL, and on an unnamed
//!   in-memory SQLite database, which lives only in its one sqlx connection
//!   (a lane could not open it): the sqlx pools. The split is by driver,
//!   not by engine; what differs by engine is text, in `Dialect`.
//!
//! Every other operation is written once, on the sqlx pools, in `Sql<B>`.
//! [`Sql`](crate::Sql) is generic over its backend, so a call reaches the
//! implementation without a branch or a dynamic call.

use std::future::Future;

use kognit_core::store::{AliasRecord, GroupRecord, RefreshTokenRecord, StoreResult, UserRecord};

use crate::args::Arg;

/// The operations a store's backend implements (see the module docs). Each
/// has the meaning of the `kognit_core::store` method of the same name.
pub(crate) trait Backend: Send + Sync + 'static {
    /// Runs one write statement outside any transaction. `fk` names the
    /// foreign key it may violate. The rows it changed.
    fn execute(
        &self,
        sql: &'static str,
        args: Vec<Arg<'_>>,
        fk: &'static str,
    ) -> impl Future<Output = StoreResult<u64>> + Send;

    /// `UserStore::insert_user`.
    fn insert_user(
        &self,
        u: &UserRecord,
        aliases: &[AliasRecord],
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// `UserStore::get_user`.
    fn get_user(
        &self,
        pool_id: &str,
        username_key: &str,
    ) -> impl Future<Output = StoreResult<Option<UserRecord>>> + Send;

    /// `UserStore::get_user_by_sub`.
    fn get_user_by_sub(
        &self,
        pool_id: &str,
        sub: &str,
    ) -> impl Future<Output = StoreResult<Option<UserRecord>>> + Send;

    /// `UserStore::get_user_by_sub_for_origin`.
    fn get_user_by_sub_for_origin(
        &self,
        pool_id: &str,
        sub: &str,
        origin_jti: &str,
    ) -> impl Future<Output = StoreResult<Option<(UserRecord, bool)>>> + Send;

    /// `UserStore::get_user_by_alias`.
    fn get_user_by_alias(
        &self,
        pool_id: &str,
        kind: &str,
        value_key: &str,
    ) -> impl Future<Output = StoreResult<Option<UserRecord>>> + Send;

    /// `UserStore::update_user`.
    fn update_user(
        &self,
        before: &UserRecord,
        after: &UserRecord,
        aliases: Option<&[AliasRecord]>,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// `TokenStore::get_refresh_token`.
    fn get_refresh_token(
        &self,
        token_hash: &[u8],
    ) -> impl Future<Output = StoreResult<Option<RefreshTokenRecord>>> + Send;

    /// `GroupStore::list_user_groups`.
    fn list_user_groups(
        &self,
        pool_id: &str,
        username_key: &str,
        after: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<GroupRecord>>> + Send;

    /// `AdminStore::ping`: one trivial statement on a connection that reads.
    fn ping(&self) -> impl Future<Output = StoreResult<()>> + Send;

    /// One ListUsers page: `sql` and `args` from `user_list::statement`.
    fn list_users(
        &self,
        sql: &'static str,
        args: Vec<Arg<'_>>,
    ) -> impl Future<Output = StoreResult<Vec<UserRecord>>> + Send;
}
