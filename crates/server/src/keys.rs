//! The administrator access key kognit creates and prints once on first
//! start of `serve` when none is configured or stored (the rule and the
//! sealing are core's, [`Service::bootstrap_access_key`]).

use kognit_core::Service;

use crate::config::Config;

/// A key created at start-up, to be shown to the operator once.
pub type NewKey = kognit_core::AccessKey;

/// Creates the first admin key when none is configured or stored.
pub async fn bootstrap(
    service: &Service,
    cfg: &Config,
    now_ms: i64,
) -> Result<Option<NewKey>, kognit_core::Error> {
    service.bootstrap_access_key(&cfg.access_keys, now_ms).await
}
