//! Users through the AWS SDK: sign-up and confirmation, recovery, admin user
//! management, ListUsers, aliases and username attributes, on both stores.

use aws_sdk_cognitoidentityprovider::types::{
    DeliveryMediumType, MessageActionType, UserStatusType, UsernameAttributeType,
    UsernameConfigurationType, VerifiedAttributeType,
};

use crate::harness::on_both_backends;
use crate::harness::users::{PASSWORD, attr, code_of, email_pool, email_pool_client, status_of};
use crate::harness::{TestServer, message};

on_both_backends!(
    sign_up_and_confirm,
    secret_hash_required,
    forgot_password,
    email_as_username,
);

async fn sign_up_and_confirm(s: TestServer) {
    let c = s.client();
    let (pool, client) = email_pool(&c, false).await;
    let out = c
        .sign_up()
        .client_id(&client)
        .username("alice")
        .password(PASSWORD)
        .user_attributes(attr("email", "alice@example.com"))
        .send()
        .await
        .unwrap();
    assert!(!out.user_confirmed);
    assert_eq!(out.user_sub.len(), 36);
    let d = out.code_delivery_details.unwrap();
    assert_eq!(d.delivery_medium, Some(DeliveryMediumType::Email));
    assert_eq!(d.attribute_name.as_deref(), Some("email"));
    assert_ne!(
        d.destination.as_deref(),
        Some("alice@example.com"),
        "destination is masked"
    );
    assert_eq!(
        status_of(&c, &pool, "alice").await,
        UserStatusType::Unconfirmed
    );

    let msg = s.latest_message(&pool, "alice").await.unwrap();
    assert_eq!(msg["channel"], "EMAIL");
    assert_eq!(msg["destination"], "alice@example.com");
    let code = msg["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);
    assert!(msg["body"].as_str().unwrap().contains(&code));

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let e = c
        .confirm_sign_up()
        .client_id(&client)
        .username("alice")
        .confirmation_code(wrong)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), "CodeMismatchException");
    c.confirm_sign_up()
        .client_id(&client)
        .username("alice")
        .confirmation_code(&code)
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_of(&c, &pool, "alice").await,
        UserStatusType::Confirmed
    );
    let user = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("alice")
        .send()
        .await
        .unwrap();
    let attrs = user.user_attributes.unwrap();
    let get = |n: &str| {
        attrs
            .iter()
            .find(|a| a.name == n)
            .and_then(|a| a.value.clone())
    };
    assert_eq!(get("email_verified").as_deref(), Some("true"));
    assert_eq!(attrs[0].name, "sub");
    let again = c
        .confirm_sign_up()
        .client_id(&client)
        .username("alice")
        .confirmation_code(&code)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&again), "NotAuthorizedException");
    let resend = c
        .resend_confirmation_code()
        .client_id(&client)
        .username("alice")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&resend), "InvalidParameterException");

    let dup = c
        .sign_up()
        .client_id(&client)
        .username("alice")
        .password(PASSWORD)
        .user_attributes(attr("email", "other@example.com"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&dup), "UsernameExistsException");
    let missing = c
        .sign_up()
        .client_id(&client)
        .username("bob")
        .password(PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&missing), "InvalidParameterException");
    assert!(message(&missing).contains("email"), "{}", message(&missing));
    let weak = c
        .sign_up()
        .client_id(&client)
        .username("bob")
        .password("short")
        .user_attributes(attr("email", "bob@example.com"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&weak), "InvalidPasswordException");
    let unknown_attr = c
        .sign_up()
        .client_id(&client)
        .username("bob")
        .password(PASSWORD)
        .user_attributes(attr("email", "bob@example.com"))
        .user_attributes(attr("custom:nope", "x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&unknown_attr), "InvalidParameterException");
    let no_client = c
        .sign_up()
        .client_id("nosuchclient")
        .username("x")
        .password(PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&no_client), "ResourceNotFoundException");
    // Nothing was stored by the refused sign-ups.
    let users = c
        .list_users()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap()
        .users
        .unwrap();
    assert_eq!(users.len(), 1);

    // Resend gives a fresh code; the old one no longer works.
    c.sign_up()
        .client_id(&client)
        .username("carol")
        .password(PASSWORD)
        .user_attributes(attr("email", "carol@example.com"))
        .send()
        .await
        .unwrap();
    let first = s.latest_code(&pool, "carol").await;
    c.resend_confirmation_code()
        .client_id(&client)
        .username("carol")
        .send()
        .await
        .unwrap();
    let second = s.latest_code(&pool, "carol").await;
    if first != second {
        let old = c
            .confirm_sign_up()
            .client_id(&client)
            .username("carol")
            .confirmation_code(&first)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code_of(&old), "CodeMismatchException");
    }
    c.confirm_sign_up()
        .client_id(&client)
        .username("carol")
        .confirmation_code(&second)
        .send()
        .await
        .unwrap();
}

async fn secret_hash_required(s: TestServer) {
    use base64::Engine as _;
    let c = s.client();
    let (pool, _) = email_pool(&c, false).await;
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("confidential")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let id = client.client_id.unwrap();
    let secret = client.client_secret.unwrap();
    let base = || {
        c.sign_up()
            .client_id(&id)
            .username("dana")
            .password(PASSWORD)
            .user_attributes(attr("email", "dana@example.com"))
    };
    let none = base().send().await.unwrap_err();
    assert_eq!(code_of(&none), "NotAuthorizedException");
    let wrong = base().secret_hash("d3JvbmcK").send().await.unwrap_err();
    assert_eq!(code_of(&wrong), "NotAuthorizedException");
    let mac = hmac_sha256(secret.as_bytes(), format!("dana{id}").as_bytes());
    let hash = base64::engine::general_purpose::STANDARD.encode(mac);
    base().secret_hash(hash).send().await.unwrap();
}

/// HMAC-SHA256, computed independently of kognit for the SECRET_HASH check.
fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&sha2::Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = sha2::Sha256::digest([ipad.as_slice(), msg].concat());
    sha2::Sha256::digest([opad.as_slice(), &inner[..]].concat()).to_vec()
}

async fn forgot_password(s: TestServer) {
    let c = s.client();
    let (pool, client) = email_pool(&c, false).await;
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("erin")
        .user_attributes(attr("email", "erin@example.com"))
        .user_attributes(attr("email_verified", "true"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("erin")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let out = c
        .forgot_password()
        .client_id(&client)
        .username("erin")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.code_delivery_details.unwrap().delivery_medium,
        Some(DeliveryMediumType::Email)
    );
    let code = s.latest_code(&pool, "erin").await;
    let weak = c
        .confirm_forgot_password()
        .client_id(&client)
        .username("erin")
        .confirmation_code(&code)
        .password("weak")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&weak), "InvalidPasswordException");
    c.confirm_forgot_password()
        .client_id(&client)
        .username("erin")
        .confirmation_code(&code)
        .password("N3w-Passw0rd!")
        .send()
        .await
        .unwrap();
    let reused = c
        .confirm_forgot_password()
        .client_id(&client)
        .username("erin")
        .confirmation_code(&code)
        .password("N3w-Passw0rd!2")
        .send()
        .await
        .unwrap_err();
    // A spent code is an expired one to Cognito (amazon-cognito-identity-js#380).
    assert_eq!(code_of(&reused), "ExpiredCodeException");
    let missing = c
        .forgot_password()
        .client_id(&client)
        .username("nobody")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&missing), "UserNotFoundException");
    let (_, hiding) = email_pool(&c, true).await;
    let simulated = c
        .forgot_password()
        .client_id(&hiding)
        .username("nobody@example.com")
        .send()
        .await
        .unwrap();
    assert!(
        simulated
            .code_delivery_details
            .unwrap()
            .destination
            .is_some()
    );
}

async fn email_as_username(s: TestServer) {
    let c = s.client();
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("emails")
            .username_attributes(UsernameAttributeType::Email)
            .username_configuration(
                UsernameConfigurationType::builder()
                    .case_sensitive(false)
                    .build()
                    .unwrap(),
            )
            .auto_verified_attributes(VerifiedAttributeType::Email),
    )
    .await;
    let client = email_pool_client(&c, &pool).await;
    let out = c
        .sign_up()
        .client_id(&client)
        .username("Ivy@Example.com")
        .password(PASSWORD)
        .send()
        .await
        .unwrap();
    let user = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("ivy@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        user.username, out.user_sub,
        "the username is the sub in email-as-username pools"
    );
    let code = s.latest_code(&pool, "ivy@example.com").await;
    c.confirm_sign_up()
        .client_id(&client)
        .username("IVY@example.com")
        .confirmation_code(code)
        .send()
        .await
        .unwrap();
    let dup = c
        .sign_up()
        .client_id(&client)
        .username("ivy@EXAMPLE.com")
        .password(PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&dup), "UsernameExistsException");
    let not_email = c
        .sign_up()
        .client_id(&client)
        .username("ivy")
        .password(PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&not_email), "InvalidParameterException");
}
