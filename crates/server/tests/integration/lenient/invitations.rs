//! AdminCreateUser's invitations as Cognito sends them: users with no
//! contact attribute, the default medium, media asked for that the user
//! lacks, and RESEND (issue 14).

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, DeliveryMediumType, MessageActionType, UserStatusType,
};

use super::user_exists;
use crate::harness::on_both_backends;
use crate::harness::users::{PASSWORD, attr, status_of};
use crate::harness::{TestServer, code, create_pool, message};

on_both_backends!(
    admin_create_user_without_contact,
    admin_create_user_default_medium,
    admin_create_user_asked_medium_missing,
    admin_create_user_resend,
);

/// moto's aws_verified test_jti_in_tokens and test_group_in_access_token:
/// a username only, or a temporary password and a name, and no address.
async fn admin_create_user_without_contact(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "lenient").await;
    let client = crate::harness::auth::password_client(&c, &pool).await;

    let user = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("only-a-name")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(user.user_status, Some(UserStatusType::ForceChangePassword));
    assert!(s.latest_message(&pool, "only-a-name").await.is_none());

    c.admin_create_user()
        .user_pool_id(&pool)
        .username("temp")
        .temporary_password(PASSWORD)
        .user_attributes(attr("given_name", "Tem"))
        .send()
        .await
        .unwrap();
    assert!(s.latest_message(&pool, "temp").await.is_none());
    let auth = c
        .admin_initiate_auth()
        .user_pool_id(&pool)
        .client_id(&client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "temp")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    assert_eq!(
        auth.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );

    // An email-shaped username in a pool without username attributes
    // (test_authorize_user_with_force_password_change_status).
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("someone@example.com")
        .temporary_password(PASSWORD)
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_of(&c, &pool, "someone@example.com").await,
        UserStatusType::ForceChangePassword
    );
}

/// Without DesiredDeliveryMediums the invitation goes by SMS when the user
/// has a phone number, else by email.
async fn admin_create_user_default_medium(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "media").await;
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("mailer")
        .user_attributes(attr("email", "mailer@example.com"))
        .send()
        .await
        .unwrap();
    let invite = s.latest_message(&pool, "mailer").await.unwrap();
    assert_eq!(invite["channel"], "EMAIL");
    assert_eq!(invite["destination"], "mailer@example.com");
    assert!(invite["body"].as_str().unwrap().contains("mailer"));

    c.admin_create_user()
        .user_pool_id(&pool)
        .username("both")
        .user_attributes(attr("email", "both@example.com"))
        .user_attributes(attr("phone_number", "+15550100"))
        .send()
        .await
        .unwrap();
    let invite = s.latest_message(&pool, "both").await.unwrap();
    assert_eq!(invite["channel"], "SMS");
    assert_eq!(invite["destination"], "+15550100");

    // Both media asked for: one message each.
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("twice")
        .user_attributes(attr("email", "twice@example.com"))
        .user_attributes(attr("phone_number", "+15550101"))
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .desired_delivery_mediums(DeliveryMediumType::Sms)
        .send()
        .await
        .unwrap();
    let all: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/_dev/outbox", s.url))
        .query(&[("user_pool_id", pool.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut channels: Vec<&str> = all["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["username"] == "twice")
        .map(|m| m["channel"].as_str().unwrap())
        .collect();
    channels.sort();
    assert_eq!(channels, ["EMAIL", "SMS"]);
}

/// A medium asked for explicitly that the user has no address for is
/// refused with Cognito's message, and no user is stored.
async fn admin_create_user_asked_medium_missing(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "asked").await;
    let err = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("nomail")
        .user_attributes(attr("phone_number", "+15550102"))
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException");
    assert_eq!(
        message(&err),
        "No email provided but desired delivery medium was Email"
    );
    assert!(!user_exists(&c, &pool, "nomail").await);

    let err = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("nophone")
        .user_attributes(attr("email", "nophone@example.com"))
        .desired_delivery_mediums(DeliveryMediumType::Sms)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException");
    assert_eq!(
        message(&err),
        "No phone number provided but desired delivery medium was Sms"
    );
    assert!(!user_exists(&c, &pool, "nophone").await);
    assert!(s.latest_message(&pool, "nophone").await.is_none());

    // SUPPRESS sends nothing, so no medium is needed.
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("quiet")
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    assert!(user_exists(&c, &pool, "quiet").await);
}

/// RESEND follows the same rules: nothing sent to a user with no address,
/// a missing medium asked for refused without changing the password.
async fn admin_create_user_resend(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "resend").await;
    let client = crate::harness::auth::password_client(&c, &pool).await;
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("bare")
        .temporary_password(PASSWORD)
        .send()
        .await
        .unwrap();
    let err = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("bare")
        .message_action(MessageActionType::Resend)
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&err),
        "No email provided but desired delivery medium was Email"
    );
    // The refused RESEND left the temporary password as it was.
    c.admin_initiate_auth()
        .user_pool_id(&pool)
        .client_id(&client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "bare")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("bare")
        .message_action(MessageActionType::Resend)
        .send()
        .await
        .unwrap();
    assert!(s.latest_message(&pool, "bare").await.is_none());

    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("bare")
        .user_attributes(attr("email", "bare@example.com"))
        .send()
        .await
        .unwrap();
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("bare")
        .message_action(MessageActionType::Resend)
        .send()
        .await
        .unwrap();
    let invite = s.latest_message(&pool, "bare").await.unwrap();
    assert_eq!(invite["channel"], "EMAIL");
}
