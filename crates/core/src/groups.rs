//! User-pool groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup and
//! ListGroups here; memberships in `members`; the group claims of tokens in
//! `claims`.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-user-groups.html>

mod claims;
mod members;

use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use crate::page_token::decode as decode_token;
use crate::pools::no_pool;
use crate::service::{Admin, Millis, Service, epoch_seconds};
use crate::store::{GroupChange, GroupRecord, StoreError};
use crate::{Error, Result};

/// Cognito's quota of groups in one user pool.
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html>
pub const MAX_GROUPS_PER_POOL: u32 = 10_000;

/// Cognito's quota of groups one user can belong to (same page).
pub const MAX_GROUPS_PER_USER: u32 = 100;

/// The most a list operation returns at once (the model's QueryLimitType).
const MAX_PAGE: u32 = 60;

fn group_not_found() -> Error {
    Error::not_found("Group not found.")
}

fn limit_exceeded(message: String) -> Error {
    Error::new(ErrorCode::LimitExceededException, message)
}

/// The GroupType of a stored group.
fn group_type(rec: &GroupRecord) -> GroupType {
    GroupType {
        group_name: Some(rec.group_name.clone()),
        user_pool_id: Some(rec.pool_id.clone()),
        description: rec.description.clone(),
        role_arn: rec.role_arn.clone(),
        // Stored from an i32, so it always fits back.
        precedence: rec.precedence.and_then(|p| i32::try_from(p).ok()),
        last_modified_date: Some(epoch_seconds(rec.updated_ms)),
        creation_date: Some(epoch_seconds(rec.created_ms)),
    }
}

/// A request's Precedence: a non-negative integer (the model says so too,
/// but the service does not rely on the protocol layer having checked).
fn precedence(p: Option<i32>) -> Result<Option<i64>> {
    match p {
        Some(p) if p < 0 => Err(Error::invalid_parameter(
            "Precedence must be a non-negative integer.",
        )),
        other => Ok(other.map(i64::from)),
    }
}

/// The page size a request asks for: 1 to 60, 60 when absent or 0.
pub(crate) fn page_limit(limit: Option<i32>) -> u32 {
    match limit {
        Some(n) if n > 0 => u32::try_from(n).unwrap_or(MAX_PAGE).min(MAX_PAGE),
        _ => MAX_PAGE,
    }
}

/// Cuts a store answer fetched with `limit + 1` rows down to `limit`, and
/// makes the NextToken from the last key when there was more.
pub(crate) fn page<T>(
    mut recs: Vec<T>,
    limit: u32,
    key: impl Fn(&T) -> &str,
) -> (Vec<T>, Option<String>) {
    let more = recs.len() > limit as usize;
    recs.truncate(limit as usize);
    let token = if more {
        recs.last().map(|r| crate::page_token::encode(key(r)))
    } else {
        None
    };
    (recs, token)
}

impl Service {
    /// The error for a group that was not found: the pool's when the pool is
    /// missing too, "Group not found." otherwise. Asked only after a miss, so
    /// the common path reads the group alone.
    async fn missing_group(&self, pool_id: &str) -> Error {
        match self.store.get_pool(pool_id).await {
            Ok(Some(_)) => group_not_found(),
            Ok(None) => no_pool(pool_id),
            Err(e) => e.into(),
        }
    }

    /// CreateGroup. The name is unique per pool, enforced by the store.
    pub async fn create_group(
        &self,
        _admin: &Admin,
        req: CreateGroupRequest,
        now: Millis,
    ) -> Result<CreateGroupResponse> {
        let rec = GroupRecord {
            pool_id: req.user_pool_id,
            group_name: req.group_name,
            description: req.description,
            role_arn: req.role_arn,
            precedence: precedence(req.precedence)?,
            created_ms: now,
            updated_ms: now,
        };
        match self.store.insert_group(&rec, MAX_GROUPS_PER_POOL).await {
            Ok(true) => Ok(CreateGroupResponse {
                group: Some(group_type(&rec)),
            }),
            Ok(false) => Err(limit_exceeded(format!(
                "A user pool can have at most {MAX_GROUPS_PER_POOL} groups."
            ))),
            Err(StoreError::Conflict(crate::store::Conflict::Group)) => Err(Error::new(
                ErrorCode::GroupExistsException,
                format!("A group with the name {} already exists.", rec.group_name),
            )),
            Err(StoreError::Conflict(_)) => Err(no_pool(&rec.pool_id)),
            Err(e) => Err(e.into()),
        }
    }

    /// GetGroup.
    pub async fn get_group(
        &self,
        _admin: &Admin,
        req: GetGroupRequest,
    ) -> Result<GetGroupResponse> {
        let pool_id = req.user_pool_id;
        let name = req.group_name;
        match self.store.get_group(&pool_id, &name).await? {
            Some(rec) => Ok(GetGroupResponse {
                group: Some(group_type(&rec)),
            }),
            None => Err(self.missing_group(&pool_id).await),
        }
    }

    /// UpdateGroup: changes the members the request gives and keeps the
    /// others ("updates any of the properties for precedence, IAM role, or
    /// description"), unlike UpdateUserPool, which resets what it leaves out.
    /// <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateGroup.html>
    pub async fn update_group(
        &self,
        _admin: &Admin,
        req: UpdateGroupRequest,
        now: Millis,
    ) -> Result<UpdateGroupResponse> {
        let pool_id = req.user_pool_id;
        let name = req.group_name;
        let change = GroupChange {
            description: req.description,
            role_arn: req.role_arn,
            precedence: precedence(req.precedence)?,
        };
        match self
            .store
            .update_group(&pool_id, &name, &change, now)
            .await?
        {
            Some(rec) => Ok(UpdateGroupResponse {
                group: Some(group_type(&rec)),
            }),
            None => Err(self.missing_group(&pool_id).await),
        }
    }

    /// DeleteGroup; its members stay users, only the membership ends.
    pub async fn delete_group(&self, _admin: &Admin, req: DeleteGroupRequest) -> Result<()> {
        let pool_id = req.user_pool_id;
        let name = req.group_name;
        if self.store.delete_group(&pool_id, &name).await? {
            Ok(())
        } else {
            Err(self.missing_group(&pool_id).await)
        }
    }

    /// ListGroups, ordered by name; NextToken is opaque to the caller.
    pub async fn list_groups(
        &self,
        _admin: &Admin,
        req: ListGroupsRequest,
    ) -> Result<ListGroupsResponse> {
        let pool_id = req.user_pool_id;
        // An empty page must tell a pool without groups from no pool at all.
        if self.store.get_pool(&pool_id).await?.is_none() {
            return Err(no_pool(&pool_id));
        }
        let limit = page_limit(req.limit);
        let after = req.next_token.as_deref().map(decode_token).transpose()?;
        let recs = self
            .store
            .list_groups(&pool_id, after.as_deref(), limit + 1)
            .await?;
        let (recs, next_token) = page(recs, limit, |g| &g.group_name);
        Ok(ListGroupsResponse {
            groups: Some(recs.iter().map(group_type).collect()),
            next_token,
        })
    }
}
