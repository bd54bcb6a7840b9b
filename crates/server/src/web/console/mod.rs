//! The admin console (`/console`): pools, users, groups, app clients and
//! settings in a browser, and the audit log of what was done through it.
//!
//! Every page starts from a [`Console`] (a signed-in session, or a redirect
//! to the sign-in page) and every form from a [`ConsoleForm`], which also
//! checks the session's CSRF token, so no handler can forget either. Actions
//! call [`Console::call`]: the same validation and dispatch as the JSON API
//! (`protocol::run_admin`), with the outcome written to the audit log.

mod audit;
mod clients;
mod groups;
mod messages;
mod outbox;
mod pool_update;
mod pools;
mod settings;
mod sign_in;
mod triggers;
mod user;
mod users;

use std::net::{IpAddr, SocketAddr};

use axum::Router;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kognit_core::Error;
use kognit_core::console::{AuditEntry, ConsoleSession};
use kognit_core::error::ErrorCode;
use kognit_core::request::RequestContext;
use serde_json::Value;

use super::cookies;
use super::form::FormData;
use super::page::{self, redirect};
use crate::config::Mode;
use crate::state::AppState;

/// The session cookie.
pub const COOKIE: &str = "kognit_console";
/// The cookie's path: the console only.
pub const PATH: &str = "/console";
/// The form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";

/// The console's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console", get(pools::list))
        .merge(sign_in::routes())
        .merge(pools::routes())
        .merge(users::routes())
        .merge(user::routes())
        .merge(groups::routes())
        .merge(clients::routes())
        .merge(audit::routes())
        .merge(settings::routes())
        .merge(messages::routes())
        .merge(triggers::routes())
        .merge(outbox::routes())
}

/// A signed-in administrator's request.
pub struct Console {
    /// The session: the admin proof and its CSRF token.
    pub session: ConsoleSession,
    /// The caller's address and browser, for the audit log and auth events.
    pub context: RequestContext,
    /// Whether this is `kognit dev` (its developer pages are shown).
    pub dev: bool,
    /// Whether the developer outbox keeps messages (`kognit dev`, or
    /// `outbox = true` in serve): its page is shown.
    pub outbox: bool,
    /// The cookie's token (to sign out).
    token: String,
}

/// Where a request without a session goes: the sign-in page, which comes
/// back to the page asked for.
pub struct SignInFirst(String);

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        redirect(&format!("/console/sign-in?next={}", urlencode(&self.0)))
    }
}

impl FromRequestParts<AppState> for Console {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| PATH.to_owned());
        let Some(token) = cookies::get(&parts.headers, COOKIE) else {
            return Err(refuse(&parts.method, next));
        };
        let policy = state.console.session_policy();
        match state
            .service
            .console_session(token, policy, state.now_ms())
            .await
        {
            Ok(session) => Ok(Console {
                session,
                context: context(parts, state),
                dev: state.mode == Mode::Dev,
                outbox: state.mode == Mode::Dev || state.outbox,
                token: token.to_owned(),
            }),
            Err(e) if e.code == ErrorCode::NotAuthorizedException => {
                Err(refuse(&parts.method, next))
            }
            Err(e) => Err(error_page(&e)),
        }
    }
}

/// No session: a page goes to the sign-in form; a form post is refused
/// (403) and changes nothing.
fn refuse(method: &Method, next: String) -> Response {
    if method == Method::GET || method == Method::HEAD {
        SignInFirst(next).into_response()
    } else {
        page::html(
            StatusCode::FORBIDDEN,
            "You are not signed in to the kognit console.".into(),
        )
    }
}

/// The caller's address (as the API finds it, trusted proxies included) and
/// browser.
fn context(parts: &Parts, state: &AppState) -> RequestContext {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    RequestContext {
        ip: peer
            .map(|ip| crate::client_ip::client_ip(ip, &parts.headers, &state.trusted_proxies))
            .map(|ip| ip.to_string()),
        user_agent: user_agent(&parts.headers),
    }
}

fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The TCP peer's address, not the forwarded one (for the dev loopback check).
fn tcp_peer(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// A signed-in administrator's form post whose CSRF token matched.
pub struct ConsoleForm {
    /// The session.
    pub console: Console,
    /// The form's fields (without the CSRF token).
    pub form: FormData,
}

impl FromRequest<AppState> for ConsoleForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let console = Console::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let axum::Form(form) = axum::Form::<FormData>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let presented = form.raw(CSRF_FIELD).unwrap_or_default();
        if !state.service.console_csrf_ok(&console.session, presented) {
            return Err(page::html(
                StatusCode::FORBIDDEN,
                "The form's security token is missing or stale: reload the page and try again."
                    .into(),
            ));
        }
        let fields = form
            .0
            .into_iter()
            .filter(|(k, _)| k != CSRF_FIELD)
            .collect();
        Ok(ConsoleForm {
            console,
            form: FormData(fields),
        })
    }
}

/// Operations that only read: not written to the audit log.
fn reads(op: &str) -> bool {
    [
        "Describe",
        "List",
        "Get",
        "AdminGet",
        "AdminList",
        "Kognit.Search",
    ]
    .iter()
    .any(|p| op.starts_with(p))
}

impl Console {
    /// Runs an administrator operation of the API (`AdminDisableUser`, or a
    /// `Kognit.` extension) with the same validation and rules as `POST /`.
    /// Every operation that changes something is written to the audit log
    /// with its pool, its object (user, group or client) and its outcome.
    pub async fn call(&self, state: &AppState, op: &str, body: Value) -> Result<Value, Error> {
        let entry = (!reads(op)).then(|| {
            let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
            let target = [
                "Username",
                "GroupName",
                "ClientId",
                "ClientName",
                "PoolName",
            ]
            .iter()
            .find_map(|k| text(k));
            AuditEntry::new(op)
                .pool(text("UserPoolId").as_deref())
                .target(target.as_deref())
        });
        let result =
            crate::protocol::run_admin(state, &self.session.admin, op, body, self.context.clone())
                .await;
        if let Some(entry) = entry {
            let entry = match &result {
                Ok(answer) => match (&entry.pool_id, answer.pointer("/UserPool/Id")) {
                    // A pool created: the log names its new id.
                    (None, Some(Value::String(id))) => entry.pool(Some(id)),
                    _ => entry,
                },
                Err(e) => entry.failed(e.code),
            };
            let now = state.now_ms();
            state
                .service
                .audit(&self.session.admin, entry, self.context.ip.as_deref(), now)
                .await;
        }
        result
    }

    /// What every page's frame needs.
    pub fn layout(&self, title: impl Into<String>, pool: Option<&str>) -> Layout {
        Layout {
            title: title.into(),
            csrf: self.session.csrf.clone(),
            principal: self.session.admin.access_key_id.clone(),
            pool: pool.map(str::to_owned),
            dev: self.dev,
            outbox: self.outbox,
            notice: None,
        }
    }
}

/// The frame every console page is drawn in.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page's title.
    pub title: String,
    /// The session's CSRF token, put in every form.
    pub csrf: String,
    /// Who is signed in.
    pub principal: String,
    /// The pool being looked at, for the navigation.
    pub pool: Option<String>,
    /// Whether the developer pages exist.
    pub dev: bool,
    /// Whether the developer outbox's page exists.
    pub outbox: bool,
    /// A message about what was just done.
    pub notice: Option<String>,
}

impl Layout {
    /// With a notice (from the `notice` query parameter after a redirect).
    pub fn with_notice(mut self, notice: Option<String>) -> Self {
        self.notice = notice.filter(|n| !n.is_empty());
        self
    }
}

/// An error page for an error no form field caused.
pub fn error_page(e: &Error) -> Response {
    #[derive(askama::Template)]
    #[template(path = "console/error.html")]
    struct ErrorPage<'a> {
        code: &'a str,
        message: &'a str,
    }
    page::render(
        page::status_of(e),
        &ErrorPage {
            code: e.code.as_str(),
            message: &e.message,
        },
    )
}

/// Percent-encodes a path segment or query value: every byte outside RFC
/// 3986's unreserved set, as SigV4's canonical requests do (one encoder).
pub fn urlencode(s: &str) -> String {
    kognit_core::sigv4::uri_encode(s, false)
}

/// The query of a page: the next page of its list, and a notice about what
/// was just done (after a redirect).
#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    /// The list's next page (the API's NextToken).
    pub next: Option<String>,
    /// What was just done.
    pub notice: Option<String>,
}

/// A page's URL with a notice to show after a redirect.
pub fn with_notice(url: &str, notice: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}notice={}", urlencode(notice))
}

/// A string member of an API answer.
pub fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}
