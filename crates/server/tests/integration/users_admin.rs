//! Admin user management and ListUsers through the AWS SDK, on both stores.

use aws_sdk_cognitoidentityprovider::types::{
    DeliveryMediumType, MessageActionType, UserStatusType,
};

use crate::harness::TestServer;
use crate::harness::on_both_backends;
use crate::harness::users::{PASSWORD, attr, code_of, email_pool, email_pool_client, status_of};

on_both_backends!(admin_user_management, list_users_filters);

async fn admin_user_management(s: TestServer) {
    let c = s.client();
    let (pool, _) = email_pool(&c, false).await;
    let created = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("frank")
        .user_attributes(attr("email", "frank@example.com"))
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(
        created.user_status,
        Some(UserStatusType::ForceChangePassword)
    );
    assert!(created.enabled);
    let invite = s.latest_message(&pool, "frank").await.unwrap();
    assert!(invite["body"].as_str().unwrap().contains("frank"));
    assert!(
        invite["body"]
            .as_str()
            .unwrap()
            .contains(invite["code"].as_str().unwrap())
    );
    let dup = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("frank")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&dup), "UsernameExistsException");
    let weak = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("gina")
        .temporary_password("weak")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&weak), "InvalidPasswordException");

    c.admin_disable_user()
        .user_pool_id(&pool)
        .username("frank")
        .send()
        .await
        .unwrap();
    let u = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("frank")
        .send()
        .await
        .unwrap();
    assert!(!u.enabled);
    c.admin_enable_user()
        .user_pool_id(&pool)
        .username("frank")
        .send()
        .await
        .unwrap();

    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("frank")
        .user_attributes(attr("name", "Frank"))
        .user_attributes(attr("email", "frank2@example.com"))
        .send()
        .await
        .unwrap();
    let u = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("frank")
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
    assert_eq!(get("name").as_deref(), Some("Frank"));
    assert_eq!(get("email_verified").as_deref(), Some("false"));
    let verify = s.latest_message(&pool, "frank").await.unwrap();
    assert_eq!(verify["destination"], "frank2@example.com");
    let sub_write = c
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("frank")
        .user_attributes(attr("sub", "x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&sub_write), "InvalidParameterException");
    c.admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("frank")
        .user_attribute_names("name")
        .send()
        .await
        .unwrap();
    let required = c
        .admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("frank")
        .user_attribute_names("email")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&required), "InvalidParameterException");

    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("frank")
        .password(PASSWORD)
        .permanent(false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_of(&c, &pool, "frank").await,
        UserStatusType::ForceChangePassword
    );
    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("frank")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_of(&c, &pool, "frank").await,
        UserStatusType::Confirmed
    );
    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("frank")
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap();
    c.admin_reset_user_password()
        .user_pool_id(&pool)
        .username("frank")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_of(&c, &pool, "frank").await,
        UserStatusType::ResetRequired
    );

    c.sign_up()
        .client_id(email_pool_client(&c, &pool).await)
        .username("hank")
        .password(PASSWORD)
        .user_attributes(attr("email", "hank@example.com"))
        .send()
        .await
        .unwrap();
    c.admin_confirm_sign_up()
        .user_pool_id(&pool)
        .username("hank")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_of(&c, &pool, "hank").await,
        UserStatusType::Confirmed
    );
    let twice = c
        .admin_confirm_sign_up()
        .user_pool_id(&pool)
        .username("hank")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&twice), "NotAuthorizedException");

    c.admin_delete_user()
        .user_pool_id(&pool)
        .username("frank")
        .send()
        .await
        .unwrap();
    let gone = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("frank")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&gone), "UserNotFoundException");
    let p = crate::harness::describe_pool(&c, &pool).await;
    assert_eq!(p.estimated_number_of_users, 1);
}

async fn list_users_filters(s: TestServer) {
    let c = s.client();
    let (pool, _) = email_pool(&c, false).await;
    for (name, given) in [
        ("ann", "Ann"),
        ("andy", "Andy"),
        ("bea", "Bea"),
        ("ben", "Ben"),
        ("cal", "Cal"),
    ] {
        c.admin_create_user()
            .user_pool_id(&pool)
            .username(name)
            .user_attributes(attr("email", &format!("{name}@example.com")))
            .user_attributes(attr("given_name", given))
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
    }
    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("bea")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    c.admin_disable_user()
        .user_pool_id(&pool)
        .username("cal")
        .send()
        .await
        .unwrap();
    let names = |users: Vec<aws_sdk_cognitoidentityprovider::types::UserType>| {
        users
            .into_iter()
            .map(|u| u.username.unwrap())
            .collect::<Vec<_>>()
    };
    let list = |f: &'static str| c.list_users().user_pool_id(&pool).filter(f).send();
    assert_eq!(
        names(list("username = \"ann\"").await.unwrap().users.unwrap()),
        ["ann"]
    );
    assert_eq!(
        names(list("email ^= \"an\"").await.unwrap().users.unwrap()),
        ["andy", "ann"]
    );
    assert_eq!(
        names(list("given_name = \"Ben\"").await.unwrap().users.unwrap()),
        ["ben"]
    );
    assert_eq!(
        names(
            list("cognito:user_status = \"CONFIRMED\"")
                .await
                .unwrap()
                .users
                .unwrap()
        ),
        ["bea"]
    );
    assert_eq!(
        names(list("status = \"Disabled\"").await.unwrap().users.unwrap()),
        ["cal"]
    );
    assert!(
        list("email = \"nobody@example.com\"")
            .await
            .unwrap()
            .users
            .unwrap()
            .is_empty()
    );
    let bad = list("custom:team = \"x\"").await.unwrap_err();
    assert_eq!(code_of(&bad), "InvalidParameterException");
    let bad = list("email == x").await.unwrap_err();
    assert_eq!(code_of(&bad), "InvalidParameterException");

    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = c
            .list_users()
            .user_pool_id(&pool)
            .limit(2)
            .set_pagination_token(token)
            .send()
            .await
            .unwrap();
        let users = page.users.unwrap();
        assert!(users.len() <= 2);
        seen.extend(names(users));
        token = page.pagination_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["andy", "ann", "bea", "ben", "cal"]);
    let only = c
        .list_users()
        .user_pool_id(&pool)
        .filter("username = \"ann\"")
        .attributes_to_get("email")
        .send()
        .await
        .unwrap()
        .users
        .unwrap();
    let attrs = only[0].attributes.clone().unwrap();
    assert_eq!(attrs.len(), 1);
    assert_eq!(attrs[0].name, "email");
}
