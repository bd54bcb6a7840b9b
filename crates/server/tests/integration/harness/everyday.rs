//! A representative run of what a test suite does against `kognit dev`,
//! for checking that a mode (the default SQLite file, `--ephemeral`, the
//! real binary) serves it all: pools, clients, users made by an
//! administrator and by sign-up (with the code from the outbox), sign-in by
//! password and by SRP, refresh, the token-authorised operations, groups in
//! tokens, ListUsers with a filter, and the developer reset.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;

use crate::harness::auth::{
    Setup, claims, create_user, password_client, password_login, srp_login,
};
use crate::harness::users::{PASSWORD, attr};
use crate::harness::{code, dev_reset, pool_id};

/// The newest outbox code for `user` of `pool` at the server at `url`.
async fn outbox_code(url: &str, pool: &str, user: &str) -> String {
    let m: serde_json::Value = reqwest::Client::new()
        .get(format!("{url}/_dev/outbox/latest"))
        .query(&[("user_pool_id", pool), ("username", user)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    m["code"].as_str().expect("a code was sent").to_owned()
}

/// Runs the whole set against the server at `url` through `c`; it ends
/// with a developer reset, after which the server holds no pool.
pub async fn everyday_operations(c: &Client, url: &str) {
    // A pool that verifies email, a client for every flow, an admin-made user.
    let pool = pool_id(
        c.create_user_pool()
            .pool_name("everyday")
            .auto_verified_attributes(
                aws_sdk_cognitoidentityprovider::types::VerifiedAttributeType::Email,
            ),
    )
    .await;
    let client = password_client(c, &pool).await;
    let st = Setup {
        pool: pool.clone(),
        client: client.clone(),
    };
    create_user(c, &pool, "pat").await;

    // Sign-up with the code from the developer outbox.
    c.sign_up()
        .client_id(&client)
        .username("sam")
        .password(PASSWORD)
        .user_attributes(attr("email", "sam@example.com"))
        .send()
        .await
        .unwrap();
    let code_sent = outbox_code(url, &pool, "sam").await;
    c.confirm_sign_up()
        .client_id(&client)
        .username("sam")
        .confirmation_code(code_sent)
        .send()
        .await
        .unwrap();

    // Password and SRP sign-in, refresh, the token's own operations.
    let tokens = password_login(c, &st, "sam", PASSWORD).await;
    srp_login(c, &pool, &client, "pat", PASSWORD).await.unwrap();
    let refreshed = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", tokens.refresh_token.unwrap())
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let access = refreshed.access_token.unwrap();
    let me = c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(me.username, "sam");
    c.update_user_attributes()
        .access_token(&access)
        .user_attributes(attr("name", "Sam Everyday"))
        .send()
        .await
        .unwrap();

    // Groups, in tokens and in listings.
    c.create_group()
        .user_pool_id(&pool)
        .group_name("staff")
        .precedence(1)
        .send()
        .await
        .unwrap();
    c.admin_add_user_to_group()
        .user_pool_id(&pool)
        .username("pat")
        .group_name("staff")
        .send()
        .await
        .unwrap();
    let pat = password_login(c, &st, "pat", PASSWORD).await;
    let (_, id_claims) = claims(&pat.id_token.unwrap());
    assert_eq!(id_claims["cognito:groups"], serde_json::json!(["staff"]));
    let members = c
        .list_users_in_group()
        .user_pool_id(&pool)
        .group_name("staff")
        .send()
        .await
        .unwrap()
        .users
        .unwrap();
    assert_eq!(members.len(), 1);

    // ListUsers, whole and by an email prefix.
    let all = c.list_users().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(all.users.unwrap().len(), 2);
    let by_email = c
        .list_users()
        .user_pool_id(&pool)
        .filter("email ^= \"sa\"")
        .send()
        .await
        .unwrap()
        .users
        .unwrap();
    assert_eq!(by_email.len(), 1);
    assert_eq!(by_email[0].username.as_deref(), Some("sam"));

    // The reset empties the server.
    let r = dev_reset(url).await;
    assert_eq!(r.status, 200, "{:?}", r.json);
    let e = c
        .describe_user_pool()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    let pools = c.list_user_pools().max_results(10).send().await.unwrap();
    assert!(pools.user_pools.unwrap().is_empty());
}
