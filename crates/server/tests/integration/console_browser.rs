//! The admin console end to end in headless Chromium against `kognit serve`,
//! on both stores: an administrator signs in with an access key, creates a
//! pool, an app client and a user with a temporary password, finds the user
//! by an email prefix, disables and enables them and sets a permanent
//! password; the user then signs in through the API with it. Revoking the
//! client's sessions in the console makes the user's refresh token refused,
//! and the audit log shows each step. Screenshots of the main pages are
//! written when `KOGNIT_SCREENSHOTS` is set (`scripts/console-screenshots`).

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;

use crate::harness::browser::{Browser, PHONE, WINDOW};
use crate::harness::{Backend, KEY_ID, KEY_SECRET, TestServer, code, on_both_backends};

/// Ticks a checkbox or picks a radio button, whatever its state was.
async fn tick(b: &Browser, css: &str) {
    let el = b.wait_for(css).await;
    if !el.is_selected().await.expect("selected state") {
        el.click().await.expect("click");
    }
}

/// On a phone the page does not scroll sideways: only a wide table
/// scrolls, inside its own box. The window must be phone-sized already.
async fn assert_fits(b: &Browser, page: &str) {
    let wide = b
        .client()
        .execute(
            "return [...document.querySelectorAll('body *')] \
               .filter(e => !e.closest('.scroll') \
                 && e.getBoundingClientRect().right > window.innerWidth + 1) \
               .map(e => e.tagName + '#' + e.id + '.' + e.className)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(wide, serde_json::json!([]), "{page}: wider than a phone");
}

/// [`assert_fits`] in a phone-sized window, then back to the usual one.
async fn fits_a_phone(b: &Browser, page: &str) {
    b.set_window_size(PHONE.0, PHONE.1).await;
    assert_fits(b, page).await;
    b.set_window_size(WINDOW.0, WINDOW.1).await;
}

async fn console_end_to_end(backend: Backend) {
    let Some(s) = TestServer::serve(backend).await else {
        return;
    };
    let Some(b) = Browser::start().await else {
        return;
    };
    let api = s.client();

    // Without a session, the console sends the browser to the sign-in page.
    b.goto(&format!("{}/console/pools", s.url)).await;
    b.wait_for("#key-form").await;
    assert!(b.current_url().await.contains("/console/sign-in?next="));
    b.fill("#AccessKeyId", KEY_ID).await;
    b.fill("#SecretAccessKey", "wrong secret").await;
    b.submit("#key-form").await;
    assert!(
        b.text("#sign-in-error")
            .await
            .contains("Incorrect access key id or secret")
    );
    b.screenshot("sign-in").await;
    fits_a_phone(&b, "sign-in").await;
    b.fill("#SecretAccessKey", KEY_SECRET).await;
    b.submit("#key-form").await;
    b.wait_for_text("h1", "User pools").await;
    let cookie = b.cookie("kognit_console").await.expect("session cookie");
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(format!("{:?}", cookie.same_site()), "Some(Strict)");

    // A pool.
    b.fill("#PoolName", "Shop").await;
    b.submit("#create-pool").await;
    b.wait_for_text("h1", "Shop").await;
    let pools = api.list_user_pools().max_results(10).send().await.unwrap();
    let pool = pools.user_pools()[0].id().unwrap().to_owned();
    assert!(b.text("#pool-facts").await.contains(&pool));
    b.screenshot("pool").await;
    fits_a_phone(&b, "pool").await;

    // Its password policy: no reuse of the last three passwords.
    b.goto(&format!("{}/console/pools/{pool}/settings#password", s.url))
        .await;
    b.fill("#PasswordHistorySize", "3").await;
    b.submit("#password-policy").await;
    b.wait_for_text(".notice", "Password policy saved.").await;
    let policy = crate::harness::describe_pool(&api, &pool)
        .await
        .policies
        .unwrap()
        .password_policy
        .unwrap();
    assert_eq!(policy.password_history_size, Some(3));
    b.scroll_to("password").await;
    b.screenshot("settings-password").await;
    b.set_window_size(PHONE.0, PHONE.1).await;
    b.scroll_to("password").await;
    b.screenshot("settings-password-phone").await;
    assert_fits(&b, "settings").await;
    b.scroll_to("recovery").await;
    b.screenshot("settings-recovery-phone").await;
    b.set_window_size(WINDOW.0, WINDOW.1).await;

    // An app client allowing password sign-in and refresh.
    b.goto(&format!("{}/console/pools/{pool}/clients", s.url))
        .await;
    b.fill("#ClientName", "web").await;
    tick(
        &b,
        "input[name=ExplicitAuthFlows][value=ALLOW_USER_PASSWORD_AUTH]",
    )
    .await;
    tick(
        &b,
        "input[name=ExplicitAuthFlows][value=ALLOW_REFRESH_TOKEN_AUTH]",
    )
    .await;
    b.submit("#create-client").await;
    b.wait_for("#revoke-sessions").await;
    let clients = api
        .list_user_pool_clients()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let client = clients.user_pool_clients()[0]
        .client_id()
        .unwrap()
        .to_owned();
    b.screenshot("client").await;
    fits_a_phone(&b, "client").await;

    // A user with a temporary password, no invitation.
    b.goto(&format!("{}/console/pools/{pool}/new-user", s.url))
        .await;
    b.wait_for("#create-user").await;
    fits_a_phone(&b, "new user").await;
    b.fill("#Username", "maria").await;
    b.fill("#email", "maria.lopez@example.com").await;
    b.fill("#name", "María López").await;
    b.fill("#TemporaryPassword", "Temp-pass-123").await;
    tick(&b, "input[name=Invitation][value=SUPPRESS]").await;
    b.submit("#create-user").await;
    b.wait_for_text("h1", "maria").await;
    b.wait_for_text("#status", "FORCE_CHANGE_PASSWORD").await;

    // More users, then find maria by a prefix of her email address.
    for name in ["mario", "zoe"] {
        api.admin_create_user()
            .user_pool_id(&pool)
            .username(name)
            .user_attributes(
                aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                    .name("email")
                    .value(format!("{name}@example.org"))
                    .build()
                    .unwrap(),
            )
            .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
    }
    b.goto(&format!("{}/console/pools/{pool}/users", s.url))
        .await;
    b.fill("#q", "maria.lo").await;
    b.submit("#user-search").await;
    b.wait_for_url("q=maria.lo").await;
    let found = b.text("#users tbody").await;
    assert!(
        found.contains("maria") && !found.contains("mario") && !found.contains("zoe"),
        "{found}"
    );
    b.fill("#q", "").await;
    b.submit("#user-search").await;
    b.wait_for_url("q=&").await;
    let all = b.text("#users tbody").await;
    assert!(all.contains("mario") && all.contains("zoe"), "{all}");
    b.screenshot("users").await;
    b.set_window_size(PHONE.0, PHONE.1).await;
    b.screenshot("users-phone").await;
    assert_fits(&b, "users").await;
    b.set_window_size(WINDOW.0, WINDOW.1).await;

    // Disable and enable her, then give her a permanent password.
    b.fill("#q", "maria.lo").await;
    b.submit("#user-search").await;
    b.wait_for_url("q=maria.lo").await;
    b.click("#users tbody a").await;
    b.wait_for_text("h1", "maria").await;
    b.click("#disable-user").await;
    b.wait_for_text("#enabled", "disabled").await;
    let user = api
        .admin_get_user()
        .user_pool_id(&pool)
        .username("maria")
        .send()
        .await
        .unwrap();
    assert!(!user.enabled());
    b.click("#enable-user").await;
    b.wait_for_text("#enabled", "enabled").await;
    b.fill("#Password", "short").await;
    b.submit("#set-password").await;
    assert!(
        b.text("#Password-err").await.contains("Password"),
        "the policy's refusal is shown beside the field"
    );
    b.fill("#Password", "Perm-pass-456!").await;
    tick(&b, "#permanent").await;
    b.submit("#set-password").await;
    b.wait_for_text(".notice", "Password set.").await;
    b.wait_for_text("#status", "CONFIRMED").await;
    b.screenshot("user").await;
    fits_a_phone(&b, "user").await;

    // She signs in through the API with it, and her refresh token works.
    let signed_in = api
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "maria")
        .auth_parameters("PASSWORD", "Perm-pass-456!")
        .send()
        .await
        .unwrap();
    let refresh = signed_in
        .authentication_result()
        .and_then(|r| r.refresh_token())
        .expect("a refresh token")
        .to_owned();
    let refresh_with = |token: String| {
        api.initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", token)
            .send()
    };
    refresh_with(refresh.clone()).await.unwrap();

    // Revoking the client's sessions in the console ends hers.
    b.goto(&format!("{}/console/pools/{pool}/clients/{client}", s.url))
        .await;
    b.submit("#revoke-sessions").await;
    assert!(
        b.text("#revoke-err").await.contains("Tick"),
        "the revocation asks for a tick first"
    );
    refresh_with(refresh.clone()).await.unwrap();
    tick(&b, "#confirm-revoke").await;
    b.submit("#revoke-sessions").await;
    b.wait_for_text(".notice", "1 session revoked.").await;
    let refused = refresh_with(refresh).await.unwrap_err();
    assert_eq!(code(&refused), "NotAuthorizedException");
    let client_still = api
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&client)
        .send()
        .await;
    assert!(client_still.is_ok(), "the client itself stays");

    // The audit log shows each step, newest first.
    b.goto(&format!("{}/console/audit?pool={pool}", s.url))
        .await;
    let log = b.text("#audit tbody").await;
    let order = [
        "Kognit.RevokeClientSessions",
        "AdminSetUserPassword",
        "AdminEnableUser",
        "AdminDisableUser",
        "AdminCreateUser",
        "CreateUserPoolClient",
        "CreateUserPool",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|a| {
            // Whole words: CreateUserPool also begins CreateUserPoolClient.
            log.match_indices(a)
                .map(|(i, _)| i)
                .find(|i| !log[i + a.len()..].starts_with(char::is_alphanumeric))
                .unwrap_or_else(|| panic!("{a} is in the audit log:\n{log}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "newest first:\n{log}");
    assert!(log.contains(KEY_ID));
    assert!(
        log.contains("InvalidPasswordException"),
        "the refused password too"
    );
    b.screenshot("audit").await;
    fits_a_phone(&b, "audit").await;

    // Signing out ends the session: the next page asks to sign in again.
    b.click(".who button").await;
    b.goto(&format!("{}/console/pools", s.url)).await;
    b.wait_for("#key-form").await;
}

on_both_backends!(by_backend: console_end_to_end);
