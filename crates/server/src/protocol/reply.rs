//! Encoding answers the way AWS JSON 1.1 services do: the JSON body, the
//! request id on every response, and errors as `{"__type", "message"}` with
//! `x-amzn-ErrorType`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kognit_core::Error;

const JSON_11: &str = "application/x-amz-json-1.1";

fn with_headers(mut resp: Response, request_id: &str) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_11));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-amzn-requestid", v);
    }
    resp
}

/// A 200 answer with this JSON text.
pub fn success_response(request_id: &str, body: String) -> Response {
    with_headers((StatusCode::OK, body).into_response(), request_id)
}

/// An error answer.
pub fn error_response(request_id: &str, e: &Error) -> Response {
    let status = StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = serde_json::json!({"__type": e.code.as_str(), "message": e.message}).to_string();
    let mut resp = with_headers((status, body).into_response(), request_id);
    if let Ok(v) = HeaderValue::from_str(e.code.as_str()) {
        resp.headers_mut().insert("x-amzn-errortype", v);
    }
    resp
}
