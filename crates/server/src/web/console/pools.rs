//! User pools: the list, creating one with the common settings, a pool's
//! overview, and deleting one (refused while DeletionProtection is on).

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use kognit_core::error::ErrorCode;
use serde_json::{Value, json};

use super::PageQuery;
use super::{Console, ConsoleForm, Layout, error_page, text, with_notice};
use crate::state::AppState;
use crate::web::form::FormData;
use crate::web::page::{self, FieldErrors, redirect, when_seconds};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/pools", get(list).post(create))
        .route("/console/pools/{pool}", get(overview))
        .route("/console/pools/{pool}/delete", post(delete))
}

/// One row of the list.
struct PoolRow {
    id: String,
    name: String,
    created: String,
}

#[derive(askama::Template)]
#[template(path = "console/pools.html")]
struct PoolsPage {
    layout: Layout,
    pools: Vec<PoolRow>,
    next: Option<String>,
    errors: FieldErrors,
    form: FormData,
}

async fn page(
    state: &AppState,
    c: &Console,
    next: Option<String>,
    notice: Option<String>,
    errors: FieldErrors,
    form: FormData,
) -> Response {
    let mut body = json!({ "MaxResults": 60 });
    if let Some(n) = &next {
        body["NextToken"] = json!(n);
    }
    let answer = match c.call(state, "ListUserPools", body).await {
        Ok(a) => a,
        Err(e) => return error_page(&e),
    };
    let pools = answer
        .get("UserPools")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| PoolRow {
                    id: text(p, "Id").to_owned(),
                    name: text(p, "Name").to_owned(),
                    created: when_seconds(&p["CreationDate"]),
                })
                .collect()
        })
        .unwrap_or_default();
    let status = if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page::render(
        status,
        &PoolsPage {
            layout: c.layout("User pools", None).with_notice(notice),
            pools,
            next: answer
                .get("NextToken")
                .and_then(Value::as_str)
                .map(str::to_owned),
            errors,
            form,
        },
    )
}

pub async fn list(
    State(state): State<AppState>,
    c: Console,
    Query(q): Query<PageQuery>,
) -> Response {
    page(
        &state,
        &c,
        q.next,
        q.notice,
        FieldErrors::default(),
        FormData::default(),
    )
    .await
}

/// The CreateUserPool request of the form's common settings.
fn create_request(f: &FormData) -> Result<Value, FieldErrors> {
    let mut body = json!({ "PoolName": f.get("PoolName").unwrap_or_default() });
    match f.get("SignInWith").unwrap_or("username") {
        "email" => body["UsernameAttributes"] = json!(["email"]),
        "phone_number" => body["UsernameAttributes"] = json!(["phone_number"]),
        "email_or_phone" => body["UsernameAttributes"] = json!(["email", "phone_number"]),
        _ => {}
    }
    let verify: Vec<String> = f.all("AutoVerifiedAttributes");
    if !verify.is_empty() {
        body["AutoVerifiedAttributes"] = json!(verify);
    }
    if let Some(m) = f.get("MfaConfiguration") {
        body["MfaConfiguration"] = json!(m);
    }
    let min = f
        .number("MinimumLength")
        .map_err(|m| FieldErrors::field("MinimumLength", m))?;
    if let Some(n) = min {
        body["Policies"] = json!({ "PasswordPolicy": {
            "MinimumLength": n,
            "RequireUppercase": f.checked("RequireUppercase"),
            "RequireLowercase": f.checked("RequireLowercase"),
            "RequireNumbers": f.checked("RequireNumbers"),
            "RequireSymbols": f.checked("RequireSymbols"),
        }});
    }
    if f.checked("AllowAdminCreateUserOnly") {
        body["AdminCreateUserConfig"] = json!({ "AllowAdminCreateUserOnly": true });
    }
    body["DeletionProtection"] = json!(if f.checked("DeletionProtection") {
        "ACTIVE"
    } else {
        "INACTIVE"
    });
    Ok(body)
}

async fn create(State(state): State<AppState>, post: ConsoleForm) -> Response {
    let ConsoleForm { console: c, form } = post;
    let body = match create_request(&form) {
        Ok(b) => b,
        Err(errors) => return page(&state, &c, None, None, errors, form).await,
    };
    match c.call(&state, "CreateUserPool", body).await {
        Ok(answer) => {
            let id = answer
                .pointer("/UserPool/Id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            redirect(&with_notice(
                &format!("/console/pools/{id}"),
                "User pool created.",
            ))
        }
        Err(e) => {
            let fields = [
                "PoolName",
                "MinimumLength",
                "MfaConfiguration",
                "SignInWith",
            ];
            let errors = FieldErrors::from_error(&e, &fields, &[]);
            page(&state, &c, None, None, errors, form).await
        }
    }
}

/// A pool's facts, as the overview shows them.
struct Overview {
    id: String,
    name: String,
    arn: String,
    issuer: String,
    jwks: String,
    discovery: String,
    users: i64,
    created: String,
    modified: String,
    sign_in_with: String,
    auto_verified: String,
    mfa: String,
    password: String,
    self_sign_up: bool,
    deletion_protection: bool,
    triggers: usize,
}

fn overview_of(p: &Value, issuer_base: &str) -> Overview {
    let list = |k: &str| {
        p.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|s| !s.is_empty())
    };
    let id = text(p, "Id").to_owned();
    let issuer = format!("{}/{}", issuer_base.trim_end_matches('/'), id);
    let pp = &p["Policies"]["PasswordPolicy"];
    let classes: Vec<&str> = [
        ("RequireUppercase", "uppercase"),
        ("RequireLowercase", "lowercase"),
        ("RequireNumbers", "numbers"),
        ("RequireSymbols", "symbols"),
    ]
    .iter()
    .filter(|(k, _)| pp[*k].as_bool() == Some(true))
    .map(|(_, n)| *n)
    .collect();
    let password = format!(
        "at least {} characters{}",
        pp["MinimumLength"].as_i64().unwrap_or(8),
        if classes.is_empty() {
            String::new()
        } else {
            format!(", with {}", classes.join(", "))
        }
    );
    Overview {
        name: text(p, "Name").to_owned(),
        arn: text(p, "Arn").to_owned(),
        jwks: format!("{issuer}/.well-known/jwks.json"),
        discovery: format!("{issuer}/.well-known/openid-configuration"),
        issuer,
        id,
        users: p["EstimatedNumberOfUsers"].as_i64().unwrap_or_default(),
        created: when_seconds(&p["CreationDate"]),
        modified: when_seconds(&p["LastModifiedDate"]),
        sign_in_with: list("UsernameAttributes")
            .map(|a| format!("{a} (as username)"))
            .or_else(|| list("AliasAttributes").map(|a| format!("username, or {a}")))
            .unwrap_or_else(|| "username".into()),
        auto_verified: list("AutoVerifiedAttributes").unwrap_or_else(|| "none".into()),
        mfa: text(p, "MfaConfiguration").to_owned(),
        password,
        self_sign_up: p["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"].as_bool()
            != Some(true),
        deletion_protection: text(p, "DeletionProtection") == "ACTIVE",
        triggers: p["LambdaConfig"]
            .as_object()
            .map(|o| o.len())
            .unwrap_or_default(),
    }
}

#[derive(askama::Template)]
#[template(path = "console/pool.html")]
struct PoolPage {
    layout: Layout,
    pool: Overview,
    errors: FieldErrors,
}

async fn show_pool(
    state: &AppState,
    c: &Console,
    id: &str,
    notice: Option<String>,
    errors: FieldErrors,
) -> Response {
    let answer = match c
        .call(state, "DescribeUserPool", json!({ "UserPoolId": id }))
        .await
    {
        Ok(a) => a,
        Err(e) => return error_page(&e),
    };
    let pool = overview_of(&answer["UserPool"], &state.service.settings().issuer_base);
    let status = if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page::render(
        status,
        &PoolPage {
            layout: c.layout(pool.name.clone(), Some(id)).with_notice(notice),
            pool,
            errors,
        },
    )
}

async fn overview(
    State(state): State<AppState>,
    c: Console,
    Path(pool): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    show_pool(&state, &c, &pool, q.notice, FieldErrors::default()).await
}

async fn delete(
    State(state): State<AppState>,
    Path(pool): Path<String>,
    post: ConsoleForm,
) -> Response {
    let ConsoleForm { console: c, form } = post;
    if !form.checked("confirm") {
        let errors = FieldErrors::field("confirm", "Tick the box to confirm the deletion.");
        return show_pool(&state, &c, &pool, None, errors).await;
    }
    match c
        .call(&state, "DeleteUserPool", json!({ "UserPoolId": pool }))
        .await
    {
        Ok(_) => redirect(&with_notice("/console/pools", "User pool deleted.")),
        Err(e) => {
            let errors = FieldErrors::from_error(
                &e,
                &[],
                &[(ErrorCode::InvalidParameterException, "confirm")],
            );
            show_pool(&state, &c, &pool, None, errors).await
        }
    }
}
