//! ListUsers: users of a pool, optionally filtered on one column, each
//! filter served by that column's `(pool_id, column, username_key)` index
//! (migration 0002) and never by a scan of the pool. Every query reads the
//! index in its own order, so it stops after `limit` entries whatever the
//! pool's size or the number of matches.
//!
//! - No filter: the primary key, `username_key > $after`, in order.
//! - `c = v`: the column's index yields the matches already ordered by
//!   username_key.
//! - `c ^= v`: matches are listed by `(c, username_key)`, the index's own
//!   order (Cognito lists a filtered search by the filtered attribute, not
//!   by username), from the cursor `(c, username_key) > ($value, $key)` up
//!   to `c < upper(v)`. The first page starts at `(v, '')`, which is
//!   `c >= v` as no username key is empty. The lower bound is written only
//!   as that row value: SQLite uses a row-value comparison as the index
//!   range's start only when it is the column's sole lower bound, and
//!   PostgreSQL uses it as an index condition either way. (Ordering such a
//!   range by username_key instead meant sorting every match: at a million
//!   users a one-digit email prefix sorted 111,111 entries per page, and
//!   PostgreSQL preferred walking the whole primary key.)

use kognit_core::store::{StoreResult, UserColumn, UserCursor, UserFilter, UserRecord};

use crate::Sql;
use crate::args::Arg;
use crate::backend::Backend;
use crate::users::user_columns;

/// The SQL texts of one column.
#[derive(Debug)]
struct ColumnSql {
    /// `$1` pool, `$2` value, `$3` after, `$4` limit.
    exact: &'static str,
    /// `$1` pool, `$2` cursor value, `$3` cursor key, `$4` upper, `$5` limit.
    prefix: &'static str,
    /// `$1` pool, `$2` cursor value, `$3` cursor key, `$4` limit: a prefix
    /// without upper bound (empty, or only U+10FFFF).
    prefix_open: &'static str,
}

/// The prefix query of column `$c` with the extra condition `$upper`.
/// `c IS NOT NULL` lets PostgreSQL use the partial index of an optional
/// attribute, which it cannot infer from a row-value comparison.
macro_rules! prefix_sql {
    ($c:literal, $upper:expr, $limit:literal) => {
        concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE pool_id = $1 AND ",
            $c,
            " IS NOT NULL AND (",
            $c,
            ", username_key) > ($2, $3)",
            $upper,
            " ORDER BY ",
            $c,
            ", username_key LIMIT ",
            $limit
        )
    };
}

/// Every text of the column `$c` (an SQL identifier literal).
macro_rules! column_sql {
    ($c:literal) => {
        ColumnSql {
            exact: concat!(
                "SELECT ",
                user_columns!(),
                " FROM users WHERE pool_id = $1 AND ",
                $c,
                " = $2 AND username_key > $3 ORDER BY username_key LIMIT $4"
            ),
            prefix: prefix_sql!($c, concat!(" AND ", $c, " < $4"), "$5"),
            prefix_open: prefix_sql!($c, "", "$4"),
        }
    };
}

static USERNAME: ColumnSql = column_sql!("username");
static EMAIL: ColumnSql = column_sql!("email");
static PHONE_NUMBER: ColumnSql = column_sql!("phone_number");
static NAME: ColumnSql = column_sql!("name");
static GIVEN_NAME: ColumnSql = column_sql!("given_name");
static FAMILY_NAME: ColumnSql = column_sql!("family_name");
static PREFERRED_USERNAME: ColumnSql = column_sql!("preferred_username");
static SUB: ColumnSql = column_sql!("sub");
static STATUS: ColumnSql = column_sql!("status");
/// `enabled` is only ever compared exactly (see [`plan`]).
static ENABLED_EXACT: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM users WHERE pool_id = $1 AND enabled = $2 AND username_key > $3 \
     ORDER BY username_key LIMIT $4"
);

/// No filter: `$1` pool, `$2` after, `$3` limit.
static ALL: &str = concat!(
    "SELECT ",
    user_columns!(),
    " FROM users WHERE pool_id = $1 AND username_key > $2 ORDER BY username_key LIMIT $3"
);

/// The texts of a text column.
fn column_sql(c: UserColumn) -> Option<&'static ColumnSql> {
    Some(match c {
        UserColumn::Username => &USERNAME,
        UserColumn::Email => &EMAIL,
        UserColumn::PhoneNumber => &PHONE_NUMBER,
        UserColumn::Name => &NAME,
        UserColumn::GivenName => &GIVEN_NAME,
        UserColumn::FamilyName => &FAMILY_NAME,
        UserColumn::PreferredUsername => &PREFERRED_USERNAME,
        UserColumn::Sub => &SUB,
        UserColumn::Status => &STATUS,
        UserColumn::Enabled => return None,
    })
}

/// What a filter turns into.
#[derive(Debug)]
enum Plan<'a> {
    /// Every user of the pool.
    All,
    /// Nothing can match (e.g. `status = "Paused"`): no query at all.
    Nothing,
    /// `enabled = flag`.
    Enabled(i32),
    /// `text = value`.
    Exact(&'static ColumnSql, &'a str),
    /// `lower <= text < upper`; no upper bound when None.
    Prefix(&'static ColumnSql, &'a str, Option<String>),
}

/// The plan of a filter.
fn plan(filter: Option<&UserFilter>) -> Plan<'_> {
    let Some(f) = filter else {
        return Plan::All;
    };
    let Some(sql) = column_sql(f.column) else {
        // The API's `status` is "Enabled" or "Disabled" over a 0/1 column:
        // find which words the filter accepts, then compare the flag.
        let words = [("Enabled", 1), ("Disabled", 0)];
        let mut hits = words.iter().filter(|(word, _)| {
            if f.prefix {
                word.starts_with(f.value.as_str())
            } else {
                *word == f.value
            }
        });
        return match (hits.next(), hits.next()) {
            (None, _) => Plan::Nothing,
            (Some((_, flag)), None) => Plan::Enabled(*flag),
            // Only the empty prefix accepts both.
            (Some(_), Some(_)) => Plan::All,
        };
    };
    if f.prefix {
        Plan::Prefix(sql, &f.value, prefix_upper(&f.value))
    } else {
        Plan::Exact(sql, &f.value)
    }
}

/// The least string greater than every string that starts with `prefix`,
/// in the bytewise order both engines sort text in (SQLite's BINARY,
/// PostgreSQL's "C"): `prefix` with its last character incremented, after
/// dropping trailing characters that have no successor. UTF-8 keeps code
/// point order bytewise and no character's encoding is a prefix of
/// another's, so incrementing a character bounds exactly the strings that
/// extend the text before it. None when nothing bounds it (empty, or only
/// U+10FFFF).
pub(crate) fn prefix_upper(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last {
            '\u{D7FF}' => Some('\u{E000}'), // skip the surrogates
            c => char::from_u32(u32::from(c) + 1),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// One bound value of a ListUsers statement.
/// The SQL text and values of a ListUsers call; None when nothing can match.
pub(crate) fn statement<'a>(
    pool_id: &'a str,
    filter: Option<&'a UserFilter>,
    after: Option<&'a UserCursor>,
    limit: u32,
) -> Option<(&'static str, Vec<Arg<'a>>)> {
    use Arg::{Int, Owned, Text};
    // "" sorts before every key: no cursor means from the start.
    let key = Text(after.map_or("", |c| c.username_key.as_str()));
    let limit = Int(i64::from(limit));
    Some(match plan(filter) {
        Plan::Nothing => return None,
        Plan::All => (ALL, vec![Text(pool_id), key, limit]),
        Plan::Enabled(flag) => (
            ENABLED_EXACT,
            vec![Text(pool_id), Arg::Flag(flag), key, limit],
        ),
        Plan::Exact(sql, value) => (sql.exact, vec![Text(pool_id), Text(value), key, limit]),
        Plan::Prefix(sql, lower, upper) => {
            // A cursor below the prefix (no cursor, or a forged one) starts
            // at the prefix itself: `(lower, "")`. Rust compares str
            // bytewise, as both engines compare these columns.
            let (value, key) = match after {
                Some(UserCursor {
                    value: Some(v),
                    username_key,
                }) if v.as_str() >= lower => (Text(v), Text(username_key)),
                _ => (Text(lower), Text("")),
            };
            match upper {
                Some(upper) => (
                    sql.prefix,
                    vec![Text(pool_id), value, key, Owned(upper), limit],
                ),
                None => (sql.prefix_open, vec![Text(pool_id), value, key, limit]),
            }
        }
    })
}

/// ListUsers, see the module documentation.
pub(crate) async fn list(
    s: &Sql<impl Backend>,
    pool_id: &str,
    filter: Option<&UserFilter>,
    after: Option<&UserCursor>,
    limit: u32,
) -> StoreResult<Vec<UserRecord>> {
    let Some((sql, args)) = statement(pool_id, filter, after, limit) else {
        return Ok(Vec::new());
    };
    s.backend.list_users(sql, args).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(column: UserColumn, prefix: bool, value: &str) -> UserFilter {
        UserFilter {
            column,
            prefix,
            value: value.to_owned(),
        }
    }

    #[test]
    fn upper_bounds() {
        assert_eq!(prefix_upper("abc").as_deref(), Some("abd"));
        assert_eq!(prefix_upper("a@b.c").as_deref(), Some("a@b.d"));
        assert_eq!(prefix_upper("zé").as_deref(), Some("zê"));
        assert_eq!(prefix_upper("a\u{D7FF}").as_deref(), Some("a\u{E000}"));
        assert_eq!(prefix_upper("ab\u{10FFFF}").as_deref(), Some("ac"));
        assert_eq!(prefix_upper("\u{10FFFF}\u{10FFFF}"), None);
        assert_eq!(prefix_upper(""), None);
    }

    #[test]
    fn enabled_words() {
        let p = |prefix, v| format!("{:?}", plan(Some(&filter(UserColumn::Enabled, prefix, v))));
        assert_eq!(p(false, "Enabled"), "Enabled(1)");
        assert_eq!(p(false, "Disabled"), "Enabled(0)");
        assert_eq!(p(false, "enabled"), "Nothing");
        assert_eq!(p(false, ""), "Nothing");
        assert_eq!(p(true, "Ena"), "Enabled(1)");
        assert_eq!(p(true, "D"), "Enabled(0)");
        assert_eq!(p(true, "X"), "Nothing");
        assert_eq!(p(true, ""), "All");
    }
}
