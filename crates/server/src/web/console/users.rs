//! A pool's users: one search field (username, email, phone number, name or
//! sub, by prefix) with status and enabled filters, paged; and creating a
//! user, with the invitation sent or suppressed and the temporary password
//! generated or given.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use kognit_core::error::ErrorCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Console, ConsoleForm, Layout, error_page, text, urlencode, with_notice};
use crate::state::AppState;
use crate::web::form::FormData;
use crate::web::page::{self, FieldErrors, redirect, when_seconds};

/// Users per page.
const PAGE: u32 = 25;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/pools/{pool}/users", get(list).post(create))
        .route("/console/pools/{pool}/new-user", get(new_user))
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
    status: Option<String>,
    enabled: Option<String>,
    page: Option<String>,
    notice: Option<String>,
}

/// One row of the list.
pub struct UserRow {
    pub username: String,
    pub email: String,
    pub phone: String,
    pub status: String,
    pub enabled: bool,
    pub created: String,
}

/// The attribute `name` of an API user (`Attributes` or `UserAttributes`).
pub fn attribute<'a>(user: &'a Value, name: &str) -> &'a str {
    ["Attributes", "UserAttributes"]
        .iter()
        .filter_map(|k| user.get(*k).and_then(Value::as_array))
        .flatten()
        .find(|a| text(a, "Name") == name)
        .map(|a| text(a, "Value"))
        .unwrap_or_default()
}

pub fn row(u: &Value) -> UserRow {
    UserRow {
        username: text(u, "Username").to_owned(),
        email: attribute(u, "email").to_owned(),
        phone: attribute(u, "phone_number").to_owned(),
        status: text(u, "UserStatus").to_owned(),
        enabled: u["Enabled"].as_bool().unwrap_or(true),
        created: when_seconds(&u["UserCreateDate"]),
    }
}

#[derive(askama::Template)]
#[template(path = "console/users.html")]
struct UsersPage {
    layout: Layout,
    pool: String,
    q: String,
    status: String,
    enabled: String,
    users: Vec<UserRow>,
    /// The next page's link.
    next: Option<String>,
    error: Option<String>,
}

const STATUSES: &[&str] = &[
    "UNCONFIRMED",
    "CONFIRMED",
    "FORCE_CHANGE_PASSWORD",
    "RESET_REQUIRED",
    "EXTERNAL_PROVIDER",
];

async fn list(
    State(state): State<AppState>,
    c: Console,
    Path(pool): Path<String>,
    Query(q): Query<SearchQuery>,
) -> Response {
    let query = q.q.clone().unwrap_or_default();
    let status = q
        .status
        .clone()
        .filter(|s| STATUSES.contains(&s.as_str()))
        .unwrap_or_default();
    let enabled = q
        .enabled
        .clone()
        .filter(|e| e == "true" || e == "false")
        .unwrap_or_default();
    let mut body = json!({ "UserPoolId": pool, "Query": query.trim(), "Limit": PAGE });
    if !status.is_empty() {
        body["Status"] = json!(status);
    }
    if !enabled.is_empty() {
        body["Enabled"] = json!(enabled == "true");
    }
    if let Some(p) = q.page.as_deref().filter(|p| !p.is_empty()) {
        body["PaginationToken"] = json!(p);
    }
    let (users, token, error) = match c.call(&state, "Kognit.SearchUsers", body).await {
        Ok(a) => {
            let users = a["Users"]
                .as_array()
                .map(|us| us.iter().map(row).collect())
                .unwrap_or_default();
            let token = a
                .get("PaginationToken")
                .and_then(Value::as_str)
                .map(str::to_owned);
            (users, token, None)
        }
        Err(e) if e.code == ErrorCode::ResourceNotFoundException => return error_page(&e),
        Err(e) => (Vec::new(), None, Some(e.message)),
    };
    let next = token.map(|t| {
        format!(
            "/console/pools/{pool}/users?q={}&status={}&enabled={}&page={}",
            urlencode(&query),
            status,
            enabled,
            urlencode(&t)
        )
    });
    let status_code = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page::render(
        status_code,
        &UsersPage {
            layout: c.layout("Users", Some(&pool)).with_notice(q.notice),
            pool,
            q: query,
            status,
            enabled,
            users,
            next,
            error,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "console/user_new.html")]
struct NewUserPage {
    layout: Layout,
    pool: String,
    form: FormData,
    errors: FieldErrors,
}

fn new_user_page(c: &Console, pool: String, form: FormData, errors: FieldErrors) -> Response {
    let status = if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page::render(
        status,
        &NewUserPage {
            layout: c.layout("Create a user", Some(&pool)),
            pool,
            form,
            errors,
        },
    )
}

async fn new_user(c: Console, Path(pool): Path<String>) -> Response {
    let mut form = FormData::default();
    form.0.push(("Invitation".into(), "EMAIL".into()));
    new_user_page(&c, pool, form, FieldErrors::default())
}

/// The AdminCreateUser request of the form.
fn create_request(pool: &str, f: &FormData) -> Value {
    let mut attrs = Vec::new();
    for name in ["email", "phone_number", "name", "given_name", "family_name"] {
        if let Some(v) = f.get(name) {
            attrs.push(json!({ "Name": name, "Value": v }));
        }
    }
    for name in ["email_verified", "phone_number_verified"] {
        if f.checked(name) {
            attrs.push(json!({ "Name": name, "Value": "true" }));
        }
    }
    let mut body = json!({
        "UserPoolId": pool,
        "Username": f.get("Username").unwrap_or_default(),
    });
    if !attrs.is_empty() {
        body["UserAttributes"] = json!(attrs);
    }
    if let Some(p) = f.raw("TemporaryPassword") {
        body["TemporaryPassword"] = json!(p);
    }
    match f.get("Invitation").unwrap_or("EMAIL") {
        "SUPPRESS" => body["MessageAction"] = json!("SUPPRESS"),
        "SMS" => body["DesiredDeliveryMediums"] = json!(["SMS"]),
        "BOTH" => body["DesiredDeliveryMediums"] = json!(["EMAIL", "SMS"]),
        _ => body["DesiredDeliveryMediums"] = json!(["EMAIL"]),
    }
    body
}

async fn create(
    State(state): State<AppState>,
    Path(pool): Path<String>,
    post: ConsoleForm,
) -> Response {
    let ConsoleForm { console: c, form } = post;
    match c
        .call(&state, "AdminCreateUser", create_request(&pool, &form))
        .await
    {
        Ok(a) => {
            let username = text(&a["User"], "Username");
            redirect(&with_notice(
                &format!("/console/pools/{pool}/users/{}", urlencode(username)),
                "User created.",
            ))
        }
        Err(e) => {
            let fields = [
                "Username",
                "TemporaryPassword",
                "email",
                "phone_number",
                "name",
            ];
            let by_code = [
                (ErrorCode::UsernameExistsException, "Username"),
                (ErrorCode::AliasExistsException, "email"),
                (ErrorCode::InvalidPasswordException, "TemporaryPassword"),
            ];
            let mut errors = FieldErrors::from_error(&e, &fields, &by_code);
            // Attribute problems name the attribute in the message's text.
            if let Some(g) = errors.general.take() {
                match fields[2..].iter().find(|f| g.contains(*f)) {
                    Some(f) => errors.fields.push(((*f).to_owned(), g)),
                    None => errors.general = Some(g),
                }
            }
            new_user_page(&c, pool, form, errors)
        }
    }
}
