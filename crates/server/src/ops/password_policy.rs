//! `GET /_kognit/clients/{client_id}/password-policy` (kognit extension): the
//! password policy a client's users are held to, for a sign-up or
//! change-password form to check a password before sending it. Unsigned, as
//! SignUp is, and counted against the same per-IP limit as Cognito's unsigned
//! operations.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kognit_core::error::ErrorCode;

use super::AppState;
use crate::client_ip::client_ip;

/// The handler: one core call, its answer as JSON; an unknown client is a
/// 404 with Cognito's error body.
pub async fn get(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(client_id): Path<String>,
) -> Response {
    let ip = client_ip(peer.ip(), &headers, &state.trusted_proxies);
    let result = match state.limits.check_ip(ip) {
        Ok(()) => state.service.password_policy_for_client(&client_id).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(policy) => axum::Json(policy).into_response(),
        Err(e) if e.code == ErrorCode::ResourceNotFoundException => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({"__type": e.code.as_str(), "message": e.message})),
        )
            .into_response(),
        Err(e) => crate::protocol::error_response("password-policy", &e),
    }
}
