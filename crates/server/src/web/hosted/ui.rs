//! What every hosted page shares: the layout's context, the CSRF token
//! (a double-submit cookie: the login page has no session yet), the hosted
//! session cookie, the error page and the stylesheet.

use axum::http::header::{self, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::Domain;
use crate::state::AppState;
use crate::web::cookies;
use crate::web::form::FormData;
use crate::web::page;

const CSS: &str = include_str!("../../../assets/hosted.css");

/// The CSRF cookie of the hosted pages.
const CSRF_COOKIE: &str = "kognit_hosted_csrf";
/// The hosted session cookie (Cognito's is named `cognito` too).
pub const SESSION_COOKIE: &str = "cognito";

/// The layout's context.
pub struct Ui {
    /// Base path of links and form actions.
    pub base: String,
    /// The authorization request's query, carried from page to page.
    pub query: String,
    /// The CSRF token for the forms.
    pub csrf: String,
    /// The app client's name, shown when there is no logo.
    pub client_name: String,
    /// A stylesheet of the pool's or client's UI customization.
    pub custom_css: Option<String>,
    /// The customization's logo.
    pub logo: Option<String>,
    /// A new CSRF cookie to set with the page.
    set_cookie: Option<String>,
}

impl Ui {
    /// The context for a page of `domain`, reusing the browser's CSRF token
    /// or making one.
    pub fn new(state: &AppState, domain: &Domain, headers: &HeaderMap, query: &str) -> Self {
        let existing = cookies::get(headers, CSRF_COOKIE)
            .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(str::to_owned);
        let (csrf, set_cookie) = match existing {
            Some(t) => (t, None),
            None => {
                let t = hex::encode(kognit_core::crypto::random_bytes(16));
                let c = cookies::set(CSRF_COOKIE, &t, domain.cookie_path(), state.https);
                (t, Some(c))
            }
        };
        Ui {
            base: domain.base.clone(),
            query: query.to_owned(),
            csrf,
            client_name: String::new(),
            custom_css: None,
            logo: None,
            set_cookie,
        }
    }

    /// Names the app client on the page, and applies the client's (or the
    /// pool's) UI customization: its stylesheet and logo.
    pub async fn for_client(
        mut self,
        state: &AppState,
        client: &kognit_core::records::AppClient,
    ) -> Self {
        self.client_name = client.config.client_name.clone().unwrap_or_default();
        match state
            .service
            .effective_ui_customization(&client.pool_id, client.id())
            .await
        {
            Ok(Some(c)) => {
                if c.css.is_some() {
                    self.custom_css = Some(c.css_path(&client.pool_id));
                }
                if c.has_image {
                    self.logo = Some(c.logo_path(&client.pool_id));
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e.message, "UI customization not read"),
        }
        self
    }

    /// Renders a page with this context, setting the CSRF cookie if new.
    pub fn render<T: askama::Template>(&self, status: StatusCode, page: &T) -> Response {
        let mut r = page::render_with(status, page, page::HOSTED_CSP);
        if let Some(c) = &self.set_cookie
            && let Ok(v) = HeaderValue::from_str(c)
        {
            r.headers_mut().append(SET_COOKIE, v);
        }
        r
    }
}

/// Whether a posted form carries the browser's CSRF token.
pub fn csrf_ok(headers: &HeaderMap, form: &FormData) -> bool {
    match (cookies::get(headers, CSRF_COOKIE), form.raw("_csrf")) {
        (Some(c), Some(f)) => kognit_core::crypto::ct_eq(c.as_bytes(), f.as_bytes()),
        _ => false,
    }
}

#[derive(askama::Template)]
#[template(path = "hosted/error.html")]
struct ErrorPage<'a> {
    ui: &'a Ui,
    message: &'a str,
}

/// The error page: a request no redirect can answer.
pub fn error_page(ui: &Ui, status: StatusCode, message: &str) -> Response {
    ui.render(status, &ErrorPage { ui, message })
}

/// A `302 Found` to `to`, as the authorization server redirects.
pub fn found(to: &str) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The `Set-Cookie` of a hosted session: `SameSite=Lax`, so the browser
/// sends it when an app sends it back to `/oauth2/authorize`; an hour.
pub fn session_cookie(value: &str, domain: &Domain, https: bool) -> String {
    cookies::set_lax(SESSION_COOKIE, value, domain.cookie_path(), https, 3600)
}

/// The `Set-Cookie` that ends a hosted session.
pub fn clear_session_cookie(domain: &Domain, https: bool) -> String {
    cookies::set_lax(SESSION_COOKIE, "", domain.cookie_path(), https, 0)
}

/// Adds a `Set-Cookie` to a response.
pub fn with_cookie(mut r: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().append(SET_COOKIE, v);
    }
    r
}

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}
