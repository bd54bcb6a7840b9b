//! Concurrent sign-ups of one username, and concurrent claims of one verified
//! alias, leave exactly one user, on both stores.

use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, AttributeType, MessageActionType,
};

use crate::harness::{TestServer, code};
use crate::on_both_backends;
use crate::users::{PASSWORD, email_pool};

on_both_backends!(one_username_many_signups, one_alias_many_claims);

const RACERS: usize = 16;

async fn one_username_many_signups(s: TestServer) {
    let c = s.client();
    let (pool, client) = email_pool(&c, false).await;
    let mut tasks = Vec::new();
    for i in 0..RACERS {
        let (c, client) = (c.clone(), client.clone());
        tasks.push(tokio::spawn(async move {
            c.sign_up()
                .client_id(client)
                .username("racer")
                .password(PASSWORD)
                .user_attributes(
                    AttributeType::builder()
                        .name("email")
                        .value(format!("r{i}@example.com"))
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .map_err(|e| code(&e))
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(c) => assert_eq!(c, "UsernameExistsException"),
        }
    }
    assert_eq!(ok, 1);
    let users = c
        .list_users()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap()
        .users
        .unwrap();
    assert_eq!(users.len(), 1);
}

async fn one_alias_many_claims(s: TestServer) {
    let c = s.client();
    let pool = c
        .create_user_pool()
        .pool_name("alias")
        .alias_attributes(AliasAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..RACERS {
        let (c, pool) = (c.clone(), pool.clone());
        tasks.push(tokio::spawn(async move {
            c.admin_create_user()
                .user_pool_id(pool)
                .username(format!("user{i}"))
                .user_attributes(
                    AttributeType::builder()
                        .name("email")
                        .value("shared@example.com")
                        .build()
                        .unwrap(),
                )
                .user_attributes(
                    AttributeType::builder()
                        .name("email_verified")
                        .value("true")
                        .build()
                        .unwrap(),
                )
                .message_action(MessageActionType::Suppress)
                .send()
                .await
                .map_err(|e| code(&e))
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(c) => assert_eq!(c, "AliasExistsException"),
        }
    }
    assert_eq!(ok, 1);
    let holders = c
        .list_users()
        .user_pool_id(&pool)
        .filter("email = \"shared@example.com\"")
        .send()
        .await
        .unwrap()
        .users
        .unwrap();
    assert_eq!(holders.len(), 1);
    // The one holder can sign in by the alias: AdminGetUser finds it by email.
    let by_alias = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("shared@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(Some(by_alias.username), holders[0].username);
}
