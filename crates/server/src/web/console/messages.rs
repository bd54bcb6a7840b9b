//! A pool's message texts: the verification message (code or link), the
//! invitation AdminCreateUser sends, and the MFA code messages, each with a
//! preview rendered by the functions that render the messages kognit sends
//! (`kognit_core::templates`), with a sample code and username.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use kognit_core::delivery::Channel;
use kognit_core::templates;
use serde_json::{Value, json};

use super::PageQuery;
use super::pool_update::{self, Choice, Edits, choices, describe, errors_of, is_missing};
use super::{Console, ConsoleForm, Layout, error_page, text, with_notice};
use crate::state::AppState;
use crate::web::form::FormData;
use crate::web::page::{self, FieldErrors, redirect};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/pools/{pool}/messages", get(show))
        .route("/console/pools/{pool}/messages/{form}", post(save))
}

/// What the previews put for `{####}`: a code…
pub const SAMPLE_CODE: &str = "123456";
/// …or, in invitations, a temporary password…
pub const SAMPLE_PASSWORD: &str = "Tmp#8zK2qp";
/// …and for `{username}`.
pub const SAMPLE_USERNAME: &str = "jane.doe";

/// Cognito's link email when the pool gives none.
const DEFAULT_LINK_MESSAGE: &str =
    "Please click the link below to verify your email address. {##Verify Email##}";

/// A message as it would be sent.
struct Preview {
    subject: Option<String>,
    body: String,
}

impl Preview {
    fn of((subject, body): (Option<String>, String)) -> Self {
        Preview { subject, body }
    }
}

/// The email MFA message (shown when the pool offers email codes).
struct EmailMfa {
    subject: String,
    message: String,
    preview: Preview,
}

#[derive(askama::Template)]
#[template(path = "console/messages.html")]
struct MessagesPage {
    layout: Layout,
    pool: String,
    /// The pool's texts by form field name; blank where the default applies.
    values: Vec<(&'static str, String)>,
    email_options: Vec<Choice>,
    link: bool,
    verification_email: Preview,
    verification_sms: Preview,
    invitation_email: Preview,
    invitation_sms: Preview,
    mfa_sms: Preview,
    email_mfa: Option<EmailMfa>,
    custom_message: bool,
    sample_code: &'static str,
    sample_password: &'static str,
    sample_username: &'static str,
    default_subject: &'static str,
    default_message: &'static str,
    default_invitation_subject: &'static str,
    default_invitation: &'static str,
    default_authentication: &'static str,
    default_link: &'static str,
    /// `{####}`, which a template cannot write (`{#` opens a comment).
    code: &'static str,
    /// `{##…##}`, the link of a link email.
    link_marker: &'static str,
    errors: FieldErrors,
}

impl MessagesPage {
    /// The text in field `name` (blank: the default applies).
    fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }
}

/// Each text field: its form name (the API member, by its path from the
/// pool where names repeat) and where the pool keeps it.
const FIELDS: &[(&str, &str)] = &[
    (
        "VerificationMessageTemplate.EmailSubject",
        "VerificationMessageTemplate/EmailSubject",
    ),
    (
        "VerificationMessageTemplate.EmailMessage",
        "VerificationMessageTemplate/EmailMessage",
    ),
    (
        "VerificationMessageTemplate.SmsMessage",
        "VerificationMessageTemplate/SmsMessage",
    ),
    (
        "VerificationMessageTemplate.EmailSubjectByLink",
        "VerificationMessageTemplate/EmailSubjectByLink",
    ),
    (
        "VerificationMessageTemplate.EmailMessageByLink",
        "VerificationMessageTemplate/EmailMessageByLink",
    ),
    (
        "InviteMessageTemplate.EmailSubject",
        "AdminCreateUserConfig/InviteMessageTemplate/EmailSubject",
    ),
    (
        "InviteMessageTemplate.EmailMessage",
        "AdminCreateUserConfig/InviteMessageTemplate/EmailMessage",
    ),
    (
        "InviteMessageTemplate.SMSMessage",
        "AdminCreateUserConfig/InviteMessageTemplate/SMSMessage",
    ),
    ("SmsAuthenticationMessage", "SmsAuthenticationMessage"),
];

/// The text at a `/`-separated path of a JSON value.
fn at<'a>(v: &'a Value, path: &str) -> &'a str {
    path.split('/')
        .try_fold(v, |v, name| v.get(name))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn page_of(
    c: &Console,
    id: &str,
    p: &Value,
    mfa: &Value,
    errors: FieldErrors,
    notice: Option<String>,
) -> MessagesPage {
    let pool = pool_update::pool_type(p);
    let doc = pool_update::mfa_doc(mfa);
    let option = at(p, "VerificationMessageTemplate/DefaultEmailOption");
    let auth = |channel| {
        Preview::of(templates::authentication_message(
            &pool,
            &doc,
            channel,
            SAMPLE_CODE,
        ))
    };
    let email_mfa = mfa.get("EmailMfaConfiguration").map(|e| EmailMfa {
        subject: text(e, "Subject").to_owned(),
        message: text(e, "Message").to_owned(),
        preview: auth(Channel::Email),
    });
    MessagesPage {
        layout: c.layout("Messages", Some(id)).with_notice(notice),
        pool: id.to_owned(),
        values: FIELDS
            .iter()
            .map(|(name, path)| (*name, at(p, path).to_owned()))
            .collect(),
        email_options: choices(
            &[
                ("CONFIRM_WITH_CODE", "a code to type"),
                ("CONFIRM_WITH_LINK", "a link to follow"),
            ],
            option,
        ),
        link: option == "CONFIRM_WITH_LINK",
        verification_email: Preview::of(templates::verification_message(
            &pool,
            Channel::Email,
            SAMPLE_CODE,
        )),
        verification_sms: Preview::of(templates::verification_message(
            &pool,
            Channel::Sms,
            SAMPLE_CODE,
        )),
        invitation_email: Preview::of(templates::invitation_message(
            &pool,
            Channel::Email,
            SAMPLE_USERNAME,
            SAMPLE_PASSWORD,
        )),
        invitation_sms: Preview::of(templates::invitation_message(
            &pool,
            Channel::Sms,
            SAMPLE_USERNAME,
            SAMPLE_PASSWORD,
        )),
        mfa_sms: auth(Channel::Sms),
        email_mfa,
        custom_message: !at(p, "LambdaConfig/CustomMessage").is_empty(),
        sample_code: SAMPLE_CODE,
        sample_password: SAMPLE_PASSWORD,
        sample_username: SAMPLE_USERNAME,
        default_subject: templates::DEFAULT_VERIFICATION_SUBJECT,
        default_message: templates::DEFAULT_VERIFICATION_MESSAGE,
        default_invitation_subject: templates::DEFAULT_INVITATION_SUBJECT,
        default_invitation: templates::DEFAULT_INVITATION_MESSAGE,
        default_authentication: templates::DEFAULT_AUTHENTICATION_MESSAGE,
        default_link: DEFAULT_LINK_MESSAGE,
        code: templates::CODE_PLACEHOLDER,
        link_marker: "{##text##}",
        errors,
    }
}

async fn render(
    state: &AppState,
    c: &Console,
    id: &str,
    shown: Option<(Value, Value)>,
    errors: FieldErrors,
    notice: Option<String>,
) -> Response {
    let (p, mfa) = match shown {
        Some(s) => s,
        None => match load(state, c, id).await {
            Ok(s) => s,
            Err(e) => return error_page(&e),
        },
    };
    let status = pool_update::status(&errors);
    page::render(status, &page_of(c, id, &p, &mfa, errors, notice))
}

/// The pool and its MFA configuration.
async fn load(
    state: &AppState,
    c: &Console,
    id: &str,
) -> Result<(Value, Value), kognit_core::Error> {
    Ok((
        describe(state, c, id).await?,
        pool_update::mfa_config(state, c, id).await?,
    ))
}

async fn show(
    State(state): State<AppState>,
    c: Console,
    Path(pool): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    render(&state, &c, &pool, None, FieldErrors::default(), q.notice).await
}

/// The edits of a text form: each of its fields set, or removed when blank
/// (Cognito's default applies).
fn texts(f: &FormData, names: &[&str]) -> Edits {
    let mut e = Edits::default();
    for (name, path) in FIELDS.iter().filter(|(n, _)| names.contains(n)) {
        e.text(path, f.raw(name).filter(|t| !t.trim().is_empty()));
    }
    e
}

/// The verification form. The legacy top-level members
/// (`EmailVerificationMessage`, …) are left out of the request: the pool
/// copies the template's texts into them, and one sent along would come
/// back in place of a template text removed.
fn verification(f: &FormData) -> Edits {
    let mut e = texts(
        f,
        &[
            "VerificationMessageTemplate.EmailSubject",
            "VerificationMessageTemplate.EmailMessage",
            "VerificationMessageTemplate.SmsMessage",
            "VerificationMessageTemplate.EmailSubjectByLink",
            "VerificationMessageTemplate.EmailMessageByLink",
        ],
    );
    e.remove("EmailVerificationSubject")
        .remove("EmailVerificationMessage")
        .remove("SmsVerificationMessage")
        .set(
            "VerificationMessageTemplate/DefaultEmailOption",
            json!(f.get("DefaultEmailOption").unwrap_or("CONFIRM_WITH_CODE")),
        );
    e
}

const VERIFICATION_FIELDS: &[&str] = &[
    "VerificationMessageTemplate.EmailSubjectByLink",
    "VerificationMessageTemplate.EmailMessageByLink",
    "VerificationMessageTemplate.EmailSubject",
    "VerificationMessageTemplate.EmailMessage",
    "VerificationMessageTemplate.SmsMessage",
    "DefaultEmailOption",
];
const INVITATION_FIELDS: &[&str] = &[
    "InviteMessageTemplate.EmailSubject",
    "InviteMessageTemplate.EmailMessage",
    "InviteMessageTemplate.SMSMessage",
];

async fn save(
    State(state): State<AppState>,
    Path((pool, name)): Path<(String, String)>,
    post: ConsoleForm,
) -> Response {
    let ConsoleForm {
        console: c,
        form: f,
    } = post;
    let id = pool.as_str();
    let (current, mfa) = match load(&state, &c, id).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let done = format!("/console/pools/{id}/messages");
    let (result, shown, fields, panel) = match name.as_str() {
        "verification" | "invitation" | "mfa-sms" => {
            let (edits, fields, panel) = match name.as_str() {
                "verification" => (verification(&f), VERIFICATION_FIELDS, "verification"),
                "invitation" => (
                    texts(&f, INVITATION_FIELDS),
                    INVITATION_FIELDS,
                    "invitation",
                ),
                _ => (
                    texts(&f, &["SmsAuthenticationMessage"]),
                    &["SmsAuthenticationMessage"][..],
                    "mfa-sms",
                ),
            };
            let mut result = pool_update::update(&state, &c, &current, &edits).await;
            // SMS MFA codes use the MFA configuration's text first: keep it
            // in step, so the text saved is the text sent.
            if name == "mfa-sms"
                && result.is_ok()
                && let Some(sms) = mfa.get("SmsMfaConfiguration")
            {
                let mut sms = sms.clone();
                match f.raw("SmsAuthenticationMessage") {
                    Some(t) if !t.trim().is_empty() => sms["SmsAuthenticationMessage"] = json!(t),
                    _ => {
                        if let Some(o) = sms.as_object_mut() {
                            o.remove("SmsAuthenticationMessage");
                        }
                    }
                }
                let body = json!({ "UserPoolId": id, "SmsMfaConfiguration": sms });
                result = c.call(&state, "SetUserPoolMfaConfig", body).await;
            }
            let shown = (edits.applied_to(&current), mfa);
            (result, shown, fields, panel)
        }
        "mfa-email" => {
            let mut email = json!({});
            for member in ["Subject", "Message"] {
                let field = format!("EmailMfaConfiguration.{member}");
                if let Some(t) = f.raw(&field).filter(|t| !t.trim().is_empty()) {
                    email[member] = json!(t);
                }
            }
            let body = json!({ "UserPoolId": id, "EmailMfaConfiguration": email.clone() });
            let result = if mfa.get("EmailMfaConfiguration").is_some() {
                c.call(&state, "SetUserPoolMfaConfig", body).await
            } else {
                Err(kognit_core::Error::invalid_parameter(
                    "The pool does not offer email codes: turn them on under Sign-up and sign-in first.",
                ))
            };
            let mut mfa = mfa;
            mfa["EmailMfaConfiguration"] = email;
            let fields = &[
                "EmailMfaConfiguration.Subject",
                "EmailMfaConfiguration.Message",
            ][..];
            (result, (current, mfa), fields, "mfa-email")
        }
        _ => {
            let errors = FieldErrors {
                general: Some(format!("There is no message form {name}.")),
                fields: Vec::new(),
            };
            return render(&state, &c, id, Some((current, mfa)), errors, None).await;
        }
    };
    match result {
        Ok(_) => redirect(&with_notice(&done, "Message saved.")),
        Err(e) if is_missing(&e) => error_page(&e),
        Err(e) => {
            let errors = errors_of(&e, fields, panel);
            render(&state, &c, id, Some(shown), errors, None).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn verification_texts_go_to_the_template_alone() {
        let mut pool = json!({
            "EmailVerificationSubject": "Old",
            "VerificationMessageTemplate": { "EmailSubject": "Old", "SmsMessage": "Old {####}" },
        });
        verification(&form(&[
            ("VerificationMessageTemplate.EmailMessage", "Code: {####}"),
            ("VerificationMessageTemplate.EmailSubject", "  "),
            ("DefaultEmailOption", "CONFIRM_WITH_LINK"),
        ]))
        .apply(&mut pool);
        let t = &pool["VerificationMessageTemplate"];
        assert_eq!(t["EmailMessage"], "Code: {####}");
        assert!(t.get("EmailSubject").is_none() && t.get("SmsMessage").is_none());
        assert!(pool.get("EmailVerificationSubject").is_none());
        assert!(pool.get("EmailVerificationMessage").is_none());
        assert_eq!(t["DefaultEmailOption"], "CONFIRM_WITH_LINK");
    }

    #[test]
    fn previews_render_with_the_samples() {
        let pool = json!({
            "VerificationMessageTemplate": { "EmailMessage": "Hi, {####}", "EmailSubject": "Welcome" },
            "AdminCreateUserConfig": { "InviteMessageTemplate": { "SMSMessage": "{username}: {####}" } },
        });
        let c = pool_update::pool_type(&pool);
        let (s, b) = templates::verification_message(&c, Channel::Email, SAMPLE_CODE);
        assert_eq!((s.as_deref(), b.as_str()), (Some("Welcome"), "Hi, 123456"));
        let (_, b) =
            templates::invitation_message(&c, Channel::Sms, SAMPLE_USERNAME, SAMPLE_PASSWORD);
        assert_eq!(b, format!("{SAMPLE_USERNAME}: {SAMPLE_PASSWORD}"));
    }

    #[test]
    fn at_reads_nested_texts() {
        let v = json!({ "a": { "b": "x" } });
        assert_eq!(at(&v, "a/b"), "x");
        assert_eq!(at(&v, "a/c"), "");
        assert_eq!(at(&v, "z"), "");
    }
}
