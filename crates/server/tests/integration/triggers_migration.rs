//! The UserMigration trigger end to end: a real HTTP trigger server plays
//! the old system, which knows a few users and one password, and kognit
//! brings them over on their first password sign-in or password reset.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html>

use std::time::Duration;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ExplicitAuthFlowsType, LambdaConfigType, UserStatusType, UsernameAttributeType,
    VerifiedAttributeType,
};
use serde_json::{Value, json};

use crate::harness::auth::srp_exchange;
use crate::harness::triggers::{Call, Reply, TriggerServer};
use crate::harness::users::{attr_of, status_of};
use crate::harness::{TestServer, code, message, on_both_backends};

on_both_backends!(
    migrated_on_first_sign_in,
    wrong_old_password_stores_nothing,
    migrated_on_forgot_password,
    srp_sign_in_does_not_migrate,
    concurrent_first_sign_ins_make_one_user,
);

/// The old system's password for its users. It does not meet kognit's
/// default policy: Cognito keeps a migrated password as it is.
const OLD_PASSWORD: &str = "old-secret";

/// The old system's users.
const OLD_USERS: &[&str] = &["olga", "pia", "quinn", "rex@example.com"];

/// The old system as a UserMigration function: a sign-in with the right
/// password (or a reset) of a user it knows gets the user's attributes; a
/// wrong password throws; an unknown user gets the event back unchanged.
fn old_system(call: &Call) -> Reply {
    let e = &call.event;
    let name = e["userName"].as_str().unwrap_or_default();
    if !OLD_USERS.contains(&name) {
        return Reply::Json(e.clone());
    }
    let email = if name.contains('@') {
        name.to_owned()
    } else {
        format!("{name}@old.example.com")
    };
    let attributes = json!({
        "email": email,
        "email_verified": "true",
        "name": format!("{name} from the old system"),
    });
    match e["triggerSource"].as_str() {
        Some("UserMigration_Authentication") if e["request"]["password"] == OLD_PASSWORD => {
            Reply::respond(
                e.clone(),
                json!({
                    "userAttributes": attributes,
                    "finalUserStatus": "CONFIRMED",
                    "messageAction": "SUPPRESS",
                }),
            )
        }
        Some("UserMigration_Authentication") => Reply::throw("Bad password"),
        Some("UserMigration_ForgotPassword") => Reply::respond(
            e.clone(),
            json!({"userAttributes": attributes, "messageAction": "SUPPRESS"}),
        ),
        _ => Reply::throw("Bad triggerSource"),
    }
}

/// A pool migrating through `hooks` (email auto-verified; with email as
/// the username when `email_username`), and a client allowing the password
/// flows and SRP.
async fn migrating_pool(
    c: &Client,
    hooks: &TriggerServer,
    email_username: bool,
) -> (String, String) {
    let mut create = c
        .create_user_pool()
        .pool_name("migration")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .lambda_config(
            LambdaConfigType::builder()
                .user_migration(hooks.url("/migrate"))
                .build(),
        );
    if email_username {
        create = create.username_attributes(UsernameAttributeType::Email);
    }
    let pool = crate::harness::pool_id(create).await;
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    (pool, client)
}

/// USER_PASSWORD_AUTH: Ok(has tokens) or Err("code: message").
async fn sign_in(c: &Client, client: &str, name: &str, password: &str) -> Result<bool, String> {
    c.initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", name)
        .auth_parameters("PASSWORD", password)
        .client_metadata("app", "web")
        .send()
        .await
        .map(|r| {
            r.authentication_result
                .is_some_and(|t| t.access_token.is_some())
        })
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

async fn migrated_on_first_sign_in(s: TestServer) {
    let hooks = TriggerServer::start(old_system).await;
    let c = s.client();
    let (pool, client) = migrating_pool(&c, &hooks, false).await;

    assert_eq!(sign_in(&c, &client, "olga", OLD_PASSWORD).await, Ok(true));
    // The event, as the guide describes it: the typed name and password;
    // InitiateAuth's ClientMetadata is `validationData`.
    assert_eq!(
        hooks.events("UserMigration"),
        vec![json!({
            "version": "1",
            "triggerSource": "UserMigration_Authentication",
            "region": "us-east-1",
            "userPoolId": pool,
            "userName": "olga",
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client},
            "request": {
                "password": OLD_PASSWORD,
                "validationData": {"app": "web"},
                "clientMetadata": {},
            },
            "response": {
                "userAttributes": null,
                "finalUserStatus": null,
                "messageAction": null,
                "desiredDeliveryMediums": null,
                "forceAliasCreation": null,
                "enableSMSMFA": null,
            },
        })]
    );
    // The user is now the pool's: the second sign-in does not ask the old
    // system, and a wrong password is kognit's own refusal.
    assert_eq!(sign_in(&c, &client, "olga", OLD_PASSWORD).await, Ok(true));
    assert_eq!(hooks.events("UserMigration").len(), 1);
    assert_eq!(
        sign_in(&c, &client, "olga", "not-it").await,
        Err("NotAuthorizedException: Incorrect username or password.".into())
    );
    assert_eq!(hooks.events("UserMigration").len(), 1);
    assert_eq!(
        status_of(&c, &pool, "olga").await,
        UserStatusType::Confirmed
    );
    for (name, value) in [
        ("email", "olga@old.example.com"),
        ("email_verified", "true"),
        ("name", "olga from the old system"),
    ] {
        assert_eq!(
            attr_of(&c, &pool, "olga", name).await.as_deref(),
            Some(value)
        );
    }
    // messageAction SUPPRESS: nothing was sent.
    assert!(s.latest_message(&pool, "olga").await.is_none());

    // ADMIN_USER_PASSWORD_AUTH migrates too.
    let admin = c
        .admin_initiate_auth()
        .user_pool_id(&pool)
        .client_id(&client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "quinn")
        .auth_parameters("PASSWORD", OLD_PASSWORD)
        .send()
        .await
        .unwrap();
    assert!(admin.authentication_result.is_some());
    let events = hooks.events("UserMigration");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["userName"], "quinn");
    assert_eq!(events[1]["request"]["validationData"], json!({}));
    assert_eq!(
        status_of(&c, &pool, "quinn").await,
        UserStatusType::Confirmed
    );
}

async fn wrong_old_password_stores_nothing(s: TestServer) {
    let hooks = TriggerServer::start(old_system).await;
    let c = s.client();
    let (pool, client) = migrating_pool(&c, &hooks, false).await;

    // The old system throws: Cognito's UserLambdaValidationException.
    assert_eq!(
        sign_in(&c, &client, "olga", "wrong").await,
        Err("UserLambdaValidationException: UserMigration failed with error Bad password.".into())
    );
    let gone = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("olga")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "UserNotFoundException");

    // A user the old system does not know either (no userAttributes in the
    // answer) is an unknown user, as without the trigger.
    assert_eq!(
        sign_in(&c, &client, "zed", OLD_PASSWORD).await,
        Err("UserNotFoundException: User does not exist.".into())
    );
    let forgot = c
        .forgot_password()
        .client_id(&client)
        .username("zed")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&forgot), "UserNotFoundException");
    assert_eq!(hooks.events("UserMigration").len(), 3);
    let listed = c.list_users().user_pool_id(&pool).send().await.unwrap();
    assert!(listed.users.unwrap_or_default().is_empty());

    // The right password still migrates afterwards.
    assert_eq!(sign_in(&c, &client, "olga", OLD_PASSWORD).await, Ok(true));
}

async fn migrated_on_forgot_password(s: TestServer) {
    let hooks = TriggerServer::start(old_system).await;
    let c = s.client();
    let (pool, client) = migrating_pool(&c, &hooks, false).await;

    let sent = c
        .forgot_password()
        .client_id(&client)
        .username("pia")
        .client_metadata("step", "reset")
        .send()
        .await
        .unwrap();
    let details = sent.code_delivery_details.unwrap();
    assert_eq!(details.attribute_name.as_deref(), Some("email"));
    // No password in this event; ForgotPassword's ClientMetadata is
    // `clientMetadata`.
    assert_eq!(
        hooks.events("UserMigration"),
        vec![json!({
            "version": "1",
            "triggerSource": "UserMigration_ForgotPassword",
            "region": "us-east-1",
            "userPoolId": pool,
            "userName": "pia",
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client},
            "request": {
                "validationData": {},
                "clientMetadata": {"step": "reset"},
            },
            "response": {
                "userAttributes": null,
                "finalUserStatus": null,
                "messageAction": null,
                "desiredDeliveryMediums": null,
                "forceAliasCreation": null,
                "enableSMSMFA": null,
            },
        })]
    );
    // The user exists now, with no password until the reset: a sign-in
    // fails (and asks the old system nothing).
    assert_eq!(
        status_of(&c, &pool, "pia").await,
        UserStatusType::ResetRequired
    );
    assert!(sign_in(&c, &client, "pia", OLD_PASSWORD).await.is_err());
    let reset_code = s.latest_code(&pool, "pia").await;
    c.confirm_forgot_password()
        .client_id(&client)
        .username("pia")
        .confirmation_code(reset_code)
        .password("N3w-Passw0rd!")
        .send()
        .await
        .unwrap();
    assert_eq!(status_of(&c, &pool, "pia").await, UserStatusType::Confirmed);
    assert_eq!(sign_in(&c, &client, "pia", "N3w-Passw0rd!").await, Ok(true));
    assert_eq!(hooks.events("UserMigration").len(), 1);
}

async fn srp_sign_in_does_not_migrate(s: TestServer) {
    let hooks = TriggerServer::start(old_system).await;
    let c = s.client();
    let (pool, client) = migrating_pool(&c, &hooks, false).await;
    // USER_SRP_AUTH never sends the password, so Cognito has nothing to hand
    // the old system: "your app must not use the default USER_SRP_AUTH flow
    // since the SDK does not send the password to the server in the SRP
    // authentication flow" (Importing users with a user migration Lambda
    // trigger,
    // https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-import-using-lambda.html).
    // The unknown user fails as any unknown user does.
    let refused = srp_exchange(&c, &pool, &client, "olga", OLD_PASSWORD).await;
    assert_eq!(refused.unwrap_err(), "UserNotFoundException");
    assert!(hooks.events("UserMigration").is_empty());
    // Once migrated by a password sign-in, SRP works with the old password.
    assert_eq!(sign_in(&c, &client, "olga", OLD_PASSWORD).await, Ok(true));
    let done = srp_exchange(&c, &pool, &client, "olga", OLD_PASSWORD).await;
    assert!(done.unwrap().authentication_result.is_some());
}

async fn concurrent_first_sign_ins_make_one_user(s: TestServer) {
    // The old system answers slowly, so both sign-ins run the function
    // before either stores the user.
    let hooks = TriggerServer::start(|call| match old_system(call) {
        Reply::Json(v) => Reply::Late(Duration::from_millis(300), v),
        other => other,
    })
    .await;
    let c = s.client();
    // Email as username: each attempt draws its own `sub` as the username,
    // so the clash is on the email alias.
    let (pool, client) = migrating_pool(&c, &hooks, true).await;
    let name = "rex@example.com";
    let (a, b) = tokio::join!(
        sign_in(&c, &client, name, OLD_PASSWORD),
        sign_in(&c, &client, name, OLD_PASSWORD),
    );
    assert_eq!((a, b), (Ok(true), Ok(true)));
    assert_eq!(hooks.events("UserMigration").len(), 2);
    let users = c
        .list_users()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap()
        .users
        .unwrap_or_default();
    assert_eq!(users.len(), 1);
    let user = &users[0];
    let username = user.username.clone().unwrap();
    assert_ne!(username, name, "the username is a new sub");
    let attrs: Vec<(String, Value)> = user
        .attributes
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|a| (a.name, json!(a.value)))
        .collect();
    assert!(attrs.contains(&("email".into(), json!(name))));
    assert!(attrs.contains(&("sub".into(), json!(username))));
    assert_eq!(sign_in(&c, &client, name, OLD_PASSWORD).await, Ok(true));
    assert_eq!(hooks.events("UserMigration").len(), 2);
}
