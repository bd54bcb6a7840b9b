//! The HTTP router: the Cognito API at `POST /`, operations endpoints
//! (`/health`, `/metrics`), kognit's public `/_kognit/…` endpoints and, in
//! `kognit dev`, the developer endpoints.

mod dev;
mod outbox;
mod password_policy;
mod ui;
mod wellknown;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use crate::config::{Config, Mode};
pub use crate::state::AppState;

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

/// Every route of a server with this configuration, waiting for its state
/// (`Router::with_state`): built while the store opens (`startup`).
pub fn routes(cfg: &Config) -> Router<AppState> {
    let mut app = Router::new()
        .route("/", post(crate::protocol::handle))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/{pool_id}/.well-known/jwks.json", get(wellknown::jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(wellknown::openid_configuration),
        )
        .route(
            "/_kognit/clients/{client_id}/password-policy",
            get(password_policy::get),
        )
        .route("/_kognit/ui/{pool_id}/{client_id}/custom.css", get(ui::css))
        .route("/_kognit/ui/{pool_id}/{client_id}/logo", get(ui::logo));
    if cfg.outbox {
        app = app
            .route("/_dev/outbox", get(outbox::list))
            .route("/_dev/outbox/latest", get(outbox::latest));
    }
    if cfg.mode == Mode::Dev {
        app = app
            .route("/_dev/reset", post(dev::reset))
            .route("/_dev/triggers", get(dev::triggers))
            .route("/moto-api/reset", post(dev::reset))
            .route("/moto-api/reset-auth", post(dev::reset_auth));
    }
    app = app.merge(crate::web::router(cfg));
    app.fallback(not_found).layer(cors())
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
    let body = crate::metrics::render();
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
