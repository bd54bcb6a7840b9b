//! The node's short-lived cache of pool settings and app clients: a change
//! made through this node applies to the very next request, on both stores.

use aws_sdk_cognitoidentityprovider::types::{
    MessageActionType, PasswordPolicyType, UserPoolPolicyType,
};

use crate::harness::on_both_backends;
use crate::harness::users::{PASSWORD, attr, email_pool};
use crate::harness::{TestServer, code};

on_both_backends!(changes_apply_at_once);

async fn changes_apply_at_once(s: TestServer) {
    let c = s.client();
    let (pool, client) = email_pool(&c, false).await;
    // Fill the cache: the pool (AdminCreateUser) and the client (SignUp).
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("ann")
        .user_attributes(attr("email", "ann@example.com"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    c.sign_up()
        .client_id(&client)
        .username("bea")
        .password(PASSWORD)
        .user_attributes(attr("email", "bea@example.com"))
        .send()
        .await
        .unwrap();
    let ten = "Abcdef1!xy";
    let set = |p: &'static str| {
        c.admin_set_user_password()
            .user_pool_id(&pool)
            .username("ann")
            .password(p)
            .permanent(true)
            .send()
    };
    set(ten).await.unwrap();

    // A stricter password policy holds for the next request.
    c.update_user_pool()
        .user_pool_id(&pool)
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(PasswordPolicyType::builder().minimum_length(12).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let short = set(ten).await.unwrap_err();
    assert_eq!(code(&short), "InvalidPasswordException");
    set(PASSWORD).await.unwrap();

    // A deleted client is gone for the next request.
    c.delete_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&client)
        .send()
        .await
        .unwrap();
    let gone = c
        .sign_up()
        .client_id(&client)
        .username("cal")
        .password(PASSWORD)
        .user_attributes(attr("email", "cal@example.com"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "ResourceNotFoundException");

    // So is a deleted pool.
    c.delete_user_pool()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let gone = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("ann")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "ResourceNotFoundException");
}
