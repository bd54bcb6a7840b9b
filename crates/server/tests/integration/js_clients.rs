//! Client compatibility: the JavaScript libraries apps really use, run by Node
//! against the real server. amazon-cognito-identity-js signs in with its own SRP
//! (USER_SRP_AUTH → PASSWORD_VERIFIER), refreshes and reads the user's
//! attributes, and remembers a device (ConfirmDevice, then DEVICE_SRP_AUTH on
//! the next sign-in); aws-jwt-verify checks the tokens against the pool's JWKS.
//! A user also lives their whole self-service life through
//! amazon-cognito-identity-js: sign-up, confirmation, attribute changes and
//! verification, password change and reset, deletion.
//!
//! The scripts and their locked dependencies live in `crates/server/tests/js`
//! (`npm ci` there, which `scripts/test` runs). Without `node` or the installed
//! packages these tests are skipped with a note — except in CI (`CI` set),
//! where they fail.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{MessageActionType, UsernameAttributeType};
use serde_json::Value;

use crate::harness::TestServer;
use crate::harness::auth::setup;
use crate::harness::on_both_backends;
use crate::harness::scripts::{Run, node, node_available};
use crate::harness::users::PASSWORD;

on_both_backends!(
    js_srp_sign_in_refresh_and_verify,
    js_srp_with_email_as_username,
    js_wrong_password,
    js_remembered_device,
    js_user_lifecycle,
);

/// Signs in with amazon-cognito-identity-js; the script's JSON.
async fn js_sign_in(
    s: &TestServer,
    pool: &str,
    client: &str,
    username: &str,
    password: &str,
) -> Run {
    node(
        "srp_sign_in.mjs",
        &[&s.url, pool, client, username, password],
    )
    .await
}

/// The token `key` of a successful run.
fn token<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("no {key} in {v}"))
}

/// Verifies an ID and an access token with aws-jwt-verify; (id, access) claims.
async fn js_verify(
    s: &TestServer,
    pool: &str,
    client: &str,
    id: &str,
    access: &str,
) -> (Value, Value) {
    let issuer = format!("{}/{}", s.url, pool);
    let r = node("verify_tokens.mjs", &[&issuer, client, id, access]).await;
    assert!(r.ok, "aws-jwt-verify rejected kognit's tokens: {}", r.json);
    (r.json["id"].clone(), r.json["access"].clone())
}

/// Asserts the claims aws-jwt-verify returned for one sign-in of `username`.
fn assert_claims(
    s: &TestServer,
    pool: &str,
    client: &str,
    username: &str,
    sub: &str,
    id: &Value,
    access: &Value,
) {
    let issuer = format!("{}/{}", s.url, pool);
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["iss"], issuer.as_str());
    assert_eq!(id["aud"], client);
    assert_eq!(id["sub"], sub);
    assert_eq!(id["cognito:username"], username);
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["iss"], issuer.as_str());
    assert_eq!(access["client_id"], client);
    assert_eq!(access["sub"], sub);
    assert_eq!(access["username"], username);
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
}

/// GetUser through the AWS SDK with an access token from the JS client.
async fn get_user_name(c: &Client, access: &str) -> String {
    c.get_user()
        .access_token(access)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GetUser with the JS client's access token: {e:?}"))
        .username
}

async fn js_srp_sign_in_refresh_and_verify(s: TestServer) {
    if !node_available() {
        return;
    }
    let c = s.client();
    let st = setup(&c).await;
    let r = js_sign_in(&s, &st.pool, &st.client, "pat", PASSWORD).await;
    assert!(
        r.ok,
        "amazon-cognito-identity-js could not sign in: {}",
        r.json
    );
    let v = &r.json;
    assert_eq!(v["username"], "pat");
    let (id, access) = (token(v, "idToken"), token(v, "accessToken"));
    assert!(!token(v, "refreshToken").is_empty());

    // getUserAttributes (GetUser with the access token) ran in the script.
    let attrs = &v["attributes"];
    assert_eq!(attrs["email"], "pat@example.com");
    assert_eq!(attrs["email_verified"], "true");
    let sub = attrs["sub"]
        .as_str()
        .expect("sub among the attributes")
        .to_owned();

    // The tokens work for the AWS SDK too.
    assert_eq!(get_user_name(&c, access).await, "pat");
    let (idc, ac) = js_verify(&s, &st.pool, &st.client, id, access).await;
    assert_claims(&s, &st.pool, &st.client, "pat", &sub, &idc, &ac);
    assert_eq!(idc["email"], "pat@example.com");

    // refreshSession (REFRESH_TOKEN_AUTH) gave new tokens of the same session.
    let refreshed = &v["refreshed"];
    let (rid, racc) = (token(refreshed, "idToken"), token(refreshed, "accessToken"));
    assert_ne!(racc, access, "refresh issued a new access token");
    assert_eq!(get_user_name(&c, racc).await, "pat");
    let (ridc, rac) = js_verify(&s, &st.pool, &st.client, rid, racc).await;
    assert_claims(&s, &st.pool, &st.client, "pat", &sub, &ridc, &rac);
    assert_eq!(rac["origin_jti"], ac["origin_jti"]);

    // aws-jwt-verify does verify: another client id is refused.
    let issuer = format!("{}/{}", s.url, st.pool);
    let refused = node(
        "verify_tokens.mjs",
        &[&issuer, "someotherclientid000000000", id, access],
    )
    .await;
    assert!(!refused.ok, "{}", refused.json);
    assert_eq!(refused.json["token"], "id");
}

/// A pool whose users sign in with their email: the username is a UUID that
/// InitiateAuth hands back as USER_ID_FOR_SRP, and the library must switch to it
/// for the password verifier and the challenge answer.
async fn js_srp_with_email_as_username(s: TestServer) {
    if !node_available() {
        return;
    }
    let c = s.client();
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("email-signin")
            .username_attributes(UsernameAttributeType::Email),
    )
    .await;
    let client = crate::harness::srp_client(&c, &pool, "web").await;
    let created = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("kim@example.com")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let uuid = created.username.unwrap();
    assert_ne!(uuid, "kim@example.com");
    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("kim@example.com")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();

    let r = js_sign_in(&s, &pool, &client, "kim@example.com", PASSWORD).await;
    assert!(
        r.ok,
        "amazon-cognito-identity-js could not sign in by email: {}",
        r.json
    );
    let v = &r.json;
    assert_eq!(
        v["username"],
        uuid.as_str(),
        "the library took USER_ID_FOR_SRP as its username"
    );
    assert_eq!(v["attributes"]["email"], "kim@example.com");
    let access = token(v, "accessToken");
    assert_eq!(get_user_name(&c, access).await, uuid);
    let (idc, ac) = js_verify(&s, &pool, &client, token(v, "idToken"), access).await;
    assert_claims(&s, &pool, &client, &uuid, &uuid, &idc, &ac);
    assert!(!token(&v["refreshed"], "accessToken").is_empty());
}

async fn js_wrong_password(s: TestServer) {
    if !node_available() {
        return;
    }
    let c = s.client();
    let st = setup(&c).await;
    let r = js_sign_in(&s, &st.pool, &st.client, "pat", "Wr0ng-password!").await;
    assert!(!r.ok, "signed in with a wrong password: {}", r.json);
    assert_eq!(r.json["error"], "NotAuthorizedException", "{}", r.json);
    assert_eq!(r.json["message"], "Incorrect username or password.");
    assert_eq!(r.json["step"], "authenticateUser");

    let r = js_sign_in(&s, &st.pool, &st.client, "nobody", PASSWORD).await;
    assert!(!r.ok, "{}", r.json);
    assert_eq!(r.json["error"], "UserNotFoundException", "{}", r.json);

    // The failure did not lock the user out: the right password still works.
    let r = js_sign_in(&s, &st.pool, &st.client, "pat", PASSWORD).await;
    assert!(r.ok, "{}", r.json);
}

/// amazon-cognito-identity-js remembers the device of its first sign-in by
/// itself; after setDeviceStatusRemembered and a sign-out, its next sign-in
/// goes through DEVICE_SRP_AUTH with the device's own SRP.
async fn js_remembered_device(s: TestServer) {
    if !node_available() {
        return;
    }
    let c = s.client();
    let st = crate::harness::devices::setup(&c, Some((true, true))).await;
    let r = node(
        "remembered_device.mjs",
        &[&s.url, &st.pool, &st.client, "pat", PASSWORD],
    )
    .await;
    assert!(r.ok, "the remembered-device sign-in failed: {}", r.json);
    let v = &r.json;
    let calls = |phase: &str| -> Vec<String> {
        v["calls"][phase]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect()
    };
    // NewDeviceMetadata made the library confirm the device; the pool asks
    // the user, so the app then remembered it.
    assert_eq!(
        calls("first"),
        [
            "InitiateAuth",
            "InitiateAuth ← PASSWORD_VERIFIER",
            "RespondToAuthChallenge → PASSWORD_VERIFIER",
            "ConfirmDevice",
            "UpdateDeviceStatus",
            "RevokeToken",
        ]
    );
    assert_eq!(v["userConfirmationNecessary"], true);
    let device_key = token(v, "deviceKey");
    // The next sign-in proved the cached device instead of announcing a new one.
    assert_eq!(
        calls("second"),
        [
            "InitiateAuth",
            "InitiateAuth ← PASSWORD_VERIFIER",
            "RespondToAuthChallenge → PASSWORD_VERIFIER",
            "RespondToAuthChallenge ← DEVICE_SRP_AUTH",
            "RespondToAuthChallenge → DEVICE_SRP_AUTH",
            "RespondToAuthChallenge ← DEVICE_PASSWORD_VERIFIER",
            "RespondToAuthChallenge → DEVICE_PASSWORD_VERIFIER",
            "InitiateAuth",
            "ListDevices",
        ]
    );
    for t in ["accessToken", "refreshedAccessToken"] {
        let access = token(v, t);
        assert_eq!(
            crate::harness::auth::claims(access).1["device_key"],
            device_key
        );
        assert_eq!(get_user_name(&c, access).await, "pat");
    }
    let devices = v["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0]["DeviceKey"], device_key);
    let device = c
        .admin_get_device()
        .user_pool_id(&st.pool)
        .username("pat")
        .device_key(device_key)
        .send()
        .await
        .unwrap()
        .device
        .unwrap();
    let remembered = device
        .device_attributes()
        .iter()
        .find(|a| a.name() == "dev:device_remembered_status")
        .and_then(|a| a.value());
    assert_eq!(remembered, Some("remembered"));
}

async fn js_user_lifecycle(s: TestServer) {
    if !node_available() {
        return;
    }
    let c = s.client();
    let (pool, client) = crate::harness::email_srp_pool(&c, "js-users").await;
    let r = node("user_lifecycle.mjs", &[&s.url, &pool, &client]).await;
    assert!(r.ok, "amazon-cognito-identity-js failed: {}", r.json);
    let v = &r.json;
    assert_eq!(v["userConfirmed"], false);
    assert_eq!(v["delivery"]["DeliveryMedium"], "EMAIL");
    assert_eq!(v["delivery"]["AttributeName"], "email");
    assert_eq!(v["taken"], "UsernameExistsException");
    assert_eq!(v["wrongCode"], "CodeMismatchException");
    assert_eq!(v["confirmed"], "SUCCESS");
    let sub = v["userSub"].as_str().expect("userSub");
    let attrs = |key: &str, pairs: &[(&str, &str)]| {
        let mut want = serde_json::Map::new();
        want.insert("sub".into(), sub.into());
        for (k, val) in pairs {
            want.insert((*k).into(), (*val).into());
        }
        assert_eq!(v[key], Value::Object(want), "{key}");
    };
    attrs(
        "attributesAfterSignUp",
        &[
            ("email", "rosa@example.com"),
            ("email_verified", "true"),
            ("name", "Rosa"),
        ],
    );
    // A new email is unverified until its code comes back.
    attrs(
        "attributesAfterUpdate",
        &[
            ("email", "rosa.new@example.com"),
            ("email_verified", "false"),
            ("given_name", "R"),
            ("name", "Rosa"),
        ],
    );
    attrs(
        "attributesAfterVerify",
        &[
            ("email", "rosa.new@example.com"),
            ("email_verified", "true"),
            ("given_name", "R"),
            ("name", "Rosa"),
        ],
    );
    attrs(
        "attributesAfterDelete",
        &[
            ("email", "rosa.new@example.com"),
            ("email_verified", "true"),
            ("name", "Rosa"),
        ],
    );
    assert_eq!(v["oldPasswordAfterChange"], "NotAuthorizedException");
    assert_eq!(v["passwordAfterReset"], "NotAuthorizedException");
    assert_eq!(v["deleted"], "SUCCESS");
    assert_eq!(v["signInAfterDelete"], "UserNotFoundException");
    let p = crate::harness::describe_pool(&c, &pool).await;
    assert_eq!(p.estimated_number_of_users, 0);
}
