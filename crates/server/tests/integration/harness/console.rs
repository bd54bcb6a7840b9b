//! The admin console over plain HTTP: a session cookie, its CSRF token read
//! from a page, and form posts that carry it. (The browser tests drive
//! Chromium instead; these are for checking what a request does.)

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;

use super::TestServer;

/// A page or form answer.
pub struct Page {
    pub status: u16,
    /// Where a redirect goes.
    pub location: Option<String>,
    /// The `Set-Cookie` header, if any.
    pub set_cookie: Option<String>,
    pub body: String,
}

/// A signed-in console session.
pub struct ConsoleClient {
    base: String,
    http: reqwest::Client,
    /// `kognit_console=<token>`.
    pub cookie: String,
}

/// A client that does not follow redirects, so tests see them.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("http client")
}

async fn read(resp: reqwest::Response) -> Page {
    let status = resp.status().as_u16();
    let header = |name| {
        resp.headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let location = header(LOCATION);
    let set_cookie = header(SET_COOKIE);
    let body = resp.text().await.expect("body");
    Page {
        status,
        location,
        set_cookie,
        body,
    }
}

/// `name=value` of a `Set-Cookie` header.
fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

/// The CSRF token in a page's forms.
pub fn csrf_in(html: &str) -> String {
    let at = html
        .find("name=\"_csrf\" value=\"")
        .expect("the page has a form with a CSRF token");
    let rest = &html[at + "name=\"_csrf\" value=\"".len()..];
    rest[..rest.find('"').expect("closing quote")].to_owned()
}

impl ConsoleClient {
    /// `kognit dev`: a loopback browser is signed in by visiting the sign-in page.
    pub async fn dev(s: &TestServer) -> Self {
        let page = read(
            http()
                .get(format!("{}/console/sign-in", s.url))
                .send()
                .await
                .expect("sign-in page"),
        )
        .await;
        assert_eq!(page.status, 303, "dev signs a loopback browser in");
        let cookie = cookie_pair(&page.set_cookie.expect("a session cookie"));
        Self {
            base: s.url.clone(),
            http: http(),
            cookie,
        }
    }

    /// Signs in with an access key's id and secret; the refusing page when
    /// the console refuses them.
    pub async fn with_key(s: &TestServer, id: &str, secret: &str) -> Result<Self, Page> {
        Self::sign_in(s, &[("AccessKeyId", id), ("SecretAccessKey", secret)]).await
    }

    /// Posts the sign-in form with these fields.
    pub async fn sign_in(s: &TestServer, fields: &[(&str, &str)]) -> Result<Self, Page> {
        let page = read(
            http()
                .post(format!("{}/console/sign-in", s.url))
                .form(fields)
                .send()
                .await
                .expect("sign-in"),
        )
        .await;
        match (&page.status, &page.set_cookie) {
            (303, Some(c)) => Ok(Self {
                base: s.url.clone(),
                http: http(),
                cookie: cookie_pair(c),
            }),
            _ => Err(page),
        }
    }

    /// GETs a console path (`/console/...`).
    pub async fn get(&self, path: &str) -> Page {
        read(
            self.http
                .get(format!("{}{path}", self.base))
                .header(COOKIE, &self.cookie)
                .send()
                .await
                .expect("get"),
        )
        .await
    }

    /// The session's CSRF token, read from a page.
    pub async fn csrf(&self) -> String {
        let page = self.get("/console/pools").await;
        assert_eq!(page.status, 200, "{}", page.body);
        csrf_in(&page.body)
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("_csrf", &csrf));
        self.post_exactly(path, &all).await
    }

    /// Posts exactly these fields (no CSRF token added), with the cookie.
    pub async fn post_exactly(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        read(
            self.http
                .post(format!("{}{path}", self.base))
                .header(COOKIE, &self.cookie)
                .form(fields)
                .send()
                .await
                .expect("post"),
        )
        .await
    }
}

/// Posts a form without any session cookie.
pub async fn post_anonymously(s: &TestServer, path: &str, fields: &[(&str, &str)]) -> Page {
    read(
        http()
            .post(format!("{}{path}", s.url))
            .form(fields)
            .send()
            .await
            .expect("post"),
    )
    .await
}

/// GETs a path without any session cookie.
pub async fn get_anonymously(s: &TestServer, path: &str) -> Page {
    read(
        http()
            .get(format!("{}{path}", s.url))
            .send()
            .await
            .expect("get"),
    )
    .await
}
