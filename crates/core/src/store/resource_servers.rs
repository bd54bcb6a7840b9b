//! Storage of OAuth 2.0 resource servers and their custom scopes.

use async_trait::async_trait;

use super::StoreResult;

/// A stored resource server. Identifiers compare bytewise
/// (case-sensitively).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceServerRecord {
    /// The owning pool.
    pub pool_id: String,
    /// The identifier; unique per pool
    /// ([`Conflict::ResourceServer`](crate::store::Conflict)).
    pub identifier: String,
    /// The friendly name.
    pub name: String,
    /// The scopes as JSON text (core's shape; the store does not read it).
    pub scopes: String,
    /// Creation time, ms since the epoch.
    pub created_ms: i64,
    /// Last modification time, ms since the epoch.
    pub updated_ms: i64,
}

/// Resource servers.
#[async_trait]
pub trait ResourceServerStore: Send + Sync {
    /// Inserts a resource server unless its pool already holds
    /// `max_per_pool` of them (counted and written in one transaction);
    /// false at the limit. `Conflict` is `ResourceServer` (the identifier is
    /// taken) or `MissingPool` (no such pool).
    async fn insert_resource_server(
        &self,
        server: &ResourceServerRecord,
        max_per_pool: u32,
    ) -> StoreResult<bool>;
    /// The resource server, if any.
    async fn get_resource_server(
        &self,
        pool_id: &str,
        identifier: &str,
    ) -> StoreResult<Option<ResourceServerRecord>>;
    /// Replaces name and scopes and sets `updated_ms` in one statement; the
    /// resource server as stored afterwards, None when there is none.
    async fn update_resource_server(
        &self,
        pool_id: &str,
        identifier: &str,
        name: &str,
        scopes: &str,
        updated_ms: i64,
    ) -> StoreResult<Option<ResourceServerRecord>>;
    /// Deletes a resource server; false when there was none.
    async fn delete_resource_server(&self, pool_id: &str, identifier: &str) -> StoreResult<bool>;
    /// Up to `limit` resource servers of a pool ordered by identifier
    /// (bytewise), after `after`.
    async fn list_resource_servers(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<ResourceServerRecord>>;
}
