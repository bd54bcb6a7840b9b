//! Signing in and out. In `serve`: an access key (id and secret) or a
//! console administrator of the configuration (name, password, TOTP code).
//! In `kognit dev`, a browser on the same machine (a loopback TCP peer) is
//! signed in without credentials; from any other address the form is shown
//! and only credentials work.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{get, post};
use kognit_core::AdminCheck;
use kognit_core::console::ConsoleSignIn;
use serde::Deserialize;

use super::{COOKIE, ConsoleForm, PATH, context, tcp_peer};
use crate::config::Mode;
use crate::state::AppState;
use crate::web::cookies;
use crate::web::form::FormData;
use crate::web::page::{self, FieldErrors, redirect};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/sign-in", get(form).post(submit))
        .route("/console/sign-out", post(sign_out))
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
    /// Set after signing out: `kognit dev` then shows the page instead of
    /// signing the browser straight back in.
    signed_out: Option<String>,
}

/// Only a console page may be returned to (no open redirect).
fn next_page(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with("/console") && !n.starts_with("//") && !n.contains('\\') => n,
        _ => PATH,
    }
}

#[derive(askama::Template)]
#[template(path = "console/sign_in.html")]
struct SignInPage<'a> {
    next: &'a str,
    errors: FieldErrors,
    key_id: &'a str,
    name: &'a str,
    has_admins: bool,
    signed_out: bool,
    dev: bool,
}

fn show(
    state: &AppState,
    next: &str,
    errors: FieldErrors,
    form: &FormData,
    signed_out: bool,
) -> Response {
    let status = if errors.any() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    page::render(
        status,
        &SignInPage {
            next,
            errors,
            key_id: form.get("AccessKeyId").unwrap_or_default(),
            name: form.get("Name").unwrap_or_default(),
            has_admins: !state.console.admins.is_empty(),
            signed_out,
            dev: state.mode == Mode::Dev,
        },
    )
}

/// Signs the browser in and goes on to `next`.
fn signed_in(state: &AppState, s: &ConsoleSignIn, next: &str) -> Response {
    let mut r = redirect(next);
    if let Ok(v) = cookies::set(COOKIE, &s.token, PATH, state.https).parse() {
        r.headers_mut().insert(SET_COOKIE, v);
    }
    r
}

async fn form(State(state): State<AppState>, Query(q): Query<Next>, parts: Parts) -> Response {
    let next = next_page(q.next.as_deref());
    let loopback = tcp_peer(&parts).is_some_and(|ip| ip.is_loopback());
    if state.mode == Mode::Dev && loopback && q.signed_out.is_none() {
        let ctx = context(&parts, &state);
        let check = AdminCheck::AnyCaller { claimed_key: "dev" };
        return match state
            .service
            .console_sign_in(
                check,
                state.console.session_policy(),
                ctx.ip.as_deref(),
                state.now_ms(),
            )
            .await
        {
            Ok(s) => signed_in(&state, &s, next),
            Err(e) => super::error_page(&e),
        };
    }
    show(
        &state,
        next,
        FieldErrors::default(),
        &FormData::default(),
        q.signed_out.is_some(),
    )
}

async fn submit(
    State(state): State<AppState>,
    Query(q): Query<Next>,
    parts: Parts,
    axum::Form(form): axum::Form<FormData>,
) -> Response {
    let next = next_page(q.next.as_deref());
    let ctx = context(&parts, &state);
    // The client's address as the API's limits see it (behind a trusted
    // proxy, the forwarded one), so one client cannot use up a shared proxy's.
    let client = ctx.ip.as_deref().and_then(|ip| ip.parse().ok());
    if let Some(ip) = client
        && let Err(e) = state.limits.check_ip(ip)
    {
        return show(
            &state,
            next,
            FieldErrors::from_error(&e, &[], &[]),
            &form,
            false,
        );
    }
    let now = state.now_ms();
    let check = if let Some(name) = form.get("Name") {
        AdminCheck::ConsolePassword {
            name,
            password: form.raw("Password").unwrap_or_default(),
            totp_code: form.get("Code"),
            admins: &state.console.admins,
            now,
        }
    } else {
        AdminCheck::AccessKeySecret {
            id: form.get("AccessKeyId").unwrap_or_default(),
            secret: form.raw("SecretAccessKey").unwrap_or_default(),
            configured: &state.access_keys,
        }
    };
    match state
        .service
        .console_sign_in(
            check,
            state.console.session_policy(),
            ctx.ip.as_deref(),
            now,
        )
        .await
    {
        Ok(s) => signed_in(&state, &s, next),
        Err(e) => show(
            &state,
            next,
            FieldErrors::from_error(&e, &[], &[]),
            &form,
            false,
        ),
    }
}

async fn sign_out(State(state): State<AppState>, post: ConsoleForm) -> Response {
    let console = post.console;
    if let Err(e) = state.service.console_sign_out(&console.token).await {
        return super::error_page(&e);
    }
    let entry = kognit_core::console::AuditEntry::new("ConsoleSignOut");
    state
        .service
        .audit(
            &console.session.admin,
            entry,
            console.context.ip.as_deref(),
            state.now_ms(),
        )
        .await;
    let mut r = redirect("/console/sign-in?signed_out=1");
    if let Ok(v) = cookies::clear(COOKIE, PATH, state.https).parse() {
        r.headers_mut().insert(SET_COOKIE, v);
    }
    r
}
