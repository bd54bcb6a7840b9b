//! Developer endpoints of `kognit dev` (kognit extensions, not in Cognito).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use super::AppState;

/// `POST /_dev/reset` (also `/moto-api/reset`, for suites written for moto's
/// server mode): wipes every pool, client and user.
pub async fn reset(State(state): State<AppState>) -> impl IntoResponse {
    let wiped = state.service.store().reset().await;
    state.service.forget_cached();
    match wiped {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        ),
        Err(e) => {
            tracing::error!(error = %e, "developer reset failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(serde_json::json!({"status": "error"})),
            )
        }
    }
}
