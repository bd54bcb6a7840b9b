//! Group membership: AdminAddUserToGroup, AdminRemoveUserFromGroup,
//! AdminListGroupsForUser and ListUsersInGroup. Users are named by username
//! or alias, as in the other admin user operations.

use kognit_wire::types::*;

use super::{MAX_GROUPS_PER_USER, group_not_found, group_type, limit_exceeded, page, page_limit};
use crate::Result;
use crate::page_token::decode as decode_token;
use crate::service::{Admin, Service};
use crate::store::StoreError;
use crate::users::{user_not_found, user_type};

impl Service {
    /// AdminAddUserToGroup. Adding a member again succeeds and changes
    /// nothing, as in Cognito.
    pub async fn admin_add_user_to_group(
        &self,
        _admin: &Admin,
        req: AdminAddUserToGroupRequest,
    ) -> Result<()> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let group = req.group_name.as_str();
        // The group's existence is checked by the insert's foreign key, so a
        // successful addition costs no separate read of the group.
        match self
            .store
            .add_member(&pool.id, group, &user.username_key, MAX_GROUPS_PER_USER)
            .await
        {
            Ok(true) => Ok(()),
            Ok(false) => Err(limit_exceeded(format!(
                "A user can belong to at most {MAX_GROUPS_PER_USER} groups."
            ))),
            // The user was deleted after it was read.
            Err(StoreError::Conflict(crate::store::Conflict::MissingUser)) => Err(user_not_found()),
            Err(StoreError::Conflict(_)) => Err(group_not_found()),
            Err(e) => Err(e.into()),
        }
    }

    /// AdminRemoveUserFromGroup. Removing a user who is not a member of an
    /// existing group succeeds, as adding one twice does.
    pub async fn admin_remove_user_from_group(
        &self,
        _admin: &Admin,
        req: AdminRemoveUserFromGroupRequest,
    ) -> Result<()> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let group = req.group_name.as_str();
        if self
            .store
            .remove_member(&pool.id, group, &user.username_key)
            .await?
        {
            return Ok(());
        }
        // Nothing removed: only a missing group is an error.
        match self.store.get_group(&pool.id, group).await? {
            Some(_) => Ok(()),
            None => Err(group_not_found()),
        }
    }

    /// AdminListGroupsForUser, ordered by group name.
    pub async fn admin_list_groups_for_user(
        &self,
        _admin: &Admin,
        req: AdminListGroupsForUserRequest,
    ) -> Result<AdminListGroupsForUserResponse> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let limit = page_limit(req.limit);
        let after = req.next_token.as_deref().map(decode_token).transpose()?;
        let recs = self
            .store
            .list_user_groups(&pool.id, &user.username_key, after.as_deref(), limit + 1)
            .await?;
        let (recs, next_token) = page(recs, limit, |g| &g.group_name);
        Ok(AdminListGroupsForUserResponse {
            groups: Some(recs.iter().map(group_type).collect()),
            next_token,
        })
    }

    /// ListUsersInGroup, ordered by username, each user as ListUsers shows it.
    pub async fn list_users_in_group(
        &self,
        _admin: &Admin,
        req: ListUsersInGroupRequest,
    ) -> Result<ListUsersInGroupResponse> {
        let pool = self.pool(req.user_pool_id.as_str()).await?;
        let group = req.group_name.as_str();
        let limit = page_limit(req.limit);
        let after = req.next_token.as_deref().map(decode_token).transpose()?;
        let recs = self
            .store
            .list_group_members(&pool.id, group, after.as_deref(), limit + 1)
            .await?;
        // An empty page must tell an empty group from a missing one; a
        // non-empty page proves the group exists.
        if recs.is_empty() && self.store.get_group(&pool.id, group).await?.is_none() {
            return Err(group_not_found());
        }
        let (recs, next_token) = page(recs, limit, |u| &u.username_key);
        let users = recs
            .iter()
            .map(|r| user_type(r, None))
            .collect::<Result<Vec<_>>>()?;
        Ok(ListUsersInGroupResponse {
            users: Some(users),
            next_token,
        })
    }
}
