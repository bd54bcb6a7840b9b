//! PreTokenGeneration end to end, against a real HTTP trigger server: the
//! exact V1 and V2 events, the claims and scopes each version's answer
//! changes in the decoded tokens, group overrides, the trigger on refresh
//! and after NEW_PASSWORD_REQUIRED, Cognito's reserved claims left alone,
//! and the failures.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType, LambdaConfigType,
    PreTokenGenerationLambdaVersionType, PreTokenGenerationVersionConfigType,
};
use serde_json::{Value, json};

use crate::harness::auth::{claims, create_user, password_client};
use crate::harness::triggers::{Call, Reply, TriggerServer};
use crate::harness::users::{PASSWORD, attr_of};
use crate::harness::{TestServer, code, message, on_both_backends};

on_both_backends!(
    v1_event_and_id_token_claims,
    v1_group_overrides,
    v2_and_v3_change_both_tokens_and_scopes,
    new_password_and_failures,
);

const ROLE: &str = "arn:aws:iam::123456789012:role/";

/// A pool whose PreTokenGeneration is `lambda`, and a client allowing the
/// password flows and refresh.
async fn pool_with(c: &Client, lambda: LambdaConfigType) -> (String, String) {
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("tokens")
            .lambda_config(lambda),
    )
    .await;
    let client = password_client(c, &pool).await;
    (pool, client)
}

/// V1, as `LambdaConfig.PreTokenGeneration` alone configures it.
fn v1(url: String) -> LambdaConfigType {
    LambdaConfigType::builder()
        .pre_token_generation(url)
        .build()
}

/// `PreTokenGenerationConfig { LambdaVersion, LambdaArn }`.
fn versioned(url: &str, version: PreTokenGenerationLambdaVersionType) -> LambdaConfigType {
    LambdaConfigType::builder()
        .pre_token_generation_config(
            PreTokenGenerationVersionConfigType::builder()
                .lambda_version(version)
                .lambda_arn(url)
                .build()
                .unwrap(),
        )
        .build()
}

/// Groups `admins` (precedence 1) and `staff` (precedence 5), each with a role.
async fn groups(c: &Client, pool: &str) {
    for (name, precedence) in [("staff", 5), ("admins", 1)] {
        c.create_group()
            .user_pool_id(pool)
            .group_name(name)
            .precedence(precedence)
            .role_arn(format!("{ROLE}{name}"))
            .send()
            .await
            .unwrap();
    }
}

/// Puts `user` in both [`groups`].
async fn join(c: &Client, pool: &str, user: &str) {
    for name in ["staff", "admins"] {
        c.admin_add_user_to_group()
            .user_pool_id(pool)
            .group_name(name)
            .username(user)
            .send()
            .await
            .unwrap();
    }
}

async fn sign_in(c: &Client, client: &str, user: &str) -> AuthenticationResultType {
    c.initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
}

async fn refresh(
    c: &Client,
    client: &str,
    tokens: &AuthenticationResultType,
) -> AuthenticationResultType {
    c.initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", tokens.refresh_token.as_deref().unwrap())
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
}

/// The claims of the ID and of the access token.
fn decoded(tokens: &AuthenticationResultType) -> (Value, Value) {
    (
        claims(tokens.id_token.as_deref().unwrap()).1,
        claims(tokens.access_token.as_deref().unwrap()).1,
    )
}

/// The event back with this `response`, for token events; others accepted.
fn answer(call: &Call, response: Value) -> Reply {
    Reply::respond(call.event.clone(), response)
}

async fn v1_event_and_id_token_claims(s: TestServer) {
    let hooks = TriggerServer::start(|call| {
        answer(
            call,
            json!({"claimsOverrideDetails": {
                "claimsToAddOrOverride": {
                    "plan": "gold",
                    "email": "hidden@example.com",
                    "both": "added",
                    "sub": "forged",
                    "cognito:username": "forged",
                    "token_use": "forged",
                },
                "claimsToSuppress": ["both", "email_verified", "iss", "aud"],
            }}),
        )
    })
    .await;
    let c = s.client();
    let (pool, client) = pool_with(&c, v1(hooks.url("/ptg"))).await;
    create_user(&c, &pool, "hal").await;
    groups(&c, &pool).await;
    join(&c, &pool, "hal").await;
    let sub = attr_of(&c, &pool, "hal", "sub").await.unwrap();
    let tokens = sign_in(&c, &client, "hal").await;
    assert_eq!(
        hooks.events("TokenGeneration"),
        vec![json!({
            "version": "1",
            "triggerSource": "TokenGeneration_Authentication",
            "region": "us-east-1",
            "userPoolId": pool,
            "userName": "hal",
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client},
            "request": {
                "userAttributes": {
                    "email": "hal@example.com",
                    "email_verified": "true",
                    "sub": sub,
                    "cognito:user_status": "CONFIRMED",
                },
                "groupConfiguration": {
                    "groupsToOverride": ["admins", "staff"],
                    "iamRolesToOverride": [format!("{ROLE}admins"), format!("{ROLE}staff")],
                    "preferredRole": format!("{ROLE}admins"),
                },
                "clientMetadata": {},
            },
            "response": {"claimsOverrideDetails": null},
        })]
    );
    let (id, access) = decoded(&tokens);
    assert_eq!(id["plan"], "gold");
    assert_eq!(id["email"], "hidden@example.com");
    // Suppress wins over add; Cognito's own claims cannot be changed.
    assert!(id.get("both").is_none() && id.get("email_verified").is_none());
    assert_eq!(id["sub"], sub.as_str());
    assert_eq!(id["cognito:username"], "hal");
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["aud"], client.as_str());
    assert!(id["iss"].as_str().unwrap().ends_with(&pool));
    assert_eq!(id["cognito:groups"], json!(["admins", "staff"]));
    // V1 changes the ID token only.
    assert!(access.get("plan").is_none());
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["cognito:groups"], json!(["admins", "staff"]));

    // A refresh runs it again.
    let refreshed = refresh(&c, &client, &tokens).await;
    let events = hooks.events("TokenGeneration");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["triggerSource"], "TokenGeneration_RefreshTokens");
    assert_eq!(events[1]["request"], events[0]["request"]);
    let (id, _) = decoded(&refreshed);
    assert_eq!(id["plan"], "gold");
    assert!(id.get("email_verified").is_none());
}

async fn v1_group_overrides(s: TestServer) {
    let hooks = TriggerServer::start(|call| match call.event["userName"].as_str() {
        Some("ivy") => answer(
            call,
            json!({"claimsOverrideDetails": {"groupOverrideDetails": {
                "groupsToOverride": ["vip"],
                "iamRolesToOverride": [format!("{ROLE}vip")],
                "preferredRole": format!("{ROLE}vip"),
            }}}),
        ),
        // An empty override removes the groups.
        Some("joe") => answer(
            call,
            json!({"claimsOverrideDetails": {"groupOverrideDetails": {}}}),
        ),
        // No override leaves them.
        _ => answer(
            call,
            json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {}}}),
        ),
    })
    .await;
    let c = s.client();
    let (pool, client) = pool_with(&c, v1(hooks.url("/ptg"))).await;
    groups(&c, &pool).await;
    for user in ["ivy", "joe", "kim"] {
        create_user(&c, &pool, user).await;
        join(&c, &pool, user).await;
    }
    let (id, access) = decoded(&sign_in(&c, &client, "ivy").await);
    assert_eq!(id["cognito:groups"], json!(["vip"]));
    assert_eq!(id["cognito:roles"], json!([format!("{ROLE}vip")]));
    assert_eq!(id["cognito:preferred_role"], format!("{ROLE}vip"));
    assert_eq!(access["cognito:groups"], json!(["vip"]));

    let (id, access) = decoded(&sign_in(&c, &client, "joe").await);
    for claim in ["cognito:groups", "cognito:roles", "cognito:preferred_role"] {
        assert!(id.get(claim).is_none(), "{claim}: {id}");
    }
    assert!(access.get("cognito:groups").is_none(), "{access}");

    let (id, access) = decoded(&sign_in(&c, &client, "kim").await);
    assert_eq!(id["cognito:groups"], json!(["admins", "staff"]));
    assert_eq!(id["cognito:preferred_role"], format!("{ROLE}admins"));
    assert_eq!(access["cognito:groups"], json!(["admins", "staff"]));
}

async fn v2_and_v3_change_both_tokens_and_scopes(s: TestServer) {
    let hooks = TriggerServer::start(|call| {
        answer(
            call,
            json!({"claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {
                    "claimsToAddOrOverride": {"tier": 3, "flags": {"beta": true}, "email": "x@example.com"},
                    "claimsToSuppress": ["email_verified"],
                },
                "accessTokenGeneration": {
                    "claimsToAddOrOverride": {
                        "tenant": "acme",
                        "roles": ["reader", "writer"],
                        "client_id": "forged",
                        "scope": "forged",
                        "username": "forged",
                    },
                    "claimsToSuppress": ["cognito:groups", "event_id"],
                    "scopesToAdd": ["orders/read", "orders/write"],
                    "scopesToSuppress": ["orders/write"],
                },
            }}),
        )
    })
    .await;
    let c = s.client();
    let url = hooks.url("/ptg");
    let (pool, client) = pool_with(
        &c,
        versioned(&url, PreTokenGenerationLambdaVersionType::V20),
    )
    .await;
    create_user(&c, &pool, "lou").await;
    groups(&c, &pool).await;
    join(&c, &pool, "lou").await;
    let sub = attr_of(&c, &pool, "lou", "sub").await.unwrap();

    let check = |tokens: &AuthenticationResultType| {
        let (id, access) = decoded(tokens);
        assert_eq!(id["tier"], 3);
        assert_eq!(id["flags"], json!({"beta": true}));
        assert_eq!(id["email"], "x@example.com");
        assert!(id.get("email_verified").is_none());
        assert!(id.get("tenant").is_none());
        assert_eq!(id["cognito:groups"], json!(["admins", "staff"]));
        assert_eq!(access["tenant"], "acme");
        assert_eq!(access["roles"], json!(["reader", "writer"]));
        assert!(access.get("tier").is_none());
        assert!(access.get("cognito:groups").is_none());
        assert_eq!(access["client_id"], client.as_str());
        assert_eq!(access["username"], "lou");
        assert!(access["event_id"].is_string());
        assert_eq!(access["scope"], "aws.cognito.signin.user.admin orders/read");
    };
    let tokens = sign_in(&c, &client, "lou").await;
    assert_eq!(
        hooks.events("TokenGeneration"),
        vec![json!({
            "version": "2",
            "triggerSource": "TokenGeneration_Authentication",
            "region": "us-east-1",
            "userPoolId": pool,
            "userName": "lou",
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client},
            "request": {
                "userAttributes": {
                    "email": "lou@example.com",
                    "email_verified": "true",
                    "sub": sub,
                    "cognito:user_status": "CONFIRMED",
                },
                "groupConfiguration": {
                    "groupsToOverride": ["admins", "staff"],
                    "iamRolesToOverride": [format!("{ROLE}admins"), format!("{ROLE}staff")],
                    "preferredRole": format!("{ROLE}admins"),
                },
                "scopes": ["aws.cognito.signin.user.admin"],
                "clientMetadata": {},
            },
            "response": {"claimsAndScopeOverrideDetails": null},
        })]
    );
    check(&tokens);
    // The changed access token still works for the user's own operations.
    let me = c
        .get_user()
        .access_token(tokens.access_token.as_deref().unwrap())
        .send()
        .await;
    assert!(me.is_ok(), "{me:?}");
    check(&refresh(&c, &client, &tokens).await);
    assert_eq!(
        hooks.events("TokenGeneration_RefreshTokens")[0]["version"],
        "2"
    );

    // V3_0 is the same event and answer for a user's tokens.
    c.update_user_pool()
        .user_pool_id(&pool)
        .lambda_config(versioned(&url, PreTokenGenerationLambdaVersionType::V30))
        .send()
        .await
        .unwrap();
    let tokens = sign_in(&c, &client, "lou").await;
    let events = hooks.events("TokenGeneration_Authentication");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["version"], "3");
    assert_eq!(
        events[1]["request"]["scopes"],
        json!(["aws.cognito.signin.user.admin"])
    );
    check(&tokens);
}

async fn new_password_and_failures(s: TestServer) {
    let hooks = TriggerServer::start(|call| match call.event["userName"].as_str() {
        Some("odd") => answer(
            call,
            json!({"claimsOverrideDetails": {"claimsToSuppress": "email"}}),
        ),
        Some("num") => answer(
            call,
            json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"n": 1}}}),
        ),
        Some("nope") => Reply::throw("Not today"),
        _ => answer(
            call,
            json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"fresh": "yes"}}}),
        ),
    })
    .await;
    let c = s.client();
    let (pool, client) = pool_with(&c, v1(hooks.url("/ptg"))).await;
    for user in ["odd", "num", "nope"] {
        create_user(&c, &pool, user).await;
    }
    for user in ["odd", "num"] {
        let e = c
            .initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", user)
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "InvalidLambdaResponseException", "{user}");
        assert_eq!(message(&e), "Unrecognizable lambda output");
    }
    let e = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "nope")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "UserLambdaValidationException");
    assert_eq!(
        message(&e),
        "PreTokenGeneration failed with error Not today."
    );

    // Tokens right after NEW_PASSWORD_REQUIRED.
    let session = crate::harness::auth::new_password_session(&c, &pool, &client, "neo").await;
    let done = c
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(session)
        .challenge_responses("USERNAME", "neo")
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let (id, _) = decoded(&done.authentication_result.unwrap());
    assert_eq!(id["fresh"], "yes");
    let events = hooks.events("TokenGeneration_NewPasswordChallenge");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["userName"], "neo");
    assert_eq!(
        events[0]["request"]["userAttributes"]["cognito:user_status"],
        "CONFIRMED"
    );
}
