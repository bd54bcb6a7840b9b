//! Serving a domain by `Host`: a request whose host is a pool's domain —
//! `<prefix>.auth.<region>.amazoncognito.com`, `<prefix>.<base_host>` or a
//! custom domain — is routed as if it had asked for `/hosted/<domain><path>`.
//! This runs before routing (it wraps the whole router), and skips kognit's
//! own host, IP addresses and `localhost` without asking the store.

use axum::extract::{Request, State};
use axum::http::Uri;
use axum::http::header::HOST;
use axum::middleware::Next;
use axum::response::Response;

use super::PREFIX;
use crate::state::AppState;

/// Marks a request routed by its `Host` (its pages link from the root).
#[derive(Debug, Clone, Copy)]
pub struct ByHost;

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

/// The middleware: rewrites the path of a request that reached a domain by
/// its host.
pub async fn by_host(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let candidate = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| state.host_names.candidate(h));
    if let Some(name) = candidate
        && !req.uri().path().starts_with(&format!("{PREFIX}/"))
        && let Ok(Some(_)) = state.service.pool_by_domain(&name).await
    {
        let path_and_query = req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let rewritten = format!(
            "{PREFIX}/{}{path_and_query}",
            kognit_core::sigv4::uri_encode(&name, false)
        );
        if let Ok(uri) = rewritten.parse::<Uri>() {
            *req.uri_mut() = uri;
            req.extensions_mut().insert(ByHost);
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> HostNames {
        HostNames {
            region: "us-east-1".into(),
            base_host: Some("auth.example.test".into()),
            own_host: Some("kognit.example.test".into()),
        }
    }

    #[test]
    fn hosts_that_may_be_domains() {
        let n = names();
        assert_eq!(
            n.candidate("myapp.auth.us-east-1.amazoncognito.com")
                .as_deref(),
            Some("myapp")
        );
        assert_eq!(
            n.candidate("MyApp.auth.us-east-1.amazoncognito.com:443")
                .as_deref(),
            Some("myapp")
        );
        assert_eq!(
            n.candidate("myapp.auth.example.test:9229").as_deref(),
            Some("myapp")
        );
        assert_eq!(
            n.candidate("login.example.com").as_deref(),
            Some("login.example.com")
        );
        assert_eq!(
            n.candidate("a.b.auth.example.test").as_deref(),
            Some("a.b.auth.example.test")
        );
    }

    #[test]
    fn hosts_that_cannot_be() {
        let n = names();
        for h in [
            "localhost:9229",
            "127.0.0.1:9229",
            "[::1]:9229",
            "kognit.example.test",
            "",
            "10.0.0.1",
        ] {
            assert_eq!(n.candidate(h), None, "{h}");
        }
    }
}
