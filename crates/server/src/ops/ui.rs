//! `GET /_kognit/ui/{pool_id}/{client_id}/custom.css` and `…/logo`: the
//! classic hosted UI customization (SetUICustomization) that applies to an
//! app client (`ALL`: the pool's), served by kognit itself where Cognito
//! answers a CloudFront URL. Public and unsigned, like the pages that link
//! them, and counted against the per-IP limit of unsigned operations.
//!
//! The URLs kognit hands out carry `?v=<version>`; an answer to the current
//! version may be cached for good, any other for a minute (Cognito's console
//! warns that changes can take a minute to show). Both carry the version as
//! their ETag, and `nosniff`, so a logo is only ever taken for an image.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kognit_core::Error;
use serde::Deserialize;

use super::AppState;
use crate::client_ip::client_ip;

/// The cache-buster of the URLs kognit hands out.
#[derive(Debug, Deserialize)]
pub struct Version {
    v: Option<String>,
}

/// The per-IP limit of unsigned operations, for this request's client.
fn check_ip(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> Result<(), Error> {
    let ip = client_ip(peer.ip(), headers, &state.trusted_proxies);
    state.limits.check_ip(ip)
}

/// `GET /_kognit/ui/{pool_id}/{client_id}/custom.css`.
pub async fn css(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((pool_id, client_id)): Path<(String, String)>,
    Query(q): Query<Version>,
) -> Response {
    let result = match check_ip(&state, peer, &headers) {
        Ok(()) => {
            state
                .service
                .effective_ui_customization(&pool_id, &client_id)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(Some(ui)) => match ui.css {
            Some(css) => answer(&headers, &q, &ui.version, "text/css; charset=utf-8", css),
            None => not_found(),
        },
        Ok(None) => not_found(),
        Err(e) => failed(&e),
    }
}

/// `GET /_kognit/ui/{pool_id}/{client_id}/logo`.
pub async fn logo(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((pool_id, client_id)): Path<(String, String)>,
    Query(q): Query<Version>,
) -> Response {
    let result = match check_ip(&state, peer, &headers) {
        Ok(()) => state.service.ui_logo(&pool_id, &client_id).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(Some((ui, logo))) => {
            // Core stores only the two types it recognised; anything else
            // would be a bug, and is not sent as an image.
            let content_type = match logo.content_type.as_str() {
                "image/png" => "image/png",
                "image/jpeg" => "image/jpeg",
                _ => return failed(&Error::internal("a stored logo has an unknown type")),
            };
            answer(&headers, &q, &ui.version, content_type, logo.bytes)
        }
        Ok(None) => not_found(),
        Err(e) => failed(&e),
    }
}

/// A 200 with the caching headers, or a 304 when the client holds this
/// version already.
fn answer(
    headers: &HeaderMap,
    q: &Version,
    version: &str,
    content_type: &'static str,
    body: impl IntoResponse,
) -> Response {
    let etag = format!("\"{version}\"");
    let cache = if q.v.as_deref() == Some(version) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=60"
    };
    let held = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut r = if held {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], body).into_response()
    };
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    r
}

/// No customization (or none of this kind) applies, or no such pool or
/// client: a plain 404 that a cache may keep for a minute.
fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [
            (header::CACHE_CONTROL, "public, max-age=60"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        "Not Found",
    )
        .into_response()
}

fn failed(e: &Error) -> Response {
    crate::protocol::error_response("ui-customization", e)
}
