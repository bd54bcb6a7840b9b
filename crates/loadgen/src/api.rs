//! A minimal Cognito JSON 1.1 client: `POST /` with the operation in
//! `X-Amz-Target`, unsigned (kognit dev accepts unsigned admin calls). Only
//! loopback endpoints are accepted, so a load test cannot be pointed at a
//! server somebody else runs.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;
use serde_json::Value;

/// The target prefix of every Cognito User Pools operation.
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
/// How long one request may take before it counts as a `Timeout` error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a call failed.
#[derive(Debug)]
pub enum CallError {
    /// The server answered an error: its `__type` (without any
    /// `namespace#` prefix), or `HTTP <status>` when the body had none.
    Service { kind: String, message: String },
    /// No answer: timeout, refused connection, broken body.
    Transport(String),
}

impl CallError {
    /// The short name errors are counted under.
    pub fn kind(&self) -> &str {
        match self {
            Self::Service { kind, .. } => kind,
            Self::Transport(kind) => kind,
        }
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Service { kind, message } => write!(f, "{kind}: {message}"),
            Self::Transport(kind) => write!(f, "{kind}"),
        }
    }
}

/// A client of one endpoint; cheap to clone (connections are shared).
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    url: Url,
}

/// Whether a URL's host is this machine.
fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(h) => h
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

impl Api {
    /// A client of `endpoint`, which must be `http://` on a loopback address.
    pub fn new(endpoint: &str, connections: usize) -> Result<Self, String> {
        let url = Url::parse(endpoint).map_err(|e| format!("bad endpoint {endpoint}: {e}"))?;
        if url.scheme() != "http" || !is_loopback(&url) {
            return Err(format!(
                "refusing endpoint {endpoint}: only http:// on a loopback address \
                 (127.0.0.1, ::1, localhost) is load-tested"
            ));
        }
        let http = reqwest::Client::builder()
            .no_proxy()
            .tcp_nodelay(true)
            .pool_max_idle_per_host(connections)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Self { http, url })
    }

    /// Calls `operation` with `body`; the decoded JSON answer on success.
    pub async fn call(&self, operation: &str, body: &Value) -> Result<Value, CallError> {
        let resp = self
            .http
            .post(self.url.clone())
            .header("X-Amz-Target", format!("{TARGET_PREFIX}{operation}"))
            .header("Content-Type", "application/x-amz-json-1.1")
            .body(body.to_string())
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(transport)?;
        let json: Value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        if status.is_success() {
            return Ok(json);
        }
        let kind = json
            .get("__type")
            .and_then(Value::as_str)
            .map(|t| t.rsplit('#').next().unwrap_or(t).to_owned())
            .unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
        let message = json
            .get("message")
            .or_else(|| json.get("Message"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Err(CallError::Service { kind, message })
    }
}

/// A transport failure, named by its class.
fn transport(e: reqwest::Error) -> CallError {
    let kind = if e.is_timeout() {
        "Timeout"
    } else if e.is_connect() {
        "ConnectError"
    } else if e.is_body() || e.is_decode() {
        "BodyError"
    } else {
        "TransportError"
    };
    CallError::Transport(kind.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_endpoints() {
        for ok in [
            "http://127.0.0.1:9229",
            "http://localhost:9229/",
            "http://[::1]:9229",
            "http://127.0.0.2:1",
        ] {
            assert!(Api::new(ok, 1).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1:9229",
            "https://127.0.0.1:9229",
            "http://cognito-idp.us-east-1.amazonaws.com",
            "not a url",
        ] {
            assert!(Api::new(bad, 1).is_err(), "{bad}");
        }
    }
}
