//! What time it is, as the server asks it: core takes `now` as an argument
//! (so rules about time are testable without sleeping), and the server reads
//! it from one [`Clock`] it is given at start.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::service::Millis;

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch, now.
    fn now_ms(&self) -> Millis;
}

/// The system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

fn system_ms() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as Millis)
        .unwrap_or(0)
}

impl Clock for SystemClock {
    fn now_ms(&self) -> Millis {
        system_ms()
    }
}

/// The wall clock moved forward by an offset that can grow: time still
/// flows, and a test that waits for an expiry (a code, a lockout, a TOTP
/// step, a retention period) jumps instead of sleeping.
#[derive(Debug, Default)]
pub struct SkewedClock {
    offset_ms: AtomicI64,
}

impl SkewedClock {
    /// The wall clock, not yet moved.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `ms`.
    pub fn advance(&self, ms: Millis) {
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for SkewedClock {
    fn now_ms(&self) -> Millis {
        system_ms() + self.offset_ms.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skewed_clock_runs_ahead_by_what_it_advanced() {
        let c = SkewedClock::new();
        let before = SystemClock.now_ms();
        c.advance(60_000);
        let now = c.now_ms();
        assert!(
            now >= before + 60_000 && now < before + 61_000,
            "{now} vs {before}"
        );
    }
}
