//! CustomEmailSender and CustomSMSSender: the pool's own function sends the
//! codes, invitations and MFA codes instead of kognit.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-sender-triggers.html>
//!
//! As in Cognito, the function is invoked asynchronously: the operation
//! answers (with its usual CodeDeliveryDetails) without waiting for it, and
//! a function that fails fails nobody's request (it is logged).
//!
//! One difference, documented in the README: Cognito encrypts `request.code`
//! with the pool's KMS key (`LambdaConfig.KMSKeyID`) and the function
//! decrypts it with the AWS Encryption SDK. kognit has no KMS, so `code` is
//! the code itself (the temporary password for invitations).

use std::sync::Arc;

use serde_json::{Value, json};

use super::message::{MessageKind, MessageSource};
use super::sign_up::user_attributes;
use super::{Event, Trigger, TriggerCall};
use crate::Result;
use crate::delivery::Channel;
use crate::records::Pool;
use crate::service::Service;
use crate::store::UserRecord;

impl MessageKind {
    /// The `triggerSource` suffix of custom sender events.
    fn sender_source(self) -> &'static str {
        match self {
            MessageKind::SignUp => "SignUp",
            MessageKind::ResendCode => "ResendCode",
            MessageKind::ForgotPassword => "ForgotPassword",
            MessageKind::UpdateUserAttribute => "UpdateUserAttribute",
            MessageKind::VerifyUserAttribute => "VerifyUserAttribute",
            MessageKind::AdminCreateUser => "AdminCreateUser",
            MessageKind::Authentication => "Authentication",
        }
    }
}

impl Service {
    /// When the pool has a custom sender for `channel`, hands `code` to it
    /// (without waiting) and returns true: kognit then sends nothing itself.
    pub(crate) fn custom_sender(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        channel: Channel,
        code: &str,
        source: &MessageSource<'_>,
    ) -> Result<bool> {
        let (trigger, prefix, kind) = match channel {
            Channel::Email => (
                Trigger::CustomEmailSender,
                "CustomEmailSender",
                "customEmailSenderRequestV1",
            ),
            Channel::Sms => (
                Trigger::CustomSmsSender,
                "CustomSMSSender",
                "customSMSSenderRequestV1",
            ),
        };
        let Some(target) = pool
            .p()
            .lambda_config
            .as_ref()
            .and_then(|c| trigger.target(c))
        else {
            return Ok(false);
        };
        let trigger_source = format!("{prefix}_{}", source.kind.sender_source());
        let event = Event {
            pool,
            source: &trigger_source,
            username: &rec.username,
            client_id: source.client_id,
            request: json!({
                "type": kind,
                "code": code,
                "clientMetadata": super::metadata(source.client_metadata),
                "userAttributes": user_attributes(rec)?,
            }),
            response: json!({}),
        };
        let body: Value = self.envelope(event, "1");
        let invoke = Arc::clone(&self.triggers);
        let (pool_id, target, secret) = (
            pool.id.clone(),
            target.to_owned(),
            self.trigger_secret(&pool.id),
        );
        tokio::spawn(async move {
            let call = TriggerCall {
                pool_id: &pool_id,
                trigger,
                target: &target,
                secret: secret.as_bytes(),
                event: &body,
            };
            if let Err(e) = invoke.invoke(&call).await {
                tracing::warn!(
                    trigger = trigger.name(),
                    user_pool_id = %pool_id,
                    failure = ?e,
                    "custom sender failed; the message was not sent"
                );
            }
        });
        Ok(true)
    }
}
