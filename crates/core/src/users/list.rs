//! ListUsers with Cognito's filter language, AttributesToGet and pagination.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-manage-user-accounts.html#cognito-user-pools-searching-for-users-listusers-api-examples>

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use kognit_wire::types::*;

use super::user_type;
use crate::pools::decode_token;
use crate::service::{Admin, Service};
use crate::{Result, filter};

impl Service {
    /// ListUsers, ordered by username; at most 60 a page.
    pub async fn list_users(
        &self,
        _admin: &Admin,
        req: ListUsersRequest,
    ) -> Result<ListUsersResponse> {
        let pool = self
            .pool(req.user_pool_id.as_deref().unwrap_or_default())
            .await?;
        let f = filter::parse_filter(req.filter.as_deref().unwrap_or_default())?;
        let limit = match req.limit {
            Some(n) if n > 0 => n.min(60) as u32,
            _ => 60,
        };
        let after = req
            .pagination_token
            .as_deref()
            .map(decode_token)
            .transpose()?;
        let mut recs = self
            .store
            .list_users(&pool.id, f.as_ref(), after.as_deref(), limit + 1)
            .await?;
        let more = recs.len() > limit as usize;
        recs.truncate(limit as usize);
        let token = more
            .then(|| {
                recs.last()
                    .map(|r| B64URL.encode(r.username_key.as_bytes()))
            })
            .flatten();
        let only = req.attributes_to_get.as_deref();
        let users = recs
            .iter()
            .map(|r| user_type(r, only))
            .collect::<Result<Vec<_>>>()?;
        Ok(ListUsersResponse {
            users: Some(users),
            pagination_token: token,
        })
    }
}
