//! Message texts: Cognito's default templates, the pool's own templates, the
//! placeholders in them, and the masked destination shown to callers.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-message-customizations.html>

use kognit_wire::types::UserPoolType;

use crate::delivery::Channel;

/// Placeholder for a code or a temporary password.
pub const CODE_PLACEHOLDER: &str = "{####}";
/// Placeholder for the username (invitations).
pub const USERNAME_PLACEHOLDER: &str = "{username}";

/// Default subject of verification (and forgot-password) emails.
pub const DEFAULT_VERIFICATION_SUBJECT: &str = "Your verification code";
/// Default body of verification (and forgot-password) emails and SMS. The
/// trailing ". " is Cognito's own: pools exported from AWS carry it.
pub const DEFAULT_VERIFICATION_MESSAGE: &str = "Your verification code is {####}. ";
/// Default subject of AdminCreateUser invitation emails.
pub const DEFAULT_INVITATION_SUBJECT: &str = "Your temporary password";
/// Default body of AdminCreateUser invitations (email and SMS).
pub const DEFAULT_INVITATION_MESSAGE: &str =
    "Your username is {username} and temporary password is {####}. ";
/// Default SMS sent with an MFA / sign-in code (`SmsAuthenticationMessage`).
pub const DEFAULT_AUTHENTICATION_MESSAGE: &str = "Your authentication code is {####}. ";

/// Replaces `{####}` with the code and `{username}` with the username, in one
/// pass: a username that itself contains `{####}` is not expanded again (so it
/// can never pull the code or password somewhere unexpected). A placeholder
/// whose value is None is left as written.
pub fn render(template: &str, code: Option<&str>, username: Option<&str>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    loop {
        let next = [(CODE_PLACEHOLDER, code), (USERNAME_PLACEHOLDER, username)]
            .into_iter()
            .filter_map(|(p, v)| rest.find(p).map(|at| (at, p, v)))
            .min_by_key(|(at, _, _)| *at);
        let Some((at, placeholder, value)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        out.push_str(value.unwrap_or(placeholder));
        rest = &rest[at + placeholder.len()..];
    }
}

/// The verification message (sign-up confirmation, resent code, attribute
/// verification) for this channel: `(subject, body)`, subject only for email.
///
/// Uses `VerificationMessageTemplate`, then the legacy top-level members
/// (`EmailVerificationMessage`, …), then Cognito's defaults. With
/// `DefaultEmailOption = CONFIRM_WITH_LINK` Cognito emails a link for sign-up
/// and resent codes; kognit has no confirmation-link endpoint yet, so it sends
/// the code template in that case too.
pub fn verification_message(
    pool: &UserPoolType,
    channel: Channel,
    code: &str,
) -> (Option<String>, String) {
    let t = pool.verification_message_template.as_ref();
    match channel {
        Channel::Email => {
            let subject = first_of(
                t.and_then(|t| t.email_subject.as_deref()),
                pool.email_verification_subject.as_deref(),
                DEFAULT_VERIFICATION_SUBJECT,
            );
            let body = first_of(
                t.and_then(|t| t.email_message.as_deref()),
                pool.email_verification_message.as_deref(),
                DEFAULT_VERIFICATION_MESSAGE,
            );
            (Some(subject.to_owned()), render(body, Some(code), None))
        }
        Channel::Sms => {
            let body = first_of(
                t.and_then(|t| t.sms_message.as_deref()),
                pool.sms_verification_message.as_deref(),
                DEFAULT_VERIFICATION_MESSAGE,
            );
            (None, render(body, Some(code), None))
        }
    }
}

/// The ForgotPassword message. Cognito sends password-reset codes with the
/// verification *code* template, even in pools set to confirm with a link.
pub fn forgot_password_message(
    pool: &UserPoolType,
    channel: Channel,
    code: &str,
) -> (Option<String>, String) {
    verification_message(pool, channel, code)
}

/// The AdminCreateUser invitation: `AdminCreateUserConfig.InviteMessageTemplate`
/// or Cognito's defaults, with the username and the temporary password.
pub fn invitation_message(
    pool: &UserPoolType,
    channel: Channel,
    username: &str,
    temp_password: &str,
) -> (Option<String>, String) {
    let t = pool
        .admin_create_user_config
        .as_ref()
        .and_then(|c| c.invite_message_template.as_ref());
    let (subject, body) = match channel {
        Channel::Email => (
            Some(
                t.and_then(|t| t.email_subject.as_deref())
                    .unwrap_or(DEFAULT_INVITATION_SUBJECT)
                    .to_owned(),
            ),
            t.and_then(|t| t.email_message.as_deref()),
        ),
        Channel::Sms => (None, t.and_then(|t| t.sms_message.as_deref())),
    };
    let body = body.unwrap_or(DEFAULT_INVITATION_MESSAGE);
    (subject, render(body, Some(temp_password), Some(username)))
}

/// The SMS carrying an MFA or sign-in code: the pool's
/// `SmsAuthenticationMessage` or Cognito's default.
pub fn authentication_sms(pool: &UserPoolType, code: &str) -> String {
    let body = pool
        .sms_authentication_message
        .as_deref()
        .unwrap_or(DEFAULT_AUTHENTICATION_MESSAGE);
    render(body, Some(code), None)
}

/// Default subject of emails carrying an MFA code (EMAIL_OTP).
pub const DEFAULT_AUTHENTICATION_SUBJECT: &str = "Your sign-in code";

/// The message carrying an MFA code: for SMS the pool's
/// `SmsAuthenticationMessage` (SetUserPoolMfaConfig's
/// `SmsMfaConfiguration.SmsAuthenticationMessage` first), for email the
/// `EmailMfaConfiguration` subject and message; Cognito's defaults otherwise.
pub fn authentication_message(
    pool: &UserPoolType,
    mfa: &crate::records::MfaDoc,
    channel: Channel,
    code: &str,
) -> (Option<String>, String) {
    match channel {
        Channel::Sms => {
            let body = mfa
                .sms
                .as_ref()
                .and_then(|s| s.sms_authentication_message.as_deref())
                .or(pool.sms_authentication_message.as_deref())
                .unwrap_or(DEFAULT_AUTHENTICATION_MESSAGE);
            (None, render(body, Some(code), None))
        }
        Channel::Email => {
            let email = mfa.email.as_ref();
            let subject = email
                .and_then(|e| e.subject.as_deref())
                .unwrap_or(DEFAULT_AUTHENTICATION_SUBJECT);
            let body = email
                .and_then(|e| e.message.as_deref())
                .unwrap_or(DEFAULT_AUTHENTICATION_MESSAGE);
            (Some(subject.to_owned()), render(body, Some(code), None))
        }
    }
}

/// `CodeDeliveryDetails.Destination` as Cognito shows it: an email keeps the
/// first character of each side (`j***@e***`), a phone number its `+` and last
/// four digits with one `*` per hidden digit (`+*******1234`).
pub fn mask_destination(channel: Channel, destination: &str) -> String {
    match channel {
        Channel::Email => match destination.rsplit_once('@') {
            Some((local, domain)) => {
                format!("{}@{}", mask_after_first(local), mask_after_first(domain))
            }
            None => mask_after_first(destination),
        },
        Channel::Sms => {
            let (plus, digits) = match destination.strip_prefix('+') {
                Some(d) => ("+", d),
                None => ("", destination),
            };
            let len = digits.chars().count();
            let hidden = len.saturating_sub(4);
            let shown: String = digits.chars().skip(hidden).collect();
            format!("{plus}{}{shown}", "*".repeat(hidden))
        }
    }
}

fn mask_after_first(s: &str) -> String {
    match s.chars().next() {
        Some(c) => format!("{c}***"),
        None => String::new(),
    }
}

/// The first template that is set and not blank, else the default.
fn first_of<'a>(template: Option<&'a str>, legacy: Option<&'a str>, default: &'a str) -> &'a str {
    [template, legacy]
        .into_iter()
        .flatten()
        .find(|s| !s.trim().is_empty())
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kognit_wire::types::{
        AdminCreateUserConfigType, MessageTemplateType, VerificationMessageTemplateType,
    };

    #[test]
    fn render_replaces_both_placeholders_everywhere() {
        let t = "Hi {username}, code {####} ({####}) for {username}.";
        assert_eq!(
            render(t, Some("123456"), Some("jane")),
            "Hi jane, code 123456 (123456) for jane."
        );
        assert_eq!(
            render("no placeholders", Some("1"), Some("u")),
            "no placeholders"
        );
        assert_eq!(render("{####}", None, Some("u")), "{####}");
        assert_eq!(render("", Some("1"), None), "");
        assert_eq!(render("é{####}ü", Some("42"), None), "é42ü");
    }

    #[test]
    fn render_does_not_expand_placeholders_inside_values() {
        let out = render(
            "user {username} password {####}",
            Some("Secret1!"),
            Some("{####}"),
        );
        assert_eq!(out, "user {####} password Secret1!");
    }

    #[test]
    fn verification_defaults() {
        let pool = UserPoolType::default();
        let (subject, body) = verification_message(&pool, Channel::Email, "123456");
        assert_eq!(subject.as_deref(), Some("Your verification code"));
        assert_eq!(body, "Your verification code is 123456. ");
        let (subject, body) = verification_message(&pool, Channel::Sms, "123456");
        assert_eq!(subject, None);
        assert_eq!(body, "Your verification code is 123456. ");
    }

    #[test]
    fn verification_uses_the_template_then_the_legacy_members() {
        let mut pool = UserPoolType {
            email_verification_message: Some("legacy {####}".into()),
            email_verification_subject: Some("Legacy subject".into()),
            sms_verification_message: Some("legacy sms {####}".into()),
            ..Default::default()
        };
        let (s, b) = verification_message(&pool, Channel::Email, "1");
        assert_eq!(
            (s.as_deref(), b.as_str()),
            (Some("Legacy subject"), "legacy 1")
        );
        pool.verification_message_template = Some(VerificationMessageTemplateType {
            email_message: Some("Code: {####}".into()),
            email_subject: Some("Welcome".into()),
            sms_message: Some("SMS {####}".into()),
            default_email_option: Some(kognit_wire::types::DefaultEmailOptionType::ConfirmWithLink),
            ..Default::default()
        });
        let (s, b) = verification_message(&pool, Channel::Email, "9");
        assert_eq!((s.as_deref(), b.as_str()), (Some("Welcome"), "Code: 9"));
        assert_eq!(verification_message(&pool, Channel::Sms, "9").1, "SMS 9");
        assert_eq!(
            forgot_password_message(&pool, Channel::Email, "7").1,
            "Code: 7"
        );
    }

    #[test]
    fn invitation_defaults_and_template() {
        let pool = UserPoolType::default();
        let (s, b) = invitation_message(&pool, Channel::Email, "jane", "Tmp#1234");
        assert_eq!(s.as_deref(), Some("Your temporary password"));
        assert_eq!(
            b,
            "Your username is jane and temporary password is Tmp#1234. "
        );
        let (s, b) = invitation_message(&pool, Channel::Sms, "jane", "Tmp#1234");
        assert_eq!(s, None);
        assert_eq!(
            b,
            "Your username is jane and temporary password is Tmp#1234. "
        );

        let pool = UserPoolType {
            admin_create_user_config: Some(AdminCreateUserConfigType {
                invite_message_template: Some(MessageTemplateType {
                    email_message: Some("Welcome {username}: {####}".into()),
                    email_subject: Some("Welcome aboard".into()),
                    sms_message: Some("{username}/{####}".into()),
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let (s, b) = invitation_message(&pool, Channel::Email, "jo", "pw");
        assert_eq!(
            (s.as_deref(), b.as_str()),
            (Some("Welcome aboard"), "Welcome jo: pw")
        );
        assert_eq!(
            invitation_message(&pool, Channel::Sms, "jo", "pw").1,
            "jo/pw"
        );
    }

    #[test]
    fn authentication_sms_default_and_custom() {
        let mut pool = UserPoolType::default();
        assert_eq!(
            authentication_sms(&pool, "314159"),
            "Your authentication code is 314159. "
        );
        pool.sms_authentication_message = Some("MFA {####}".into());
        assert_eq!(authentication_sms(&pool, "314159"), "MFA 314159");
    }

    #[test]
    fn masks_emails() {
        let m = |d| mask_destination(Channel::Email, d);
        assert_eq!(m("jane@example.com"), "j***@e***");
        assert_eq!(m("a@b"), "a***@b***");
        assert_eq!(m("\"odd@local\"@host.org"), "\"***@h***");
        assert_eq!(m("élise@ünï.de"), "é***@ü***");
        assert_eq!(m("no-at-sign"), "n***");
        assert_eq!(m("@x"), "@x***");
        assert_eq!(m(""), "");
    }

    #[test]
    fn masks_phone_numbers() {
        let m = |d| mask_destination(Channel::Sms, d);
        assert_eq!(m("+15555551234"), "+*******1234");
        assert_eq!(m("+919876543210"), "+********3210");
        assert_eq!(m("+1234"), "+1234");
        assert_eq!(m("5551234"), "***1234");
        assert_eq!(m(""), "");
    }
}
