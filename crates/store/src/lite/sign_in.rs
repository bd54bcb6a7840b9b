//! The lane's other reads on the sign-in path: a refresh token by its hash,
//! and a user's groups for the tokens' group claims (a bounded range read
//! of the member index, then groups by primary key).

use kognit_core::store::{GroupRecord, RefreshTokenRecord};
use rusqlite::OptionalExtension;

use super::{Lane, LaneResult};
use crate::groups::group;

impl Lane {
    /// The refresh token with this hash.
    pub(crate) async fn get_refresh_token(
        &self,
        token_hash: &[u8],
    ) -> LaneResult<Option<RefreshTokenRecord>> {
        self.read(|conn| {
            conn.prepare_cached(crate::tokens::GET_REFRESH)?
                .query_row([token_hash], |row| crate::tokens::record(row))
                .optional()
        })
        .await
    }

    /// A page of the user's groups, by name after `after`.
    pub(crate) async fn list_user_groups(
        &self,
        pool_id: &str,
        username_key: &str,
        after: Option<&str>,
        limit: u32,
    ) -> LaneResult<Vec<GroupRecord>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(crate::groups::LIST_USER_GROUPS)?;
            let rows = stmt.query_map(
                rusqlite::params![pool_id, username_key, after.unwrap_or(""), i64::from(limit)],
                |row| group(row),
            )?;
            rows.collect()
        })
        .await
    }
}
