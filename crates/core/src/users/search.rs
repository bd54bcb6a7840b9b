//! The admin console's user search (kognit extension `Kognit.SearchUsers`):
//! one query finds the users whose username, email, phone_number, name or
//! sub starts with it, optionally narrowed to one status and to enabled or
//! disabled users.
//!
//! It is ListUsers' prefix search run five times: five streams, each one
//! `list_users` with a `c ^= query` filter, which reads its column's index in
//! order and stops after a batch (`crates/store/src/user_list.rs`). The
//! streams are merged by (matched value, username key, field), and a user
//! matching on several fields is listed once, at the first of its matches in
//! that order, so deduplication needs no memory of earlier pages. The
//! pagination token holds each stream's position. Matching is bytewise and
//! case-sensitive, as ListUsers' `^=` is.
//!
//! Status and enabled are checked on the rows fetched (with a query, or both
//! without one), and a user matching twice is dropped at its second match:
//! batches grow as streams run dry, but a page reads at most [`ROW_BUDGET`]
//! rows after its first round of fetches, so its work stays bounded however
//! few users pass, and it may hold fewer users than asked for (even none),
//! with a token to continue.

use std::collections::VecDeque;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use kognit_wire::types::{UserStatusType, UserType};
use serde::{Deserialize, Serialize};

use super::user_type;
use crate::service::{Admin, Service};
use crate::store::{UserColumn, UserCursor, UserFilter, UserRecord};
use crate::{Error, Result, crypto};

/// The fields a query is matched against, in the order that breaks ties.
const FIELDS: [UserColumn; 5] = [
    UserColumn::Username,
    UserColumn::Email,
    UserColumn::PhoneNumber,
    UserColumn::Name,
    UserColumn::Sub,
];
/// The most users a page holds (as ListUsers).
const MAX_LIMIT: u32 = 60;
/// The longest query (ListUsers' whole filter is at most 256 characters).
const MAX_QUERY_CHARS: usize = 256;
/// The most rows a page reads, once its first round (a batch of `limit + 1`
/// per stream) is in: what bounds a filtered page's time (BENCHMARKS.md,
/// "The console's user search").
const ROW_BUDGET: usize = 600;
/// The largest batch one stream fetches at a time.
const MAX_BATCH: u32 = 240;
/// The smallest batch worth a round trip: with less budget left, the page ends.
const MIN_BATCH: usize = 16;

/// A search of one pool's users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSearch {
    /// The pool.
    pub user_pool_id: String,
    /// A prefix of the username, email, phone_number, name or sub; empty
    /// lists every user (by username).
    pub query: String,
    /// Only users in this state.
    pub status: Option<UserStatusType>,
    /// Only enabled (true) or disabled (false) users.
    pub enabled: Option<bool>,
    /// Where the previous page stopped.
    pub pagination_token: Option<String>,
    /// The most users to answer, at most 60; 0 means 60.
    pub limit: u32,
}

/// One page of a search.
#[derive(Debug, Clone, PartialEq)]
pub struct UserSearchPage {
    /// The users, as ListUsers shows them.
    pub users: Vec<UserType>,
    /// Present when there may be more; a page may hold fewer than `limit`
    /// users (even none) and still have one.
    pub pagination_token: Option<String>,
}

/// One `list_users` listing being merged.
#[derive(Debug)]
struct Stream {
    filter: Option<UserFilter>,
    /// The position of the last row consumed; None before the first.
    after: Option<UserCursor>,
    /// Rows fetched and not consumed yet, in the listing's order.
    buffer: VecDeque<UserRecord>,
    /// The store has nothing beyond `buffer`.
    exhausted: bool,
    /// The size of the next fetch.
    batch: u32,
}

impl Stream {
    fn new(filter: Option<UserFilter>, batch: u32) -> Self {
        Self {
            filter,
            after: None,
            buffer: VecDeque::new(),
            exhausted: false,
            batch,
        }
    }

    /// The value the listing is ordered by before the username key, for a
    /// prefix listing.
    fn value<'r>(&self, rec: &'r UserRecord) -> Option<&'r str> {
        let f = self.filter.as_ref().filter(|f| f.sorts_by_value())?;
        Some(f.column.value_of(rec).unwrap_or_default())
    }

    /// Needs a fetch before the merge may go on.
    fn dry(&self) -> bool {
        self.buffer.is_empty() && !self.exhausted
    }

    /// Nothing left at all.
    fn finished(&self) -> bool {
        self.buffer.is_empty() && self.exhausted
    }
}

/// A stream's place in a pagination token.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Position {
    /// Finished (`0`).
    Done(u8),
    /// After this row: `[value or null, username key]`.
    After(Option<String>, String),
    /// Not started (`null`).
    Start,
}

/// A pagination token: which search it continues, and each stream's place.
#[derive(Debug, Serialize, Deserialize)]
struct Token {
    /// [`fingerprint`] of the search.
    f: String,
    /// One per stream.
    s: Vec<Position>,
}

/// Names the query and filters a token belongs to, so that a token is not
/// taken to continue another search.
fn fingerprint(req: &UserSearch) -> String {
    let status = req.status.map_or("", UserStatusType::as_str);
    let enabled = match req.enabled {
        Some(true) => "1",
        Some(false) => "0",
        None => "",
    };
    let text = format!("{}\0{status}\0{enabled}", req.query);
    hex::encode(&crypto::sha256(text.as_bytes())[..8])
}

fn bad_token() -> Error {
    Error::invalid_parameter("Invalid pagination token.")
}

fn encode_token(req: &UserSearch, streams: &[Stream]) -> Result<String> {
    let s = streams
        .iter()
        .map(|st| match (&st.after, st.finished()) {
            (_, true) => Position::Done(0),
            (None, false) => Position::Start,
            (Some(c), false) => Position::After(c.value.clone(), c.username_key.clone()),
        })
        .collect();
    let token = Token {
        f: fingerprint(req),
        s,
    };
    let json = serde_json::to_vec(&token).map_err(Error::internal)?;
    Ok(B64URL.encode(json))
}

/// Puts each stream where the token says it stopped.
fn resume(req: &UserSearch, streams: &mut [Stream], token: &str) -> Result<()> {
    let bytes = B64URL.decode(token).map_err(|_| bad_token())?;
    let token: Token = serde_json::from_slice(&bytes).map_err(|_| bad_token())?;
    if token.f != fingerprint(req) || token.s.len() != streams.len() {
        return Err(Error::invalid_parameter(
            "The pagination token belongs to another search.",
        ));
    }
    for (st, pos) in streams.iter_mut().zip(token.s) {
        match pos {
            Position::Done(_) => st.exhausted = true,
            Position::Start => {}
            Position::After(value, username_key) => {
                st.after = Some(UserCursor {
                    value,
                    username_key,
                })
            }
        }
    }
    Ok(())
}

/// The streams of a search: the five prefix listings of a query, or one
/// listing (by status, by the enabled flag, or every user).
fn streams(req: &UserSearch, batch: u32) -> Vec<Stream> {
    let filter = |column, prefix, value: &str| {
        Some(UserFilter {
            column,
            prefix,
            value: value.to_owned(),
        })
    };
    if !req.query.is_empty() {
        return FIELDS
            .iter()
            .map(|c| Stream::new(filter(*c, true, &req.query), batch))
            .collect();
    }
    let only = match (req.status, req.enabled) {
        (Some(s), _) => filter(UserColumn::Status, false, s.as_str()),
        (None, Some(e)) => filter(
            UserColumn::Enabled,
            false,
            if e { "Enabled" } else { "Disabled" },
        ),
        (None, None) => None,
    };
    vec![Stream::new(only, batch)]
}

/// The field a user is listed under: the first of its matches in merge
/// order. None when it matches on no field.
fn listed_under(rec: &UserRecord, query: &str) -> Option<usize> {
    FIELDS
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            c.value_of(rec)
                .filter(|v| v.starts_with(query))
                .map(|v| (v, i))
        })
        .min()
        .map(|(_, i)| i)
}

/// The stream whose next row comes first in merge order.
fn next_stream(streams: &[Stream]) -> Option<usize> {
    streams
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let r = s.buffer.front()?;
            Some((s.value(r).unwrap_or_default(), r.username_key.as_str(), i))
        })
        .min()
        .map(|(_, _, i)| i)
}

/// Refuses what no search can be made of.
fn check(req: &UserSearch) -> Result<()> {
    if req.query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid_parameter(format!(
            "The query must be at most {MAX_QUERY_CHARS} characters."
        )));
    }
    if req.query.chars().any(char::is_control) {
        return Err(Error::invalid_parameter(
            "The query must not contain control characters.",
        ));
    }
    Ok(())
}

impl Service {
    /// Fetches the next batch, at most `cap` rows, of every stream that ran
    /// dry, all at once (on PostgreSQL each is a round trip, and a query
    /// runs five); the rows read.
    async fn refill(&self, pool_id: &str, streams: &mut [Stream], cap: u32) -> Result<usize> {
        let mut fetches = tokio::task::JoinSet::new();
        for (i, st) in streams.iter().enumerate().filter(|(_, s)| s.dry()) {
            let store = std::sync::Arc::clone(&self.store);
            let (pool_id, filter, after) =
                (pool_id.to_owned(), st.filter.clone(), st.after.clone());
            let batch = st.batch.min(cap);
            fetches.spawn(async move {
                let recs = store
                    .list_users(&pool_id, filter.as_ref(), after.as_ref(), batch)
                    .await;
                (i, batch, recs)
            });
        }
        let mut read = 0;
        while let Some(joined) = fetches.join_next().await {
            let (i, batch, recs) = joined.map_err(Error::internal)?;
            let recs = recs?;
            let Some(st) = streams.get_mut(i) else {
                continue;
            };
            read += recs.len();
            st.exhausted = recs.len() < batch as usize;
            st.batch = (st.batch * 2).min(MAX_BATCH);
            st.buffer.extend(recs);
        }
        Ok(read)
    }

    /// The admin console's search (see the module documentation):
    /// ResourceNotFoundException for an unknown pool, as ListUsers.
    pub async fn search_users(&self, _admin: &Admin, req: UserSearch) -> Result<UserSearchPage> {
        check(&req)?;
        let pool = self.pool(&req.user_pool_id).await?;
        let limit = match req.limit {
            0 => MAX_LIMIT,
            n => n.min(MAX_LIMIT),
        } as usize;
        let mut streams = streams(&req, limit as u32 + 1);
        if let Some(t) = req.pagination_token.as_deref() {
            resume(&req, &mut streams, t)?;
        }
        let dedupe = streams.len() > 1;
        let keep = |rec: &UserRecord, from: usize| {
            req.status.is_none_or(|s| rec.status == s.as_str())
                && req.enabled.is_none_or(|e| rec.enabled == e)
                && (!dedupe || listed_under(rec, &req.query) == Some(from))
        };
        let mut found = Vec::new();
        let mut read = 0usize;
        'page: loop {
            // A round of fetches for every stream that ran dry, within what
            // is left of the budget. The first round always runs whole, so
            // every page consumes at least one row.
            let dry = streams.iter().filter(|s| s.dry()).count();
            if let Some(left_each) = ROW_BUDGET.saturating_sub(read).checked_div(dry) {
                let share = if read == 0 {
                    MAX_BATCH as usize
                } else {
                    left_each
                };
                if share < MIN_BATCH {
                    break;
                }
                let cap = u32::try_from(share).unwrap_or(MAX_BATCH);
                read += self.refill(&pool.id, &mut streams, cap).await?;
            }
            // Merge until the page is full, everything is consumed, or a
            // stream that may have more runs dry.
            while found.len() < limit {
                if streams.iter().any(Stream::dry) {
                    continue 'page;
                }
                let Some(i) = next_stream(&streams) else {
                    break 'page;
                };
                let st = &mut streams[i];
                let Some(rec) = st.buffer.pop_front() else {
                    break 'page;
                };
                st.after = Some(UserCursor {
                    value: st.value(&rec).map(str::to_owned),
                    username_key: rec.username_key.clone(),
                });
                if keep(&rec, i) {
                    found.push(rec);
                }
            }
            break;
        }
        let more = streams.iter().any(|s| !s.finished());
        let pagination_token = more.then(|| encode_token(&req, &streams)).transpose()?;
        let users = found
            .iter()
            .map(|r| user_type(r, None))
            .collect::<Result<Vec<_>>>()?;
        Ok(UserSearchPage {
            users,
            pagination_token,
        })
    }
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
