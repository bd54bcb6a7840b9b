//! Token sessions: the pool's session configuration, ListUserSessions and
//! AdminListUserSessions after sign-ins from two browsers, refresh moving
//! LastActiveDate, RevokeUserSession and AdminRevokeUserSession ending a
//! session's refresh and access tokens, the caller's own session refused,
//! MaxPerUser eviction, on both stores. The SDK under test predates these
//! operations, so they go over raw JSON 1.1 (with a chosen User-Agent).

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use serde_json::{Value, json};

use crate::harness::auth::{create_user, setup};
use crate::harness::on_both_backends;
use crate::harness::sessions::{CHROME, FIREFOX, call, sign_in};
use crate::harness::users::PASSWORD;
use crate::harness::{RawReply, TestServer};

on_both_backends!(
    sessions_listed_refreshed_revoked,
    admin_sessions_and_limit,
    concurrent_sign_ins_keep_the_limit,
);

/// A successful call's answer; panics with the error otherwise.
async fn ok(s: &TestServer, op: &str, body: Value) -> Value {
    let r = call(s, op, body, "kognit-tests").await;
    assert_eq!(r.status, 200, "{op}: {}", r.json);
    r.json
}

/// An error call's (`__type`, message).
async fn err(s: &TestServer, op: &str, body: Value) -> (String, String) {
    let r = call(s, op, body, "kognit-tests").await;
    assert_eq!(r.status, 400, "{op}: {}", r.json);
    (
        r.error_type().to_owned(),
        r.json["message"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn refresh(s: &TestServer, client: &str, token: &Value, ua: &str) -> RawReply {
    let body = json!({
        "ClientId": client,
        "AuthFlow": "REFRESH_TOKEN_AUTH",
        "AuthParameters": {"REFRESH_TOKEN": token},
    });
    call(s, "InitiateAuth", body, ua).await
}

async fn track(s: &TestServer, pool: &str, max: u32) {
    let out = ok(
        s,
        "SetUserPoolSessionConfiguration",
        json!({"UserPoolId": pool, "UserSessionTracking": "ENABLED",
               "TokenSession": {"MaxPerUser": max}}),
    )
    .await;
    assert_eq!(out["UserSessionTracking"], "ENABLED");
    assert_eq!(out["TokenSession"]["MaxPerUser"], max);
}

/// The sessions ListUserSessions shows to this access token.
async fn own_sessions(s: &TestServer, access: &Value) -> Vec<Value> {
    let out = ok(s, "ListUserSessions", json!({"AccessToken": access})).await;
    assert!(out.get("NextToken").is_none());
    out["Sessions"].as_array().unwrap().clone()
}

async fn admin_sessions(s: &TestServer, pool: &str, user: &str) -> Vec<Value> {
    let out = ok(
        s,
        "AdminListUserSessions",
        json!({"UserPoolId": pool, "Username": user}),
    )
    .await;
    out["Sessions"].as_array().unwrap().clone()
}

fn by_device<'a>(sessions: &'a [Value], device: &str) -> &'a Value {
    sessions
        .iter()
        .find(|x| x["DeviceType"] == device)
        .unwrap_or_else(|| panic!("no {device} session in {sessions:?}"))
}

async fn sessions_listed_refreshed_revoked(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    let config = ok(
        &s,
        "GetUserPoolSessionConfiguration",
        json!({"UserPoolId": st.pool}),
    )
    .await;
    assert_eq!(config["UserSessionTracking"], "DISABLED");
    assert_eq!(config["TokenSession"]["MaxPerUser"], 20);
    let early = sign_in(&s, &st.client, "pat", PASSWORD, CHROME).await;
    let (kind, _) = err(
        &s,
        "ListUserSessions",
        json!({"AccessToken": early["AccessToken"]}),
    )
    .await;
    assert_eq!(kind, "OperationNotEnabledException");

    track(&s, &st.pool, 5).await;
    let a = sign_in(&s, &st.client, "pat", PASSWORD, CHROME).await;
    let b = sign_in(&s, &st.client, "pat", PASSWORD, FIREFOX).await;
    // The session begun before tracking was on is not tracked.
    let listed = own_sessions(&s, &a["AccessToken"]).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    let sa = by_device(&listed, "Chrome 120, Windows 10").clone();
    let sb = by_device(&listed, "Firefox 121, Linux").clone();
    for x in [&sa, &sb] {
        let id = x["SessionId"].as_str().unwrap();
        assert!(id.len() == 28 && id.starts_with("tkn"), "{id}");
        assert!(
            id[3..]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert_eq!(x["SessionType"], "TOKEN");
        assert_eq!(x["ClientId"], st.client.as_str());
        assert_eq!(x["LastIPAddress"], "127.0.0.1");
        assert_eq!(x["CreateDate"], x["LastActiveDate"]);
    }
    assert_eq!(sa["IsCurrentSession"], true);
    assert_eq!(sb["IsCurrentSession"], false);
    let seen_by_b = own_sessions(&s, &b["AccessToken"]).await;
    assert_eq!(
        by_device(&seen_by_b, "Firefox 121, Linux")["IsCurrentSession"],
        true
    );
    let admin = admin_sessions(&s, &st.pool, "pat").await;
    assert_eq!(admin.len(), 2);
    assert!(admin.iter().all(|x| x["IsCurrentSession"] == false));

    // A refresh is activity on its session, from wherever it came.
    s.clock.advance(5);
    let r = refresh(&s, &st.client, &b["RefreshToken"], CHROME).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let refreshed_access = r.json["AuthenticationResult"]["AccessToken"].clone();
    let listed = own_sessions(&s, &a["AccessToken"]).await;
    let sb2 = listed
        .iter()
        .find(|x| x["SessionId"] == sb["SessionId"])
        .unwrap();
    assert_eq!(sb2["CreateDate"], sb["CreateDate"]);
    assert!(sb2["LastActiveDate"].as_f64() > sb["LastActiveDate"].as_f64());
    assert_eq!(sb2["DeviceType"], "Chrome 120, Windows 10");

    // The caller's own session is refused; unknown ids are not found.
    let (kind, _) = err(
        &s,
        "RevokeUserSession",
        json!({"AccessToken": a["AccessToken"], "SessionId": sa["SessionId"]}),
    )
    .await;
    assert_eq!(kind, "InvalidParameterException");
    let unknown = format!("tkn{}", "a".repeat(25));
    let (kind, _) = err(
        &s,
        "RevokeUserSession",
        json!({"AccessToken": a["AccessToken"], "SessionId": unknown}),
    )
    .await;
    assert_eq!(kind, "ResourceNotFoundException");
    let (kind, _) = err(
        &s,
        "RevokeUserSession",
        json!({"AccessToken": a["AccessToken"], "SessionId": "tkn-not-a-session"}),
    )
    .await;
    assert_eq!(kind, "InvalidParameterException");

    // Revoking B ends its refresh token and every access token of it.
    ok(
        &s,
        "RevokeUserSession",
        json!({"AccessToken": a["AccessToken"], "SessionId": sb["SessionId"],
               "RevokeAssociatedSessions": "NONE"}),
    )
    .await;
    let r = refresh(&s, &st.client, &b["RefreshToken"], FIREFOX).await;
    assert_eq!(r.error_type(), "NotAuthorizedException");
    assert_eq!(r.json["message"], "Refresh Token has been revoked");
    for token in [&b["AccessToken"], &refreshed_access] {
        let (kind, msg) = err(&s, "GetUser", json!({"AccessToken": token})).await;
        assert_eq!(
            (kind.as_str(), msg.as_str()),
            ("NotAuthorizedException", "Access Token has been revoked")
        );
    }
    let listed = own_sessions(&s, &a["AccessToken"]).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["SessionId"], sa["SessionId"]);
    let (kind, _) = err(
        &s,
        "RevokeUserSession",
        json!({"AccessToken": a["AccessToken"], "SessionId": sb["SessionId"]}),
    )
    .await;
    assert_eq!(kind, "ResourceNotFoundException");
    // A is untouched.
    ok(&s, "GetUser", json!({"AccessToken": a["AccessToken"]})).await;
    let r = refresh(&s, &st.client, &a["RefreshToken"], CHROME).await;
    assert_eq!(r.status, 200, "{}", r.json);
}

async fn admin_sessions_and_limit(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    create_user(&c, &st.pool, "bob").await;
    track(&s, &st.pool, 2).await;
    let first = sign_in(&s, &st.client, "pat", PASSWORD, CHROME).await;
    let second = sign_in(&s, &st.client, "pat", PASSWORD, FIREFOX).await;
    // A refresh makes the first session the more recently active one, so
    // the third sign-in evicts the second (least recently used).
    s.clock.advance(5);
    let r = refresh(&s, &st.client, &first["RefreshToken"], CHROME).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let third = sign_in(&s, &st.client, "pat", PASSWORD, "curl/8.5.0").await;
    let listed = admin_sessions(&s, &st.pool, "pat").await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    let devices: Vec<&str> = listed
        .iter()
        .map(|x| x["DeviceType"].as_str().unwrap())
        .collect();
    assert!(devices.contains(&"Chrome 120, Windows 10") && devices.contains(&"curl 8.5.0"));
    let r = refresh(&s, &st.client, &second["RefreshToken"], FIREFOX).await;
    assert_eq!(r.json["message"], "Refresh Token has been revoked");
    let (_, msg) = err(&s, "GetUser", json!({"AccessToken": second["AccessToken"]})).await;
    assert_eq!(msg, "Access Token has been revoked");

    // The session must belong to the named user.
    let curl = by_device(&listed, "curl 8.5.0")["SessionId"].clone();
    let (kind, _) = err(
        &s,
        "AdminRevokeUserSession",
        json!({"UserPoolId": st.pool, "Username": "bob", "SessionId": curl}),
    )
    .await;
    assert_eq!(kind, "ResourceNotFoundException");
    let (kind, _) = err(
        &s,
        "AdminRevokeUserSession",
        json!({"UserPoolId": st.pool, "Username": "nobody", "SessionId": curl}),
    )
    .await;
    assert_eq!(kind, "UserNotFoundException");
    ok(
        &s,
        "AdminRevokeUserSession",
        json!({"UserPoolId": st.pool, "Username": "pat", "SessionId": curl}),
    )
    .await;
    let (_, msg) = err(&s, "GetUser", json!({"AccessToken": third["AccessToken"]})).await;
    assert_eq!(msg, "Access Token has been revoked");
    assert_eq!(admin_sessions(&s, &st.pool, "pat").await.len(), 1);
    assert!(admin_sessions(&s, &st.pool, "bob").await.is_empty());

    let (kind, _) = err(
        &s,
        "AdminListUserSessions",
        json!({"UserPoolId": st.pool, "Username": "pat", "NextToken": "%%%"}),
    )
    .await;
    assert_eq!(kind, "InvalidParameterException");
    let (kind, _) = err(
        &s,
        "SetUserPoolSessionConfiguration",
        json!({"UserPoolId": st.pool, "UserSessionTracking": "ENABLED",
               "TokenSession": {"MaxPerUser": 101}}),
    )
    .await;
    assert_eq!(kind, "InvalidParameterException");

    // Global sign-out ends every session.
    c.admin_user_global_sign_out()
        .user_pool_id(&st.pool)
        .username("pat")
        .send()
        .await
        .unwrap();
    assert!(admin_sessions(&s, &st.pool, "pat").await.is_empty());
    // Turning tracking off refuses the listing.
    ok(
        &s,
        "SetUserPoolSessionConfiguration",
        json!({"UserPoolId": st.pool, "UserSessionTracking": "DISABLED",
               "TokenSession": {"MaxPerUser": 20}}),
    )
    .await;
    let (kind, _) = err(
        &s,
        "AdminListUserSessions",
        json!({"UserPoolId": st.pool, "Username": "pat"}),
    )
    .await;
    assert_eq!(kind, "OperationNotEnabledException");
}

async fn concurrent_sign_ins_keep_the_limit(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    track(&s, &st.pool, 2).await;
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (c, client) = (c.clone(), st.client.clone());
        tasks.push(tokio::spawn(async move {
            let out = c
                .initiate_auth()
                .client_id(client)
                .auth_flow(AuthFlowType::UserPasswordAuth)
                .auth_parameters("USERNAME", "pat")
                .auth_parameters("PASSWORD", PASSWORD)
                .send()
                .await
                .unwrap();
            out.authentication_result.unwrap().refresh_token.unwrap()
        }));
    }
    let mut tokens = Vec::new();
    for t in tasks {
        tokens.push(t.await.unwrap());
    }
    // Sign-ins of one user queue on the user, so no two both found room.
    assert_eq!(admin_sessions(&s, &st.pool, "pat").await.len(), 2);
    let mut live = 0;
    for t in &tokens {
        if refresh(&s, &st.client, &json!(t), FIREFOX).await.status == 200 {
            live += 1;
        }
    }
    assert_eq!(live, 2);
}
