//! Lambda triggers: the events Cognito sends a pool's Lambda functions around
//! sign-up, sign-in and messages, and how their answers change what happens.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-identity-pools-working-with-aws-lambda-triggers.html>
//!
//! A pool names a function per trigger in its `LambdaConfig`. Core builds the
//! event Cognito would build, hands it to the [`Invoke`] port with the target
//! (a Lambda ARN, or — a kognit extension — a webhook URL), and reads the
//! event the function returns as Cognito reads it. The server implements the
//! port (webhooks signed with the pool's trigger secret, the Lambda Invoke
//! API); this module knows nothing of HTTP.
//!
//! Failures are Cognito's: a function that throws fails the operation with
//! `UserLambdaValidationException` ("PreSignUp failed with error …."), one
//! that cannot be reached or takes longer than 5 seconds with
//! `UnexpectedLambdaException`, and one whose answer is not the event with
//! `InvalidLambdaResponseException` ("Unrecognizable lambda output").

mod auth;
mod challenge;
mod message;
mod sender;
mod sign_up;
mod tokens;

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use kognit_wire::error::ErrorCode;
use serde_json::{Map, Value, json};

pub(crate) use challenge::{ChallengeResult, Decision, Who};
pub(crate) use message::{MessageKind, MessageSource};
pub(crate) use sign_up::SignUpEvent;
pub(crate) use tokens::TokenSource;

use crate::records::{Attrs, Pool};
use crate::service::Service;
pub use crate::trigger_port::{Invoke, InvokeFailure, TIMEOUT, Trigger, TriggerCall};
use crate::{Error, Result};

/// The `clientId` of events from operations that name no app client.
const NO_CLIENT: &str = "CLIENT_ID_NOT_APPLICABLE";

/// The common part of every event: who, where, from which client.
pub(crate) struct Event<'a> {
    pub pool: &'a Pool,
    pub source: &'a str,
    pub username: &'a str,
    pub client_id: Option<&'a str>,
    pub request: Value,
    pub response: Value,
}

/// `clientMetadata` as Cognito passes it: the request's map, or `{}`.
pub(crate) fn metadata(m: Option<&std::collections::BTreeMap<String, String>>) -> Value {
    json!(m.cloned().unwrap_or_default())
}

/// `validationData` as Cognito passes it: a map of the request's
/// name/value list, or null.
pub(crate) fn validation_data(list: Option<&[kognit_wire::types::AttributeType]>) -> Value {
    match list {
        None => Value::Null,
        Some(list) => Value::Object(
            list.iter()
                .map(|a| (a.name.clone(), json!(a.value.clone().unwrap_or_default())))
                .collect(),
        ),
    }
}

/// A user's attributes as events carry them.
pub(crate) fn attributes(attrs: &Attrs) -> Value {
    Value::Object(
        attrs
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect::<Map<_, _>>(),
    )
}

impl Service {
    /// Runs the invoker behind this port for triggers.
    pub fn with_triggers(mut self, invoke: Arc<dyn Invoke>) -> Self {
        self.triggers = invoke;
        self
    }

    /// The secret a pool's webhook triggers are signed with: derived from the
    /// master key and the pool id, so every node agrees and nothing is
    /// stored. base64url, 43 characters.
    pub fn trigger_secret(&self, pool_id: &str) -> String {
        B64URL.encode(self.trigger_keys.tag(&[pool_id.as_bytes()]))
    }

    /// `Kognit.GetTriggerSecret`: the secret the pool's webhook triggers
    /// are signed with (ResourceNotFoundException for an unknown pool).
    pub async fn trigger_secret_of(&self, _admin: &crate::Admin, pool_id: &str) -> Result<String> {
        self.load_pool(pool_id).await?;
        Ok(self.trigger_secret(pool_id))
    }

    /// Whether the pool names a function for `trigger`.
    pub(crate) fn has_trigger(pool: &Pool, trigger: Trigger) -> bool {
        pool.p()
            .lambda_config
            .as_ref()
            .and_then(|c| trigger.target(c))
            .is_some()
    }

    /// The whole event: the common members around `event`'s request and
    /// response.
    fn envelope(&self, event: Event<'_>, version: &str) -> Value {
        json!({
            "version": version,
            "triggerSource": event.source,
            "region": self.settings.region,
            "userPoolId": event.pool.id,
            "userName": event.username,
            "callerContext": {
                "awsSdkVersion": "aws-sdk-unknown-unknown",
                "clientId": event.client_id.unwrap_or(NO_CLIENT),
            },
            "request": event.request,
            "response": event.response,
        })
    }

    /// Runs `trigger` with `event` when the pool names a function for it,
    /// and returns the `response` object of the event the function gave back
    /// (None when the pool has no such trigger).
    pub(crate) async fn run_trigger(
        &self,
        trigger: Trigger,
        event: Event<'_>,
    ) -> Result<Option<Map<String, Value>>> {
        let pool = event.pool;
        let Some(target) = pool
            .p()
            .lambda_config
            .as_ref()
            .and_then(|c| trigger.target(c))
        else {
            return Ok(None);
        };
        let version = match trigger {
            Trigger::PreTokenGeneration => crate::triggers::auth::token_event_version(pool),
            _ => "1",
        };
        let body = self.envelope(event, version);
        let secret = self.trigger_secret(&pool.id);
        let call = TriggerCall {
            pool_id: &pool.id,
            trigger,
            target,
            secret: secret.as_bytes(),
            event: &body,
        };
        let answer = self
            .triggers
            .invoke(&call)
            .await
            .map_err(|f| failure(trigger, f))?;
        match answer {
            Value::Object(mut event) => match event.remove("response") {
                None | Some(Value::Null) => Ok(Some(Map::new())),
                Some(Value::Object(response)) => Ok(Some(response)),
                Some(_) => Err(unrecognizable()),
            },
            _ => Err(unrecognizable()),
        }
    }
}

/// Cognito's error for an invocation that gave no event back.
fn failure(trigger: Trigger, f: InvokeFailure) -> Error {
    match f {
        InvokeFailure::Threw { message } => Error::new(
            ErrorCode::UserLambdaValidationException,
            format!("{} failed with error {message}.", trigger.name()),
        ),
        InvokeFailure::Unreachable(why) => Error::new(
            ErrorCode::UnexpectedLambdaException,
            format!("{} invocation failed due to error {why}.", trigger.name()),
        ),
        InvokeFailure::BadOutput => unrecognizable(),
    }
}

/// An answer that is not the event, or whose `response` has the wrong form.
pub(crate) fn unrecognizable() -> Error {
    Error::new(
        ErrorCode::InvalidLambdaResponseException,
        "Unrecognizable lambda output",
    )
}

/// A boolean member of a trigger's `response`: absent or null is false, any
/// other non-boolean is an unrecognizable answer.
pub(crate) fn flag(response: &Map<String, Value>, name: &str) -> Result<bool> {
    match response.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(unrecognizable()),
    }
}

/// A string member of a trigger's `response`: absent or null is None.
pub(crate) fn text<'a>(response: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match response.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(unrecognizable()),
    }
}
