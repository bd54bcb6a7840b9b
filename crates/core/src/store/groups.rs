//! Storage of user-pool groups and their members.

use async_trait::async_trait;

use super::{StoreResult, UserRecord};

/// A stored group. Names compare bytewise (case-sensitively), as in Cognito.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupRecord {
    /// The owning pool.
    pub pool_id: String,
    /// The group's name; unique per pool ([`Conflict::Group`](crate::store::Conflict)).
    pub group_name: String,
    /// The description, if any.
    pub description: Option<String>,
    /// The IAM role of the group's members, if any.
    pub role_arn: Option<String>,
    /// Lower takes precedence; None ranks after every number.
    pub precedence: Option<i64>,
    /// Creation time, ms since the epoch.
    pub created_ms: i64,
    /// Last modification time, ms since the epoch.
    pub updated_ms: i64,
}

/// The members UpdateGroup changes; None keeps the stored value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupChange {
    /// A new description.
    pub description: Option<String>,
    /// A new role ARN.
    pub role_arn: Option<String>,
    /// A new precedence.
    pub precedence: Option<i64>,
}

/// Groups and memberships.
#[async_trait]
pub trait GroupStore: Send + Sync {
    /// Inserts a group unless its pool already holds `max_per_pool` groups
    /// (counted and written in one transaction); false at the limit.
    /// `Conflict` is `Group` (the name is taken) or `MissingPool`
    /// (no such pool).
    async fn insert_group(&self, group: &GroupRecord, max_per_pool: u32) -> StoreResult<bool>;
    /// The group, if any.
    async fn get_group(&self, pool_id: &str, group_name: &str) -> StoreResult<Option<GroupRecord>>;
    /// Applies `change` and sets `updated_ms` in one statement (so concurrent
    /// updates of different members all land); the group as stored afterwards,
    /// None when there is no such group.
    async fn update_group(
        &self,
        pool_id: &str,
        group_name: &str,
        change: &GroupChange,
        updated_ms: i64,
    ) -> StoreResult<Option<GroupRecord>>;
    /// Deletes a group and its memberships; false when there was none.
    async fn delete_group(&self, pool_id: &str, group_name: &str) -> StoreResult<bool>;
    /// Up to `limit` groups of a pool ordered by name, after `after`.
    async fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<GroupRecord>>;
    /// Makes a user a member of a group. Already a member: true, nothing
    /// changes. Otherwise false when the user already belongs to
    /// `max_per_user` groups (counted and written in one transaction).
    /// `Conflict` is `MissingUser` (no such user) or `MissingGroup`
    /// (no such group).
    async fn add_member(
        &self,
        pool_id: &str,
        group_name: &str,
        username_key: &str,
        max_per_user: u32,
    ) -> StoreResult<bool>;
    /// Ends a membership; false when there was none.
    async fn remove_member(
        &self,
        pool_id: &str,
        group_name: &str,
        username_key: &str,
    ) -> StoreResult<bool>;
    /// Up to `limit` groups the user belongs to, ordered by name, after `after`.
    async fn list_user_groups(
        &self,
        pool_id: &str,
        username_key: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<GroupRecord>>;
    /// Up to `limit` members of a group, ordered by username key, after `after`.
    async fn list_group_members(
        &self,
        pool_id: &str,
        group_name: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<UserRecord>>;
}
