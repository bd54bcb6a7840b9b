//! `list-users`: ListUsers (Limit 60) on a seeded pool, mixing exact
//! `username = "u<random>"` filters and `email ^= "u<digits>"` prefix
//! filters. A prefix of d digits matches about users/10^d × 1.11 users (e.g.
//! `u12` matches u12, u120…u129, u1200…, u120000…u129999), so each prefix
//! length is reported as its own row: the cost grows with the matches. Every
//! answer is checked: an exact search must find its user, a prefix at least
//! one (a miss counts as a `NoMatch` error).

use std::fmt::Display;

use clap::Args;
use serde::Serialize;

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::setup::{self, PoolArgs};
use crate::wire::{ListUsersAnswer, Text};

/// `list-users` options.
#[derive(Args, Debug, Clone)]
pub struct ListUsersArgs {
    /// The pool (must exist).
    #[command(flatten)]
    pub pool: PoolArgs,
    /// Users `u0…u<users-1>` are searched for; default: the pool's user count.
    #[arg(long)]
    pub users: Option<u64>,
    /// Digits after `u` in the email prefixes: `N` or `MIN-MAX`.
    #[arg(long, default_value = "2-4", value_parser = parse_range)]
    pub prefix_digits: (u32, u32),
    /// Percentage of exact username searches; the rest are prefix searches.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub exact_percent: u8,
}

/// `N` or `MIN-MAX`, 1 ≤ MIN ≤ MAX ≤ 19.
fn parse_range(s: &str) -> Result<(u32, u32), String> {
    let (lo, hi) = s.split_once('-').unwrap_or((s, s));
    let lo: u32 = lo
        .trim()
        .parse()
        .map_err(|_| format!("bad number in {s:?}"))?;
    let hi: u32 = hi
        .trim()
        .parse()
        .map_err(|_| format!("bad number in {s:?}"))?;
    if lo == 0 || lo > hi || hi > 19 {
        return Err(format!("{s:?}: expected 1 <= MIN <= MAX <= 19"));
    }
    Ok((lo, hi))
}

/// ListUsers' request.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListUsersRequest<'a, F> {
    user_pool_id: &'a str,
    filter: F,
    limit: u32,
}

/// The prepared search scenario.
pub struct ListUsers {
    pool_id: String,
    users: u64,
    digits: (u32, u32),
    exact_percent: u8,
    /// The row label of each prefix length in `digits`, in order.
    prefix_labels: Vec<String>,
}

impl ListUsers {
    /// Finds the pool and how many users it has.
    pub async fn prepare(api: &Api, args: &ListUsersArgs) -> Result<Self, String> {
        let pool_id = setup::existing_pool(api, &args.pool).await?;
        let users = match args.users {
            Some(u) => u,
            None => setup::user_count(api, &pool_id).await?,
        };
        if users == 0 {
            return Err(format!("pool {pool_id} has no users: seed it first"));
        }
        eprintln!("list-users: users u0..u{} in {pool_id}", users - 1);
        Ok(Self {
            pool_id,
            users,
            digits: args.prefix_digits,
            exact_percent: args.exact_percent,
            prefix_labels: (args.prefix_digits.0..=args.prefix_digits.1)
                .map(|d| format!("ListUsers email ^= u+{d}d"))
                .collect(),
        })
    }

    /// The first `digits` digits of a random user's number (a user with
    /// fewer digits is redrawn; small pools fall back to the whole number),
    /// so that `u<prefix>` matches at least one existing user.
    fn prefix(&self, w: &mut Worker, digits: u32) -> u64 {
        let mut n = w.rng.below(self.users);
        for _ in 0..64 {
            if decimal_digits(n) >= digits {
                break;
            }
            n = w.rng.below(self.users);
        }
        leading_digits(n, digits)
    }

    async fn search(
        &self,
        w: &mut Worker,
        label: &str,
        filter: impl Serialize + Display + Sync,
        exact: bool,
    ) -> Result<(), String> {
        let body = ListUsersRequest {
            user_pool_id: &self.pool_id,
            filter: &filter,
            limit: 60,
        };
        if !w.call(label, "ListUsers", &body).await? {
            return Ok(());
        }
        let found = w.answer::<ListUsersAnswer>().found();
        let ok = if exact { found == 1 } else { found >= 1 };
        if !ok {
            w.unexpected(label, "NoMatch", format!("{filter} found {found} users"))?;
        }
        Ok(())
    }
}

impl Scenario for ListUsers {
    fn name(&self) -> &'static str {
        "list-users"
    }

    async fn step(&self, w: &mut Worker, _n: u64) -> Result<(), String> {
        if w.rng.percent(self.exact_percent) {
            let user = w.rng.below(self.users);
            let filter = Text::new(move |f| write!(f, "username = \"u{user}\""));
            return self.search(w, "ListUsers username =", filter, true).await;
        }
        let digits =
            w.rng
                .between(u64::from(self.digits.0), u64::from(self.digits.1)) as u32;
        let prefix = self.prefix(w, digits);
        let filter = Text::new(move |f| write!(f, "email ^= \"u{prefix}\""));
        let i = (digits - self.digits.0) as usize;
        let label = self
            .prefix_labels
            .get(i)
            .map_or("ListUsers", String::as_str);
        self.search(w, label, filter, false).await
    }
}

/// How many decimal digits `n` has.
fn decimal_digits(n: u64) -> u32 {
    n.checked_ilog10().map_or(1, |l| l + 1)
}

/// The first `digits` decimal digits of `n` (all of them if it has fewer).
fn leading_digits(n: u64, digits: u32) -> u64 {
    let extra = decimal_digits(n).saturating_sub(digits);
    n / 10u64.pow(extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_ranges() {
        assert_eq!(parse_range("3"), Ok((3, 3)));
        assert_eq!(parse_range("2-4"), Ok((2, 4)));
        assert!(parse_range("0-2").is_err());
        assert!(parse_range("4-2").is_err());
        assert!(parse_range("x").is_err());
    }

    #[test]
    fn prefixes_are_leading_digits() {
        for (n, digits) in [
            (0, 1),
            (7, 3),
            (12_345, 2),
            (12_345, 5),
            (u64::MAX, 19),
            (10, 1),
        ] {
            let mut s = n.to_string();
            s.truncate(digits as usize);
            assert_eq!(leading_digits(n, digits).to_string(), s, "{n} {digits}");
            assert_eq!(decimal_digits(n) as usize, n.to_string().len());
        }
    }
}
