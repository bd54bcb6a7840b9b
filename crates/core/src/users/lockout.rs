//! Lockout after repeated failed sign-ins, with backoff, as Cognito does: after
//! 5 failures each further attempt waits exponentially longer (1 s, 2 s, …, up
//! to 15 minutes). Counters live in the user's stored state, so every node
//! agrees. <https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout>

use kognit_wire::error::ErrorCode;
use serde_json::json;

use super::{Pool, extra_of};
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
    /// change's) and answers the error the caller gets.
    pub(crate) async fn count_failure(&self, pool: &Pool, rec: &UserRecord, now: Millis) -> Error {
        for _ in 0..3 {
            let mut current = match self.store.get_user(&pool.id, &rec.username_key).await {
                Ok(Some(u)) => u,
                _ => return incorrect(),
            };
            let before = current.clone();
            let mut e = extra_of(&current);
            let failed = e["failed_sign_ins"].as_i64().unwrap_or(0) + 1;
            e["failed_sign_ins"] = json!(failed);
            if failed >= FREE_FAILURES {
                let exp = (failed - FREE_FAILURES).min(20) as u32;
                let lock = (1000_i64 << exp).min(MAX_LOCK_MS);
                e["locked_until_ms"] = json!(now + lock);
            }
            current.extra = e.to_string();
            current.version += 1;
            match self.store.update_user(&before, &current, None).await {
                Ok(true) => {
                    return if failed > FREE_FAILURES {
                        Error::new(
                            ErrorCode::NotAuthorizedException,
                            "Password attempts exceeded",
                        )
                    } else {
                        incorrect()
                    };
                }
                Ok(false) => continue,
                Err(e) => return e.into(),
            }
        }
        incorrect()
    }

    /// Clears the failure count after a successful sign-in.
    pub(crate) async fn clear_failures(&self, rec: &mut UserRecord) -> Result<()> {
        let mut e = extra_of(rec);
        if e.get("failed_sign_ins").is_none() && e.get("locked_until_ms").is_none() {
            return Ok(());
        }
        let before = rec.clone();
        if let Some(o) = e.as_object_mut() {
            o.remove("failed_sign_ins");
            o.remove("locked_until_ms");
        }
        rec.extra = e.to_string();
        rec.version += 1;
        // A concurrent change wins; the counter is cleared at the next success.
        self.store.update_user(&before, rec, None).await?;
        Ok(())
    }
}
