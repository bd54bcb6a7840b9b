//! Request-rate limits answering `TooManyRequestsException`, as Cognito's
//! quotas do: per client IP on the unsigned operations (sign-in and sign-up,
//! where abuse comes from), and per user pool on every operation. Counted in
//! each node's memory (a limit per node); off unless configured.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use kognit_core::Error;
use kognit_core::error::ErrorCode;

use crate::config::RateLimits;

/// The limiters of one node.
pub struct Limits {
    per_ip: Option<DefaultKeyedRateLimiter<IpAddr>>,
    per_pool: Option<DefaultKeyedRateLimiter<String>>,
    checks: AtomicU64,
}

fn limiter<K: std::hash::Hash + Eq + Clone>(per_second: u32) -> Option<DefaultKeyedRateLimiter<K>> {
    // A burst of twice the rate lets a page load's few calls through at once.
    let rate = NonZeroU32::new(per_second)?;
    let burst = NonZeroU32::new(per_second.saturating_mul(2)).unwrap_or(rate);
    Some(RateLimiter::keyed(
        Quota::per_second(rate).allow_burst(burst),
    ))
}

fn too_many() -> Error {
    Error::new(ErrorCode::TooManyRequestsException, "Too many requests")
}

impl Limits {
    /// Limiters for this configuration (0 turns a limit off).
    pub fn new(cfg: &RateLimits) -> Self {
        Self {
            per_ip: limiter(cfg.per_ip_per_second),
            per_pool: limiter(cfg.per_pool_per_second),
            checks: AtomicU64::new(0),
        }
    }

    /// Forgets idle keys now and then, so the maps do not grow without bound.
    fn housekeeping(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            if let Some(l) = &self.per_ip {
                l.retain_recent();
            }
            if let Some(l) = &self.per_pool {
                l.retain_recent();
            }
        }
    }

    /// One unsigned request from this address.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), Error> {
        self.housekeeping();
        match &self.per_ip {
            Some(l) if l.check_key(&ip).is_err() => Err(too_many()),
            _ => Ok(()),
        }
    }

    /// One request to this pool's domain (hosted login, OAuth endpoints).
    pub fn check_pool_id(&self, pool_id: &str) -> Result<(), Error> {
        match &self.per_pool {
            Some(l) if l.check_key(&pool_id.to_owned()).is_err() => Err(too_many()),
            _ => Ok(()),
        }
    }

    /// One request naming this pool (or, for public operations, this client).
    pub fn check_pool(&self, body: &serde_json::Value) -> Result<(), Error> {
        let Some(l) = &self.per_pool else {
            return Ok(());
        };
        let key = body
            .get("UserPoolId")
            .or_else(|| body.get("ClientId"))
            .and_then(serde_json::Value::as_str);
        match key {
            Some(k) if l.check_key(&k.to_owned()).is_err() => Err(too_many()),
            _ => Ok(()),
        }
    }
}
