//! The developer outbox (a kognit extension): every message kognit sends is
//! also kept here, readable as JSON. On in `kognit dev`; in `serve` only when
//! configured, and then only with a valid admin SigV4 signature.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use kognit_core::store::OutboxRecord;
use serde::Deserialize;

use super::AppState;
use crate::protocol::{Incoming, auth, error_response};

/// Query parameters of the outbox endpoints.
#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    user_pool_id: Option<String>,
    username: Option<String>,
    limit: Option<u32>,
}

fn message_json(m: &OutboxRecord) -> serde_json::Value {
    let created_at =
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(m.created_ms) * 1_000_000)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            });
    serde_json::json!({
        "user_pool_id": m.pool_id,
        "username": m.username,
        "channel": m.channel,
        "destination": m.destination,
        "subject": m.subject,
        "body": m.body,
        "code": m.code,
        "created_at": created_at,
    })
}

async fn messages(
    state: &AppState,
    q: &OutboxQuery,
    limit: u32,
) -> Result<Vec<OutboxRecord>, kognit_core::Error> {
    state
        .service
        .outbox_messages(
            q.user_pool_id.as_deref(),
            q.username.as_deref(),
            None,
            limit,
        )
        .await
}

async fn authorize(
    state: &AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<(), kognit_core::Error> {
    let incoming = Incoming {
        method,
        uri,
        headers,
        body: axum::body::Bytes::new(),
        peer: None,
    };
    auth::authenticate_admin(state, &incoming).await.map(|_| ())
}

/// `GET /_dev/outbox`: messages newest first, filterable by `user_pool_id`
/// and `username`, at most `limit` (default 100).
pub async fn list(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<OutboxQuery>,
) -> Response {
    let result = async {
        authorize(&state, method, uri, headers).await?;
        messages(&state, &q, q.limit.unwrap_or(100).clamp(1, 1000)).await
    }
    .await;
    match result {
        Ok(list) => {
            let items: Vec<_> = list.iter().map(message_json).collect();
            axum::Json(serde_json::json!({ "messages": items })).into_response()
        }
        Err(e) => error_response("outbox", &e),
    }
}

/// `GET /_dev/outbox/latest?user_pool_id=…&username=…`: the newest message for
/// that user, 404 when there is none.
pub async fn latest(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<OutboxQuery>,
) -> Response {
    let result = async {
        authorize(&state, method, uri, headers).await?;
        messages(&state, &q, 1).await
    }
    .await;
    match result {
        Ok(list) => match list.first() {
            Some(m) => axum::Json(message_json(m)).into_response(),
            None => (
                StatusCode::NOT_FOUND,
                axum::Json(serde_json::json!({"message": "no message for this user"})),
            )
                .into_response(),
        },
        Err(e) => error_response("outbox", &e),
    }
}
