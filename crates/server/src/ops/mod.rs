//! The HTTP router: the Cognito API at `POST /`, operations endpoints
//! (`/health`, `/metrics`) and, in `kognit dev`, the developer endpoints.

mod dev;
mod outbox;
mod wellknown;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use kognit_core::Service;
use kognit_core::clock::Clock;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

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
    pub limits: Arc<crate::protocol::Limits>,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<[crate::protocol::IpRange]>,
    /// What time it is, for every request.
    pub clock: Arc<dyn Clock>,
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
            limits: Arc::new(crate::protocol::Limits::new(&cfg.rate_limits)),
            // Validated with the configuration; one built in code and not
            // validated trusts no proxy if an entry does not parse.
            trusted_proxies: cfg.trusted_proxy_ranges().unwrap_or_default().into(),
            clock,
        }
    }

    /// Milliseconds since the Unix epoch, now, by the process's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
}

/// CORS for browser SDKs (amazon-cognito-identity-js, Amplify) on other origins.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::POST, Method::GET, Method::OPTIONS])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([
            HeaderName::from_static("x-amzn-requestid"),
            HeaderName::from_static("x-amzn-errortype"),
            HeaderName::from_static("x-amzn-errormessage"),
            HeaderName::from_static("date"),
        ])
        .max_age(std::time::Duration::from_secs(86400))
}

/// The whole router.
pub fn router(state: AppState) -> Router {
    let mut app = Router::new()
        .route("/", post(crate::protocol::handle))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/{pool_id}/.well-known/jwks.json", get(wellknown::jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(wellknown::openid_configuration),
        );
    if state.outbox {
        app = app
            .route("/_dev/outbox", get(outbox::list))
            .route("/_dev/outbox/latest", get(outbox::latest));
    }
    if state.mode == Mode::Dev {
        app = app
            .route("/_dev/reset", post(dev::reset))
            .route("/moto-api/reset", post(dev::reset))
            .route("/moto-api/reset-auth", post(dev::reset_auth));
    }
    app.fallback(not_found).layer(cors()).with_state(state)
}

async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match state.service.store().ping().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "health check: the store does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
        }
    }
}

async fn metrics() -> impl IntoResponse {
    let body = crate::metrics::handle()
        .map(|h| h.render())
        .unwrap_or_default();
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        body,
    )
}

async fn not_found() -> impl IntoResponse {
    (StatusCode::NOT_FOUND, "Not Found")
}
