//! The Markdown table a run prints: one row per operation, ready to paste
//! into BENCHMARKS.md.

use std::fmt::Write as _;
use std::time::Duration;

use crate::runner::Outcome;
use crate::stats::OpStats;

/// The table's header and separator lines.
pub fn header() -> String {
    "| run | scenario | operation | clients | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms |\n\
     |---|---|---|---:|---:|---|---:|---:|---:|---:|---:|"
        .to_owned()
}

/// Milliseconds with a precision that suits their size.
fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v < 10.0 {
        format!("{v:.2}")
    } else if v < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// `0`, or the count followed by each kind's count.
fn errors(op: &OpStats) -> String {
    let total = op.error_count();
    if total == 0 {
        return "0".to_owned();
    }
    let kinds: Vec<String> = op.errors.iter().map(|(k, n)| format!("{k} {n}")).collect();
    format!("{total} ({})", kinds.join(", "))
}

/// One row per operation of `outcome`.
pub fn rows(run: &str, scenario: &str, clients: usize, outcome: &Outcome) -> String {
    let secs = outcome.elapsed.as_secs_f64().max(f64::EPSILON);
    let mut out = String::new();
    for (label, op) in outcome.stats.ops() {
        let _ = writeln!(
            out,
            "| {run} | {scenario} | {label} | {clients} | {} | {} | {:.0} | {} | {} | {} | {} |",
            op.requests,
            errors(op),
            op.requests as f64 / secs,
            ms(op.quantile(0.50)),
            ms(op.quantile(0.90)),
            ms(op.quantile(0.99)),
            ms(op.max()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Recorder;

    #[test]
    fn a_row_per_operation() {
        let mut stats = Recorder::default();
        stats
            .record("SignUp", Duration::from_micros(1500), None)
            .unwrap();
        stats
            .record(
                "SignUp",
                Duration::from_millis(120),
                Some("UsernameExistsException"),
            )
            .unwrap();
        let outcome = Outcome {
            stats,
            elapsed: Duration::from_secs(2),
            first_error: None,
        };
        let table = rows("SQLite", "sign-up", 16, &outcome);
        assert_eq!(
            table,
            "| SQLite | sign-up | SignUp | 16 | 2 | 1 (UsernameExistsException 1) | 1 | 1.50 | 120 | 120 | 120 |\n"
        );
        assert_eq!(header().lines().count(), 2);
    }
}
