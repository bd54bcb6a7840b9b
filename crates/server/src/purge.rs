//! The periodic purge ([`Retention`]): every `purge_interval_seconds` the
//! store deletes expired refresh tokens, revocations, token sessions and
//! codes, and outbox messages and auth events past their age. Every node
//! runs it; running it twice at once deletes nothing twice.

use std::sync::Arc;
use std::time::Duration;

use kognit_core::store::{PurgeCut, Store};

use crate::config::Retention;
use kognit_core::clock::Clock;

const HOUR_MS: i64 = 3_600_000;

/// What a purge at `now_ms` deletes.
pub fn cut(retention: &Retention, now_ms: i64) -> PurgeCut {
    let hours = |h: u64| i64::try_from(h).unwrap_or(i64::MAX / HOUR_MS) * HOUR_MS;
    PurgeCut {
        now_ms,
        outbox_before_ms: now_ms.saturating_sub(hours(retention.outbox_hours)),
        events_before_ms: now_ms
            .saturating_sub(hours(retention.auth_event_days.saturating_mul(24))),
    }
}

/// Purges now and then for ever (never returns when the purge is on).
pub async fn run(store: Arc<dyn Store>, retention: Retention, clock: Arc<dyn Clock>) {
    if retention.purge_interval_seconds == 0 {
        return std::future::pending().await;
    }
    // The first pass one interval after start, not at start: a restart does
    // not need it at once, and `kognit dev` should answer first.
    let period = Duration::from_secs(retention.purge_interval_seconds);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        once(store.as_ref(), &retention, clock.now_ms()).await;
    }
}

/// One purge pass at `now_ms`; failures are logged (the next pass retries).
/// The rows deleted.
pub async fn once(store: &dyn Store, retention: &Retention, now_ms: i64) -> u64 {
    match store.purge(&cut(retention, now_ms)).await {
        Ok(0) => 0,
        Ok(n) => {
            tracing::info!(rows = n, "purged expired records");
            n
        }
        Err(e) => {
            tracing::warn!(error = %e, "purge failed; trying again next time");
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_from_the_retention() {
        let r = Retention {
            purge_interval_seconds: 300,
            outbox_hours: 24,
            auth_event_days: 90,
        };
        let now = 1_800_000_000_000;
        let c = cut(&r, now);
        assert_eq!(c.now_ms, now);
        assert_eq!(c.outbox_before_ms, now - 24 * HOUR_MS);
        assert_eq!(c.events_before_ms, now - 90 * 24 * HOUR_MS);
        // Absurd ages keep everything rather than overflow.
        let forever = Retention {
            outbox_hours: u64::MAX,
            auth_event_days: u64::MAX,
            ..r
        };
        let c = cut(&forever, now);
        assert!(c.outbox_before_ms <= 0 && c.events_before_ms <= 0);
    }
}
