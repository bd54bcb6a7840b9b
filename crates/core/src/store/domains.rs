//! Storage of user-pool domains (CreateUserPoolDomain and the rest).

use async_trait::async_trait;

use super::StoreResult;

/// A stored user-pool domain: a Cognito prefix (`myprefix`) or a custom
/// domain (`auth.example.com`). The domain is unique across all pools
/// ([`Conflict::Domain`](crate::store::Conflict)), and a pool holds at most
/// one domain of each kind ([`Conflict::PoolDomain`](crate::store::Conflict)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRecord {
    /// The domain as the request named it (the prefix alone, or the FQDN).
    pub domain: String,
    /// The owning pool.
    pub pool_id: String,
    /// Whether this is a custom domain (false: a prefix domain).
    pub custom: bool,
    /// The rest of the description (certificate, versions, routing) as
    /// JSON text; core decides its shape.
    pub config: String,
    /// Creation time, ms since the epoch.
    pub created_ms: i64,
    /// Last modification time, ms since the epoch.
    pub updated_ms: i64,
}

/// User-pool domains.
#[async_trait]
pub trait DomainStore: Send + Sync {
    /// Inserts a domain. `Conflict` is `Domain` (another pool, or this one,
    /// holds the name), `PoolDomain` (the pool has a domain of this kind)
    /// or `MissingPool` (no such pool).
    async fn insert_domain(&self, domain: &DomainRecord) -> StoreResult<()>;
    /// The domain with this name, in whichever pool holds it.
    async fn get_domain(&self, domain: &str) -> StoreResult<Option<DomainRecord>>;
    /// The pool's domains (at most two: a prefix and a custom one), prefix
    /// first.
    async fn list_pool_domains(&self, pool_id: &str) -> StoreResult<Vec<DomainRecord>>;
    /// Replaces `config` and `updated_ms` of the domain when `pool_id`
    /// holds it; false otherwise.
    async fn update_domain(&self, domain: &DomainRecord) -> StoreResult<bool>;
    /// Deletes the domain when `pool_id` holds it; false otherwise.
    async fn delete_domain(&self, pool_id: &str, domain: &str) -> StoreResult<bool>;
}
