//! Changing a pool's settings from the console's forms.
//!
//! UpdateUserPool resets every setting its request leaves out to its default,
//! as Cognito's does, so a form that edits a few settings must send the
//! pool's current value of everything else. The request is built from
//! DescribeUserPool's answer, cut down to `UpdateUserPoolRequest`'s members
//! by the API's own type (no member list typed by hand here, none forgotten
//! when the model grows), and the form's [`Edits`] replace only its members.
//! The same edits applied to the described pool redraw the page with what
//! was typed when the API refuses it.
//!
//! Also the small view pieces the settings pages share.

use axum::http::StatusCode;
use kognit_core::Error;
use kognit_core::error::ErrorCode;
use kognit_core::records::MfaDoc;
use kognit_wire::types::{UpdateUserPoolRequest, UserPoolType};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::Console;
use crate::state::AppState;
use crate::web::page::FieldErrors;

/// The pool as DescribeUserPool shows it (its `UserPool` member).
pub async fn describe(state: &AppState, c: &Console, pool_id: &str) -> Result<Value, Error> {
    let mut answer = c
        .call(state, "DescribeUserPool", json!({ "UserPoolId": pool_id }))
        .await?;
    Ok(answer["UserPool"].take())
}

/// The pool's MFA configuration as GetUserPoolMfaConfig shows it.
pub async fn mfa_config(state: &AppState, c: &Console, pool_id: &str) -> Result<Value, Error> {
    c.call(
        state,
        "GetUserPoolMfaConfig",
        json!({ "UserPoolId": pool_id }),
    )
    .await
}

/// The UpdateUserPool request that leaves every setting of `pool` (a
/// DescribeUserPool `UserPool`) as it is.
pub fn request_of(pool: &Value) -> Result<Value, Error> {
    let mut v = pool.clone();
    if let Some(o) = v.as_object_mut() {
        let id = o.get("Id").cloned().unwrap_or_default();
        let name = o.get("Name").cloned().unwrap_or_default();
        o.insert("UserPoolId".into(), id);
        o.insert("PoolName".into(), name);
    }
    let req: UpdateUserPoolRequest = serde_json::from_value(v).map_err(Error::internal)?;
    let mut req = serde_json::to_value(req).map_err(Error::internal)?;
    // Deprecated: DescribeUserPool reports the password policy's
    // TemporaryPasswordValidityDays through it, and Cognito refuses a
    // request that sets both. The policy's member is the one kept.
    if let Some(acu) = req
        .get_mut("AdminCreateUserConfig")
        .and_then(Value::as_object_mut)
    {
        acu.remove("UnusedAccountValidityDays");
    }
    Ok(req)
}

/// What one form changes: members by their path from the pool (or from the
/// request, which names them alike), each set to a value or removed.
#[derive(Debug, Default, Clone)]
pub struct Edits(Vec<(String, Option<Value>)>);

impl Edits {
    /// Sets the member at `path` (`Policies/PasswordPolicy/MinimumLength`).
    pub fn set(&mut self, path: &str, value: Value) -> &mut Self {
        self.0.push((path.to_owned(), Some(value)));
        self
    }

    /// Removes the member at `path` (its default applies).
    pub fn remove(&mut self, path: &str) -> &mut Self {
        self.0.push((path.to_owned(), None));
        self
    }

    /// Sets the text at `path`, or removes the member when the text is None.
    pub fn text(&mut self, path: &str, text: Option<&str>) -> &mut Self {
        match text {
            Some(t) => self.set(path, json!(t)),
            None => self.remove(path),
        }
    }

    /// Applies the edits to a pool or a request; objects on the way are
    /// created as needed.
    pub fn apply(&self, target: &mut Value) {
        for (path, value) in &self.0 {
            let mut names: Vec<&str> = path.split('/').collect();
            let Some(last) = names.pop() else { continue };
            let mut at = Some(&mut *target);
            for name in names {
                at = at.and_then(Value::as_object_mut).map(|o| {
                    let child = o.entry(name).or_insert_with(|| Value::Object(Map::new()));
                    if !child.is_object() {
                        *child = Value::Object(Map::new());
                    }
                    child
                });
            }
            if let Some(o) = at.and_then(Value::as_object_mut) {
                match value {
                    Some(v) => {
                        o.insert(last.to_owned(), v.clone());
                    }
                    None => {
                        o.remove(last);
                    }
                }
            }
        }
    }

    /// `pool` as it would be with the edits (to redraw a refused form).
    pub fn applied_to(&self, pool: &Value) -> Value {
        let mut shown = pool.clone();
        self.apply(&mut shown);
        shown
    }
}

/// UpdateUserPool with the pool's current settings and these edits.
pub async fn update(
    state: &AppState,
    c: &Console,
    pool: &Value,
    edits: &Edits,
) -> Result<Value, Error> {
    let mut req = request_of(pool)?;
    edits.apply(&mut req);
    c.call(state, "UpdateUserPool", req).await
}

/// Places an error of a settings form: beside the field a validation
/// message names; else beside the field named in plain words by one of
/// kognit's own messages (`AliasAttributes can not change …`); else at the
/// top of the form's panel.
pub fn errors_of(e: &Error, fields: &[&str], panel: &str) -> FieldErrors {
    let mut placed = FieldErrors::from_error(e, fields, &[]);
    if let Some(general) = placed.general.take() {
        let named = fields
            .iter()
            .find(|f| placed.fields.is_empty() && !f.contains('.') && general.contains(**f));
        placed
            .fields
            .push((named.copied().unwrap_or(panel).to_owned(), general));
    }
    placed
}

/// Whether an error means the page itself cannot be shown (no such pool).
pub fn is_missing(e: &Error) -> bool {
    e.code == ErrorCode::ResourceNotFoundException
}

/// The status of a page drawn with these errors.
pub fn status(errors: &FieldErrors) -> StatusCode {
    if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

/// The pool as the API's type, for the message functions of
/// `kognit_core::templates` (a response shape: every member optional,
/// enums as text, so any pool the form edited still reads).
pub fn pool_type(pool: &Value) -> UserPoolType {
    serde_json::from_value(pool.clone()).unwrap_or_default()
}

/// The MFA configuration as the pool document keeps it, for
/// `templates::authentication_message`.
pub fn mfa_doc(mfa: &Value) -> MfaDoc {
    fn member<T: DeserializeOwned>(mfa: &Value, name: &str) -> Option<T> {
        mfa.get(name)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }
    MfaDoc {
        sms: member(mfa, "SmsMfaConfiguration"),
        software_token: member(mfa, "SoftwareTokenMfaConfiguration"),
        email: member(mfa, "EmailMfaConfiguration"),
        web_authn: member(mfa, "WebAuthnConfiguration"),
    }
}

/// One checkbox of a group.
#[derive(Debug, Clone)]
pub struct Check {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// The checkboxes of `choices` (value, label), ticked when in `on`.
pub fn checks(choices: &[(&str, &str)], on: &[String]) -> Vec<Check> {
    choices
        .iter()
        .map(|(value, label)| Check {
            value: (*value).to_owned(),
            label: (*label).to_owned(),
            checked: on.iter().any(|o| o == value),
        })
        .collect()
}

/// One option of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The options of `choices` (value, label), `current` selected; a current
/// value none of them has is listed too, so saving keeps it.
pub fn choices(choices: &[(&str, &str)], current: &str) -> Vec<Choice> {
    let mut out: Vec<Choice> = choices
        .iter()
        .map(|(value, label)| Choice {
            value: (*value).to_owned(),
            label: (*label).to_owned(),
            selected: *value == current,
        })
        .collect();
    if !current.is_empty() && !out.iter().any(|c| c.selected) {
        out.push(Choice {
            value: current.to_owned(),
            label: current.to_owned(),
            selected: true,
        });
    }
    out
}

/// A list of strings in a JSON value (absent: empty).
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> Value {
        json!({
            "Id": "us-east-1_abc",
            "Name": "demo",
            "Arn": "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc",
            "CreationDate": 1.5,
            "SchemaAttributes": [{ "Name": "sub" }],
            "AliasAttributes": ["email"],
            "EstimatedNumberOfUsers": 3,
            "MfaConfiguration": "OPTIONAL",
            "AutoVerifiedAttributes": ["email"],
            "Policies": { "PasswordPolicy": { "MinimumLength": 10, "RequireSymbols": true } },
            "AdminCreateUserConfig": { "AllowAdminCreateUserOnly": true, "UnusedAccountValidityDays": 7 },
            "LambdaConfig": { "PreSignUp": "https://example.com/hook" },
        })
    }

    #[test]
    fn the_request_keeps_every_setting_update_takes_and_nothing_else() {
        let req = request_of(&pool()).unwrap();
        assert_eq!(req["UserPoolId"], "us-east-1_abc");
        assert_eq!(req["PoolName"], "demo");
        assert_eq!(req["MfaConfiguration"], "OPTIONAL");
        assert_eq!(req["AutoVerifiedAttributes"], json!(["email"]));
        assert_eq!(req["Policies"]["PasswordPolicy"]["MinimumLength"], 10);
        assert_eq!(
            req["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"],
            true
        );
        assert_eq!(req["LambdaConfig"]["PreSignUp"], "https://example.com/hook");
        for gone in [
            "Id",
            "Name",
            "Arn",
            "CreationDate",
            "SchemaAttributes",
            "AliasAttributes",
            "EstimatedNumberOfUsers",
        ] {
            assert!(req.get(gone).is_none(), "{gone} is not UpdateUserPool's");
        }
        assert!(
            req["AdminCreateUserConfig"]
                .get("UnusedAccountValidityDays")
                .is_none()
        );
    }

    #[test]
    fn edits_replace_only_their_members() {
        let mut e = Edits::default();
        e.set("Policies/PasswordPolicy/MinimumLength", json!(12))
            .remove("LambdaConfig/PreSignUp")
            .text("VerificationMessageTemplate/EmailSubject", Some("Hi"))
            .text(
                "AdminCreateUserConfig/InviteMessageTemplate/SMSMessage",
                None,
            );
        let shown = e.applied_to(&pool());
        let pp = &shown["Policies"]["PasswordPolicy"];
        assert_eq!(pp["MinimumLength"], 12);
        assert_eq!(pp["RequireSymbols"], true);
        assert_eq!(shown["LambdaConfig"], json!({}));
        assert_eq!(shown["VerificationMessageTemplate"]["EmailSubject"], "Hi");
        assert_eq!(
            shown["AdminCreateUserConfig"]["InviteMessageTemplate"],
            json!({})
        );
        assert_eq!(shown["MfaConfiguration"], "OPTIONAL");
    }

    #[test]
    fn kognits_plain_word_refusals_land_beside_their_field() {
        let e =
            Error::invalid_parameter("AliasAttributes can not change while the pool has users: …");
        let f = errors_of(&e, &["UsernameAttributes", "AliasAttributes"], "fixed");
        assert!(f.of("AliasAttributes").is_some());
        let e = Error::invalid_parameter("Something else.");
        let f = errors_of(&e, &["AliasAttributes"], "fixed");
        assert_eq!(f.of("fixed"), Some("Something else."));
    }

    #[test]
    fn a_current_value_no_option_has_is_kept() {
        let c = choices(&[("A", "a")], "B");
        assert_eq!(c.len(), 2);
        assert!(c[1].selected && c[1].value == "B");
        let c = choices(&[("A", "a")], "");
        assert!(c.iter().all(|c| !c.selected));
    }
}
