//! A real HTTP trigger server on loopback: it records every call (path,
//! kognit's trigger headers, the event) and answers what the test's handler
//! says, as a webhook trigger or a Lambda-compatible endpoint would.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType, LambdaConfigType, VerifiedAttributeType,
};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::users::{PASSWORD, attr};
use super::{code, message};

/// What the handler answers.
pub enum Reply {
    /// 200 with this JSON (the returned event).
    Json(Value),
    /// This status, content type and body.
    Raw(u16, &'static str, String),
    /// Like `Json`, with these extra headers.
    WithHeaders(Vec<(&'static str, &'static str)>, Value),
    /// Waits this long, then answers `Json`.
    Late(Duration, Value),
}

impl Reply {
    /// The event back with `response` replaced.
    pub fn respond(mut event: Value, response: Value) -> Self {
        event["response"] = response;
        Reply::Json(event)
    }

    /// A thrown error, as a webhook reports one.
    pub fn throw(message: &str) -> Self {
        Reply::Raw(
            500,
            "application/json",
            serde_json::json!({"errorType": "Error", "errorMessage": message}).to_string(),
        )
    }
}

/// One call the server received.
#[derive(Debug, Clone)]
pub struct Call {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub event: Value,
}

impl Call {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(&Call) -> Reply + Send + Sync;

#[derive(Clone)]
struct Shared {
    calls: Arc<Mutex<Vec<Call>>>,
    handler: Arc<Handler>,
}

/// The running server.
pub struct TriggerServer {
    pub base: String,
    calls: Arc<Mutex<Vec<Call>>>,
}

impl TriggerServer {
    /// Starts a server answering every POST with `handler`.
    pub async fn start(handler: impl Fn(&Call) -> Reply + Send + Sync + 'static) -> Self {
        let shared = Shared {
            calls: Arc::default(),
            handler: Arc::new(handler),
        };
        let app = axum::Router::new()
            .fallback(receive)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base: format!("http://{addr}"),
            calls: shared.calls,
        }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// The events of the calls whose `triggerSource` starts with `prefix`.
    pub fn events(&self, prefix: &str) -> Vec<Value> {
        self.calls()
            .into_iter()
            .map(|c| c.event)
            .filter(|e| {
                e["triggerSource"]
                    .as_str()
                    .is_some_and(|s| s.starts_with(prefix))
            })
            .collect()
    }
}

async fn receive(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let call = Call {
        path: uri.path().to_owned(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect(),
        body: body.to_vec(),
        event: serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    let reply = (shared.handler)(&call);
    shared.calls.lock().unwrap().push(call);
    match reply {
        Reply::Json(v) => axum::Json(v).into_response(),
        Reply::Raw(status, content_type, body) => (
            StatusCode::from_u16(status).unwrap(),
            [("content-type", content_type)],
            body,
        )
            .into_response(),
        Reply::WithHeaders(extra, v) => {
            let mut resp = axum::Json(v).into_response();
            for (n, val) in extra {
                resp.headers_mut().insert(n, val.parse().unwrap());
            }
            resp
        }
        Reply::Late(wait, v) => {
            tokio::time::sleep(wait).await;
            axum::Json(v).into_response()
        }
    }
}

/// An app client of `pool` allowing these flows.
pub async fn app_client(c: &Client, pool: &str, flows: &[ExplicitAuthFlowsType]) -> String {
    let mut req = c
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name("app");
    for f in flows {
        req = req.explicit_auth_flows(f.clone());
    }
    req.send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

/// A pool (email auto-verified) with these triggers, and a client allowing
/// USER_PASSWORD_AUTH and refresh.
pub async fn pool_with(c: &Client, lambda: LambdaConfigType) -> (String, String) {
    let pool = super::pool_id(
        c.create_user_pool()
            .pool_name("triggers")
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .lambda_config(lambda),
    )
    .await;
    let client = app_client(
        c,
        &pool,
        &[
            ExplicitAuthFlowsType::AllowUserPasswordAuth,
            ExplicitAuthFlowsType::AllowRefreshTokenAuth,
        ],
    )
    .await;
    (pool, client)
}

/// SignUp of `name` with an email, validation data and client metadata.
pub async fn sign_up(c: &Client, client: &str, name: &str) -> Result<bool, String> {
    c.sign_up()
        .client_id(client)
        .username(name)
        .password(PASSWORD)
        .user_attributes(attr("email", &format!("{name}@example.com")))
        .validation_data(attr("invite", "K-42"))
        .client_metadata("source", "tests")
        .send()
        .await
        .map(|r| r.user_confirmed)
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

/// The event back, unchanged: a trigger that accepts.
pub fn accept(call: &Call) -> Reply {
    Reply::Json(call.event.clone())
}
