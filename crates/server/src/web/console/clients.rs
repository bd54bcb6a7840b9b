//! A pool's app clients: the list (paged) with a form to create one; a
//! client's page with its settings (edited with UpdateUserPoolClient), its
//! secrets (added and deleted for rotation), revoking every session it
//! issued, and deleting it.
//!
//! A secret is shown once: in the answer to the form that made it (the new
//! client's page, or the page after adding a secret), never on a later page,
//! although DescribeUserPoolClient would tell it.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use kognit_core::Error;
use kognit_core::error::ErrorCode;
use kognit_wire::types::UpdateUserPoolClientRequest;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Console, ConsoleForm, Layout, error_page, text, urlencode, with_notice};
use crate::state::AppState;
use crate::web::form::FormData;
use crate::web::page::{self, FieldErrors, redirect, when_seconds};

/// Clients per page (ListUserPoolClients' MaxResults).
const PAGE: u32 = 30;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/pools/{pool}/clients", get(list).post(create))
        .route("/console/pools/{pool}/clients/{client}", get(show))
        .route("/console/pools/{pool}/clients/{client}/{action}", post(act))
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    next: Option<String>,
    notice: Option<String>,
}

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
    fn of(c: &Value, schema: &[String]) -> Self {
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
    fn defaults(schema: &[String]) -> Self {
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
    fn submitted(f: &FormData, schema: &[String]) -> Self {
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
fn create_request(pool: &str, f: &FormData) -> Result<Value, FieldErrors> {
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
fn update_request(current: &Value, f: &FormData) -> Result<Value, FieldErrors> {
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
fn settings_errors(e: &Error) -> FieldErrors {
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

/// The names of the pool's attributes, for the read and write permissions.
async fn schema(state: &AppState, c: &Console, pool: &str) -> Result<Vec<String>, Error> {
    let a = c
        .call(state, "DescribeUserPool", json!({ "UserPoolId": pool }))
        .await?;
    Ok(a["UserPool"]["SchemaAttributes"]
        .as_array()
        .map(|s| s.iter().map(|a| text(a, "Name").to_owned()).collect())
        .unwrap_or_default())
}

/// One row of the list.
struct ClientRow {
    id: String,
    name: String,
}

#[derive(askama::Template)]
#[template(path = "console/clients.html")]
struct ClientsPage {
    layout: Layout,
    pool: String,
    clients: Vec<ClientRow>,
    paged: bool,
    next: Option<String>,
    creating: bool,
    settings: Settings,
    errors: FieldErrors,
}

async fn render_list(
    state: &AppState,
    c: &Console,
    pool: String,
    q: PageQuery,
    form: Option<&FormData>,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let schema = match schema(state, c, &pool).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let mut body = json!({ "UserPoolId": pool, "MaxResults": PAGE });
    if let Some(n) = q.next.as_deref().filter(|n| !n.is_empty()) {
        body["NextToken"] = json!(n);
    }
    let answer = match c.call(state, "ListUserPoolClients", body).await {
        Ok(a) => a,
        Err(e) => return error_page(&e),
    };
    let clients = answer["UserPoolClients"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .map(|c| ClientRow {
                    id: text(c, "ClientId").to_owned(),
                    name: text(c, "ClientName").to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    let settings = match form {
        Some(f) => Settings::submitted(f, &schema),
        None => Settings::defaults(&schema),
    };
    page::render(
        status,
        &ClientsPage {
            layout: c.layout("App clients", Some(&pool)).with_notice(q.notice),
            paged: q.next.is_some_and(|n| !n.is_empty()),
            next: answer
                .get("NextToken")
                .and_then(Value::as_str)
                .map(str::to_owned),
            pool,
            clients,
            creating: true,
            settings,
            errors,
        },
    )
}

async fn list(
    State(state): State<AppState>,
    c: Console,
    Path(pool): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    render_list(
        &state,
        &c,
        pool,
        q,
        None,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    Path(pool): Path<String>,
    post: ConsoleForm,
) -> Response {
    let ConsoleForm { console: c, form } = post;
    let q = PageQuery::default();
    let body = match create_request(&pool, &form) {
        Ok(b) => b,
        Err(errors) => {
            let s = StatusCode::BAD_REQUEST;
            return render_list(&state, &c, pool, q, Some(&form), errors, s).await;
        }
    };
    match c.call(&state, "CreateUserPoolClient", body).await {
        Ok(a) => {
            let client = &a["UserPoolClient"];
            let id = text(client, "ClientId").to_owned();
            let notice = "App client created.";
            match client.get("ClientSecret").and_then(Value::as_str) {
                // The secret is in this answer only: no redirect.
                Some(secret) => {
                    let shown = Shown {
                        notice: Some(notice.into()),
                        secret: Some(NewSecret {
                            id: None,
                            value: secret.to_owned(),
                        }),
                        ..Shown::default()
                    };
                    render_client(&state, &c, pool, id, shown).await
                }
                None => redirect(&with_notice(
                    &format!("/console/pools/{pool}/clients/{}", urlencode(&id)),
                    notice,
                )),
            }
        }
        Err(e) if e.code == ErrorCode::ResourceNotFoundException => error_page(&e),
        Err(e) => {
            let errors = settings_errors(&e);
            let s = page::status_of(&e);
            render_list(&state, &c, pool, q, Some(&form), errors, s).await
        }
    }
}

/// What the client's page says about it besides its settings.
struct Facts {
    id: String,
    name: String,
    created: String,
    modified: String,
    auth_session: String,
}

struct SecretRow {
    id: String,
    created: String,
}

/// A secret shown this once.
struct NewSecret {
    /// Its id (a secret added for rotation), or None (the client's first).
    id: Option<String>,
    value: String,
}

#[derive(askama::Template)]
#[template(path = "console/client.html")]
struct ClientPage {
    layout: Layout,
    pool: String,
    /// The client's page.
    path: String,
    client: Facts,
    creating: bool,
    settings: Settings,
    secrets: Vec<SecretRow>,
    /// Whether the client has a secret (then one more can be added, up to two).
    has_secret: bool,
    new_secret: Option<NewSecret>,
    errors: FieldErrors,
}

/// How the client's page is shown: after a redirect, with a secret once, or
/// with the errors of a refused form.
#[derive(Default)]
struct Shown {
    notice: Option<String>,
    secret: Option<NewSecret>,
    /// The settings form as submitted, when it was refused.
    form: Option<FormData>,
    errors: FieldErrors,
    status: Option<StatusCode>,
}

async fn render_client(
    state: &AppState,
    c: &Console,
    pool: String,
    id: String,
    shown: Shown,
) -> Response {
    let which = json!({ "UserPoolId": pool, "ClientId": id });
    let described = match c.call(state, "DescribeUserPoolClient", which.clone()).await {
        Ok(a) => a,
        Err(e) => return error_page(&e),
    };
    let client = &described["UserPoolClient"];
    let schema = match schema(state, c, &pool).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let mut errors = shown.errors;
    let secrets: Vec<SecretRow> = match c.call(state, "ListUserPoolClientSecrets", which).await {
        Ok(a) => a["ClientSecrets"]
            .as_array()
            .map(|s| {
                s.iter()
                    .map(|s| SecretRow {
                        id: text(s, "ClientSecretId").to_owned(),
                        created: when_seconds(&s["ClientSecretCreateDate"]),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        Err(e) => {
            errors.fields.push(("secrets".into(), e.message));
            Vec::new()
        }
    };
    let settings = match &shown.form {
        Some(f) => Settings::submitted(f, &schema),
        None => Settings::of(client, &schema),
    };
    let facts = Facts {
        id: text(client, "ClientId").to_owned(),
        name: text(client, "ClientName").to_owned(),
        created: when_seconds(&client["CreationDate"]),
        modified: when_seconds(&client["LastModifiedDate"]),
        auth_session: client["AuthSessionValidity"]
            .as_i64()
            .map(|m| format!("{m} minutes"))
            .unwrap_or_default(),
    };
    let status = shown.status.unwrap_or(if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    });
    let title = if facts.name.is_empty() {
        facts.id.clone()
    } else {
        facts.name.clone()
    };
    page::render(
        status,
        &ClientPage {
            layout: c.layout(title, Some(&pool)).with_notice(shown.notice),
            path: format!("/console/pools/{pool}/clients/{}", urlencode(&facts.id)),
            has_secret: !secrets.is_empty() || client.get("ClientSecret").is_some(),
            pool,
            client: facts,
            creating: false,
            settings,
            secrets,
            new_secret: shown.secret,
            errors,
        },
    )
}

async fn show(
    State(state): State<AppState>,
    c: Console,
    Path((pool, client)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Response {
    let shown = Shown {
        notice: q.notice,
        ..Shown::default()
    };
    render_client(&state, &c, pool, client, shown).await
}

/// The confirm box of a destructive action, or its error beside `field`.
fn confirmed(f: &FormData, field: &str) -> Result<(), FieldErrors> {
    if f.checked("confirm") {
        Ok(())
    } else {
        Err(FieldErrors::field(field, "Tick the box to confirm."))
    }
}

async fn act(
    State(state): State<AppState>,
    Path((pool, id, action)): Path<(String, String, String)>,
    post: ConsoleForm,
) -> Response {
    let ConsoleForm { console: c, form } = post;
    let which = json!({ "UserPoolId": pool, "ClientId": id });
    let path = format!("/console/pools/{pool}/clients/{}", urlencode(&id));
    let refused = |errors: FieldErrors, status: StatusCode, form: Option<FormData>| Shown {
        errors,
        status: Some(status),
        form,
        ..Shown::default()
    };
    // The error of `field`, from the API's error.
    let beside = |field: &str, e: &Error| FieldErrors::field(field, e.message.clone());
    let (op, body, field, done) = match action.as_str() {
        "update" => {
            let current = match c.call(&state, "DescribeUserPoolClient", which).await {
                Ok(a) => a["UserPoolClient"].clone(),
                Err(e) => return error_page(&e),
            };
            match update_request(&current, &form) {
                Ok(b) => ("UpdateUserPoolClient", b, "update", "Settings saved."),
                Err(errors) => {
                    let shown = refused(errors, StatusCode::BAD_REQUEST, Some(form));
                    return render_client(&state, &c, pool, id, shown).await;
                }
            }
        }
        "add-secret" => {
            return match c.call(&state, "AddUserPoolClientSecret", which).await {
                Ok(a) => {
                    let d = &a["ClientSecretDescriptor"];
                    let shown = Shown {
                        notice: Some("Secret added.".into()),
                        secret: Some(NewSecret {
                            id: Some(text(d, "ClientSecretId").to_owned()),
                            value: text(d, "ClientSecretValue").to_owned(),
                        }),
                        ..Shown::default()
                    };
                    render_client(&state, &c, pool, id, shown).await
                }
                Err(e) => {
                    let shown = refused(beside("secrets", &e), page::status_of(&e), None);
                    render_client(&state, &c, pool, id, shown).await
                }
            };
        }
        "delete-secret" => {
            let mut body = which;
            body["ClientSecretId"] = json!(form.get("ClientSecretId").unwrap_or_default());
            (
                "DeleteUserPoolClientSecret",
                body,
                "secrets",
                "Secret deleted.",
            )
        }
        "revoke-sessions" => (
            "Kognit.RevokeClientSessions",
            which,
            "revoke",
            "Sessions revoked.",
        ),
        "delete" => (
            "DeleteUserPoolClient",
            which,
            "confirm",
            "App client deleted.",
        ),
        _ => {
            let errors = FieldErrors {
                general: Some(format!("There is no action {action}.")),
                fields: Vec::new(),
            };
            let shown = refused(errors, StatusCode::NOT_FOUND, None);
            return render_client(&state, &c, pool, id, shown).await;
        }
    };
    if matches!(
        action.as_str(),
        "delete-secret" | "revoke-sessions" | "delete"
    ) && let Err(errors) = confirmed(&form, field)
    {
        let shown = refused(errors, StatusCode::BAD_REQUEST, None);
        return render_client(&state, &c, pool, id, shown).await;
    }
    match c.call(&state, op, body).await {
        Ok(_) if op == "DeleteUserPoolClient" => redirect(&with_notice(
            &format!("/console/pools/{pool}/clients"),
            done,
        )),
        Ok(a) if op == "Kognit.RevokeClientSessions" => {
            let n = a["RevokedSessions"].as_i64().unwrap_or_default();
            let said = match n {
                1 => "1 session revoked.".to_owned(),
                n => format!("{n} sessions revoked."),
            };
            redirect(&with_notice(&path, &said))
        }
        Ok(_) => redirect(&with_notice(&path, done)),
        Err(e) if op == "UpdateUserPoolClient" => {
            let shown = refused(settings_errors(&e), page::status_of(&e), Some(form));
            render_client(&state, &c, pool, id, shown).await
        }
        Err(e) => {
            let shown = refused(beside(field, &e), page::status_of(&e), None);
            render_client(&state, &c, pool, id, shown).await
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
