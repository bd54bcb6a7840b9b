//! Prometheus metrics: API requests and trigger invocations, counted and
//! timed by operation (or trigger) and outcome, served as the Prometheus
//! text format at `GET /metrics`.
//!
//! A registry of its own rather than the `metrics` facade with
//! metrics-exporter-prometheus: that exporter stamps every sample with
//! quanta's TSC clock, whose first use calibrates it in a busy loop of at
//! least half a millisecond and up to 200 ms while the CPU is contended.
//! It ran at every start (a tenth of `kognit dev --ephemeral`'s start-up,
//! BENCHMARKS.md). What kognit records is four fixed families with static
//! label values, which a map of atomics serves directly. Durations are
//! histograms with fixed buckets, which Prometheus can sum across the nodes
//! of a deployment (the exporter's default, a summary, cannot be).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

/// Upper bounds (seconds) of the duration buckets: from half a millisecond
/// (a point read answers in tens of microseconds) to ten seconds (a
/// trigger's timeout is at most that).
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Label values of one series: one or two static names.
type Labels = [&'static str; 2];

/// API requests by operation and error name ("" when it succeeded).
static REQUESTS: Family = Family::new(
    "kognit_requests_total",
    "API requests by operation and error name (empty when the request succeeded).",
    ["operation", "error"],
);
/// How long API requests took, by operation.
static REQUEST_SECONDS: Family = Family::new(
    "kognit_request_duration_seconds",
    "How long API requests took, by operation.",
    ["operation", ""],
);
/// Trigger invocations by trigger and outcome.
static TRIGGERS: Family = Family::new(
    "kognit_trigger_invocations_total",
    "Lambda trigger invocations by trigger and outcome.",
    ["trigger", "outcome"],
);
/// How long trigger invocations took, by trigger.
static TRIGGER_SECONDS: Family = Family::new(
    "kognit_trigger_duration_seconds",
    "How long Lambda trigger invocations took, by trigger.",
    ["trigger", ""],
);

/// Records one API request. `error` is the Cognito error name of a failure.
pub fn record(operation: &'static str, error: Option<&'static str>, elapsed: Duration) {
    REQUESTS.count([operation, error.unwrap_or("")]);
    REQUEST_SECONDS.observe([operation, ""], elapsed);
}

/// Records one trigger invocation and its outcome.
pub fn record_trigger(trigger: &'static str, outcome: &'static str, elapsed: Duration) {
    TRIGGERS.count([trigger, outcome]);
    TRIGGER_SECONDS.observe([trigger, ""], elapsed);
}

/// Every family in the Prometheus text format (version 0.0.4). Several
/// servers in one process (tests) share the counts.
pub fn render() -> String {
    let mut out = String::new();
    REQUESTS.render_counters(&mut out);
    REQUEST_SECONDS.render_histograms(&mut out);
    TRIGGERS.render_counters(&mut out);
    TRIGGER_SECONDS.render_histograms(&mut out);
    out
}

/// One metric family: its series by label values. A family is either
/// counted or observed, never both.
struct Family {
    name: &'static str,
    help: &'static str,
    /// Label names; "" for an unused second label.
    label_names: [&'static str; 2],
    series: RwLock<BTreeMap<Labels, Arc<Series>>>,
}

/// One series: a counter (`count`), or a histogram (`buckets` not
/// cumulative, `count`, `sum_ns`).
#[derive(Default)]
struct Series {
    count: AtomicU64,
    buckets: [AtomicU64; BUCKETS.len()],
    sum_ns: AtomicU64,
}

impl Family {
    const fn new(name: &'static str, help: &'static str, label_names: [&'static str; 2]) -> Self {
        Self {
            name,
            help,
            label_names,
            series: RwLock::new(BTreeMap::new()),
        }
    }

    /// The series of these labels, created on first use.
    fn series(&self, labels: Labels) -> Arc<Series> {
        let known = self
            .series
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&labels)
            .cloned();
        known.unwrap_or_else(|| {
            self.series
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(labels)
                .or_default()
                .clone()
        })
    }

    fn count(&self, labels: Labels) {
        self.series(labels).count.fetch_add(1, Ordering::Relaxed);
    }

    fn observe(&self, labels: Labels, elapsed: Duration) {
        let series = self.series(labels);
        let seconds = elapsed.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|le| seconds <= *le) {
            series.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        let ns = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        series.sum_ns.fetch_add(ns, Ordering::Relaxed);
        series.count.fetch_add(1, Ordering::Relaxed);
    }

    /// A snapshot of the series, in label order.
    fn snapshot(&self) -> Vec<(Labels, Arc<Series>)> {
        let series = self.series.read().unwrap_or_else(PoisonError::into_inner);
        series.iter().map(|(l, s)| (*l, s.clone())).collect()
    }

    fn header(&self, out: &mut String, kind: &str) {
        let _ = writeln!(out, "# HELP {} {}", self.name, self.help);
        let _ = writeln!(out, "# TYPE {} {kind}", self.name);
    }

    fn render_counters(&self, out: &mut String) {
        self.header(out, "counter");
        for (labels, series) in self.snapshot() {
            let n = series.count.load(Ordering::Relaxed);
            let _ = writeln!(out, "{}{} {n}", self.name, self.labels(labels, None));
        }
    }

    fn render_histograms(&self, out: &mut String) {
        self.header(out, "histogram");
        for (labels, series) in self.snapshot() {
            // The count is read first: samples landing meanwhile can only
            // make the buckets exceed it, so `+Inf` is taken as the larger.
            let count = series.count.load(Ordering::Relaxed);
            let mut cumulative = 0;
            for (le, bucket) in BUCKETS.iter().zip(&series.buckets) {
                cumulative += bucket.load(Ordering::Relaxed);
                let le = le.to_string();
                let labels = self.labels(labels, Some(&le));
                let _ = writeln!(out, "{}_bucket{labels} {cumulative}", self.name);
            }
            let total = count.max(cumulative);
            let inf = self.labels(labels, Some("+Inf"));
            let _ = writeln!(out, "{}_bucket{inf} {total}", self.name);
            let sum = series.sum_ns.load(Ordering::Relaxed) as f64 / 1e9;
            let plain = self.labels(labels, None);
            let _ = writeln!(out, "{}_sum{plain} {sum}", self.name);
            let _ = writeln!(out, "{}_count{plain} {total}", self.name);
        }
    }

    /// `{name="value",…}` with `le` last when given.
    fn labels(&self, values: Labels, le: Option<&str>) -> String {
        let mut out = String::from("{");
        let pairs = self.label_names.iter().zip(values);
        for (name, value) in pairs.filter(|(name, _)| !name.is_empty()) {
            let _ = write!(out, "{name}=\"{}\",", escape(value));
        }
        if let Some(le) = le {
            let _ = write!(out, "le=\"{le}\",");
        }
        out.pop();
        out.push('}');
        out
    }
}

/// A label value as the text format quotes it.
fn escape(value: &str) -> String {
    value
        .replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family() -> Family {
        Family::new("t_seconds", "Test.", ["op", ""])
    }

    #[test]
    fn counters_render_one_line_per_label_set() {
        let f = Family::new("t_total", "Test.", ["op", "error"]);
        f.count(["B", ""]);
        f.count(["A", "NotAuthorizedException"]);
        f.count(["B", ""]);
        let mut out = String::new();
        f.render_counters(&mut out);
        assert_eq!(
            out,
            "# HELP t_total Test.\n# TYPE t_total counter\n\
             t_total{op=\"A\",error=\"NotAuthorizedException\"} 1\n\
             t_total{op=\"B\",error=\"\"} 2\n"
        );
    }

    #[test]
    fn histograms_are_cumulative_with_sum_and_count() {
        let f = family();
        f.observe(["X", ""], Duration::from_micros(300));
        f.observe(["X", ""], Duration::from_millis(3));
        f.observe(["X", ""], Duration::from_secs(60));
        let mut out = String::new();
        f.render_histograms(&mut out);
        let value = |line: &str| {
            out.lines()
                .find(|l| l.starts_with(line))
                .and_then(|l| l.rsplit(' ').next())
                .map(str::to_owned)
                .unwrap_or_else(|| panic!("no {line} in {out}"))
        };
        assert_eq!(value("t_seconds_bucket{op=\"X\",le=\"0.0005\"}"), "1");
        assert_eq!(value("t_seconds_bucket{op=\"X\",le=\"0.0025\"}"), "1");
        assert_eq!(value("t_seconds_bucket{op=\"X\",le=\"0.005\"}"), "2");
        assert_eq!(value("t_seconds_bucket{op=\"X\",le=\"10\"}"), "2");
        assert_eq!(value("t_seconds_bucket{op=\"X\",le=\"+Inf\"}"), "3");
        assert_eq!(value("t_seconds_count{op=\"X\"}"), "3");
        assert_eq!(value("t_seconds_sum{op=\"X\"}"), "60.0033");
        assert!(out.starts_with("# HELP t_seconds Test.\n# TYPE t_seconds histogram\n"));
    }

    #[test]
    fn label_values_are_escaped() {
        let f = Family::new("t_total", "Test.", ["op", ""]);
        f.count(["a\"b\\c\nd", ""]);
        let mut out = String::new();
        f.render_counters(&mut out);
        assert!(out.contains("t_total{op=\"a\\\"b\\\\c\\nd\"} 1"), "{out}");
    }
}
