//! A pool's sign-up and sign-in settings: its attributes (and adding a
//! custom one), what Cognito fixes at creation (changed through
//! `Kognit.ChangeUserPoolFixedSettings`, whose refusals show beside the
//! field), sign-up, the password policy, MFA, account recovery and deletion
//! protection. One small form per panel; each UpdateUserPool form sends the
//! pool's current value of every setting it does not edit (`pool_update`).

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::pool_update::{
    self, Check, Choice, Edits, checks, choices, describe, errors_of, is_missing, strings,
};
use super::{Console, ConsoleForm, Layout, error_page, text, with_notice};
use crate::state::AppState;
use crate::web::form::FormData;
use crate::web::page::{self, FieldErrors, redirect};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/pools/{pool}/settings", get(show))
        .route("/console/pools/{pool}/settings/{form}", post(save))
}

#[derive(Deserialize, Default)]
pub struct Notice {
    notice: Option<String>,
}

/// One row of the attribute list.
struct AttrRow {
    name: String,
    kind: String,
    required: bool,
    mutable: bool,
    developer_only: bool,
    constraints: String,
}

struct Password {
    min_length: String,
    upper: bool,
    lower: bool,
    numbers: bool,
    symbols: bool,
}

struct Mfa {
    modes: Vec<Choice>,
    totp: bool,
    sms: bool,
    email: bool,
}

#[derive(askama::Template)]
#[template(path = "console/settings.html")]
struct SettingsPage {
    layout: Layout,
    pool: String,
    users: i64,
    attributes: Vec<AttrRow>,
    username_attributes: Vec<Check>,
    alias_attributes: Vec<Check>,
    case_sensitive: bool,
    required: Vec<Check>,
    auto_verified: Vec<Check>,
    verify_before_update: Vec<Check>,
    admin_only: bool,
    temp_days: String,
    password: Password,
    mfa: Mfa,
    recovery: Vec<Choice>,
    deletion_protection: bool,
    types: Vec<Choice>,
    /// The add-a-custom-attribute form as typed, when it was refused.
    add: FormData,
    errors: FieldErrors,
}

/// The attributes that can verify a user (and be auto-verified).
const VERIFIABLE: &[(&str, &str)] = &[("email", "email"), ("phone_number", "phone number")];
const USERNAME_ATTRIBUTES: &[(&str, &str)] =
    &[("email", "email address"), ("phone_number", "phone number")];
const ALIAS_ATTRIBUTES: &[(&str, &str)] = &[
    ("email", "email address"),
    ("phone_number", "phone number"),
    ("preferred_username", "preferred username"),
];
const MFA_MODES: &[(&str, &str)] = &[
    ("OFF", "off"),
    ("OPTIONAL", "optional: users who set up a factor use it"),
    ("ON", "required for every user"),
];
/// AccountRecoverySetting's mechanisms, in priority order, comma-separated.
const RECOVERY: &[(&str, &str)] = &[
    ("", "not set"),
    (
        "verified_email,verified_phone_number",
        "verified email, else verified phone number",
    ),
    (
        "verified_phone_number,verified_email",
        "verified phone number, else verified email",
    ),
    ("verified_email", "verified email only"),
    ("verified_phone_number", "verified phone number only"),
    (
        "admin_only",
        "administrators only (no self-service recovery)",
    ),
];
const DATA_TYPES: &[(&str, &str)] = &[
    ("String", "String"),
    ("Number", "Number"),
    ("DateTime", "DateTime"),
    ("Boolean", "Boolean"),
];
/// Standard attributes that are not candidates for "required": the id,
/// and the verification flags kognit sets itself.
const NEVER_REQUIRED: &[&str] = &["sub", "email_verified", "phone_number_verified"];

fn attribute_rows(schema: &[Value]) -> Vec<AttrRow> {
    schema
        .iter()
        .map(|a| {
            let s = &a["StringAttributeConstraints"];
            let n = &a["NumberAttributeConstraints"];
            let range = |lo: &Value, hi: &Value, unit: &str| match (lo.as_str(), hi.as_str()) {
                (None, None) => String::new(),
                (lo, hi) => format!("{unit} {}–{}", lo.unwrap_or("…"), hi.unwrap_or("…")),
            };
            let constraints = match text(a, "AttributeDataType") {
                "String" => range(&s["MinLength"], &s["MaxLength"], "length"),
                "Number" => range(&n["MinValue"], &n["MaxValue"], "value"),
                _ => String::new(),
            };
            AttrRow {
                name: text(a, "Name").to_owned(),
                kind: text(a, "AttributeDataType").to_owned(),
                required: a["Required"].as_bool() == Some(true),
                mutable: a["Mutable"].as_bool() != Some(false),
                developer_only: a["DeveloperOnlyAttribute"].as_bool() == Some(true),
                constraints,
            }
        })
        .collect()
}

fn page_of(
    c: &Console,
    id: &str,
    p: &Value,
    mfa: &Value,
    add: FormData,
    errors: FieldErrors,
    notice: Option<String>,
) -> SettingsPage {
    let schema = p["SchemaAttributes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let standard: Vec<(&str, &str)> = schema
        .iter()
        .map(|a| text(a, "Name"))
        .filter(|n| !n.contains(':') && !NEVER_REQUIRED.contains(n))
        .map(|n| (n, n))
        .collect();
    let required: Vec<String> = schema
        .iter()
        .filter(|a| a["Required"].as_bool() == Some(true))
        .map(|a| text(a, "Name").to_owned())
        .collect();
    let pp = &p["Policies"]["PasswordPolicy"];
    let number = |v: &Value| v.as_i64().map(|n| n.to_string()).unwrap_or_default();
    let mechanisms = {
        let mut m = p["AccountRecoverySetting"]["RecoveryMechanisms"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        m.sort_by_key(|m| m["Priority"].as_i64().unwrap_or_default());
        m.iter()
            .map(|m| text(m, "Name"))
            .collect::<Vec<_>>()
            .join(",")
    };
    SettingsPage {
        layout: c
            .layout("Sign-up and sign-in", Some(id))
            .with_notice(notice),
        pool: id.to_owned(),
        users: p["EstimatedNumberOfUsers"].as_i64().unwrap_or_default(),
        attributes: attribute_rows(&schema),
        username_attributes: checks(USERNAME_ATTRIBUTES, &strings(&p["UsernameAttributes"])),
        alias_attributes: checks(ALIAS_ATTRIBUTES, &strings(&p["AliasAttributes"])),
        case_sensitive: p["UsernameConfiguration"]["CaseSensitive"].as_bool() != Some(false),
        required: checks(&standard, &required),
        auto_verified: checks(VERIFIABLE, &strings(&p["AutoVerifiedAttributes"])),
        verify_before_update: checks(
            VERIFIABLE,
            &strings(
                &p["UserAttributeUpdateSettings"]["AttributesRequireVerificationBeforeUpdate"],
            ),
        ),
        admin_only: p["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"].as_bool() == Some(true),
        temp_days: number(&pp["TemporaryPasswordValidityDays"]),
        password: Password {
            min_length: number(&pp["MinimumLength"]),
            upper: pp["RequireUppercase"].as_bool() == Some(true),
            lower: pp["RequireLowercase"].as_bool() == Some(true),
            numbers: pp["RequireNumbers"].as_bool() == Some(true),
            symbols: pp["RequireSymbols"].as_bool() == Some(true),
        },
        mfa: Mfa {
            modes: choices(MFA_MODES, text(mfa, "MfaConfiguration")),
            totp: mfa["SoftwareTokenMfaConfiguration"]["Enabled"].as_bool() == Some(true),
            sms: mfa.get("SmsMfaConfiguration").is_some(),
            email: mfa.get("EmailMfaConfiguration").is_some(),
        },
        recovery: choices(RECOVERY, &mechanisms),
        deletion_protection: text(p, "DeletionProtection") == "ACTIVE",
        types: choices(DATA_TYPES, add.get("AttributeDataType").unwrap_or("String")),
        add,
        errors,
    }
}

/// Draws the page from the pool as described (or as a refused form would
/// have left it).
async fn render(
    state: &AppState,
    c: &Console,
    id: &str,
    pool: Option<Value>,
    add: FormData,
    errors: FieldErrors,
    notice: Option<String>,
) -> Response {
    let p = match pool {
        Some(p) => p,
        None => match describe(state, c, id).await {
            Ok(p) => p,
            Err(e) => return error_page(&e),
        },
    };
    let mfa = match pool_update::mfa_config(state, c, id).await {
        Ok(m) => m,
        Err(e) => return error_page(&e),
    };
    let status = pool_update::status(&errors);
    page::render(status, &page_of(c, id, &p, &mfa, add, errors, notice))
}

async fn show(
    State(state): State<AppState>,
    c: Console,
    Path(pool): Path<String>,
    Query(q): Query<Notice>,
) -> Response {
    render(
        &state,
        &c,
        &pool,
        None,
        FormData::default(),
        FieldErrors::default(),
        q.notice,
    )
    .await
}

/// The number in field `name`, or the error to show beside it.
fn number(f: &FormData, name: &str) -> Result<Option<i64>, FieldErrors> {
    f.number(name).map_err(|m| FieldErrors::field(name, m))
}

/// The edits of the sign-up panel.
fn sign_up(f: &FormData) -> Result<Edits, FieldErrors> {
    let mut e = Edits::default();
    let auto = f.all("AutoVerifiedAttributes");
    if auto.is_empty() {
        e.remove("AutoVerifiedAttributes");
    } else {
        e.set("AutoVerifiedAttributes", json!(auto));
    }
    e.set(
        "UserAttributeUpdateSettings/AttributesRequireVerificationBeforeUpdate",
        json!(f.all("AttributesRequireVerificationBeforeUpdate")),
    )
    .set(
        "AdminCreateUserConfig/AllowAdminCreateUserOnly",
        json!(f.checked("AllowAdminCreateUserOnly")),
    );
    match number(f, "TemporaryPasswordValidityDays")? {
        Some(n) => e.set(
            "Policies/PasswordPolicy/TemporaryPasswordValidityDays",
            json!(n),
        ),
        None => e.remove("Policies/PasswordPolicy/TemporaryPasswordValidityDays"),
    };
    Ok(e)
}

/// The edits of the password policy panel.
fn password(f: &FormData) -> Result<Edits, FieldErrors> {
    let mut e = Edits::default();
    match number(f, "MinimumLength")? {
        Some(n) => e.set("Policies/PasswordPolicy/MinimumLength", json!(n)),
        None => e.remove("Policies/PasswordPolicy/MinimumLength"),
    };
    for (field, path) in [
        (
            "RequireUppercase",
            "Policies/PasswordPolicy/RequireUppercase",
        ),
        (
            "RequireLowercase",
            "Policies/PasswordPolicy/RequireLowercase",
        ),
        ("RequireNumbers", "Policies/PasswordPolicy/RequireNumbers"),
        ("RequireSymbols", "Policies/PasswordPolicy/RequireSymbols"),
    ] {
        e.set(path, json!(f.checked(field)));
    }
    Ok(e)
}

/// The edits of the account recovery panel.
fn recovery(f: &FormData) -> Edits {
    let mut e = Edits::default();
    let names: Vec<&str> = f
        .get("RecoveryMechanisms")
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        e.remove("AccountRecoverySetting");
    } else {
        let mechanisms: Vec<Value> = names
            .iter()
            .zip(1..)
            .map(|(name, priority)| json!({ "Name": name, "Priority": priority }))
            .collect();
        e.set(
            "AccountRecoverySetting",
            json!({ "RecoveryMechanisms": mechanisms }),
        );
    }
    e
}

/// What a form posts: an UpdateUserPool of edits, or another operation.
enum Change {
    Update(Edits),
    Call(&'static str, Value),
}

/// The change a form asks for, the fields its errors may be about, its
/// panel and what to say when it is done.
struct Form {
    change: Change,
    fields: &'static [&'static str],
    panel: &'static str,
    done: &'static str,
}

fn form_of(name: &str, id: &str, f: &FormData, mfa: &Value) -> Result<Form, FieldErrors> {
    let form = |change: Change,
                fields: &'static [&'static str],
                panel: &'static str,
                done: &'static str| {
        Ok(Form {
            change,
            fields,
            panel,
            done,
        })
    };
    match name {
        "attributes" => form(
            Change::Call("AddCustomAttributes", custom_attribute(id, f)?),
            &[
                "MinLength",
                "MaxLength",
                "MinValue",
                "MaxValue",
                "AttributeDataType",
                "Name",
            ],
            "attributes",
            "Custom attribute added.",
        ),
        "fixed" => form(
            Change::Call(
                "Kognit.ChangeUserPoolFixedSettings",
                json!({
                    "UserPoolId": id,
                    "UsernameAttributes": f.all("UsernameAttributes"),
                    "AliasAttributes": f.all("AliasAttributes"),
                    "CaseSensitive": f.checked("CaseSensitive"),
                    "RequiredAttributes": f.all("RequiredAttributes"),
                }),
            ),
            &[
                "UsernameAttributes",
                "AliasAttributes",
                "CaseSensitive",
                "RequiredAttributes",
            ],
            "fixed",
            "Sign-in settings changed.",
        ),
        "sign-up" => form(
            Change::Update(sign_up(f)?),
            &[
                "AutoVerifiedAttributes",
                "AttributesRequireVerificationBeforeUpdate",
                "AllowAdminCreateUserOnly",
                "TemporaryPasswordValidityDays",
            ],
            "sign-up",
            "Sign-up settings saved.",
        ),
        "password" => form(
            Change::Update(password(f)?),
            &[
                "MinimumLength",
                "RequireUppercase",
                "RequireLowercase",
                "RequireNumbers",
                "RequireSymbols",
            ],
            "password",
            "Password policy saved.",
        ),
        "mfa" => form(
            Change::Call("SetUserPoolMfaConfig", mfa_request(id, f, mfa)),
            &["MfaConfiguration"],
            "mfa",
            "MFA settings saved.",
        ),
        "recovery" => form(
            Change::Update(recovery(f)),
            &["RecoveryMechanisms"],
            "recovery",
            "Account recovery saved.",
        ),
        "deletion-protection" => {
            let mut e = Edits::default();
            let on = f.checked("DeletionProtection");
            e.set(
                "DeletionProtection",
                json!(if on { "ACTIVE" } else { "INACTIVE" }),
            );
            form(
                Change::Update(e),
                &["DeletionProtection"],
                "deletion-protection",
                "Deletion protection saved.",
            )
        }
        _ => Err(FieldErrors {
            general: Some(format!("There is no settings form {name}.")),
            fields: Vec::new(),
        }),
    }
}

/// AddCustomAttributes of the form: one attribute, its constraints only
/// when given.
fn custom_attribute(id: &str, f: &FormData) -> Result<Value, FieldErrors> {
    let kind = f.get("AttributeDataType").unwrap_or("String");
    let name = f.get("Name").unwrap_or_default();
    let name = name.strip_prefix("custom:").unwrap_or(name);
    let mut attr = json!({
        "Name": name,
        "AttributeDataType": kind,
        "Mutable": f.checked("Mutable"),
    });
    let mut limits = |members: [&str; 2], into: &str| -> Result<(), FieldErrors> {
        for m in members {
            if let Some(n) = number(f, m)? {
                attr[into][m] = json!(n.to_string());
            }
        }
        Ok(())
    };
    match kind {
        "String" => limits(["MinLength", "MaxLength"], "StringAttributeConstraints")?,
        "Number" => limits(["MinValue", "MaxValue"], "NumberAttributeConstraints")?,
        _ => {}
    }
    Ok(json!({ "UserPoolId": id, "CustomAttributes": [attr] }))
}

/// SetUserPoolMfaConfig of the form. kognit keeps a pool's SMS and email
/// factor configurations once given (an absent member leaves them as they
/// are), so a factor already on is sent as it is and one newly ticked is
/// turned on with Cognito's default messages.
fn mfa_request(id: &str, f: &FormData, mfa: &Value) -> Value {
    let mut req = json!({
        "UserPoolId": id,
        "MfaConfiguration": f.get("MfaConfiguration").unwrap_or("OFF"),
        "SoftwareTokenMfaConfiguration": { "Enabled": f.checked("totp") },
    });
    for (field, member) in [
        ("sms", "SmsMfaConfiguration"),
        ("email", "EmailMfaConfiguration"),
    ] {
        match mfa.get(member) {
            Some(current) => req[member] = current.clone(),
            None if f.checked(field) => req[member] = json!({}),
            None => {}
        }
    }
    req
}

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
    let current = match describe(&state, &c, id).await {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let mfa = match pool_update::mfa_config(&state, &c, id).await {
        Ok(m) => m,
        Err(e) => return error_page(&e),
    };
    let add = |errors: &FieldErrors| {
        if name == "attributes" && errors.any() {
            f.clone()
        } else {
            FormData::default()
        }
    };
    let form = match form_of(&name, id, &f, &mfa) {
        Ok(form) => form,
        Err(errors) => {
            let add = add(&errors);
            return render(&state, &c, id, Some(current), add, errors, None).await;
        }
    };
    let (result, shown) = match &form.change {
        Change::Update(edits) => (
            pool_update::update(&state, &c, &current, edits).await,
            edits.applied_to(&current),
        ),
        Change::Call(op, body) => (c.call(&state, op, body.clone()).await, current),
    };
    match result {
        Ok(_) => redirect(&with_notice(
            &format!("/console/pools/{id}/settings"),
            form.done,
        )),
        Err(e) if is_missing(&e) => error_page(&e),
        Err(e) => {
            let mut errors = errors_of(&e, form.fields, form.panel);
            if name == "fixed" && errors.of("fixed").is_some() && e.message.contains("required") {
                // "email can not become required: user … has no email".
                errors = FieldErrors::field("RequiredAttributes", e.message.clone());
            }
            let add = add(&errors);
            render(&state, &c, id, Some(shown), add, errors, None).await
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
    fn recovery_mechanisms_get_priorities_in_order() {
        let mut pool = json!({});
        recovery(&form(&[(
            "RecoveryMechanisms",
            "verified_phone_number,verified_email",
        )]))
        .apply(&mut pool);
        assert_eq!(
            pool["AccountRecoverySetting"]["RecoveryMechanisms"],
            json!([
                { "Name": "verified_phone_number", "Priority": 1 },
                { "Name": "verified_email", "Priority": 2 },
            ])
        );
        recovery(&form(&[("RecoveryMechanisms", "")])).apply(&mut pool);
        assert!(pool.get("AccountRecoverySetting").is_none());
    }

    #[test]
    fn a_custom_attribute_carries_the_constraints_of_its_type() {
        let f = form(&[
            ("Name", "custom:plan"),
            ("AttributeDataType", "String"),
            ("Mutable", "on"),
            ("MaxLength", "32"),
            ("MinValue", "4"),
        ]);
        let req = custom_attribute("p", &f).unwrap();
        let a = &req["CustomAttributes"][0];
        assert_eq!(a["Name"], "plan");
        assert_eq!(a["Mutable"], true);
        assert_eq!(
            a["StringAttributeConstraints"],
            json!({ "MaxLength": "32" })
        );
        assert!(a.get("NumberAttributeConstraints").is_none());
        let bad = form(&[("Name", "n"), ("MinLength", "x")]);
        assert!(
            custom_attribute("p", &bad)
                .unwrap_err()
                .of("MinLength")
                .is_some()
        );
    }

    #[test]
    fn mfa_keeps_the_factors_kognit_cannot_turn_off() {
        let current =
            json!({ "SmsMfaConfiguration": { "SmsAuthenticationMessage": "Code {####}" } });
        let req = mfa_request(
            "p",
            &form(&[("MfaConfiguration", "OPTIONAL"), ("email", "on")]),
            &current,
        );
        assert_eq!(req["MfaConfiguration"], "OPTIONAL");
        assert_eq!(req["SoftwareTokenMfaConfiguration"]["Enabled"], false);
        assert_eq!(
            req["SmsMfaConfiguration"]["SmsAuthenticationMessage"],
            "Code {####}"
        );
        assert_eq!(req["EmailMfaConfiguration"], json!({}));
        let req = mfa_request("p", &form(&[("totp", "on")]), &json!({}));
        assert!(req.get("SmsMfaConfiguration").is_none());
        assert_eq!(req["SoftwareTokenMfaConfiguration"]["Enabled"], true);
    }
}
