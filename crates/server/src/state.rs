//! What every handler shares: the service, the process's settings and its
//! clock. A leaf the router, the protocol and the coming web pages import,
//! instead of importing each other.

use std::sync::Arc;

use kognit_core::Service;
use kognit_core::clock::Clock;

use crate::config::{AccessKey, Config, Mode};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The user-pool service.
    pub service: Arc<Service>,
    /// Dev or serve.
    pub mode: Mode,
    /// Configured access keys (serve).
    pub access_keys: Arc<Vec<AccessKey>>,
    /// Largest body accepted.
    pub max_body_bytes: usize,
    /// The region SigV4 scopes must name.
    pub region: Arc<str>,
    /// Whether the developer outbox is readable.
    pub outbox: bool,
    /// Request-rate limits.
    pub limits: Arc<crate::limits::Limits>,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<[crate::client_ip::IpRange]>,
    /// What time it is, for every request.
    pub clock: Arc<dyn Clock>,
    /// The last trigger invocations (dev mode), for `GET /_dev/triggers`.
    pub recent_triggers: Option<Arc<crate::triggers::Recent>>,
    /// The seed file (dev), applied again after every developer reset.
    pub seed: Option<Arc<crate::seed::Seed>>,
    /// The admin console's settings.
    pub console: Arc<crate::config::ConsoleConfig>,
    /// Whether kognit is reached over https (its public URL), so cookies
    /// are marked `Secure`.
    pub https: bool,
}

impl AppState {
    /// State for this configuration.
    pub fn new(service: Arc<Service>, cfg: &Config, clock: Arc<dyn Clock>) -> Self {
        crate::metrics::handle();
        Self {
            service,
            mode: cfg.mode,
            access_keys: Arc::new(cfg.access_keys.clone()),
            max_body_bytes: cfg.max_body_bytes,
            region: cfg.region.as_str().into(),
            outbox: cfg.outbox,
            limits: Arc::new(crate::limits::Limits::new(&cfg.rate_limits)),
            // Validated with the configuration; one built in code and not
            // validated trusts no proxy if an entry does not parse.
            trusted_proxies: cfg.trusted_proxy_ranges().unwrap_or_default().into(),
            clock,
            recent_triggers: None,
            seed: None,
            console: Arc::new(cfg.console.clone()),
            https: cfg
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://")),
        }
    }

    /// Milliseconds since the Unix epoch, now, by the process's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
}
