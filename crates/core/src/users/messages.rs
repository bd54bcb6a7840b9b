//! Sending codes and invitations to users, and the `CodeDeliveryDetails`
//! Cognito answers with.

use kognit_wire::error::ErrorCode;
use kognit_wire::types::{CodeDeliveryDetailsType, RecoveryOptionNameType};

use super::codes::Purpose;
use super::{Attrs, Pool};
use crate::delivery::{Channel, Message};
use crate::service::{Millis, Service};
use crate::store::UserRecord;
use crate::triggers::MessageSource;
use crate::{Error, Result, templates};

/// What is being sent.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Content<'a> {
    /// A verification or recovery code.
    Code(&'a str),
    /// An MFA code of a sign-in (the pool's authentication message).
    Mfa(&'a str),
    /// An AdminCreateUser invitation with the temporary password.
    Invitation {
        username: &'a str,
        temp_password: &'a str,
    },
}

/// Where a destination lives among a user's attributes.
pub(crate) fn attribute_of(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "email",
        Channel::Sms => "phone_number",
    }
}

/// Where sign-up codes go: the auto-verified phone number, else the email
/// (Cognito prefers SMS when both are auto-verified).
pub(crate) fn signup_channel(pool: &Pool, attrs: &Attrs) -> Option<Channel> {
    let auto = pool.auto_verified();
    let has = |a: &str| attrs.get(a).is_some_and(|v| !v.is_empty());
    if auto.iter().any(|a| a == "phone_number") && has("phone_number") {
        Some(Channel::Sms)
    } else if auto.iter().any(|a| a == "email") && has("email") {
        Some(Channel::Email)
    } else {
        None
    }
}

/// Where recovery codes go, by the pool's AccountRecoverySetting (default:
/// a verified phone number, else a verified email).
pub(crate) fn recovery_channel(pool: &Pool, attrs: &Attrs) -> Result<Channel> {
    let verified = |a: &str| {
        attrs.get(a).is_some_and(|v| !v.is_empty())
            && attrs.get(&format!("{a}_verified")).map(String::as_str) == Some("true")
    };
    let mut mechanisms: Vec<(i32, RecoveryOptionNameType)> = pool
        .p()
        .account_recovery_setting
        .as_ref()
        .and_then(|s| s.recovery_mechanisms.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|m| (m.priority, m.name))
        .collect();
    if mechanisms.is_empty() {
        mechanisms = vec![
            (1, RecoveryOptionNameType::VerifiedPhoneNumber),
            (2, RecoveryOptionNameType::VerifiedEmail),
        ];
    }
    mechanisms.sort();
    for (_, name) in &mechanisms {
        match name {
            RecoveryOptionNameType::VerifiedPhoneNumber if verified("phone_number") => {
                return Ok(Channel::Sms);
            }
            RecoveryOptionNameType::VerifiedEmail if verified("email") => {
                return Ok(Channel::Email);
            }
            RecoveryOptionNameType::AdminOnly => {
                return Err(Error::new(
                    ErrorCode::NotAuthorizedException,
                    "User password cannot be reset in the current state.",
                ));
            }
            _ => {}
        }
    }
    Err(Error::invalid_parameter(
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    ))
}

impl Service {
    /// Issues a new code for `purpose` and sends it to the user's address
    /// for `channel` in `attrs`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn send_code(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        attrs: &Attrs,
        channel: Channel,
        purpose: Purpose,
        source: &MessageSource<'_>,
        now: Millis,
    ) -> Result<CodeDeliveryDetailsType> {
        let code = self
            .issue_code(&pool.id, &rec.username_key, purpose, now)
            .await?;
        self.send_to_user(pool, rec, attrs, channel, Content::Code(&code), source)
            .await
    }

    /// Renders and delivers a message to the user's email or phone number
    /// (in `attrs`, which may hold an address not yet stored): the pool's
    /// message, or the text of its CustomMessage trigger.
    pub(crate) async fn send_to_user(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        attrs: &Attrs,
        channel: Channel,
        content: Content<'_>,
        source: &MessageSource<'_>,
    ) -> Result<CodeDeliveryDetailsType> {
        let username = rec.username.as_str();
        let attribute = attribute_of(channel);
        let destination = attrs
            .get(attribute)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| {
                Error::invalid_parameter(format!(
                    "User has no {attribute} to deliver the message to."
                ))
            })?;
        let (mut subject, mut body, code) = match content {
            Content::Code(code) => {
                let (s, b) = templates::verification_message(pool.p(), channel, code);
                (s, b, code.to_owned())
            }
            Content::Mfa(code) => {
                let (s, b) =
                    templates::authentication_message(pool.p(), &pool.doc.mfa, channel, code);
                (s, b, code.to_owned())
            }
            Content::Invitation {
                username,
                temp_password,
            } => {
                let (s, b) =
                    templates::invitation_message(pool.p(), channel, username, temp_password);
                (s, b, temp_password.to_owned())
            }
        };
        let details = CodeDeliveryDetailsType {
            destination: Some(templates::mask_destination(channel, &destination)),
            delivery_medium: Some(channel.medium()),
            attribute_name: Some(attribute.to_owned()),
        };
        if self.custom_sender(pool, rec, channel, &code, source)? {
            return Ok(details);
        }
        if let Some(custom) = self.custom_message(pool, rec, channel, source).await? {
            let invited = match content {
                Content::Invitation { username, .. } => Some(username),
                _ => None,
            };
            if let Some(text) = custom.body {
                body = templates::render(&text, Some(&code), invited);
            }
            if let Some(text) = custom.subject.filter(|_| channel == Channel::Email) {
                subject = Some(templates::render(&text, None, invited));
            }
        }
        let msg = Message {
            pool_id: pool.id.clone(),
            username: username.to_owned(),
            channel,
            destination: destination.clone(),
            subject,
            body,
            code: Some(code),
        };
        if let Err(e) = self.delivery.deliver(&msg).await {
            tracing::warn!(channel = channel.as_str(), error = %e, "message delivery failed");
            return Err(Error::new(
                ErrorCode::CodeDeliveryFailureException,
                "Unable to deliver the message.",
            ));
        }
        Ok(details)
    }
}
