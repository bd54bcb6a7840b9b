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
        let mut doc = serde_json::json!({
            "issuer": issuer,
            "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "subject_types_supported": ["public"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        });
        // The authorization server's endpoints, once the pool has a domain.
        if let Some(base) = domain_base(&state, &pool_id).await? {
            for (name, path) in [
                ("authorization_endpoint", "/oauth2/authorize"),
                ("token_endpoint", "/oauth2/token"),
                ("userinfo_endpoint", "/oauth2/userInfo"),
                ("revocation_endpoint", "/oauth2/revoke"),
                ("end_session_endpoint", "/logout"),
            ] {
                doc[name] = serde_json::json!(format!("{base}{path}"));
            }
            doc["code_challenge_methods_supported"] = serde_json::json!(["S256"]);
            doc["grant_types_supported"] = serde_json::json!([
                "authorization_code",
                "refresh_token",
                "client_credentials",
                "implicit"
            ]);
        }
        Ok(doc)
    }
    .await;
    answer(result)
}

/// Where a pool's domain is served, as a URL: `<scheme>://<prefix>.<base_host>`
/// (or the custom domain) when `[hosted] base_host` is configured, else the
/// path prefix on kognit's public URL, which resolves without DNS.
async fn domain_base(
    state: &AppState,
    pool_id: &str,
) -> Result<Option<String>, kognit_core::Error> {
    let (prefix, custom) = state.service.pool_domains(pool_id).await?;
    let names = &state.host_names;
    let scheme = if state.https { "https" } else { "http" };
    Ok(match (prefix, custom, names.base_host.as_deref()) {
        (Some(p), _, Some(base)) => Some(format!("{scheme}://{p}.{base}")),
        (None, Some(c), Some(_)) => Some(format!("{scheme}://{c}")),
        (Some(d), _, None) | (None, Some(d), None) => Some(format!(
            "{}{}/{}",
            state.public_url,
            crate::web::hosted::PREFIX,
            kognit_core::sigv4::uri_encode(&d, false)
        )),
        (None, None, _) => None,
    })
}
