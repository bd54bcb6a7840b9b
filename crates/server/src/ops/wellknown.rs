//! `<issuer>/.well-known/jwks.json` and `<issuer>/.well-known/openid-configuration`:
//! where token verifiers (aws-jwt-verify, any OIDC library) find a pool's keys.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;

fn answer(result: Result<serde_json::Value, kognit_core::Error>) -> Response {
    match result {
        Ok(v) => (
            [(header::CACHE_CONTROL, "public, max-age=300")],
            axum::Json(v),
        )
            .into_response(),
        Err(e) if e.code == kognit_core::error::ErrorCode::ResourceNotFoundException => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({"message": e.message})),
        )
            .into_response(),
        Err(e) => crate::protocol::error_response("well-known", &e),
    }
}

/// `GET /<poolId>/.well-known/jwks.json`.
pub async fn jwks(State(state): State<AppState>, Path(pool_id): Path<String>) -> Response {
    answer(state.service.jwks(&pool_id, state.now_ms()).await)
}

/// `GET /<poolId>/.well-known/openid-configuration`.
pub async fn openid_configuration(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
) -> Response {
    let svc = &state.service;
    let result = async {
        svc.load_pool(&pool_id).await?;
        let issuer = format!("{}/{}", svc.settings().issuer_base, pool_id);
        Ok(serde_json::json!({
            "issuer": issuer,
            "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "subject_types_supported": ["public"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }))
    }
    .await;
    answer(result)
}
