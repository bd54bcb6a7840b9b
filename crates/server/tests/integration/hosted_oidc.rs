//! Hosted login end to end, on both stores, with a real OIDC client library
//! (openid-client under Node: `crates/server/tests/js/oidc_client.mjs`) and
//! headless Chromium for the pages:
//! - authorization code + PKCE from the issuer alone (discovery): sign-up
//!   and email confirmation through the pages (the code from the outbox),
//!   the code at the token endpoint, the ID token verified against the JWKS,
//!   userInfo, refresh, revocation; a second authorization skips the form
//!   thanks to the hosted session; logout ends it;
//! - client credentials with a custom scope of a resource server, verified
//!   against the JWKS, and its refusals;
//! - MFA through the pages: authenticator set-up with the QR page, then a
//!   code at the next sign-in.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    OAuthFlowType, ResourceServerScopeType, SchemaAttributeType, SoftwareTokenMfaConfigType,
    UserPoolMfaType, VerifiedAttributeType,
};
use serde_json::Value;

use crate::harness::browser::Browser;
use crate::harness::on_both_backends;
use crate::harness::scripts::{node, node_available};
use crate::harness::triggers::{Reply, TriggerServer};
use crate::harness::{Backend, TestServer};
use crate::mfa::Authenticator;

/// The app the browser returns to: any path answers a small page.
async fn app() -> TriggerServer {
    TriggerServer::start(|_| {
        Reply::Raw(
            200,
            "text/html",
            "<!doctype html><p id=app>back in the app</p>".into(),
        )
    })
    .await
}

/// A pool that requires and verifies email, with the domain `shop`, and a
/// public app client for the code flow returning to `app`.
pub async fn hosted_pool(c: &Client, app: &TriggerServer) -> (String, String) {
    let pool = c
        .create_user_pool()
        .pool_name("shop")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .schema(
            SchemaAttributeType::builder()
                .name("email")
                .required(true)
                .mutable(true)
                .attribute_data_type("String".into())
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool()
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    c.create_user_pool_domain()
        .domain("shop")
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_scopes("profile")
        .callback_urls(app.url("/cb"))
        .logout_urls(app.url("/bye"))
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap()
        .user_pool_client()
        .unwrap()
        .client_id()
        .unwrap()
        .to_owned();
    (pool, client)
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// `oidc_client.mjs start`: the authorization URL and its checks.
async fn start(issuer: &str, client: &str, redirect: &str) -> Value {
    let r = node(
        "oidc_client.mjs",
        &["start", issuer, client, redirect, "openid email profile"],
    )
    .await;
    assert!(r.ok, "start failed: {}", r.json);
    r.json
}

/// `oidc_client.mjs finish` with the callback URL the browser reached.
async fn finish(issuer: &str, client: &str, callback: &str, started: &Value) -> Value {
    let r = node(
        "oidc_client.mjs",
        &[
            "finish",
            issuer,
            client,
            callback,
            text(&started["verifier"]),
            text(&started["state"]),
            text(&started["nonce"]),
        ],
    )
    .await;
    assert!(r.ok, "finish failed: {}", r.json);
    r.json
}

async fn browser_ready() -> Option<Browser> {
    if !node_available() {
        return None;
    }
    Browser::start().await
}

on_both_backends!(by_backend: oidc_code_flow_in_the_browser, mfa_through_the_pages);
on_both_backends!(client_credentials_with_a_custom_scope);

async fn oidc_code_flow_in_the_browser(backend: Backend) {
    let Some(s) = TestServer::dev(backend).await else {
        return;
    };
    let Some(b) = browser_ready().await else {
        return;
    };
    let app = app().await;
    let c = s.client();
    let (pool, client) = hosted_pool(&c, &app).await;
    let issuer = format!("{}/{pool}", s.url);
    let cb = app.url("/cb");

    // Discovery from the issuer alone names the domain's endpoints.
    let started = start(&issuer, &client, &cb).await;
    let meta = &started["metadata"];
    let base = format!("{}/hosted/shop", s.url);
    assert_eq!(
        s_(meta, "authorization_endpoint"),
        format!("{base}/oauth2/authorize")
    );
    assert_eq!(s_(meta, "token_endpoint"), format!("{base}/oauth2/token"));
    assert_eq!(
        s_(meta, "userinfo_endpoint"),
        format!("{base}/oauth2/userInfo")
    );
    assert_eq!(
        s_(meta, "revocation_endpoint"),
        format!("{base}/oauth2/revoke")
    );
    assert_eq!(s_(meta, "end_session_endpoint"), format!("{base}/logout"));

    // Sign-up and confirmation through the pages.
    b.goto(text(&started["url"])).await;
    b.wait_for("#login-form").await;
    b.screenshot("hosted-sign-in").await;
    b.click("#signup-link").await;
    b.wait_for("#signup-form").await;
    b.fill("#username", "maria").await;
    b.fill("#attr-email", "maria@example.com").await;
    b.fill("#password", "short").await;
    b.submit("#signup-form").await;
    // The pool's password policy, as SignUp answers it.
    assert!(
        b.text("#error").await.contains("Password"),
        "{}",
        b.text("#error").await
    );
    b.fill("#password", "Corr3ct-Horse!").await;
    b.submit("#signup-form").await;
    b.wait_for("#confirm-form").await;
    assert!(b.text("#destination").await.contains("m***@e***"));
    b.screenshot("hosted-confirm").await;
    b.fill("#code", "000000").await;
    b.submit("#confirm-form").await;
    assert!(b.text("#error").await.contains("Invalid verification code"));
    let code = s.latest_code(&pool, "maria").await;
    b.fill("#code", &code).await;
    b.submit("#confirm-form").await;
    b.wait_for("#app").await;
    let callback = b.current_url().await;
    assert!(callback.starts_with(&cb), "{callback}");
    assert!(callback.contains("code="), "{callback}");

    // The code at the token endpoint, through the library.
    let done = finish(&issuer, &client, &callback, &started).await;
    let claims = &done["claims"];
    assert_eq!(claims["cognito:username"], "maria");
    assert_eq!(claims["email"], "maria@example.com");
    assert_eq!(claims["email_verified"], true);
    assert_eq!(claims["nonce"], started["nonce"]);
    assert_eq!(claims["aud"], client.as_str());
    assert!(claims["at_hash"].is_string());
    assert_eq!(done["idVerified"]["sub"], claims["sub"]);
    assert_eq!(done["accessVerified"]["scope"], "openid email profile");
    assert_eq!(done["accessVerified"]["version"], 2);
    assert_eq!(done["hasRefresh"], true);
    assert_eq!(
        done["userInfo"],
        serde_json::json!({"sub": claims["sub"], "email": "maria@example.com",
                           "email_verified": "true", "username": "maria"})
    );
    assert_eq!(done["refreshed"]["hasId"], true);
    assert_eq!(done["afterRevoke"]["error"], "invalid_grant");

    // A second authorization within the hour skips the form.
    let again = start(&issuer, &client, &cb).await;
    b.goto(text(&again["url"])).await;
    b.wait_for("#app").await;
    let callback = b.current_url().await;
    let second = finish(&issuer, &client, &callback, &again).await;
    assert_eq!(second["claims"]["sub"], claims["sub"]);
    assert_eq!(second["claims"]["auth_time"], claims["auth_time"]);

    // Logout ends the hosted session: the next authorization shows the form.
    b.goto(&format!(
        "{base}/logout?client_id={client}&logout_uri={}",
        app.url("/bye")
    ))
    .await;
    b.wait_for_url("/bye").await;
    let third = start(&issuer, &client, &cb).await;
    b.goto(text(&third["url"])).await;
    b.wait_for("#login-form").await;
    b.fill("#username", "maria").await;
    b.fill("#password", "wrong password").await;
    b.submit("#login-form").await;
    assert!(
        b.text("#error")
            .await
            .contains("Incorrect username or password.")
    );
    b.fill("#password", "Corr3ct-Horse!").await;
    b.submit("#login-form").await;
    b.wait_for("#app").await;
    let callback = b.current_url().await;
    let fourth = finish(&issuer, &client, &callback, &third).await;
    assert_eq!(fourth["claims"]["sub"], claims["sub"]);
}

fn s_<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name].as_str().unwrap_or_default()
}

async fn client_credentials_with_a_custom_scope(s: TestServer) {
    if !node_available() {
        return;
    }
    let c = s.client();
    let app = app().await;
    let (pool, _) = hosted_pool(&c, &app).await;
    c.create_resource_server()
        .user_pool_id(&pool)
        .identifier("https://api.example.com")
        .name("api")
        .scopes(
            ResourceServerScopeType::builder()
                .scope_name("orders.read")
                .scope_description("read orders")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let m2m = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("worker")
        .generate_secret(true)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
        .allowed_o_auth_scopes("https://api.example.com/orders.read")
        .send()
        .await
        .unwrap();
    let m2m = m2m.user_pool_client().unwrap();
    let (id, secret) = (m2m.client_id().unwrap(), m2m.client_secret().unwrap());
    let issuer = format!("{}/{pool}", s.url);
    let r = node(
        "oidc_client.mjs",
        &[
            "m2m",
            &issuer,
            id,
            secret,
            "https://api.example.com/orders.read",
        ],
    )
    .await;
    assert!(r.ok, "m2m failed: {}", r.json);
    let v = &r.json;
    assert_eq!(v["tokenType"], "bearer");
    assert_eq!(v["hasId"], false);
    assert_eq!(v["hasRefresh"], false);
    let access = &v["access"];
    assert_eq!(access["sub"], id);
    assert_eq!(access["client_id"], id);
    assert_eq!(access["scope"], "https://api.example.com/orders.read");
    assert_eq!(access["token_use"], "access");
    assert!(access.get("username").is_none());
    assert_eq!(v["wrongSecret"]["error"], "invalid_client");
    assert_eq!(v["badScope"]["error"], "invalid_scope");
}

async fn mfa_through_the_pages(backend: Backend) {
    let Some(s) = TestServer::dev(backend).await else {
        return;
    };
    let Some(b) = Browser::start().await else {
        return;
    };
    let app = app().await;
    let c = s.client();
    let (pool, client) = hosted_pool(&c, &app).await;
    c.set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration(UserPoolMfaType::On)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .send()
        .await
        .unwrap();
    crate::harness::auth::create_user(&c, &pool, "otto").await;
    let base = format!("{}/hosted/shop", s.url);
    let authorize = format!(
        "{base}/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&state=s1",
        kognit_core::sigv4::uri_encode(&app.url("/cb"), false)
    );

    // First sign-in: the pool requires MFA and otto has none, so the pages
    // set up an authenticator.
    b.goto(&authorize).await;
    b.fill("#username", "otto").await;
    b.fill("#password", crate::harness::users::PASSWORD).await;
    b.submit("#login-form").await;
    b.wait_for("#qr svg").await;
    b.screenshot("hosted-mfa-setup").await;
    let secret = b.text("#secret-code").await;
    let mut authenticator = Authenticator::new(&secret, s.clock.clone());
    b.fill("#code", "123456").await;
    b.submit("#challenge-form").await;
    let refused = b.wait_for("#error").await;
    b.fill("#code", &authenticator.fresh().await).await;
    b.submit("#challenge-form").await;
    // Until the answer comes, the page shown is the one that refused the
    // wrong code, with its #error.
    b.wait_until_replaced(&refused).await;
    b.wait_for("#app, #error").await;
    assert!(!b.exists("#error").await, "{}", b.text("#error").await);
    assert!(b.current_url().await.contains("code="));
    assert!(b.current_url().await.contains("state=s1"));

    // Signed out, the next sign-in asks for a code from the authenticator.
    b.goto(&format!(
        "{base}/logout?client_id={client}&logout_uri={}",
        app.url("/bye")
    ))
    .await;
    b.wait_for_url("/bye").await;
    b.goto(&authorize).await;
    b.fill("#username", "otto").await;
    b.fill("#password", crate::harness::users::PASSWORD).await;
    b.submit("#login-form").await;
    b.wait_for_text("h1", "Enter the code from your authenticator app")
        .await;
    b.fill("#code", &authenticator.fresh().await).await;
    b.submit("#challenge-form").await;
    b.wait_for("#app").await;
    let callback = b.current_url().await;
    let code = callback
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let tokens: Value = reqwest::Client::new()
        .post(format!("{base}/oauth2/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", client.as_str()),
            ("code", code),
            ("redirect_uri", app.url("/cb").as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(tokens["access_token"].is_string(), "{tokens}");
    let events = c
        .admin_list_user_auth_events()
        .user_pool_id(&pool)
        .username("otto")
        .send()
        .await
        .unwrap();
    assert!(!events.auth_events().is_empty());
}
