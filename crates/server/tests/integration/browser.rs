//! The browser harness itself: headless Chromium opens a page of the dev
//! server (`smoke`),
//! and every helper of [`Browser`] works on a small fixture site (`helpers`).
//! The admin console's end-to-end tests sit beside this module and use the
//! same [`Browser`]; without Chromium they are skipped, except in CI.

use crate::harness::TestServer;
use crate::harness::browser::{Browser, PHONE, WINDOW};
use crate::harness::on_both_backends;

on_both_backends!(smoke);

/// Chromium loads the health page and sees its `ok`.
async fn smoke(s: TestServer) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let url = format!("{}/health", s.url);
    browser.goto(&url).await;
    assert_eq!(browser.current_url().await, url);
    let body = browser.text("body").await;
    assert!(body.contains("ok"), "health page says {body:?}");
}

/// A fixture site for [`helpers`]: a form that sets cookies, a form without a
/// button, and a page whose element appears late. On 127.0.0.1:0; its URL.
async fn fixture_site() -> String {
    use axum::Form;
    use axum::response::{AppendHeaders, Html};
    use axum::routing::get;
    use std::collections::HashMap;

    let page = |body: &str| Html(format!("<!doctype html><title>fixture</title>{body}"));
    let app = axum::Router::new()
        .route(
            "/form",
            get(move || async move {
                (
                    AppendHeaders([("set-cookie", "seen=1; Path=/; HttpOnly; SameSite=Lax")]),
                    page(
                        r#"<form id="login" method="post" action="/signed-in">
                             <input id="user" name="user" value="old"><button>Sign in</button>
                           </form><a id="next" href="/late">next</a>"#,
                    ),
                )
            }),
        )
        .route(
            "/bare",
            get(move || async move {
                page(
                    r#"<form id="bare" method="post" action="/signed-in"><input id="user" name="user"></form>"#,
                )
            }),
        )
        .route(
            "/signed-in",
            axum::routing::post(move |Form(f): Form<HashMap<String, String>>| async move {
                let user = f.get("user").map(|u| u.replace('<', "&lt;")).unwrap_or_default();
                (
                    AppendHeaders([("set-cookie", "session=abc; Path=/")]),
                    page(&format!(r#"<p id="who">Hello, {user}</p>"#)),
                )
            }),
        )
        .route(
            "/late",
            get(move || async move {
                page(
                    r#"<script>setTimeout(() => document.body.insertAdjacentHTML('beforeend',
                         '<p id="late">arrived</p>'), 300)</script>"#,
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// Every helper of [`Browser`] on the fixture site: fill and submit (with a
/// submit button and without one), cookies, a navigating click, waiting for a
/// late element, and the phone-sized viewport.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helpers() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let site = fixture_site().await;

    b.goto(&format!("{site}/form")).await;
    let seen = b.cookie("seen").await.expect("cookie set by the page");
    assert_eq!((seen.value(), seen.http_only()), ("1", Some(true)));
    b.fill("#user", "alice").await;
    b.submit("#login").await;
    assert_eq!(b.text("#who").await, "Hello, alice");
    assert_eq!(b.current_url().await, format!("{site}/signed-in"));
    assert_eq!(b.cookie("session").await.expect("session").value(), "abc");
    b.delete_cookie("session").await;
    assert!(b.cookie("session").await.is_none());

    b.goto(&format!("{site}/bare")).await;
    b.fill("#user", "bob").await;
    b.submit("#bare").await;
    assert_eq!(b.text("#who").await, "Hello, bob");

    b.goto(&format!("{site}/form")).await;
    b.click("#next").await;
    assert!(!b.exists("#nowhere").await);
    assert_eq!(b.text("#late").await, "arrived");

    let png_size = |png: Vec<u8>| {
        let dim = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        (dim(16), dim(20))
    };
    let shot = b.client().screenshot().await.unwrap();
    assert_eq!(png_size(shot), WINDOW);
    b.set_window_size(PHONE.0, PHONE.1).await;
    let shot = b.client().screenshot().await.unwrap();
    assert_eq!(png_size(shot), PHONE);
}
