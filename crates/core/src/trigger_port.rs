//! The port through which core runs a pool's Lambda triggers: which trigger,
//! the call (`TriggerCall`), and what can go wrong (`InvokeFailure`). A leaf:
//! `Service` holds an `Arc<dyn Invoke>`, and `triggers` builds the events.

use async_trait::async_trait;
use kognit_wire::types::LambdaConfigType;
use serde_json::Value;

/// How long Cognito waits for a trigger.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// A trigger of `LambdaConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// PreSignUp.
    PreSignUp,
    /// PostConfirmation.
    PostConfirmation,
    /// PreAuthentication.
    PreAuthentication,
    /// PostAuthentication.
    PostAuthentication,
    /// CustomMessage.
    CustomMessage,
    /// PreTokenGeneration.
    PreTokenGeneration,
    /// UserMigration.
    UserMigration,
    /// DefineAuthChallenge.
    DefineAuthChallenge,
    /// CreateAuthChallenge.
    CreateAuthChallenge,
    /// VerifyAuthChallengeResponse.
    VerifyAuthChallengeResponse,
    /// CustomSMSSender.
    CustomSmsSender,
    /// CustomEmailSender.
    CustomEmailSender,
}

impl Trigger {
    /// The trigger's name, as `LambdaConfig` and Cognito's error messages
    /// spell it.
    pub fn name(self) -> &'static str {
        match self {
            Trigger::PreSignUp => "PreSignUp",
            Trigger::PostConfirmation => "PostConfirmation",
            Trigger::PreAuthentication => "PreAuthentication",
            Trigger::PostAuthentication => "PostAuthentication",
            Trigger::CustomMessage => "CustomMessage",
            Trigger::PreTokenGeneration => "PreTokenGeneration",
            Trigger::UserMigration => "UserMigration",
            Trigger::DefineAuthChallenge => "DefineAuthChallenge",
            Trigger::CreateAuthChallenge => "CreateAuthChallenge",
            Trigger::VerifyAuthChallengeResponse => "VerifyAuthChallengeResponse",
            Trigger::CustomSmsSender => "CustomSMSSender",
            Trigger::CustomEmailSender => "CustomEmailSender",
        }
    }

    /// The function the pool names for this trigger, if any.
    pub(crate) fn target(self, config: &LambdaConfigType) -> Option<&str> {
        let arn = match self {
            Trigger::PreSignUp => &config.pre_sign_up,
            Trigger::PostConfirmation => &config.post_confirmation,
            Trigger::PreAuthentication => &config.pre_authentication,
            Trigger::PostAuthentication => &config.post_authentication,
            Trigger::CustomMessage => &config.custom_message,
            Trigger::PreTokenGeneration => {
                if let Some(c) = &config.pre_token_generation_config {
                    return Some(c.lambda_arn.as_str()).filter(|a| !a.is_empty());
                }
                &config.pre_token_generation
            }
            Trigger::UserMigration => &config.user_migration,
            Trigger::DefineAuthChallenge => &config.define_auth_challenge,
            Trigger::CreateAuthChallenge => &config.create_auth_challenge,
            Trigger::VerifyAuthChallengeResponse => &config.verify_auth_challenge_response,
            Trigger::CustomSmsSender => {
                let arn = config
                    .custom_sms_sender
                    .as_ref()
                    .map(|c| c.lambda_arn.as_str());
                return arn.filter(|a| !a.is_empty());
            }
            Trigger::CustomEmailSender => {
                let arn = config
                    .custom_email_sender
                    .as_ref()
                    .map(|c| c.lambda_arn.as_str());
                return arn.filter(|a| !a.is_empty());
            }
        };
        arn.as_deref().filter(|a| !a.is_empty())
    }
}

/// One invocation, as the [`Invoke`] port receives it.
#[derive(Debug)]
pub struct TriggerCall<'a> {
    /// The pool whose trigger runs.
    pub pool_id: &'a str,
    /// Which trigger.
    pub trigger: Trigger,
    /// What `LambdaConfig` names: a Lambda function ARN or (a kognit
    /// extension) an `http://` or `https://` URL.
    pub target: &'a str,
    /// The pool's trigger secret, which webhooks sign their bodies with
    /// (never sent itself).
    pub secret: &'a [u8],
    /// The event.
    pub event: &'a Value,
}

/// Why an invocation gave no event back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvokeFailure {
    /// The function ran and failed (threw, or answered `errorMessage`).
    Threw {
        /// The function's error message.
        message: String,
    },
    /// The function could not be run, or did not answer within [`TIMEOUT`];
    /// the text says why, for the caller (no secrets).
    Unreachable(String),
    /// The function answered something that is not a JSON object.
    BadOutput,
}

/// Runs a trigger's function with an event and returns the event it gave back.
#[async_trait]
pub trait Invoke: Send + Sync {
    /// Invokes `call.target` with `call.event`, waiting at most [`TIMEOUT`].
    async fn invoke(&self, call: &TriggerCall<'_>) -> std::result::Result<Value, InvokeFailure>;
}

/// The port used until one is configured: every configured trigger fails as
/// an unreachable function.
pub(crate) struct NoInvoke;

#[async_trait]
impl Invoke for NoInvoke {
    async fn invoke(&self, _: &TriggerCall<'_>) -> std::result::Result<Value, InvokeFailure> {
        Err(InvokeFailure::Unreachable(
            "no trigger invoker is configured".into(),
        ))
    }
}
