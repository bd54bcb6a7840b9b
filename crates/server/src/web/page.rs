//! Rendering pages: a template into a response with the headers every page
//! gets, redirects, and errors shown beside the field that caused them.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kognit_core::Error;
use kognit_core::error::ErrorCode;

/// The Content-Security-Policy of every page: only kognit's own stylesheet
/// and script, no inline code, forms posted back to kognit only, no framing.
const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The Content-Security-Policy of the hosted login pages: as [`CSP`], but
/// a form's answer may redirect to the app (an authorization response goes
/// to the client's callback URL), which `form-action 'self'` would block.
pub const HOSTED_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                              frame-ancestors 'none'; base-uri 'none'";

/// An HTML response with the security headers.
pub fn html(status: StatusCode, body: String) -> Response {
    html_with(status, body, CSP)
}

/// [`html`] with this Content-Security-Policy.
pub fn html_with(status: StatusCode, body: String, csp: &'static str) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    r
}

/// Renders a template; a template that fails to render is an internal error.
pub fn render<T: askama::Template>(status: StatusCode, page: &T) -> Response {
    render_with(status, page, CSP)
}

/// [`render`] with this Content-Security-Policy.
pub fn render_with<T: askama::Template>(
    status: StatusCode,
    page: &T,
    csp: &'static str,
) -> Response {
    match page.render() {
        Ok(body) => html_with(status, body, csp),
        Err(e) => {
            let e = Error::internal(e);
            html(StatusCode::INTERNAL_SERVER_ERROR, e.message)
        }
    }
}

/// `303 See Other` to `to` (after a form was handled).
pub fn redirect(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// The status a page answers an error with: the API's, so a refused form is a 4xx.
pub fn status_of(e: &Error) -> StatusCode {
    StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::BAD_REQUEST)
}

/// A form's errors: one per field, and one for the form as a whole.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors {
    /// An error no field caused.
    pub general: Option<String>,
    /// (field name, message).
    pub fields: Vec<(String, String)>,
}

impl FieldErrors {
    /// The error of this field, if any.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether there is any error.
    pub fn any(&self) -> bool {
        self.general.is_some() || !self.fields.is_empty()
    }

    /// One error beside one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self {
            general: None,
            fields: vec![(field.to_owned(), message.into())],
        }
    }

    /// Places a service error beside the form field it is about: a
    /// validation message names the member (`Value at 'username' …`), which
    /// is the field of the same name; otherwise `by_code` says which field
    /// an error code is about; otherwise it is the form's.
    ///
    /// A field may name a nested member by its path (`InviteMessageTemplate.SMSMessage`);
    /// it is about an error whose member path ends with it
    /// (`'adminCreateUserConfig.inviteMessageTemplate.sMSMessage'`) or passes
    /// through it (`'lambdaConfig.customSMSSender.lambdaArn'` is about
    /// `CustomSMSSender`). The first field that matches wins, so list the
    /// longer paths first.
    pub fn from_error(e: &Error, fields: &[&str], by_code: &[(ErrorCode, &str)]) -> Self {
        if let Some(parts) = validation_errors(&e.message) {
            // Several members refused: each beside its own field.
            let mut out = Self::default();
            for part in parts {
                match field_named(part, fields) {
                    Some(f) => match out.fields.iter_mut().find(|(n, _)| n == f) {
                        Some((_, m)) => {
                            m.push_str("; ");
                            m.push_str(part);
                        }
                        None => out.fields.push((f.to_owned(), part.to_owned())),
                    },
                    None => match &mut out.general {
                        Some(m) => {
                            m.push_str("; ");
                            m.push_str(part);
                        }
                        None => out.general = Some(part.to_owned()),
                    },
                }
            }
            return out;
        }
        let field = field_named(&e.message, fields)
            .or_else(|| by_code.iter().find(|(c, _)| *c == e.code).map(|(_, f)| *f));
        match field {
            Some(f) => Self::field(f, e.message.clone()),
            None => Self {
                general: Some(e.message.clone()),
                fields: Vec::new(),
            },
        }
    }
}

/// The first of `fields` a message is about.
fn field_named<'f>(message: &str, fields: &[&'f str]) -> Option<&'f str> {
    fields
        .iter()
        .find(|f| {
            let path = f.split('.').map(lower_first).collect::<Vec<_>>().join(".");
            [path.as_str(), f].iter().any(|p| names_member(message, p))
        })
        .copied()
}

/// The errors of a validation message that lists more than one
/// (`2 validation errors detected: Value … ; Value …`), each starting with
/// its `Value`.
fn validation_errors(message: &str) -> Option<Vec<&str>> {
    const DETECTED: &str = " validation errors detected: ";
    let (count, rest) = message.split_once(DETECTED)?;
    count.parse::<u32>().ok()?;
    let mut parts = Vec::new();
    let mut from = 0;
    for (at, _) in rest.match_indices("; Value ") {
        parts.push(&rest[from..at]);
        from = at + "; ".len();
    }
    parts.push(&rest[from..]);
    Some(parts)
}

/// Whether a validation message names `path` as a member, or as the end or
/// a parent of a member's path (`'a.b'`, `'x.a.b'`, `'a.b.c'`).
fn names_member(message: &str, path: &str) -> bool {
    ["'", "."].iter().any(|before| {
        ["'", "."]
            .iter()
            .any(|after| message.contains(&format!("{before}{path}{after}")))
    })
}

/// `UserPoolId` → `userPoolId`, as AWS's validation messages name members.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Milliseconds since the epoch as `2026-12-06 05:03:09 UTC`.
pub fn when(ms: i64) -> String {
    let fmt =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

/// JSON 1.1 epoch seconds (as the API answers dates) as [`when`] does.
pub fn when_seconds(v: &serde_json::Value) -> String {
    v.as_f64()
        .map(|s| when((s * 1000.0) as i64))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_messages_land_beside_their_field() {
        let e = Error::invalid_parameter(
            "1 validation error detected: Value at 'username' failed to satisfy constraint",
        );
        let f = FieldErrors::from_error(&e, &["Username", "TemporaryPassword"], &[]);
        assert!(f.of("Username").is_some());
        let e = Error::new(ErrorCode::InvalidPasswordException, "too short");
        let f = FieldErrors::from_error(
            &e,
            &["Username"],
            &[(ErrorCode::InvalidPasswordException, "TemporaryPassword")],
        );
        assert_eq!(f.of("TemporaryPassword"), Some("too short"));
        let e = Error::invalid_parameter(
            "1 validation error detected: Value 'x' at 'lambdaConfig.customSMSSender.lambdaArn' failed",
        );
        let f = FieldErrors::from_error(&e, &["CustomEmailSender", "CustomSMSSender"], &[]);
        assert!(f.of("CustomSMSSender").is_some());
        let e = Error::invalid_parameter(
            "Value at 'adminCreateUserConfig.inviteMessageTemplate.emailMessage' failed",
        );
        let fields = [
            "VerificationMessageTemplate.EmailMessage",
            "InviteMessageTemplate.EmailMessage",
        ];
        let f = FieldErrors::from_error(&e, &fields, &[]);
        assert!(f.of("InviteMessageTemplate.EmailMessage").is_some());
        let e = Error::invalid_parameter("Value at 'policies.passwordPolicy.minimumLength' failed");
        let f = FieldErrors::from_error(&e, &["MinimumLength"], &[]);
        assert!(f.of("MinimumLength").is_some());
        // A member whose name merely starts like a field's is not that field.
        let e = Error::invalid_parameter("Value at 'usernameX' failed");
        let f = FieldErrors::from_error(&e, &["Username"], &[]);
        assert!(f.general.is_some());
        let e = Error::invalid_parameter(
            "3 validation errors detected: Value 'x' at 'a.smsMessage' failed to satisfy constraint: \
             Member must have length greater than or equal to 6; Value 'x' at 'a.smsMessage' failed \
             to satisfy constraint: Member must satisfy regular expression pattern: .*; \
             Value 'y' at 'other' failed to satisfy constraint: Member must not be null",
        );
        let f = FieldErrors::from_error(&e, &["A.EmailMessage", "A.SmsMessage"], &[]);
        assert_eq!(f.fields.len(), 1);
        let sms = f.of("A.SmsMessage").unwrap();
        assert!(sms.starts_with("Value 'x' at 'a.smsMessage'") && sms.contains("; Value 'x'"));
        assert!(!sms.contains("other"));
        assert_eq!(
            f.general.as_deref(),
            Some("Value 'y' at 'other' failed to satisfy constraint: Member must not be null")
        );
        let e = Error::new(ErrorCode::ResourceNotFoundException, "gone");
        let f = FieldErrors::from_error(&e, &["Username"], &[]);
        assert_eq!(f.general.as_deref(), Some("gone"));
    }

    #[test]
    fn dates() {
        assert_eq!(when(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(
            when_seconds(&serde_json::json!(1.5)),
            "1970-01-01 00:00:01 UTC"
        );
    }
}
