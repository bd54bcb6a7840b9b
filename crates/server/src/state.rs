//! What every handler shares: the service, the process's settings and its
//! clock. A leaf the router, the protocol and the coming web pages import,
//! instead of importing each other.

use std::sync::Arc;

use kognit_core::Service;
use kognit_core::clock::Clock;

use crate::config::{AccessKey, Config, Mode};

/// What every handler shares, behind one `Arc`: axum clones the state for
/// each request several times (the host-routing middleware, the router, the
/// `State` extractor), and a clone is one atomic increment instead of one
/// per shared field, each a cache line both cores write to.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl From<Shared> for AppState {
    fn from(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

/// The fields of [`AppState`], set up by `startup` before it is shared.
pub struct Shared {
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
    /// Which `Host` names may be user-pool domains (hosted login by host).
    pub host_names: Arc<HostNames>,
    /// kognit's public URL (no trailing slash), for the URLs discovery names.
    pub public_url: Arc<str>,
}

impl Shared {
    /// State for this configuration.
    pub fn new(service: Arc<Service>, cfg: &Config, clock: Arc<dyn Clock>) -> Self {
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
            host_names: Arc::new(HostNames {
                region: cfg.region.clone(),
                base_host: cfg.hosted.base_host.clone(),
                own_host: cfg.public_url.as_deref().and_then(host_of),
            }),
            public_url: cfg
                .public_url
                .as_deref()
                .unwrap_or_default()
                .trim_end_matches('/')
                .into(),
        }
    }

    /// Milliseconds since the Unix epoch, now, by the process's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
}

/// The host name of a URL (`https://auth.example.com:8443/x` → `auth.example.com`).
pub(crate) fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = match authority.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// What decides whether a host may be a domain.
#[derive(Debug, Clone, Default)]
pub struct HostNames {
    /// The region of `<prefix>.auth.<region>.amazoncognito.com`.
    pub region: String,
    /// `[hosted] base_host`: `<prefix>.<base_host>` names a prefix domain.
    pub base_host: Option<String>,
    /// kognit's own host (from its public URL), never a domain.
    pub own_host: Option<String>,
}

impl HostNames {
    /// The domain name a `Host` header may stand for: a prefix, or the host
    /// itself as a custom domain; None for hosts that cannot be one.
    pub fn candidate(&self, host: &str) -> Option<String> {
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        let name = match host.rsplit_once(':') {
            Some((h, port)) if !h.ends_with(']') && port.bytes().all(|b| b.is_ascii_digit()) => h,
            Some((h, _)) if h.starts_with('[') => h,
            _ => host.as_str(),
        };
        if name.is_empty()
            || name == "localhost"
            || name.starts_with('[')
            || name.parse::<std::net::IpAddr>().is_ok()
            || self.own_host.as_deref() == Some(name)
        {
            return None;
        }
        let cognito = format!(".auth.{}.amazoncognito.com", self.region);
        if let Some(prefix) = name.strip_suffix(&cognito) {
            return Some(prefix.to_owned());
        }
        if let Some(base) = &self.base_host
            && let Some(prefix) = name
                .strip_suffix(base.as_str())
                .and_then(|p| p.strip_suffix('.'))
            && !prefix.contains('.')
        {
            return Some(prefix.to_owned());
        }
        Some(name.to_owned())
    }
}
