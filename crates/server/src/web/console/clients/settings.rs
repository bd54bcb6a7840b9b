//! The settings form of an app client, shared by the create and edit
//! forms: what it shows (from a client, the defaults, or a submitted form),
//! the requests it makes, and where the API's errors about it go.

use kognit_core::Error;
use kognit_core::error::ErrorCode;
use kognit_wire::types::UpdateUserPoolClientRequest;
use serde_json::{Map, Value, json};

use crate::web::console::text;
use crate::web::form::FormData;
use crate::web::page::FieldErrors;

/// The `ALLOW_` auth flows, with what each allows.
const AUTH_FLOWS: &[(&str, &str)] = &[
    (
        "ALLOW_USER_SRP_AUTH",
        "SRP: the password never leaves the app",
    ),
    (
        "ALLOW_USER_PASSWORD_AUTH",
        "username and password sent to kognit",
    ),
    (
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "server-side sign-in (AdminInitiateAuth)",
    ),
    ("ALLOW_CUSTOM_AUTH", "custom challenges (Lambda triggers)"),
    ("ALLOW_REFRESH_TOKEN_AUTH", "refreshing tokens"),
    ("ALLOW_USER_AUTH", "choice-based sign-in (USER_AUTH)"),
];

const OAUTH_FLOWS: &[(&str, &str)] = &[
    ("code", "authorization code grant"),
    ("implicit", "implicit grant"),
    (
        "client_credentials",
        "client credentials (machine to machine; needs a secret)",
    ),
];

const SCOPES: &[(&str, &str)] = &[
    ("openid", ""),
    ("email", ""),
    ("phone", ""),
    ("profile", ""),
    ("aws.cognito.signin.user.admin", ""),
];

const PROVIDERS: &[(&str, &str)] = &[("COGNITO", "the user pool's own users")];

/// The members the settings form owns; an update sends the client's current
/// value of every other member (UpdateUserPoolClient resets what it is not
/// given).
const OWNED: &[&str] = &[
    "ClientName",
    "ExplicitAuthFlows",
    "AccessTokenValidity",
    "IdTokenValidity",
    "RefreshTokenValidity",
    "TokenValidityUnits",
    "CallbackURLs",
    "LogoutURLs",
    "DefaultRedirectURI",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "AllowedOAuthFlowsUserPoolClient",
    "SupportedIdentityProviders",
    "ReadAttributes",
    "WriteAttributes",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
];

/// The settings form's fields that errors can be shown beside.
const FIELDS: &[&str] = &[
    "ClientName",
    "ExplicitAuthFlows",
    "AccessTokenValidity",
    "IdTokenValidity",
    "RefreshTokenValidity",
    "CallbackURLs",
    "LogoutURLs",
    "DefaultRedirectURI",
    "AllowedOAuthFlowsUserPoolClient",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "SupportedIdentityProviders",
    "ReadAttributes",
    "WriteAttributes",
    "PreventUserExistenceErrors",
];

/// One checkbox of a list.
pub struct Choice {
    pub value: String,
    pub label: &'static str,
    pub checked: bool,
}

/// The offered values, then any selected value not offered (so an update
/// does not drop it unseen).
fn choices(offered: &[(&str, &'static str)], selected: &[String]) -> Vec<Choice> {
    let mut out: Vec<Choice> = offered
        .iter()
        .map(|(v, label)| Choice {
            value: (*v).to_owned(),
            label,
            checked: selected.iter().any(|s| s == v),
        })
        .collect();
    for s in selected {
        if !offered.iter().any(|(v, _)| v == s) {
            out.push(Choice {
                value: s.clone(),
                label: "",
                checked: true,
            });
        }
    }
    out
}

/// One token's validity: its value and unit.
pub struct Validity {
    /// The member (`AccessTokenValidity`), also the field's name.
    pub field: &'static str,
    /// The unit's field (`TokenValidityUnits.AccessToken`).
    pub unit_field: &'static str,
    pub label: &'static str,
    pub range: &'static str,
    pub value: String,
    pub unit: String,
}

/// The settings form, as shown: from a client, the defaults, or a submitted
/// form.
pub struct Settings {
    pub name: String,
    pub generate_secret: bool,
    pub flows: Vec<Choice>,
    pub validity: Vec<Validity>,
    pub callbacks: String,
    pub logouts: String,
    pub default_redirect: String,
    pub oauth: bool,
    pub oauth_flows: Vec<Choice>,
    pub scopes: Vec<Choice>,
    pub providers: Vec<Choice>,
    pub read: Vec<Choice>,
    pub write: Vec<Choice>,
    pub prevent: bool,
    pub revocation: bool,
}

/// A list member of strings.
fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// A number member as text (a refused form keeps what was typed).
fn number_text(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

impl Settings {
    /// The settings of a client (DescribeUserPoolClient's `UserPoolClient`,
    /// or the members a form made). `schema` names the pool's attributes.
    pub(super) fn of(c: &Value, schema: &[String]) -> Self {
        let units = &c["TokenValidityUnits"];
        let validity = |field, unit_key: &str, unit_field, label, range, unit: &str| Validity {
            field,
            unit_field,
            label,
            range,
            value: number_text(&c[field]),
            unit: units
                .get(unit_key)
                .and_then(Value::as_str)
                .unwrap_or(unit)
                .to_owned(),
        };
        let offered: Vec<(&str, &'static str)> = schema.iter().map(|a| (a.as_str(), "")).collect();
        let writable: Vec<(&str, &'static str)> = offered
            .iter()
            .filter(|(a, _)| *a != "sub")
            .copied()
            .collect();
        Settings {
            name: text(c, "ClientName").to_owned(),
            generate_secret: false,
            flows: choices(AUTH_FLOWS, &strings(c, "ExplicitAuthFlows")),
            validity: vec![
                validity(
                    "AccessTokenValidity",
                    "AccessToken",
                    "TokenValidityUnits.AccessToken",
                    "Access token",
                    "5 minutes to 1 day",
                    "hours",
                ),
                validity(
                    "IdTokenValidity",
                    "IdToken",
                    "TokenValidityUnits.IdToken",
                    "ID token",
                    "5 minutes to 1 day",
                    "hours",
                ),
                validity(
                    "RefreshTokenValidity",
                    "RefreshToken",
                    "TokenValidityUnits.RefreshToken",
                    "Refresh token",
                    "1 hour to 10 years",
                    "days",
                ),
            ],
            callbacks: strings(c, "CallbackURLs").join("\n"),
            logouts: strings(c, "LogoutURLs").join("\n"),
            default_redirect: text(c, "DefaultRedirectURI").to_owned(),
            oauth: c["AllowedOAuthFlowsUserPoolClient"].as_bool() == Some(true),
            oauth_flows: choices(OAUTH_FLOWS, &strings(c, "AllowedOAuthFlows")),
            scopes: choices(SCOPES, &strings(c, "AllowedOAuthScopes")),
            providers: choices(PROVIDERS, &strings(c, "SupportedIdentityProviders")),
            read: choices(&offered, &strings(c, "ReadAttributes")),
            write: choices(&writable, &strings(c, "WriteAttributes")),
            prevent: text(c, "PreventUserExistenceErrors") == "ENABLED",
            revocation: c["EnableTokenRevocation"].as_bool() != Some(false),
        }
    }

    /// What the collapsed attribute permissions say.
    pub fn attributes_summary(&self) -> String {
        let list = |cs: &[Choice]| {
            let on: Vec<&str> = cs
                .iter()
                .filter(|c| c.checked)
                .map(|c| c.value.as_str())
                .collect();
            if on.is_empty() {
                "every attribute".to_owned()
            } else {
                on.join(", ")
            }
        };
        format!("Reads {}; writes {}.", list(&self.read), list(&self.write))
    }

    /// What the create form starts with: SRP and refresh, tokens for an
    /// hour (refresh 30 days), existence errors hidden, revocation on.
    pub(super) fn defaults(schema: &[String]) -> Self {
        Self::of(
            &json!({
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "AccessTokenValidity": 60,
                "IdTokenValidity": 60,
                "RefreshTokenValidity": 30,
                "TokenValidityUnits": { "AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days" },
                "PreventUserExistenceErrors": "ENABLED",
                "EnableTokenRevocation": true,
            }),
            schema,
        )
    }

    /// A submitted form shown again.
    pub(super) fn submitted(f: &FormData, schema: &[String]) -> Self {
        let (members, _) = members(f);
        let mut s = Self::of(&Value::Object(members), schema);
        s.generate_secret = f.checked("GenerateSecret");
        s
    }
}

/// The members of the settings form, and its errors that no request needs
/// to be sent to find (a validity that is not a number: kept as typed, to
/// be shown again).
fn members(f: &FormData) -> (Map<String, Value>, FieldErrors) {
    let mut m = Map::new();
    let mut errors = FieldErrors::default();
    if let Some(n) = f.get("ClientName") {
        m.insert("ClientName".into(), json!(n));
    }
    let lists = [
        "ExplicitAuthFlows",
        "AllowedOAuthFlows",
        "AllowedOAuthScopes",
        "SupportedIdentityProviders",
        "ReadAttributes",
        "WriteAttributes",
    ];
    for key in lists {
        let values = f.all(key);
        if !values.is_empty() {
            m.insert(key.into(), json!(values));
        }
    }
    for key in ["CallbackURLs", "LogoutURLs"] {
        let values = f.lines(key);
        if !values.is_empty() {
            m.insert(key.into(), json!(values));
        }
    }
    if let Some(d) = f.get("DefaultRedirectURI") {
        m.insert("DefaultRedirectURI".into(), json!(d));
    }
    let mut units = Map::new();
    for (field, unit) in [
        ("AccessTokenValidity", "AccessToken"),
        ("IdTokenValidity", "IdToken"),
        ("RefreshTokenValidity", "RefreshToken"),
    ] {
        match f.number(field) {
            Ok(Some(n)) => {
                m.insert(field.into(), json!(n));
            }
            Ok(None) => {}
            Err(e) => {
                m.insert(field.into(), json!(f.get(field).unwrap_or_default()));
                errors.fields.push((field.into(), e));
            }
        }
        if let Some(u) = f.get(&format!("TokenValidityUnits.{unit}")) {
            units.insert(unit.into(), json!(u));
        }
    }
    if !units.is_empty() {
        m.insert("TokenValidityUnits".into(), Value::Object(units));
    }
    m.insert(
        "AllowedOAuthFlowsUserPoolClient".into(),
        json!(f.checked("AllowedOAuthFlowsUserPoolClient")),
    );
    m.insert(
        "PreventUserExistenceErrors".into(),
        json!(if f.checked("PreventUserExistenceErrors") {
            "ENABLED"
        } else {
            "LEGACY"
        }),
    );
    m.insert(
        "EnableTokenRevocation".into(),
        json!(f.checked("EnableTokenRevocation")),
    );
    (m, errors)
}

/// The CreateUserPoolClient request of the form.
pub(super) fn create_request(pool: &str, f: &FormData) -> Result<Value, FieldErrors> {
    let (mut m, errors) = members(f);
    if errors.any() {
        return Err(errors);
    }
    m.entry("ClientName").or_insert_with(|| json!(""));
    m.insert("UserPoolId".into(), json!(pool));
    m.insert("GenerateSecret".into(), json!(f.checked("GenerateSecret")));
    Ok(Value::Object(m))
}

/// The UpdateUserPoolClient request: every current setting of the client
/// (DescribeUserPoolClient's `UserPoolClient`) that the request has a
/// member for, with the form's settings in place of the current ones.
pub(super) fn update_request(current: &Value, f: &FormData) -> Result<Value, FieldErrors> {
    let (m, errors) = members(f);
    if errors.any() {
        return Err(errors);
    }
    let general = |e: String| FieldErrors {
        general: Some(e),
        fields: Vec::new(),
    };
    let req: UpdateUserPoolClientRequest =
        serde_json::from_value(current.clone()).map_err(|e| general(e.to_string()))?;
    let mut body = match serde_json::to_value(req) {
        Ok(Value::Object(b)) => b,
        _ => return Err(general("The client's settings could not be read.".into())),
    };
    for key in OWNED {
        body.remove(*key);
    }
    body.extend(m);
    Ok(Value::Object(body))
}

/// Where an error about the settings goes: beside the member it names (in
/// a validation message, or as the first word of a rule's message), or the
/// field a phrase of the message is about; else the form's.
pub(super) fn settings_errors(e: &Error) -> FieldErrors {
    let by_code = [(ErrorCode::ScopeDoesNotExistException, "AllowedOAuthScopes")];
    let mut errors = FieldErrors::from_error(e, FIELDS, &by_code);
    let Some(message) = errors.general.take() else {
        return errors;
    };
    let named = FIELDS
        .iter()
        .filter_map(|f| word_at(&message, f).map(|at| (at, *f)))
        .min()
        .map(|(_, f)| f);
    let phrases = [
        ("callback URL", "CallbackURLs"),
        ("logout URL", "LogoutURLs"),
        ("read attributes", "ReadAttributes"),
        ("write attributes", "WriteAttributes"),
        ("client_credentials", "AllowedOAuthFlows"),
        ("provider", "SupportedIdentityProviders"),
        ("accessToken", "AccessTokenValidity"),
        ("idToken", "IdTokenValidity"),
        ("refreshToken", "RefreshTokenValidity"),
    ];
    let field = named.or_else(|| {
        phrases
            .iter()
            .find(|(p, _)| message.contains(p))
            .map(|(_, f)| *f)
    });
    match field {
        Some(f) => FieldErrors::field(f, message),
        None => FieldErrors {
            general: Some(message),
            fields: Vec::new(),
        },
    }
}

/// Where `word` first occurs in `s` as a whole word.
fn word_at(s: &str, word: &str) -> Option<usize> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    s.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = s[..i].chars().next_back();
        let after = s[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
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
    fn create_request_has_the_form_settings() {
        let f = form(&[
            ("ClientName", "web"),
            ("GenerateSecret", "on"),
            ("ExplicitAuthFlows", "ALLOW_USER_SRP_AUTH"),
            ("ExplicitAuthFlows", "ALLOW_REFRESH_TOKEN_AUTH"),
            ("AccessTokenValidity", "30"),
            ("TokenValidityUnits.AccessToken", "minutes"),
            (
                "CallbackURLs",
                "https://a.example/cb\r\n\r\nhttp://localhost/cb\r\n",
            ),
            ("AllowedOAuthFlowsUserPoolClient", "on"),
            ("AllowedOAuthFlows", "code"),
            ("AllowedOAuthScopes", "openid"),
        ]);
        let b = create_request("p", &f).unwrap();
        assert_eq!(b["ClientName"], "web");
        assert_eq!(b["GenerateSecret"], true);
        assert_eq!(b["AccessTokenValidity"], 30);
        assert_eq!(b["TokenValidityUnits"], json!({ "AccessToken": "minutes" }));
        assert_eq!(
            b["CallbackURLs"],
            json!(["https://a.example/cb", "http://localhost/cb"])
        );
        assert_eq!(b["PreventUserExistenceErrors"], "LEGACY");
        assert_eq!(b["EnableTokenRevocation"], false);
        assert!(b.get("LogoutURLs").is_none());
        let e = create_request("p", &form(&[("IdTokenValidity", "soon")])).unwrap_err();
        assert!(e.of("IdTokenValidity").is_some());
    }

    #[test]
    fn update_keeps_what_the_form_does_not_show_and_drops_what_it_cleared() {
        let current = json!({
            "UserPoolId": "p", "ClientId": "c", "ClientName": "web",
            "ClientSecret": "s3cret", "CreationDate": 1.0,
            "AuthSessionValidity": 7,
            "CallbackURLs": ["https://a.example/cb"],
            "ReadAttributes": ["email"],
            "EnablePropagateAdditionalUserContextData": false,
        });
        let f = form(&[
            ("ClientName", "web2"),
            ("ExplicitAuthFlows", "ALLOW_USER_AUTH"),
        ]);
        let b = update_request(&current, &f).unwrap();
        assert_eq!(b["ClientName"], "web2");
        assert_eq!(b["AuthSessionValidity"], 7);
        assert_eq!(b["EnablePropagateAdditionalUserContextData"], false);
        assert_eq!(b["ExplicitAuthFlows"], json!(["ALLOW_USER_AUTH"]));
        assert!(b.get("CallbackURLs").is_none());
        assert!(b.get("ReadAttributes").is_none());
        assert!(b.get("ClientSecret").is_none());
        assert!(b.get("CreationDate").is_none());
    }

    #[test]
    fn settings_errors_find_their_field() {
        let e = Error::invalid_parameter(
            "AllowedOAuthFlows must be provided when AllowedOAuthFlowsUserPoolClient is true.",
        );
        assert!(settings_errors(&e).of("AllowedOAuthFlows").is_some());
        let e = Error::invalid_parameter("http://x is not a valid callback URL: it must use HTTPS");
        assert!(settings_errors(&e).of("CallbackURLs").is_some());
        let e = Error::invalid_parameter(
            "1 validation error detected: Value at 'clientName' failed to satisfy constraint",
        );
        assert!(settings_errors(&e).of("ClientName").is_some());
        let e = Error::new(ErrorCode::ResourceNotFoundException, "gone");
        assert_eq!(settings_errors(&e).general.as_deref(), Some("gone"));
    }

    #[test]
    fn a_selected_value_not_offered_is_kept() {
        let c = choices(AUTH_FLOWS, &["ALLOW_USER_AUTH".into(), "X".into()]);
        assert!(c.iter().any(|c| c.value == "ALLOW_USER_AUTH" && c.checked));
        assert!(c.iter().any(|c| c.value == "X" && c.checked));
        assert_eq!(c.len(), AUTH_FLOWS.len() + 1);
    }
}
