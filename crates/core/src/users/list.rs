//! ListUsers with Cognito's filter language, AttributesToGet and pagination.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-manage-user-accounts.html#cognito-user-pools-searching-for-users-listusers-api-examples>

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use kognit_wire::types::*;

use super::user_type;
use crate::service::{Admin, Service};
use crate::store::{UserCursor, UserFilter, UserRecord};
use crate::{Error, Result, filter};

/// The PaginationToken after `last`: its username key, and for a filter
/// that lists by value (a prefix search) the value too, as a JSON pair.
fn encode_cursor(filter: Option<&UserFilter>, last: &UserRecord) -> String {
    match filter.filter(|f| f.sorts_by_value()) {
        Some(f) => {
            let value = f.column.value_of(last).unwrap_or_default();
            let pair = serde_json::json!([value, last.username_key]).to_string();
            B64URL.encode(pair)
        }
        None => B64URL.encode(last.username_key.as_bytes()),
    }
}

/// The cursor a PaginationToken holds, in the form [`encode_cursor`] gave
/// it for this filter.
fn decode_cursor(filter: Option<&UserFilter>, token: &str) -> Result<UserCursor> {
    let invalid = || Error::invalid_parameter("Invalid pagination token.");
    let bytes = B64URL.decode(token).map_err(|_| invalid())?;
    if filter.is_some_and(UserFilter::sorts_by_value) {
        let (value, username_key): (String, String) =
            serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        return Ok(UserCursor {
            value: Some(value),
            username_key,
        });
    }
    Ok(UserCursor {
        value: None,
        username_key: String::from_utf8(bytes).map_err(|_| invalid())?,
    })
}

impl Service {
    /// ListUsers: by username, or for a prefix filter by the filtered
    /// attribute (then username), as Cognito sorts a search; at most 60 a page.
    pub async fn list_users(
        &self,
        _admin: &Admin,
        req: ListUsersRequest,
    ) -> Result<ListUsersResponse> {
        let pool = self.pool(req.user_pool_id.as_str()).await?;
        let f = filter::parse_filter(req.filter.as_deref().unwrap_or_default())?;
        let limit = match req.limit {
            Some(n) if n > 0 => n.min(60) as u32,
            _ => 60,
        };
        let after = req
            .pagination_token
            .as_deref()
            .map(|t| decode_cursor(f.as_ref(), t))
            .transpose()?;
        let mut recs = self
            .store
            .list_users(&pool.id, f.as_ref(), after.as_ref(), limit + 1)
            .await?;
        let more = recs.len() > limit as usize;
        recs.truncate(limit as usize);
        let token = more
            .then(|| recs.last().map(|r| encode_cursor(f.as_ref(), r)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::UserColumn;

    #[test]
    fn cursors_round_trip() {
        let rec = UserRecord {
            username_key: "k\"1".into(),
            email: Some("a\u{10FFFF}@x".into()),
            ..UserRecord::default()
        };
        let prefix = UserFilter {
            column: UserColumn::Email,
            prefix: true,
            value: "a".into(),
        };
        let t = encode_cursor(Some(&prefix), &rec);
        let c = decode_cursor(Some(&prefix), &t).unwrap();
        assert_eq!(c.value.as_deref(), Some("a\u{10FFFF}@x"));
        assert_eq!(c.username_key, "k\"1");
        // Exact, flag and no filter: the key alone.
        let exact = UserFilter {
            prefix: false,
            ..prefix.clone()
        };
        let flag = UserFilter {
            column: UserColumn::Enabled,
            ..prefix.clone()
        };
        for f in [Some(&exact), Some(&flag), None] {
            let c = decode_cursor(f, &encode_cursor(f, &rec)).unwrap();
            assert_eq!(c.value, None);
            assert_eq!(c.username_key, "k\"1");
        }
        // A key-only token is not a prefix search's token.
        let key_only = encode_cursor(None, &rec);
        assert!(decode_cursor(Some(&prefix), &key_only).is_err());
        assert!(decode_cursor(None, "not base64!").is_err());
    }
}
