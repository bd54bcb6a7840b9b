//! Prometheus metrics: requests and latency by operation and error name.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process-wide recorder (installed once; several servers in one test
/// process share it).
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| match PrometheusBuilder::new().install_recorder() {
            Ok(h) => Some(h),
            Err(e) => {
                tracing::warn!(error = %e, "metrics recorder not installed");
                None
            }
        })
        .as_ref()
}

/// Records one API request. The names are static, so the labels borrow
/// them instead of allocating per request.
pub fn record(operation: &'static str, error: Option<&'static str>, seconds: f64) {
    let labels = [("operation", operation), ("error", error.unwrap_or(""))];
    metrics::counter!("kognit_requests_total", &labels).increment(1);
    metrics::histogram!("kognit_request_duration_seconds", &labels[..1]).record(seconds);
}
