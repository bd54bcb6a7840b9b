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
#[cfg(test)]
use crate::state::HostNames;

/// Marks a request routed by its `Host` (its pages link from the root).
#[derive(Debug, Clone, Copy)]
pub struct ByHost;

/// The middleware: rewrites the path of a request that reached a domain by
/// its host.
pub async fn by_host(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let candidate = if hosted_path(req.uri().path()) {
        req.headers()
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| state.host_names.candidate(h))
    } else {
        None
    };
    if let Some(name) = candidate
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

/// Whether a path may be one a domain serves: not the API (`POST /`, the
/// hot path, which must not pay a store read for its `Host`), not kognit's
/// own endpoints (operations, the console, `/_kognit/…` such as the UI
/// customization's stylesheet, `/_dev/…`), not a path already prefixed.
fn hosted_path(path: &str) -> bool {
    !(path == "/"
        || path == "/health"
        || path == "/metrics"
        || path.starts_with(&format!("{PREFIX}/"))
        || path.starts_with("/_kognit/")
        || path.starts_with("/_dev/")
        || path.starts_with("/console"))
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
    fn paths_that_are_never_rewritten() {
        for p in [
            "/",
            "/health",
            "/metrics",
            "/_kognit/ui/p/ALL/custom.css",
            "/_dev/outbox",
            "/console/pools",
            "/hosted/x/login",
        ] {
            assert!(!hosted_path(p), "{p}");
        }
        for p in [
            "/oauth2/authorize",
            "/login",
            "/logout",
            "/oauth2/token",
            "/signup",
        ] {
            assert!(hosted_path(p), "{p}");
        }
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
