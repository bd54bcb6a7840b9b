//! Per-operation counts, errors by kind and an HDR latency histogram. Each
//! worker keeps its own [`Recorder`] (no locks on the hot path); the runner
//! merges them when the workers are done.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;

/// Highest latency the histograms track (µs): one hour; longer saturates.
const MAX_MICROS: u64 = 3_600_000_000;
/// Significant decimal digits kept per value (0.1% precision).
const SIGFIGS: u8 = 3;

/// What was seen for one operation label.
#[derive(Clone)]
pub struct OpStats {
    /// Requests answered (with success or an error).
    pub requests: u64,
    /// Failed requests by error kind (`__type`, `Timeout`, …).
    pub errors: BTreeMap<String, u64>,
    /// Latency of every request, successful or not, in microseconds.
    pub latency: Histogram<u64>,
}

impl OpStats {
    fn new() -> Result<Self, String> {
        Ok(Self {
            requests: 0,
            errors: BTreeMap::new(),
            latency: Histogram::new_with_bounds(1, MAX_MICROS, SIGFIGS)
                .map_err(|e| format!("histogram: {e}"))?,
        })
    }

    /// All failed requests.
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// The latency at quantile `q` (0..=1).
    pub fn quantile(&self, q: f64) -> Duration {
        Duration::from_micros(self.latency.value_at_quantile(q))
    }

    /// The slowest request.
    pub fn max(&self) -> Duration {
        Duration::from_micros(self.latency.max())
    }
}

/// The stats of every operation label, in the order they were first seen.
#[derive(Clone, Default)]
pub struct Recorder {
    ops: Vec<(String, OpStats)>,
}

impl Recorder {
    fn entry(&mut self, label: &str) -> Result<&mut OpStats, String> {
        let i = match self.ops.iter().position(|(l, _)| l == label) {
            Some(i) => i,
            None => {
                self.ops.push((label.to_owned(), OpStats::new()?));
                self.ops.len() - 1
            }
        };
        Ok(&mut self.ops[i].1)
    }

    /// Records one request of `label` that took `took`, failed with `error`
    /// if any.
    pub fn record(
        &mut self,
        label: &str,
        took: Duration,
        error: Option<&str>,
    ) -> Result<(), String> {
        let op = self.entry(label)?;
        op.requests += 1;
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        op.latency.saturating_record(micros.max(1));
        if let Some(kind) = error {
            *op.errors.entry(kind.to_owned()).or_default() += 1;
        }
        Ok(())
    }

    /// Counts an error of `kind` against a request of `label` already
    /// recorded as answered (its answer was not the expected one).
    pub fn record_error_only(&mut self, label: &str, kind: &str) -> Result<(), String> {
        let op = self.entry(label)?;
        *op.errors.entry(kind.to_owned()).or_default() += 1;
        Ok(())
    }

    /// Adds another recorder's counts to this one.
    pub fn merge(&mut self, other: &Recorder) -> Result<(), String> {
        for (label, theirs) in &other.ops {
            let op = self.entry(label)?;
            op.requests += theirs.requests;
            for (kind, n) in &theirs.errors {
                *op.errors.entry(kind.clone()).or_default() += n;
            }
            op.latency
                .add(&theirs.latency)
                .map_err(|e| format!("histogram merge: {e:?}"))?;
        }
        Ok(())
    }

    /// The operations, in first-seen order.
    pub fn ops(&self) -> impl Iterator<Item = (&str, &OpStats)> {
        self.ops.iter().map(|(l, s)| (l.as_str(), s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_merges() {
        let mut a = Recorder::default();
        let mut b = Recorder::default();
        for ms in 1..=100 {
            a.record("X", Duration::from_millis(ms), None).unwrap();
        }
        b.record("X", Duration::from_millis(500), Some("Boom"))
            .unwrap();
        b.record("Y", Duration::from_micros(10), None).unwrap();
        a.merge(&b).unwrap();
        let ops: Vec<_> = a.ops().collect();
        assert_eq!(ops.len(), 2);
        let x = ops[0].1;
        assert_eq!(ops[0].0, "X");
        assert_eq!(x.requests, 101);
        assert_eq!(x.error_count(), 1);
        assert_eq!(x.errors.get("Boom"), Some(&1));
        let p50 = x.quantile(0.5).as_secs_f64() * 1000.0;
        assert!((50.0..=52.0).contains(&p50), "{p50}");
        assert!(x.max() >= Duration::from_millis(499));
        assert_eq!(ops[1].0, "Y");
    }
}
