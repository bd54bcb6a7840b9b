//! Concurrent sign-ups of one username, and concurrent claims of one verified
//! alias, leave exactly one user, on both stores.

use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, AttributeType, MessageActionType,
};

use crate::harness::on_both_backends;
use crate::harness::users::{PASSWORD, email_pool};
use crate::harness::{TestServer, code};

on_both_backends!(
    one_username_many_signups,
    one_alias_many_claims,
    many_updates_of_one_user,
    many_self_service_updates_of_one_user
);

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
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("alias")
            .alias_attributes(AliasAttributeType::Email),
    )
    .await;
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

/// Concurrent AdminUpdateUserAttributes of one user all succeed (Cognito
/// answers no conflict error here); each write is applied whole.
async fn many_updates_of_one_user(s: TestServer) {
    let c = s.client();
    let (pool, _) = email_pool(&c, false).await;
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("busy")
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value("busy@example.com")
                .build()
                .unwrap(),
        )
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..RACERS {
        let (c, pool) = (c.clone(), pool.clone());
        tasks.push(tokio::spawn(async move {
            c.admin_update_user_attributes()
                .user_pool_id(pool)
                .username("busy")
                .user_attributes(
                    AttributeType::builder()
                        .name("name")
                        .value(format!("n{i}"))
                        .build()
                        .unwrap(),
                )
                .user_attributes(
                    AttributeType::builder()
                        .name("given_name")
                        .value(format!("n{i}"))
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .map_err(|e| code(&e))
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let u = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("busy")
        .send()
        .await
        .unwrap();
    let attrs = u.user_attributes.unwrap();
    let get = |n: &str| {
        attrs
            .iter()
            .find(|a| a.name == n)
            .and_then(|a| a.value.clone())
    };
    // Both attributes come from the same (last) write.
    assert_eq!(get("name"), get("given_name"));
}

/// A user updating their own attributes from many requests at once: every
/// update lands (none answers ConcurrentModificationException) and none is
/// lost, as admin updates (self-service goes through the same write path).
async fn many_self_service_updates_of_one_user(s: TestServer) {
    let c = s.client();
    let st = crate::harness::auth::setup(&c).await;
    let token = crate::harness::auth::password_login(&c, &st, "pat", PASSWORD)
        .await
        .access_token
        .unwrap();
    const NAMES: [&str; 12] = [
        "name",
        "given_name",
        "family_name",
        "middle_name",
        "nickname",
        "profile",
        "picture",
        "website",
        "gender",
        "zoneinfo",
        "locale",
        "address",
    ];
    let mut tasks = Vec::new();
    for n in NAMES {
        let (c, token) = (c.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            c.update_user_attributes()
                .access_token(token)
                .user_attributes(attribute(n, &format!("v-{n}")))
                .send()
                .await
                .map_err(|e| code(&e))
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let attrs = c
        .admin_get_user()
        .user_pool_id(&st.pool)
        .username("pat")
        .send()
        .await
        .unwrap()
        .user_attributes
        .unwrap();
    for n in NAMES {
        let value = attrs
            .iter()
            .find(|a| a.name == n)
            .and_then(|a| a.value.clone());
        assert_eq!(value, Some(format!("v-{n}")), "{n}");
    }
}

fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}
