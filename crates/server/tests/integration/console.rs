//! The admin console's sign-in, sessions, CSRF protection and audit log,
//! over plain HTTP against `kognit serve` (and `kognit dev` for the loopback
//! sign-in), on both stores. The pages themselves are driven in Chromium by
//! `console_browser.rs`.

use kognit::config::Mode;
use kognit_core::console::ConsoleAdmin;

use crate::harness::console::{ConsoleClient, get_anonymously, post_anonymously};
use crate::harness::{Backend, KEY_ID, KEY_SECRET, TestServer, on_both_backends};

async fn pool_count(s: &TestServer) -> usize {
    let out = s
        .client()
        .list_user_pools()
        .max_results(60)
        .send()
        .await
        .unwrap();
    out.user_pools().len()
}

/// Without a session a page goes to the sign-in form and a form post is
/// refused; a wrong secret gets no session; a form without its session's
/// CSRF token is refused and changes nothing; every step is in the audit log.
async fn sign_in_sessions_and_csrf(backend: Backend) {
    let Some(s) = TestServer::serve(backend).await else {
        return;
    };
    let page = get_anonymously(&s, "/console/pools").await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location.as_deref(),
        Some("/console/sign-in?next=%2Fconsole%2Fpools")
    );
    // serve: the sign-in page is a form, not a session.
    let page = get_anonymously(&s, "/console/sign-in").await;
    assert_eq!(page.status, 200);
    assert!(page.set_cookie.is_none());
    assert!(page.body.contains("SecretAccessKey"));

    let refused = post_anonymously(&s, "/console/pools", &[("PoolName", "anon")]).await;
    assert_eq!(refused.status, 403);

    let wrong = ConsoleClient::with_key(&s, KEY_ID, "not-the-secret")
        .await
        .err()
        .expect("a wrong secret is refused");
    assert_eq!(wrong.status, 401);
    assert!(wrong.set_cookie.is_none());
    assert!(wrong.body.contains("Incorrect access key id or secret."));

    let c = ConsoleClient::with_key(&s, KEY_ID, KEY_SECRET)
        .await
        .unwrap_or_else(|p| panic!("sign-in refused: {} {}", p.status, p.body));
    let page = c.get("/console/pools").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(KEY_ID),
        "the page names who is signed in"
    );

    // Forms without the token, or with another one, change nothing.
    let no_token = c
        .post_exactly("/console/pools", &[("PoolName", "forged")])
        .await;
    assert_eq!(no_token.status, 403);
    let other = c
        .post_exactly(
            "/console/pools",
            &[("PoolName", "forged"), ("_csrf", "AAAA")],
        )
        .await;
    assert_eq!(other.status, 403);
    assert_eq!(pool_count(&s).await, 0);

    let made = c
        .post("/console/pools", &[("PoolName", "console pool")])
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    assert_eq!(pool_count(&s).await, 1);

    let audit = c.get("/console/audit").await;
    assert_eq!(audit.status, 200);
    let body = &audit.body;
    let failed = body
        .find("NotAuthorizedException")
        .expect("the failed sign-in");
    let created = body.find("CreateUserPool").expect("the pool's creation");
    assert!(created < failed, "newest first");
    assert!(body.contains("ConsoleSignIn"));
    assert!(!body.contains("forged"), "refused forms are not actions");

    // Signing out ends the session on the server, not only in the browser.
    let out = c.post("/console/sign-out", &[]).await;
    assert_eq!(out.status, 303);
    assert!(out.set_cookie.unwrap_or_default().contains("Max-Age=0"));
    assert_eq!(c.get("/console/pools").await.status, 303);
}

/// A session ends after the idle timeout, counted from its last request.
async fn idle_timeout(backend: Backend) {
    let Some(s) = TestServer::serve(backend).await else {
        return;
    };
    let c = ConsoleClient::with_key(&s, KEY_ID, KEY_SECRET)
        .await
        .unwrap_or_else(|p| panic!("{}", p.body));
    s.clock.advance(29 * 60_000);
    assert_eq!(c.get("/console/pools").await.status, 200, "still active");
    s.clock.advance(29 * 60_000);
    assert_eq!(
        c.get("/console/pools").await.status,
        200,
        "the last request restarted the idle period"
    );
    s.clock.advance(31 * 60_000);
    let page = c.get("/console/pools").await;
    assert_eq!(page.status, 303, "idle for 31 minutes");
    assert!(
        page.location
            .unwrap_or_default()
            .starts_with("/console/sign-in")
    );
}

/// A console administrator of the configuration signs in with a password
/// and, having a TOTP secret, the current code.
async fn console_administrator(backend: Backend) {
    let hasher = kognit_core::passwords::Hasher::new(kognit_core::passwords::HashParams::DEV);
    let hash = hasher.hash("Correct horse 1!").await.unwrap();
    let secret = kognit_core::totp::base32_encode(b"0123456789abcdef0123");
    let admin = ConsoleAdmin {
        name: "ops".into(),
        password_hash: hash,
        totp_secret: Some(secret),
    };
    let Some(s) = TestServer::with_mode(backend, Mode::Serve, |c| {
        c.console.admins = vec![admin];
    })
    .await
    else {
        return;
    };
    let wrong = ConsoleClient::sign_in(
        &s,
        &[
            ("Name", "ops"),
            ("Password", "Wrong horse 1!"),
            ("Code", "000000"),
        ],
    )
    .await
    .err()
    .expect("wrong password");
    assert_eq!(wrong.status, 401);
    let no_code = ConsoleClient::sign_in(&s, &[("Name", "ops"), ("Password", "Correct horse 1!")])
        .await
        .err()
        .expect("the code is required");
    assert_eq!(no_code.status, 401);
    let now_s = kognit_core::clock::Clock::now_ms(&*s.clock) / 1000;
    let code =
        kognit_core::totp::code_at(b"0123456789abcdef0123", kognit_core::totp::step_of(now_s));
    let c = ConsoleClient::sign_in(
        &s,
        &[
            ("Name", "ops"),
            ("Password", "Correct horse 1!"),
            ("Code", &code),
        ],
    )
    .await
    .unwrap_or_else(|p| panic!("{} {}", p.status, p.body));
    let page = c.get("/console/pools").await;
    assert!(page.body.contains("console:ops"));
}

on_both_backends!(by_backend: sign_in_sessions_and_csrf, idle_timeout, console_administrator);

/// `kognit dev` signs in a browser on the same machine without credentials.
async fn dev_signs_in_loopback(s: TestServer) {
    let c = ConsoleClient::dev(&s).await;
    let page = c.get("/console/pools").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Developer outbox"));
}

on_both_backends!(dev_signs_in_loopback);
