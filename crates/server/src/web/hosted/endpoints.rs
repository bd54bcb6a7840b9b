//! The OAuth 2.0 endpoints: `/oauth2/authorize`, `/oauth2/token`,
//! `/oauth2/userInfo`, `/oauth2/revoke` and `/logout`. Each reads the HTTP
//! request, calls `kognit_core::oauth`, and answers as Cognito does.

use axum::body::Bytes;
use axum::extract::{Query, RawQuery, State};
use axum::http::header::{self, AUTHORIZATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use kognit_core::oauth::{
    Authorization, AuthorizeError, AuthorizeParams, ClientAuth, LogoutParams, LogoutTarget,
    OAuthError, TokenParams,
};
use serde::Deserialize;

use super::Domain;
use super::ui::{self, Ui};
use crate::state::AppState;
use crate::web::cookies;

/// Grants `a` at once when the browser holds a live hosted session for
/// this pool (and the request does not ask for the form): the redirect.
pub(super) async fn with_session(
    state: &AppState,
    domain: &Domain,
    headers: &HeaderMap,
    a: &Authorization,
) -> Option<Response> {
    if a.force_login {
        return None;
    }
    let now = state.now_ms();
    let svc = &state.service;
    let sealed = cookies::get(headers, ui::SESSION_COOKIE)?;
    let session = svc.open_hosted_session(&domain.pool_id, sealed, now)?;
    let (user, sign_in) = match svc.resume_hosted_session(a, &session, now).await {
        Ok(Some(found)) => found,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(error = %e.message, "hosted session could not be resumed");
            return None;
        }
    };
    Some(
        match svc.grant_authorization(a, &user, &sign_in, now).await {
            Ok(to) | Err(AuthorizeError::Redirect(to)) => ui::found(&to),
            Err(AuthorizeError::Page(m)) => page_error(state, domain, headers, &m),
        },
    )
}

fn page_error(state: &AppState, domain: &Domain, headers: &HeaderMap, message: &str) -> Response {
    let u = Ui::new(state, domain, headers, "");
    ui::error_page(&u, StatusCode::BAD_REQUEST, message)
}

/// `GET /oauth2/authorize`: a refusal, the grant (with a hosted session),
/// or the sign-in page with the same parameters.
pub async fn authorize(
    State(state): State<AppState>,
    domain: Domain,
    headers: HeaderMap,
    Query(p): Query<AuthorizeParams>,
    RawQuery(raw): RawQuery,
) -> Response {
    let a = match state.service.check_authorization(&domain.pool_id, &p).await {
        Ok(a) => a,
        Err(AuthorizeError::Redirect(to)) => return ui::found(&to),
        Err(AuthorizeError::Page(m)) => return page_error(&state, &domain, &headers, &m),
    };
    if let Some(done) = with_session(&state, &domain, &headers, &a).await {
        return done;
    }
    ui::found(&format!(
        "{}/login?{}",
        domain.base,
        raw.unwrap_or_default()
    ))
}

/// A JSON body with the headers token responses carry.
fn json(status: StatusCode, body: &impl serde::Serialize) -> Response {
    let mut r = (status, axum::Json(body)).into_response();
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    r
}

/// An OAuth error as JSON: 400, or 500 for kognit's own faults.
fn oauth_error(e: &OAuthError) -> Response {
    let status = if e.is_server_error() {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut body = serde_json::json!({ "error": e.error });
    if let Some(d) = &e.description {
        body["error_description"] = serde_json::json!(d);
    }
    json(status, &body)
}

/// The `Authorization: Basic` pair, decoded (`client_id:client_secret`,
/// each form-urlencoded as RFC 6749 says).
fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let unescape = |s: &str| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
            .ok()
            .and_then(|v| v.into_iter().next())
            .map_or_else(|| s.to_owned(), |(_, v)| v)
    };
    Some((unescape(id), unescape(secret)))
}

/// A token or revocation request's body.
#[derive(Debug, Default, Deserialize)]
struct TokenBody {
    client_id: Option<String>,
    client_secret: Option<String>,
    token: Option<String>,
    #[serde(flatten)]
    params: TokenParams,
}

fn form_body(body: &Bytes) -> Result<TokenBody, OAuthError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|_| OAuthError::described("invalid_request", "the body is not a form"))
}

/// `POST /oauth2/token`.
pub async fn token(
    State(state): State<AppState>,
    domain: Domain,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let b = match form_body(&body) {
        Ok(b) => b,
        Err(e) => return oauth_error(&e),
    };
    let auth = ClientAuth {
        basic: basic(&headers),
        client_id: b.client_id,
        client_secret: b.client_secret,
    };
    match state
        .service
        .oauth_token(&domain.pool_id, &auth, &b.params, state.now_ms())
        .await
    {
        Ok(t) => json(StatusCode::OK, &t),
        Err(e) => oauth_error(&e),
    }
}

/// `GET|POST /oauth2/userInfo` with `Authorization: Bearer <access token>`.
pub async fn user_info(
    State(state): State<AppState>,
    domain: Domain,
    headers: HeaderMap,
) -> Response {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_owned());
    let Some(token) = token else {
        return challenge(
            StatusCode::BAD_REQUEST,
            &OAuthError::described("invalid_request", "Bad OAuth2 request at UserInfo Endpoint"),
        );
    };
    match state
        .service
        .user_info(&domain.pool_id, &token, state.now_ms())
        .await
    {
        Ok(claims) => json(StatusCode::OK, &claims),
        Err(e) if e.is_server_error() => oauth_error(&e),
        Err(e) => challenge(StatusCode::UNAUTHORIZED, &e),
    }
}

/// A userInfo refusal: the error in `WWW-Authenticate` and in the body.
fn challenge(status: StatusCode, e: &OAuthError) -> Response {
    let mut r = oauth_error(e);
    *r.status_mut() = status;
    let description = e
        .description
        .as_deref()
        .unwrap_or_default()
        .replace('"', "'");
    let value = format!(
        "Bearer error=\"{}\", error_description=\"{description}\"",
        e.error
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

/// `POST /oauth2/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    domain: Domain,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let b = match form_body(&body) {
        Ok(b) => b,
        Err(e) => return oauth_error(&e),
    };
    let auth = ClientAuth {
        basic: basic(&headers),
        client_id: b.client_id,
        client_secret: b.client_secret,
    };
    match state
        .service
        .oauth_revoke(&domain.pool_id, &auth, b.token.as_deref(), state.now_ms())
        .await
    {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => oauth_error(&e),
    }
}

/// `GET /logout`: ends the hosted session, then redirects to the client's
/// logout URL or back to the sign-in page.
pub async fn logout(
    State(state): State<AppState>,
    domain: Domain,
    headers: HeaderMap,
    Query(p): Query<LogoutParams>,
) -> Response {
    let clear = ui::clear_session_cookie(&domain, state.https);
    let r = match state.service.logout_target(&domain.pool_id, &p).await {
        Ok(LogoutTarget::Redirect(to)) => ui::found(&to),
        Ok(LogoutTarget::SignIn(a)) => {
            let query = serde_urlencoded::to_string(&*a).unwrap_or_default();
            ui::found(&format!("{}/login?{query}", domain.base))
        }
        Err(m) => page_error(&state, &domain, &headers, &m),
    };
    ui::with_cookie(r, &clear)
}
