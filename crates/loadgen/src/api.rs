//! A minimal Cognito JSON 1.1 client: `POST /` with the operation in
//! `X-Amz-Target`, unsigned (kognit dev accepts unsigned admin calls). Only
//! loopback endpoints are accepted, so a load test cannot be pointed at a
//! server somebody else runs.
//!
//! Each measured worker owns a [`Client`] (one keep-alive connection); the
//! setup code calls through [`Api::call`], which borrows an idle client.

use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::http1::{Conn, Failure, Target};
use crate::wire::{self, ErrorAnswer};

/// The target prefix of every Cognito User Pools operation.
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
/// The body type of every request.
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
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

    /// The error for a non-2xx answer with `body`.
    fn service(status: u16, body: &[u8]) -> Self {
        let answer: ErrorAnswer = wire::decode(body);
        let kind = match answer.kind {
            Some(t) => match t.rsplit_once('#') {
                Some((_, name)) => name.to_owned(),
                None => t,
            },
            None => format!("HTTP {status}"),
        };
        let message = answer
            .message
            .or(answer.message_capitalized)
            .unwrap_or_default();
        Self::Service { kind, message }
    }
}

impl From<Failure> for CallError {
    fn from(f: Failure) -> Self {
        let kind = match f {
            Failure::Connect => "ConnectError",
            Failure::Malformed => "BodyError",
            Failure::Closed | Failure::Io | Failure::Encode => "TransportError",
        };
        Self::Transport(kind.to_owned())
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

/// One connection's client: one request in flight at a time.
pub struct Client {
    conn: Conn,
}

impl Client {
    /// Calls `operation` with the JSON of `body`. On success the answer's
    /// body is kept for [`Self::answer`] until the next call.
    pub async fn call<B: Serialize + ?Sized>(
        &mut self,
        operation: &str,
        body: &B,
    ) -> Result<(), CallError> {
        match tokio::time::timeout(REQUEST_TIMEOUT, self.conn.exchange(operation, body)).await {
            Ok(Ok(())) => {}
            Ok(Err(f)) => return Err(f.into()),
            Err(_) => {
                self.conn.disconnect();
                return Err(CallError::Transport("Timeout".to_owned()));
            }
        }
        match self.conn.status() {
            200..=299 => Ok(()),
            status => Err(CallError::service(status, self.conn.body())),
        }
    }

    /// The last answer decoded as `T` (`T::default()` if it is not such
    /// JSON).
    pub fn answer<T: DeserializeOwned + Default>(&self) -> T {
        wire::decode(self.conn.body())
    }

    /// The last answer's body as text, for error messages.
    pub fn answer_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.conn.body())
    }
}

/// A client of one endpoint; cheap to clone (idle connections are shared).
#[derive(Clone)]
pub struct Api {
    target: Arc<Target>,
    /// Connections between setup calls, at most `max_idle`; measured
    /// workers start from them.
    idle: Arc<Mutex<Vec<Client>>>,
    max_idle: usize,
}

/// Whether a host (a name, an IPv4 address or a bracketed IPv6 address) is
/// this machine.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Api {
    /// A client of `endpoint`, which must be `http://` on a loopback address.
    pub fn new(endpoint: &str, connections: usize) -> Result<Self, String> {
        let uri: http::Uri = endpoint
            .parse()
            .map_err(|e| format!("bad endpoint {endpoint}: {e}"))?;
        let refuse = || {
            format!(
                "refusing endpoint {endpoint}: only http:// on a loopback address \
                 (127.0.0.1, ::1, localhost) is load-tested"
            )
        };
        let Some(authority) = uri.authority() else {
            return Err(refuse());
        };
        if !uri
            .scheme_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("http"))
            || !is_loopback(authority.host())
        {
            return Err(refuse());
        }
        let host_port = format!(
            "{}:{}",
            authority.host(),
            authority.port_u16().unwrap_or(80)
        );
        let path = match uri.path_and_query().map(|p| p.as_str()) {
            Some(p) if p.starts_with('/') => p,
            _ => "/",
        };
        Ok(Self {
            target: Arc::new(Target::new(&host_port, path, CONTENT_TYPE, TARGET_PREFIX)),
            idle: Arc::new(Mutex::new(Vec::new())),
            max_idle: connections,
        })
    }

    /// A client with a connection of its own: an idle one if there is one.
    pub fn client(&self) -> Client {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        idle.unwrap_or_else(|| Client {
            conn: Conn::new(self.target.clone()),
        })
    }

    /// Calls `operation` with `body` on an idle connection (for the setup
    /// code); the decoded JSON answer on success.
    pub async fn call<B: Serialize + ?Sized>(
        &self,
        operation: &str,
        body: &B,
    ) -> Result<Value, CallError> {
        let mut client = self.client();
        let result = client.call(operation, body).await;
        let answer = result.map(|()| client.answer::<Value>());
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.max_idle {
            idle.push(client);
        }
        answer
    }
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
            "127.0.0.1:9229",
        ] {
            assert!(Api::new(bad, 1).is_err(), "{bad}");
        }
    }

    #[test]
    fn error_kinds() {
        let e = CallError::service(
            400,
            br#"{"__type":"com.amazonaws.cognito#NotAuthorizedException","message":"no"}"#,
        );
        assert_eq!(e.kind(), "NotAuthorizedException");
        assert_eq!(e.to_string(), "NotAuthorizedException: no");
        let e = CallError::service(503, b"upstream busy");
        assert_eq!(e.to_string(), "HTTP 503: ");
        let e = CallError::service(
            400,
            br#"{"__type":"InvalidParameterException","Message":"m"}"#,
        );
        assert_eq!(e.to_string(), "InvalidParameterException: m");
        assert_eq!(CallError::from(Failure::Connect).kind(), "ConnectError");
        assert_eq!(CallError::from(Failure::Malformed).kind(), "BodyError");
    }
}
