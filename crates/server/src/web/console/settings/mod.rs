//! A pool's sign-up and sign-in settings: its attributes (and adding a
//! custom one), what Cognito fixes at creation (changed through
//! `Kognit.ChangeUserPoolFixedSettings`, whose refusals show beside the
//! field), sign-up, the password policy, MFA, account recovery and deletion
//! protection. One small form per panel; each UpdateUserPool form sends the
//! pool's current value of every setting it does not edit (`pool_update`).

mod forms;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::Value;

use self::forms::{Change, form_of};
use super::PageQuery;
use super::pool_update::{
    self, Check, Choice, checks, choices, describe, errors_of, is_missing, strings,
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
    /// PasswordHistorySize: empty when not set (0 is not kept).
    history: String,
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
            history: number(&pp["PasswordHistorySize"]),
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
    Query(q): Query<PageQuery>,
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
