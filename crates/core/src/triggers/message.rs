//! CustomMessage: a function rewrites the text of each code, invitation and
//! MFA message before it is sent.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html>

use serde_json::{Value, json};

use super::sign_up::user_attributes;
use super::{Event, Trigger, text};
use crate::Result;
use crate::delivery::Channel;
use crate::records::Pool;
use crate::service::Service;
use crate::store::UserRecord;

/// The code placeholder CustomMessage functions receive and must keep.
pub(crate) const CODE_PARAMETER: &str = "{####}";
/// The username placeholder of invitations.
pub(crate) const USERNAME_PARAMETER: &str = "{username}";
/// The link placeholder of link-style verification.
const LINK_PARAMETER: &str = "{##Click Here##}";

/// Why a message is sent: the operation behind it, as CustomMessage's
/// `triggerSource` names it, with the app client and ClientMetadata of the
/// request when it had them.
#[derive(Debug, Clone, Default)]
pub(crate) struct MessageSource<'a> {
    pub kind: MessageKind,
    pub client_id: Option<&'a str>,
    pub client_metadata: Option<&'a std::collections::BTreeMap<String, String>>,
}

/// The operation behind a message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum MessageKind {
    /// SignUp's confirmation code.
    #[default]
    SignUp,
    /// ResendConfirmationCode.
    ResendCode,
    /// ForgotPassword and AdminResetUserPassword.
    ForgotPassword,
    /// A code sent because UpdateUserAttributes changed an email or phone.
    UpdateUserAttribute,
    /// GetUserAttributeVerificationCode.
    VerifyUserAttribute,
    /// AdminCreateUser's invitation.
    AdminCreateUser,
    /// An SMS or email MFA code of a sign-in.
    Authentication,
}

impl MessageKind {
    fn trigger_source(self) -> &'static str {
        match self {
            MessageKind::SignUp => "CustomMessage_SignUp",
            MessageKind::ResendCode => "CustomMessage_ResendCode",
            MessageKind::ForgotPassword => "CustomMessage_ForgotPassword",
            MessageKind::UpdateUserAttribute => "CustomMessage_UpdateUserAttribute",
            MessageKind::VerifyUserAttribute => "CustomMessage_VerifyUserAttribute",
            MessageKind::AdminCreateUser => "CustomMessage_AdminCreateUser",
            MessageKind::Authentication => "CustomMessage_Authentication",
        }
    }
}

impl<'a> MessageSource<'a> {
    /// A message of this kind from a request without client or metadata.
    pub(crate) fn of(kind: MessageKind) -> Self {
        Self {
            kind,
            client_id: None,
            client_metadata: None,
        }
    }

    /// A message of this kind from a request naming this client.
    pub(crate) fn from_client(
        kind: MessageKind,
        client_id: &'a str,
        client_metadata: Option<&'a std::collections::BTreeMap<String, String>>,
    ) -> Self {
        Self {
            kind,
            client_id: Some(client_id),
            client_metadata,
        }
    }
}

/// What a CustomMessage function asked for; placeholders still in place.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct CustomText {
    pub subject: Option<String>,
    pub body: Option<String>,
}

impl Service {
    /// Runs CustomMessage for a message about to be sent to `rec` on
    /// `channel`. None when the pool has no such trigger.
    ///
    /// A message that lacks the code placeholder (or, for an invitation,
    /// the username placeholder) is not used: the pool's own message goes
    /// out instead, as Cognito does (its documentation says the message
    /// must include them; users report an invitation without `{username}`
    /// arriving with the default text and the function's subject).
    pub(crate) async fn custom_message(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        channel: Channel,
        source: &MessageSource<'_>,
    ) -> Result<Option<CustomText>> {
        if !Self::has_trigger(pool, Trigger::CustomMessage) {
            return Ok(None);
        }
        let invitation = source.kind == MessageKind::AdminCreateUser;
        let event = Event {
            pool,
            source: source.kind.trigger_source(),
            username: &rec.username,
            client_id: source.client_id,
            request: json!({
                "userAttributes": user_attributes(rec)?,
                "codeParameter": CODE_PARAMETER,
                "linkParameter": LINK_PARAMETER,
                "usernameParameter": if invitation { json!(USERNAME_PARAMETER) } else { Value::Null },
                "clientMetadata": super::metadata(source.client_metadata),
            }),
            response: json!({
                "smsMessage": null,
                "emailMessage": null,
                "emailSubject": null,
            }),
        };
        let Some(response) = self.run_trigger(Trigger::CustomMessage, event).await? else {
            return Ok(None);
        };
        let usable =
            |m: &str| m.contains(CODE_PARAMETER) && (!invitation || m.contains(USERNAME_PARAMETER));
        let body = match channel {
            Channel::Email => text(&response, "emailMessage")?,
            Channel::Sms => text(&response, "smsMessage")?,
        };
        let subject = match channel {
            Channel::Email => text(&response, "emailSubject")?,
            Channel::Sms => None,
        };
        Ok(Some(CustomText {
            subject: subject.map(str::to_owned),
            body: body.filter(|m| usable(m)).map(str::to_owned),
        }))
    }
}
