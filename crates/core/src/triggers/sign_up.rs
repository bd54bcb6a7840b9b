//! PreSignUp and PostConfirmation.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html>
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html>

use serde_json::{Value, json};

use super::{Event, Trigger, attributes, flag};
use crate::Result;
use crate::records::{Attrs, Pool, attrs_of};
use crate::service::Service;
use crate::store::UserRecord;

/// What a PreSignUp function decided for a self-service sign-up.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SignUpDecision {
    /// Confirm the user now, without a code.
    pub confirm: bool,
    /// Mark the email verified (it must be present).
    pub verify_email: bool,
    /// Mark the phone number verified (it must be present).
    pub verify_phone: bool,
}

/// What a PreSignUp event is about.
pub(crate) struct SignUpEvent<'a> {
    /// `PreSignUp_SignUp` or `PreSignUp_AdminCreateUser`.
    pub source: &'a str,
    pub username: &'a str,
    pub client_id: Option<&'a str>,
    pub attrs: &'a Attrs,
    pub validation_data: Value,
    pub client_metadata: Value,
}

/// A stored user's attributes as events carry them: `sub` and the status
/// (`cognito:user_status`) beside the attributes.
pub(crate) fn user_attributes(rec: &UserRecord) -> Result<Value> {
    let mut attrs = attrs_of(rec)?;
    attrs.insert("sub".into(), rec.sub.clone());
    attrs.insert("cognito:user_status".into(), rec.status.clone());
    Ok(attributes(&attrs))
}

impl Service {
    /// Runs PreSignUp: Err when the function refuses (nothing is stored
    /// then), else its decision. For AdminCreateUser the decision is
    /// ignored, as in Cognito.
    pub(crate) async fn pre_sign_up(
        &self,
        pool: &Pool,
        req: SignUpEvent<'_>,
    ) -> Result<SignUpDecision> {
        let event = Event {
            pool,
            source: req.source,
            username: req.username,
            client_id: req.client_id,
            request: json!({
                "userAttributes": attributes(req.attrs),
                "validationData": req.validation_data,
                "clientMetadata": req.client_metadata,
            }),
            response: json!({
                "autoConfirmUser": false,
                "autoVerifyPhone": false,
                "autoVerifyEmail": false,
            }),
        };
        let Some(response) = self.run_trigger(Trigger::PreSignUp, event).await? else {
            return Ok(SignUpDecision::default());
        };
        let has = |name: &str| req.attrs.get(name).is_some_and(|v| !v.is_empty());
        Ok(SignUpDecision {
            confirm: flag(&response, "autoConfirmUser")?,
            verify_email: flag(&response, "autoVerifyEmail")? && has("email"),
            verify_phone: flag(&response, "autoVerifyPhone")? && has("phone_number"),
        })
    }

    /// Runs PostConfirmation for a user just confirmed (by a code, by a
    /// PreSignUp that auto-confirmed, or by a password reset of an
    /// unconfirmed user). The user stays confirmed when the function fails;
    /// the caller still gets the failure, as in Cognito.
    pub(crate) async fn post_confirmation(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        source: &str,
        client_id: Option<&str>,
        client_metadata: Value,
    ) -> Result<()> {
        if !Self::has_trigger(pool, Trigger::PostConfirmation) {
            return Ok(());
        }
        let event = Event {
            pool,
            source,
            username: &rec.username,
            client_id,
            request: json!({
                "userAttributes": user_attributes(rec)?,
                "clientMetadata": client_metadata,
            }),
            response: json!({}),
        };
        self.run_trigger(Trigger::PostConfirmation, event).await?;
        Ok(())
    }
}
