//! A pool's app clients: the list (paged) with a form to create one; a
//! client's page with its settings (edited with UpdateUserPoolClient), its
//! secrets (added and deleted for rotation), revoking every session it
//! issued, and deleting it.
//!
//! A secret is shown once: in the answer to the form that made it (the new
//! client's page, or the page after adding a secret), never on a later page,
//! although DescribeUserPoolClient would tell it.

mod settings;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use kognit_core::Error;
use kognit_core::error::ErrorCode;
use serde_json::{Value, json};

use self::settings::{Settings, create_request, settings_errors, update_request};
use super::PageQuery;
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
