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

/// A series' key: where its label values live. Comparing addresses, not
/// text, keeps the lookup on every request to a few integer comparisons
/// (with the text, comparing operation names that share their first
/// letters was 1.6% of AdminGetUser's CPU). Two copies of one name would
/// make two series; [`Family::totals`] adds them up by text.
type Key = [(usize, usize); 2];

fn key(labels: Labels) -> Key {
    labels.map(|l| (l.as_ptr() as usize, l.len()))
}

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
    series: RwLock<BTreeMap<Key, Arc<Series>>>,
}

/// One series: a counter (`count`), or a histogram (`buckets` not
/// cumulative, `count`, `sum_ns`).
struct Series {
    labels: Labels,
    count: AtomicU64,
    buckets: [AtomicU64; BUCKETS.len()],
    sum_ns: AtomicU64,
}

/// What a family's series with the same label text add up to.
#[derive(Default)]
struct Totals {
    count: u64,
    buckets: [u64; BUCKETS.len()],
    sum_ns: u64,
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
        let key = key(labels);
        let known = self
            .series
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        known.unwrap_or_else(|| {
            let series = Series {
                labels,
                count: AtomicU64::new(0),
                buckets: Default::default(),
                sum_ns: AtomicU64::new(0),
            };
            self.series
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(key)
                .or_insert_with(|| Arc::new(series))
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

    /// The series' values now, by label text, in label order. Each
    /// series' count is read before its buckets: samples landing meanwhile
    /// can only make the buckets exceed it, so the count is taken as the
    /// larger.
    fn totals(&self) -> BTreeMap<Labels, Totals> {
        let series: Vec<Arc<Series>> = self
            .series
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        let mut totals = BTreeMap::<Labels, Totals>::new();
        for s in series {
            let t = totals.entry(s.labels).or_default();
            let count = s.count.load(Ordering::Relaxed);
            let mut in_buckets = 0;
            for (total, bucket) in t.buckets.iter_mut().zip(&s.buckets) {
                let n = bucket.load(Ordering::Relaxed);
                *total += n;
                in_buckets += n;
            }
            t.count += count.max(in_buckets);
            t.sum_ns = t.sum_ns.saturating_add(s.sum_ns.load(Ordering::Relaxed));
        }
        totals
    }

    fn header(&self, out: &mut String, kind: &str) {
        let _ = writeln!(out, "# HELP {} {}", self.name, self.help);
        let _ = writeln!(out, "# TYPE {} {kind}", self.name);
    }

    fn render_counters(&self, out: &mut String) {
        self.header(out, "counter");
        for (labels, t) in self.totals() {
            let _ = writeln!(
                out,
                "{}{} {}",
                self.name,
                self.labels(labels, None),
                t.count
            );
        }
    }

    fn render_histograms(&self, out: &mut String) {
        self.header(out, "histogram");
        for (labels, t) in self.totals() {
            let mut cumulative = 0;
            for (le, n) in BUCKETS.iter().zip(t.buckets) {
                cumulative += n;
                let le = le.to_string();
                let labels = self.labels(labels, Some(&le));
                let _ = writeln!(out, "{}_bucket{labels} {cumulative}", self.name);
            }
            let inf = self.labels(labels, Some("+Inf"));
            let _ = writeln!(out, "{}_bucket{inf} {}", self.name, t.count);
            let sum = t.sum_ns as f64 / 1e9;
            let plain = self.labels(labels, None);
            let _ = writeln!(out, "{}_sum{plain} {sum}", self.name);
            let _ = writeln!(out, "{}_count{plain} {}", self.name, t.count);
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
    fn two_copies_of_one_name_are_one_series() {
        let f = Family::new("t_total", "Test.", ["op", ""]);
        let owned = String::from("SignUp");
        let copy: &'static str = owned.leak();
        f.count(["SignUp", ""]);
        f.count([copy, ""]);
        let mut out = String::new();
        f.render_counters(&mut out);
        assert!(
            out.ends_with("counter\nt_total{op=\"SignUp\"} 2\n"),
            "{out}"
        );
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
