//! Hosted login and the OAuth 2.0 / OIDC endpoints of user-pool domains.
//!
//! A pool's domain is served two ways, with Cognito's paths below the base:
//! - under a path prefix on kognit's own URL, `/hosted/<domain>` (always;
//!   the only way in `kognit dev` and for single-hostname setups), and
//! - by `Host` header, at the root: `<prefix>.auth.<region>.amazoncognito.com`,
//!   `<prefix>.<base_host>` (`[hosted] base_host`) or a custom domain, for
//!   setups that point DNS at kognit (`routing`).
//!
//! `endpoints`: `/oauth2/authorize`, `/oauth2/token`, `/oauth2/userInfo`,
//! `/oauth2/revoke`, `/logout`. `pages`: sign-in, its challenges (new
//! password, MFA codes, MFA choice, authenticator set-up), sign-up and
//! confirmation, forgotten password. Every rule is core's (`kognit_core::oauth`
//! and the API's own sign-up, confirmation and recovery functions).

mod endpoints;
mod pages;
pub mod routing;
mod ui;

use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::state::AppState;

/// The path prefix of hosted domains on kognit's own URL.
pub const PREFIX: &str = "/hosted";

/// The hosted routes, below `/hosted/{domain}`.
pub fn router() -> Router<AppState> {
    let r = |p: &str| format!("{PREFIX}/{{domain}}{p}");
    Router::new()
        .route(&r("/oauth2/authorize"), get(endpoints::authorize))
        .route(&r("/authorize"), get(endpoints::authorize))
        .route(&r("/oauth2/token"), post(endpoints::token))
        .route(
            &r("/oauth2/userInfo"),
            get(endpoints::user_info).post(endpoints::user_info),
        )
        .route(&r("/oauth2/revoke"), post(endpoints::revoke))
        .route(&r("/logout"), get(endpoints::logout))
        .route(&r("/login"), get(pages::login_form).post(pages::login))
        .route(&r("/oauth2/login"), get(pages::login_form))
        .route(&r("/login/respond"), post(pages::respond))
        .route(&r("/signup"), get(pages::signup_form).post(pages::signup))
        .route(&r("/confirmUser"), post(pages::confirm))
        .route(&r("/resendcode"), post(pages::resend))
        .route(
            &r("/forgotPassword"),
            get(pages::forgot_form).post(pages::forgot),
        )
        .route(&r("/confirmForgotPassword"), post(pages::reset))
        .route(&r("/_assets/hosted.css"), get(ui::css))
}

/// The domain a request reached: its pool, and the base path of its pages
/// as the browser sees them (`/hosted/<domain>`, or empty when the request
/// came by `Host`).
#[derive(Debug, Clone)]
pub struct Domain {
    /// The pool the domain belongs to.
    pub pool_id: String,
    /// The base path of links and form actions.
    pub base: String,
}

impl Domain {
    /// The cookie path of this domain's cookies.
    pub fn cookie_path(&self) -> &str {
        if self.base.is_empty() {
            "/"
        } else {
            &self.base
        }
    }
}

impl FromRequestParts<AppState> for Domain {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(Path(params)) =
            Path::<std::collections::HashMap<String, String>>::from_request_parts(parts, state)
                .await
        else {
            return Err((StatusCode::NOT_FOUND, "Not Found").into_response());
        };
        // Every hosted request is unsigned: the per-IP limit of the API's
        // unsigned operations applies, and the pool's.
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        if let Some(peer) = peer {
            let ip = crate::client_ip::client_ip(peer, &parts.headers, &state.trusted_proxies);
            if state.limits.check_ip(ip).is_err() {
                return Err(too_many());
            }
        }
        let name = params.get("domain").cloned().unwrap_or_default();
        let pool_id = match state.service.pool_by_domain(&name).await {
            Ok(Some(p)) => p,
            Ok(None) => {
                return Err((StatusCode::NOT_FOUND, "No such user pool domain").into_response());
            }
            Err(e) => return Err(crate::protocol::error_response("hosted", &e)),
        };
        if state.limits.check_pool_id(&pool_id).is_err() {
            return Err(too_many());
        }
        let by_host = parts.extensions.get::<routing::ByHost>().is_some();
        let base = if by_host {
            String::new()
        } else {
            format!("{PREFIX}/{}", kognit_core::sigv4::uri_encode(&name, false))
        };
        Ok(Domain { pool_id, base })
    }
}

/// The answer to a request over a rate limit: 429, try again in a second.
fn too_many() -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(axum::http::header::RETRY_AFTER, "1")],
        "Too many requests",
    )
        .into_response()
}
