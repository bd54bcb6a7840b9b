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

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{MessageActionType, UsernameAttributeType};
use serde_json::Value;

use crate::auth::setup;
use crate::harness::TestServer;
use crate::on_both_backends;
use crate::users::PASSWORD;

on_both_backends!(
    js_srp_sign_in_refresh_and_verify,
    js_srp_with_email_as_username,
    js_wrong_password,
    js_remembered_device,
    js_user_lifecycle,
);

/// How long one script may run (it makes a handful of requests).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(60);

fn js_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("js")
}

/// Whether Node and the installed packages are there. When they are not, the
/// test is skipped with a note, or fails in CI.
pub fn node_available() -> bool {
    let missing = match std::process::Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(st) if st.success() => None,
        Ok(st) => Some(format!("`node --version` failed ({st})")),
        Err(e) => Some(format!("node is not on PATH ({e})")),
    };
    let missing = missing.or_else(|| {
        (!js_dir().join("node_modules").is_dir()).then(|| {
            "crates/server/tests/js/node_modules is missing (run `npm ci --prefix crates/server/tests/js`, as scripts/test does)"
                .to_owned()
        })
    });
    match missing {
        None => true,
        Some(why) if std::env::var_os("CI").is_some() => {
            panic!("the JavaScript client tests must run in CI: {why}")
        }
        Some(why) => {
            eprintln!("skipped: {why}");
            false
        }
    }
}

/// What one script run printed: whether it exited 0, and its JSON.
pub struct Run {
    pub ok: bool,
    pub json: Value,
}

/// Runs `node <script> <args…>` in the scripts' folder; its stdout must be one
/// JSON object.
pub async fn node(script: &str, args: &[&str]) -> Run {
    run_script("node".as_ref(), &js_dir(), script, args).await
}

/// The environment variables that point AWS clients at a profile or a
/// configuration file: a developer's own would leak into the client tests
/// (a profile missing from the file makes boto3 and the aws CLI fail).
pub const AWS_PROFILE_VARS: [&str; 4] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
];

/// Runs `<program> <script> <args…>` in `dir`; its stdout must be one JSON
/// object.
pub async fn run_script(
    program: &std::path::Path,
    dir: &std::path::Path,
    script: &str,
    args: &[&str],
) -> Run {
    let mut command = tokio::process::Command::new(program);
    for var in AWS_PROFILE_VARS {
        command.env_remove(var);
    }
    let run = command
        .arg(script)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let shown = program.display();
    let out = tokio::time::timeout(SCRIPT_TIMEOUT, run)
        .await
        .unwrap_or_else(|_| panic!("{shown} {script} did not finish within {SCRIPT_TIMEOUT:?}"))
        .unwrap_or_else(|e| panic!("{shown} does not start: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "{shown} {script} printed no JSON ({e}); exit {}\nstdout: {stdout}\nstderr: {stderr}",
            out.status
        )
    });
    Run {
        ok: out.status.success(),
        json,
    }
}

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
    let st = crate::devices::setup(&c, Some((true, true))).await;
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
        assert_eq!(crate::auth::claims(access).1["device_key"], device_key);
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
