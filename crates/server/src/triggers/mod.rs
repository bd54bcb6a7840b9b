//! The edge side of Lambda triggers: core's [`Invoke`] port over HTTP.
//!
//! A pool's `LambdaConfig` names, per trigger, either
//! - an `http://` or `https://` URL (a kognit extension): a **webhook**. kognit
//!   POSTs the event JSON, signed with the pool's trigger secret
//!   (`X-Kognit-Signature`, see [`webhook`]), and reads the event back; or
//! - a Lambda function ARN, which kognit either maps to a URL
//!   (`[lambda] functions` in the configuration, so templates written for
//!   Cognito deploy unchanged) or invokes through the **Lambda Invoke API**
//!   ([`lambda`]), signed with the standard AWS credentials, at the endpoint
//!   the AWS SDKs' convention names.
//!
//! Every invocation is logged (trigger, pool, target kind, duration,
//! outcome; never the event, which holds personal data) and counted in
//! `/metrics`; in `kognit dev` the last ones, event and answer included, are
//! kept for `GET /_dev/triggers`.

mod lambda;
mod webhook;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use kognit_core::clock::Clock;
use kognit_core::sigv4::Credentials;
use kognit_core::triggers::{Invoke, InvokeFailure, TIMEOUT, TriggerCall};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use lambda::LambdaEndpoint;

/// `[lambda]` in the configuration: where Lambda ARNs are invoked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LambdaConfig {
    /// The Lambda endpoint (e.g. `http://127.0.0.1:3001` for `sam local
    /// start-lambda`). `AWS_ENDPOINT_URL_LAMBDA`, then `AWS_ENDPOINT_URL`,
    /// take precedence, as in the AWS SDKs; without any, the ARN's region's
    /// AWS endpoint.
    pub endpoint_url: Option<String>,
    /// Function ARNs called as webhooks instead (ARN → URL).
    pub functions: BTreeMap<String, String>,
}

/// How many invocations `kognit dev` keeps for `GET /_dev/triggers`.
const RECENT: usize = 50;

/// One invocation as the developer endpoint shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recorded {
    /// When it started (ms since the epoch).
    pub at_ms: i64,
    /// The pool.
    pub user_pool_id: String,
    /// The trigger (`PreSignUp`, …).
    pub trigger: &'static str,
    /// What `LambdaConfig` named.
    pub target: String,
    /// The event sent.
    pub event: Value,
    /// The event returned, or the failure.
    pub outcome: Value,
    /// How long it took, in ms.
    pub duration_ms: u64,
}

/// The invocations kept in dev mode, newest last.
#[derive(Default)]
pub struct Recent(Mutex<VecDeque<Recorded>>);

impl Recent {
    fn push(&self, r: Recorded) {
        let mut q = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if q.len() == RECENT {
            q.pop_front();
        }
        q.push_back(r);
    }

    /// The kept invocations, oldest first.
    pub fn list(&self) -> Vec<Recorded> {
        let q = self.0.lock().unwrap_or_else(|e| e.into_inner());
        q.iter().cloned().collect()
    }

    /// Forgets them all (the developer reset).
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// Core's [`Invoke`] port: webhooks and the Lambda Invoke API.
pub struct Invoker {
    /// Made at the first invocation: building it loads the system's TLS
    /// roots, which a server whose pools have no triggers never needs (and
    /// `kognit dev` should not wait for at start).
    http: std::sync::OnceLock<reqwest::Client>,
    lambda: LambdaEndpoint,
    functions: BTreeMap<String, String>,
    recent: Option<Arc<Recent>>,
    clock: Arc<dyn Clock>,
}

impl Invoker {
    /// An invoker for this configuration. `recent` keeps invocations for the
    /// developer endpoint (dev mode only).
    pub fn new(
        config: &LambdaConfig,
        credentials: Option<Credentials>,
        recent: Option<Arc<Recent>>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, String> {
        Ok(Self {
            http: std::sync::OnceLock::new(),
            lambda: LambdaEndpoint::from_env(config.endpoint_url.as_deref(), credentials),
            functions: config.functions.clone(),
            recent,
            clock,
        })
    }
}

impl Invoker {
    /// The HTTP client of webhooks and the Lambda API, made on first use.
    fn http(&self) -> &reqwest::Client {
        self.http.get_or_init(|| {
            reqwest::Client::builder()
                .timeout(TIMEOUT)
                .connect_timeout(TIMEOUT)
                .build()
                .unwrap_or_else(|e| {
                    tracing::error!(error = %e, "the trigger HTTP client has no timeouts");
                    reqwest::Client::new()
                })
        })
    }
}

/// A target that is a webhook URL.
fn is_url(target: &str) -> bool {
    target.starts_with("http://") || target.starts_with("https://")
}

#[async_trait]
impl Invoke for Invoker {
    async fn invoke(&self, call: &TriggerCall<'_>) -> Result<Value, InvokeFailure> {
        let started = Instant::now();
        let at_ms = self.clock.now_ms();
        let mapped = self.functions.get(call.target).map(String::as_str);
        let (kind, result) = match mapped {
            Some(url) => (
                "webhook",
                webhook::call(self.http(), url, call, at_ms).await,
            ),
            None if is_url(call.target) => (
                "webhook",
                webhook::call(self.http(), call.target, call, at_ms).await,
            ),
            None => ("lambda", self.lambda.invoke(self.http(), call, at_ms).await),
        };
        let elapsed = started.elapsed();
        let outcome = match &result {
            Ok(_) => "ok",
            Err(InvokeFailure::Threw { .. }) => "threw",
            Err(InvokeFailure::Unreachable(_)) => "unreachable",
            Err(InvokeFailure::BadOutput) => "bad_output",
        };
        let trigger = call.trigger.name();
        tracing::info!(
            trigger,
            user_pool_id = call.pool_id,
            kind,
            outcome,
            duration_ms = elapsed.as_millis() as u64,
            "trigger invoked"
        );
        crate::metrics::record_trigger(trigger, outcome, elapsed);
        if let Some(recent) = &self.recent {
            recent.push(Recorded {
                at_ms,
                user_pool_id: call.pool_id.to_owned(),
                trigger,
                target: call.target.to_owned(),
                event: call.event.clone(),
                outcome: match &result {
                    Ok(v) => json!({ "answer": v }),
                    Err(InvokeFailure::Threw { message }) => json!({ "threw": message }),
                    Err(InvokeFailure::Unreachable(why)) => json!({ "unreachable": why }),
                    Err(InvokeFailure::BadOutput) => json!({ "badOutput": true }),
                },
                duration_ms: elapsed.as_millis() as u64,
            });
        }
        result
    }
}

/// Reads a function's answer body: a JSON object, else an unrecognizable
/// answer.
fn answer(body: &[u8]) -> Result<Value, InvokeFailure> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(InvokeFailure::BadOutput),
    }
}

/// The failure a thrown error's body describes (`errorMessage`, as Lambda
/// reports an exception), if it does.
fn thrown(body: &[u8]) -> Option<InvokeFailure> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let message = v.get("errorMessage")?.as_str()?.to_owned();
    Some(InvokeFailure::Threw { message })
}

/// An HTTP failure as Cognito words an unreachable function.
fn unreachable(e: &reqwest::Error) -> InvokeFailure {
    if e.is_timeout() {
        InvokeFailure::Unreachable("Socket timeout while invoking Lambda function".into())
    } else if e.is_connect() {
        InvokeFailure::Unreachable("Connection refused while invoking Lambda function".into())
    } else {
        InvokeFailure::Unreachable("Error while invoking Lambda function".into())
    }
}
