//! Serving a domain by `Host`: a request whose host is a pool's domain —
//! `<prefix>.auth.<region>.amazoncognito.com`, `<prefix>.<base_host>` or a
//! custom domain — is routed as if it had asked for `/hosted/<domain><path>`.
//! This runs before routing (it wraps the whole router), and skips kognit's
//! own host, IP addresses and `localhost` without asking the store.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::Uri;
use axum::http::header::HOST;
use axum::response::Response;

use super::PREFIX;
use crate::state::AppState;
#[cfg(test)]
use crate::state::HostNames;

/// Marks a request routed by its `Host` (its pages link from the root).
#[derive(Debug, Clone, Copy)]
pub struct ByHost;

/// The layer around the router that rewrites the path of a request that
/// reached a domain by its host (`Service::call`).
///
/// A `tower::Service` of its own rather than `axum::middleware::from_fn`:
/// that clones and boxes the whole router for every request, the API's
/// too (~1.5% of AdminGetUser's CPU), where this hands a request that is
/// not for a domain straight to the router.
#[derive(Clone)]
pub struct RouteByHost<S> {
    state: AppState,
    inner: S,
}

impl<S> RouteByHost<S> {
    /// `inner` (the router) behind the rewrite, with the state it asks.
    pub fn new(state: AppState, inner: S) -> Self {
        Self { state, inner }
    }
}

impl<S> tower::Service<Request> for RouteByHost<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + Unpin,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Routed<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let candidate = if hosted_path(req.uri().path()) {
            req.headers()
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .and_then(|h| self.state.host_names.candidate(h))
        } else {
            None
        };
        let Some(name) = candidate else {
            return Routed::Router(self.inner.call(req));
        };
        // The router that was made ready serves this request; the clone
        // left here is made ready for the next (tower's rule).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let state = self.state.clone();
        Routed::ByHost(Box::pin(async move {
            let req = rewrite(&state, &name, req).await;
            inner.call(req).await
        }))
    }
}

/// The answer of [`RouteByHost`]: the router's own future, or for a
/// request that may be for a domain, the rewrite and then the router.
pub enum Routed<F> {
    /// Straight to the router.
    Router(F),
    /// Rewritten first.
    ByHost(Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>),
}

impl<F> Future for Routed<F>
where
    F: Future<Output = Result<Response, Infallible>> + Unpin,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Self::Router(f) => Pin::new(f).poll(cx),
            Self::ByHost(f) => f.as_mut().poll(cx),
        }
    }
}

/// `req` with its path under `/hosted/<name>` if `name` is a pool's domain.
async fn rewrite(state: &AppState, name: &str, mut req: Request) -> Request {
    if let Ok(Some(_)) = state.service.pool_by_domain(name).await {
        let path_and_query = req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let rewritten = format!(
            "{PREFIX}/{}{path_and_query}",
            kognit_core::sigv4::uri_encode(name, false)
        );
        if let Ok(uri) = rewritten.parse::<Uri>() {
            *req.uri_mut() = uri;
            req.extensions_mut().insert(ByHost);
        }
    }
    req
}

/// Whether a path may be one a domain serves: not the API (`POST /`, the
/// hot path, which must not pay a store read for its `Host`), not kognit's
/// own endpoints (operations, the console, `/_kognit/…` such as the UI
/// customization's stylesheet, `/_dev/…`), not a path already prefixed.
fn hosted_path(path: &str) -> bool {
    !(path == "/"
        || path == "/health"
        || path == "/metrics"
        || path
            .strip_prefix(PREFIX)
            .is_some_and(|rest| rest.starts_with('/'))
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
