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

/// An HTML response with the security headers.
pub fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, CSP),
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
    match page.render() {
        Ok(body) => html(status, body),
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
    pub fn from_error(e: &Error, fields: &[&str], by_code: &[(ErrorCode, &str)]) -> Self {
        let named = fields.iter().find(|f| {
            let member = lower_first(f);
            e.message.contains(&format!("'{member}'")) || e.message.contains(&format!("'{f}'"))
        });
        let field = named
            .copied()
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
