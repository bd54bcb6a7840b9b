//! Developer endpoints of `kognit dev` (kognit extensions, not in Cognito).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use super::AppState;

/// `POST /_dev/reset` (also `/moto-api/reset`, for suites written for moto's
/// server mode): wipes every pool, client and user, then applies the seed
/// file again when `kognit dev` was started with one.
pub async fn reset(State(state): State<AppState>) -> impl IntoResponse {
    let wiped = state.service.store().reset().await;
    state.service.forget_cached();
    if let Some(recent) = &state.recent_triggers {
        recent.clear();
    }
    if let Err(e) = wiped {
        tracing::error!(error = %e, "developer reset failed");
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({"status": "error"})),
        );
    }
    if let Some(seed) = &state.seed
        && let Err(e) = seed.apply(&state.service, state.now_ms()).await
    {
        // The file was applied at start, so only the store can refuse it now.
        tracing::error!(error = %e, "seed not applied after the reset");
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({"status": "error", "message": e})),
        );
    }
    (
        StatusCode::OK,
        axum::Json(serde_json::json!({"status": "ok"})),
    )
}

/// `POST /moto-api/reset-auth`, for suites written for moto's server mode:
/// moto's `set_initial_no_auth_action_count` posts the number of requests
/// to let through before IAM checks start, and reads back the previous one.
/// `kognit dev` checks no IAM policies (any credentials are accepted), so the
/// number changes nothing; the answer has the shape moto's helper reads.
pub async fn reset_auth(body: String) -> impl IntoResponse {
    let count = body.trim().parse::<f64>().ok();
    axum::Json(serde_json::json!({ "PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT": count }))
}

/// `GET /_dev/triggers`: the last trigger invocations (at most 50, oldest
/// first), each with the event kognit sent and what came back, so a user
/// debugging a trigger sees what their function received.
pub async fn triggers(State(state): State<AppState>) -> impl IntoResponse {
    let list = state
        .recent_triggers
        .as_ref()
        .map(|r| r.list())
        .unwrap_or_default();
    axum::Json(serde_json::json!({ "invocations": list }))
}
