//! The Cognito JSON 1.1 protocol: `POST /` with `X-Amz-Target`. Decodes the
//! request, checks the signature, validates the body against the service model,
//! calls one service function and encodes the answer. No business rules here.

pub(crate) mod auth;
mod dispatch;
mod extensions;
mod reply;

use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use kognit_core::Error;
use kognit_core::error::ErrorCode;
use kognit_core::request::RequestContext;
use kognit_wire::ops::{self, Operation};
use kognit_wire::validate::{Invalid, validate};
use tracing::Instrument as _;

use crate::client_ip;
use crate::state::AppState;
pub use reply::{error_response, success_response};

/// What every request handler gets from the HTTP layer.
pub struct Incoming {
    /// The method.
    pub method: Method,
    /// The URI as received.
    pub uri: Uri,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, read in full.
    pub body: Bytes,
    /// The client's address, when known: the TCP peer's, or the one a
    /// trusted proxy forwarded (`client_ip`).
    pub peer: Option<std::net::IpAddr>,
}

/// `X-Amz-Target` prefix of kognit's own operations (extensions beyond Cognito).
pub const EXTENSION_PREFIX: &str = "Kognit.";

/// The `POST /` handler.
pub async fn handle(
    State(state): State<AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let started = Instant::now();
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    // Found once: the span and metrics name it, `process` runs it.
    let op = operation(&target);
    let op_name = match op {
        Some(op) => op.name,
        None => extensions::EXTENSIONS
            .iter()
            .find(|e| target.strip_prefix(EXTENSION_PREFIX) == Some(**e))
            .copied()
            .unwrap_or("unknown"),
    };
    let span = tracing::info_span!("request", request_id = %request_id, operation = op_name);
    let client = client_ip::client_ip(peer.ip(), &headers, &state.trusted_proxies);
    let result = async {
        let body = read_body(body, body_limit(op_name, state.max_body_bytes)).await?;
        let incoming = Incoming {
            method,
            uri,
            headers,
            body,
            peer: Some(client),
        };
        process(&state, &target, op, &incoming).await
    }
    .instrument(span.clone())
    .await;
    let elapsed = started.elapsed();
    let _enter = span.enter();
    match result {
        Ok(value) => {
            tracing::debug!(
                status = 200,
                elapsed_ms = elapsed.as_secs_f64() * 1000.0,
                "done"
            );
            crate::metrics::record(op_name, None, elapsed);
            success_response(&request_id, value)
        }
        Err(e) => {
            tracing::info!(
                status = e.code.status(),
                error = e.code.as_str(),
                elapsed_ms = elapsed.as_secs_f64() * 1000.0,
                "failed"
            );
            crate::metrics::record(op_name, Some(e.code.as_str()), elapsed);
            error_response(&request_id, &e)
        }
    }
}

/// What the two operations that carry branding images may send: Cognito
/// documents "a 2-megabyte request-size limit" for them, and one asset alone
/// may be 1 MB (1.33 MB in base64).
const BRANDING_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The largest body `op_name` accepts: `max_body_bytes`, raised to
/// Cognito's own limit for the branding operations.
fn body_limit(op_name: &str, configured: usize) -> usize {
    match op_name {
        "CreateManagedLoginBranding" | "UpdateManagedLoginBranding" => {
            configured.max(BRANDING_BODY_BYTES)
        }
        _ => configured,
    }
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, Error> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        Error::new(
            ErrorCode::SerializationException,
            format!("The request body is larger than {limit} bytes or could not be read."),
        )
    })
}

/// The operation of the model that `X-Amz-Target` names, if it names one.
fn operation(target: &str) -> Option<&'static Operation> {
    target
        .strip_prefix(ops::TARGET_PREFIX)
        .and_then(|t| t.strip_prefix('.'))
        .and_then(ops::find)
}

/// The error for an `X-Amz-Target` that names no operation.
fn unknown_operation(target: &str) -> Error {
    let message = if target.is_empty() {
        "Missing X-Amz-Target header."
    } else {
        ""
    };
    Error::new(ErrorCode::UnknownOperationException, message)
}

/// Decodes the body as a JSON object.
fn decode(body: &[u8]) -> Result<serde_json::Value, Error> {
    let ser = |m: String| Error::new(ErrorCode::SerializationException, m);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ser(
            "The request body is empty; a JSON object is required.".into()
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ser(format!("The request body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ser("The request body must be a JSON object.".into()));
    }
    let mut value = value;
    drop_null_members(&mut value);
    Ok(value)
}

/// A member or map entry whose value is `null` counts as absent, as in AWS's
/// JSON protocol: amazon-cognito-identity-js, for one, retries a sign-in with
/// `"DEVICE_KEY": null` after "Device does not exist.". (A required member
/// left null is still reported as null by the validator.) List items are
/// kept, so a null in a list is still refused.
fn drop_null_members(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            members.retain(|_, v| !v.is_null());
            members.values_mut().for_each(drop_null_members);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_null_members),
        _ => {}
    }
}

/// Runs one administrator operation for the admin console, through the same
/// decoding, validation against the model and dispatch as `POST /`, so a
/// page cannot apply a rule the API does not. `name` is an operation of the
/// model (`AdminCreateUser`) or a kognit extension (`Kognit.SearchUsers`).
pub(crate) async fn run_admin(
    state: &AppState,
    admin: &kognit_core::Admin,
    name: &str,
    mut body: serde_json::Value,
    context: RequestContext,
) -> Result<serde_json::Value, Error> {
    drop_null_members(&mut body);
    let answer = context
        .scope(async {
            if let Some(ext) = name.strip_prefix(EXTENSION_PREFIX) {
                return extensions::extension(state, ext, admin, body).await;
            }
            let op = ops::find(name)
                .ok_or_else(|| Error::new(ErrorCode::UnknownOperationException, ""))?;
            validate(op.input, &body).map_err(invalid)?;
            dispatch::dispatch(state, op, auth::Caller::Admin(admin.clone()), body).await
        })
        .await?;
    serde_json::from_str(&answer).map_err(Error::internal)
}

fn invalid(e: Invalid) -> Error {
    match e {
        Invalid::Serialization(m) => Error::new(ErrorCode::SerializationException, m),
        Invalid::Constraint(m) => Error::invalid_parameter(m),
    }
}

/// The answer's JSON text.
/// `op` is the model's operation `target` names, if it names one.
async fn process(
    state: &AppState,
    target: &str,
    op: Option<&'static Operation>,
    req: &Incoming,
) -> Result<String, Error> {
    if let Some(name) = target.strip_prefix(EXTENSION_PREFIX) {
        let admin = auth::authenticate_admin(state, req).await?;
        let value = decode(&req.body)?;
        return extensions::extension(state, name, &admin, value).await;
    }
    let op = op.ok_or_else(|| unknown_operation(target))?;
    if op.unsigned
        && let Some(ip) = req.peer
    {
        state.limits.check_ip(ip)?;
    }
    let caller = auth::authenticate(state, op, req).await?;
    let value = decode(&req.body)?;
    state.limits.check_pool(&value)?;
    validate(op.input, &value).map_err(invalid)?;
    // Recorded by token sessions and auth events (kognit_core::request).
    let context = RequestContext {
        ip: req.peer.map(|ip| ip.to_string()),
        user_agent: req
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    context
        .scope(dispatch::dispatch(state, op, caller, value))
        .await
}
