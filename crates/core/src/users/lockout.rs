//! Lockout after repeated failed sign-ins, with backoff, as Cognito does: after
//! 5 failures each further attempt waits exponentially longer (1 s, 2 s, …, up
//! to 15 minutes). Counters live in the user's stored state, so every node
//! agrees. <https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout>

use kognit_wire::error::ErrorCode;
use serde_json::json;

use super::{Pool, Target, extra_of};
use crate::service::{Millis, Service};
use crate::store::UserRecord;
use crate::{Error, Result};

/// Failures allowed before lockout starts.
const FREE_FAILURES: i64 = 5;
/// The longest lockout.
const MAX_LOCK_MS: Millis = 15 * 60 * 1000;

/// Refuses while the user is locked out.
pub(crate) fn check(rec: &UserRecord, now: Millis) -> Result<()> {
    let until = extra_of(rec)["locked_until_ms"].as_i64().unwrap_or(0);
    if now < until {
        return Err(Error::new(
            ErrorCode::NotAuthorizedException,
            "Password attempts exceeded",
        ));
    }
    Ok(())
}

fn incorrect() -> Error {
    Error::new(
        ErrorCode::NotAuthorizedException,
        "Incorrect username or password.",
    )
}

impl Service {
    /// Records a failed sign-in (its auth event, and a failure towards
    /// lockout) and answers the error the caller gets.
    pub(crate) async fn record_failure(&self, pool: &Pool, rec: &UserRecord, now: Millis) -> Error {
        self.sign_in_failed(pool, rec, "Password", now).await;
        self.count_failure(pool, rec, now).await
    }

    /// Counts a wrong password towards lockout (a sign-in's, or a password
    /// change's) and answers the error the caller gets. The count is written
    /// through [`Service::modify_user`], so concurrent failures all count.
    pub(crate) async fn count_failure(&self, pool: &Pool, rec: &UserRecord, now: Millis) -> Error {
        let counted = self
            .modify_user(
                pool,
                Target::Key(&rec.username_key),
                false,
                now,
                |user, _| {
                    let mut e = extra_of(user);
                    let failed = e["failed_sign_ins"].as_i64().unwrap_or(0) + 1;
                    e["failed_sign_ins"] = json!(failed);
                    if failed >= FREE_FAILURES {
                        let exp = (failed - FREE_FAILURES).min(20) as u32;
                        let lock = (1000_i64 << exp).min(MAX_LOCK_MS);
                        e["locked_until_ms"] = json!(now + lock);
                    }
                    user.extra = e.to_string();
                    Ok(failed)
                },
            )
            .await;
        match counted {
            Ok((_, failed)) if failed > FREE_FAILURES => Error::new(
                ErrorCode::NotAuthorizedException,
                "Password attempts exceeded",
            ),
            Ok(_) => incorrect(),
            // Deleted meanwhile: the caller still gets the sign-in's answer.
            Err(e) if e.code == ErrorCode::UserNotFoundException => incorrect(),
            Err(e) => e,
        }
    }

    /// Clears the failure count after a successful sign-in (no write when
    /// there is none to clear, which is the usual case).
    pub(crate) async fn clear_failures(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        now: Millis,
    ) -> Result<()> {
        let has_counters = |rec: &UserRecord| {
            let e = extra_of(rec);
            e.get("failed_sign_ins").is_some() || e.get("locked_until_ms").is_some()
        };
        if !has_counters(rec) {
            return Ok(());
        }
        self.modify_user(pool, Target::read(rec.clone()), false, now, |user, _| {
            let mut e = extra_of(user);
            if let Some(o) = e.as_object_mut() {
                o.remove("failed_sign_ins");
                o.remove("locked_until_ms");
            }
            user.extra = e.to_string();
            Ok(())
        })
        .await?;
        Ok(())
    }
}
