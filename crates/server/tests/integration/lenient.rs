//! Where Cognito is lenient, kognit is too, and where it refuses, kognit
//! refuses with its message (issue 14), on both stores: boolean spellings,
//! the messages moto's suite found different, codes and resets, here;
//! AdminCreateUser's invitations in `invitations`; schema checks in `schema`.

mod invitations;
mod schema;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    DeliveryMediumType, MessageActionType, SchemaAttributeType, UserStatusType,
    UsernameAttributeType,
};

use crate::harness::on_both_backends;
use crate::harness::users::{PASSWORD, attr, attr_of, status_of};
use crate::harness::{TestServer, code, create_pool, message};

on_both_backends!(
    boolean_spellings,
    messages_as_cognito_words_them,
    admin_reset_states,
    codes_without_a_live_one,
    challenge_parameters_beside_tokens,
    alias_clash_names_the_attribute,
    moto_reset_auth,
);

pub async fn user_exists(c: &Client, pool: &str, user: &str) -> bool {
    match c
        .admin_get_user()
        .user_pool_id(pool)
        .username(user)
        .send()
        .await
    {
        Ok(_) => true,
        Err(e) => {
            assert_eq!(code(&e), "UserNotFoundException");
            false
        }
    }
}

/// Boolean attributes in any case, kept and returned as `true`/`false`
/// (moto's aws_verified test_forgot_password_with_email_delivery_details).
async fn boolean_spellings(s: TestServer) {
    let c = s.client();
    let pool = crate::harness::pool_id(
        c.create_user_pool().pool_name("booleans").schema(
            SchemaAttributeType::builder()
                .name("subscribed")
                .attribute_data_type("Boolean".into())
                .build(),
        ),
    )
    .await;
    let client = crate::harness::users::email_pool_client(&c, &pool).await;
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("tess")
        .user_attributes(attr("email", "tess@example.com"))
        .user_attributes(attr("email_verified", "True"))
        .user_attributes(attr("custom:subscribed", "FALSE"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        attr_of(&c, &pool, "tess", "email_verified")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        attr_of(&c, &pool, "tess", "custom:subscribed")
            .await
            .as_deref(),
        Some("false")
    );
    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("tess")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let sent = c
        .forgot_password()
        .client_id(&client)
        .username("tess")
        .send()
        .await
        .unwrap()
        .code_delivery_details
        .unwrap();
    assert_eq!(sent.delivery_medium, Some(DeliveryMediumType::Email));
    assert_eq!(sent.destination.as_deref(), Some("t***@e***"));

    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("tess")
        .user_attributes(attr("custom:subscribed", "tRuE"))
        .user_attributes(attr("phone_number", "+15550103"))
        .user_attributes(attr("phone_number_verified", "TRUE"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        attr_of(&c, &pool, "tess", "custom:subscribed")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        attr_of(&c, &pool, "tess", "phone_number_verified")
            .await
            .as_deref(),
        Some("true")
    );
    let err = c
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("tess")
        .user_attributes(attr("email_verified", "yes"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException");
    assert_eq!(
        attr_of(&c, &pool, "tess", "email_verified")
            .await
            .as_deref(),
        Some("true")
    );
    // A Number is a finite number.
    for bad in ["NaN", "inf", "twelve"] {
        let err = c
            .admin_update_user_attributes()
            .user_pool_id(&pool)
            .username("tess")
            .user_attributes(attr("updated_at", bad))
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "InvalidParameterException", "{bad}");
    }
}

/// Messages moto's suite found worded differently from Cognito's.
async fn messages_as_cognito_words_them(s: TestServer) {
    let c = s.client();
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("by-email")
            .username_attributes(UsernameAttributeType::Email),
    )
    .await;
    let err = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("not-an-email")
        .user_attributes(attr("thing", "x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException");
    assert_eq!(
        message(&err),
        "Username should be either an email or a phone number."
    );
    // Two users whose username is their email; one takes the other's.
    for user in ["one@example.com", "two@example.com"] {
        c.admin_create_user()
            .user_pool_id(&pool)
            .username(user)
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
    }
    let one = c
        .list_users()
        .user_pool_id(&pool)
        .filter("email = \"one@example.com\"")
        .send()
        .await
        .unwrap()
        .users
        .unwrap()[0]
        .username
        .clone()
        .unwrap();
    let err = c
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username(&one)
        .user_attributes(attr("email", "two@example.com"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AliasExistsException");
    assert_eq!(
        message(&err),
        "An account with the given email already exists."
    );
    assert_eq!(
        attr_of(&c, &pool, &one, "email").await.as_deref(),
        Some("one@example.com")
    );

    // Unknown names in a deletion are listed together.
    let err = c
        .admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username(&one)
        .user_attribute_names("nickname")
        .user_attribute_names("custom:foo")
        .user_attribute_names("custom:bar")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException");
    assert_eq!(
        message(&err),
        "Invalid user attributes: user.custom:foo: Attribute does not exist in the schema.\nuser.custom:bar: Attribute does not exist in the schema.\n"
    );

    let err = c
        .set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration("ON".into())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&err),
        "At least one of [SmsMfaConfiguration] or [SoftwareTokenMfaConfiguration] must be provided."
    );
}

/// `POST /moto-api/reset-auth` answers as moto's server does, so suites
/// using moto's `set_initial_no_auth_action_count` run against kognit dev.
async fn moto_reset_auth(s: TestServer) {
    let resp = reqwest::Client::new()
        .post(format!("{}/moto-api/reset-auth", s.url))
        .body("0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(
        body.as_object()
            .unwrap()
            .contains_key("PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT")
    );
}

/// AdminResetUserPassword refuses a disabled user and one that never set a
/// password of its own (moto's test_admin_reset_password_disabled_user and
/// test_admin_reset_password_unconfirmed_user), and changes neither.
async fn admin_reset_states(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "resets").await;
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("fresh")
        .user_attributes(attr("email", "fresh@example.com"))
        .user_attributes(attr("email_verified", "true"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    crate::harness::auth::create_user(&c, &pool, "off").await;
    let err = c
        .admin_reset_user_password()
        .user_pool_id(&pool)
        .username("fresh")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NotAuthorizedException");
    assert_eq!(
        message(&err),
        "User password cannot be reset in the current state."
    );
    assert_eq!(
        status_of(&c, &pool, "fresh").await,
        UserStatusType::ForceChangePassword
    );

    c.admin_disable_user()
        .user_pool_id(&pool)
        .username("off")
        .send()
        .await
        .unwrap();
    let err = c
        .admin_reset_user_password()
        .user_pool_id(&pool)
        .username("off")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "NotAuthorizedException");
    assert_eq!(message(&err), "User is disabled.");
    assert_eq!(status_of(&c, &pool, "off").await, UserStatusType::Confirmed);
    assert!(s.latest_message(&pool, "off").await.is_none());
}

/// A code never sent, or already spent, answers ExpiredCodeException with
/// Cognito's "Invalid code provided, please request a code again."
async fn codes_without_a_live_one(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "codes").await;
    let client = crate::harness::auth::password_client(&c, &pool).await;
    crate::harness::auth::create_user(&c, &pool, "cody").await;
    let confirm = |code: String, password: &'static str| {
        c.confirm_forgot_password()
            .client_id(&client)
            .username("cody")
            .confirmation_code(code)
            .password(password)
            .send()
    };
    let err = confirm("123456".into(), "N3w-Password!").await.unwrap_err();
    assert_eq!(code(&err), "ExpiredCodeException");
    assert_eq!(
        message(&err),
        "Invalid code provided, please request a code again."
    );

    c.forgot_password()
        .client_id(&client)
        .username("cody")
        .send()
        .await
        .unwrap();
    let sent = s.latest_code(&pool, "cody").await;
    let wrong = if sent == "000000" { "111111" } else { "000000" };
    let err = confirm(wrong.into(), "N3w-Password!").await.unwrap_err();
    assert_eq!(code(&err), "CodeMismatchException");
    confirm(sent.clone(), "N3w-Password!").await.unwrap();
    let err = confirm(sent, "An0ther-Password!").await.unwrap_err();
    assert_eq!(code(&err), "ExpiredCodeException");
}

/// Tokens come with `ChallengeParameters: {}`, as Cognito answers (moto's
/// aws_verified test_initiate_mfa_auth_USER_PASSWORD_AUTH_with_FORCE_CHANGE_PASSWORD_status).
async fn challenge_parameters_beside_tokens(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "params").await;
    let client = crate::harness::auth::password_client(&c, &pool).await;
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("pam")
        .temporary_password(PASSWORD)
        .send()
        .await
        .unwrap();
    let first = s
        .raw(
            Some("AWSCognitoIdentityProviderService.AdminInitiateAuth"),
            serde_json::json!({
                "UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "pam", "PASSWORD": PASSWORD},
            })
            .to_string(),
        )
        .await;
    assert_eq!(first.json["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let done = s
        .raw(
            Some("AWSCognitoIdentityProviderService.AdminRespondToAuthChallenge"),
            serde_json::json!({
                "UserPoolId": pool, "ClientId": client, "ChallengeName": "NEW_PASSWORD_REQUIRED",
                "Session": first.json["Session"],
                "ChallengeResponses": {"USERNAME": "pam", "NEW_PASSWORD": "N3w-Password!"},
            })
            .to_string(),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.json);
    assert_eq!(done.json["ChallengeParameters"], serde_json::json!({}));
    assert!(done.json["AuthenticationResult"]["AccessToken"].is_string());
    let again = s
        .raw(
            Some("AWSCognitoIdentityProviderService.AdminInitiateAuth"),
            serde_json::json!({
                "UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "pam", "PASSWORD": "N3w-Password!"},
            })
            .to_string(),
        )
        .await;
    assert_eq!(again.json["ChallengeParameters"], serde_json::json!({}));
    assert!(again.json.get("ChallengeName").is_none());
}

/// A refused write names the attribute that clashed, found through the
/// store's typed conflict and a read of the holder, not guessed from the
/// attributes written.
async fn alias_clash_names_the_attribute(s: TestServer) {
    let c = s.client();
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("two-ways")
            .username_attributes(UsernameAttributeType::Email)
            .username_attributes(UsernameAttributeType::PhoneNumber),
    )
    .await;
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("first@example.com")
        .user_attributes(attr("phone_number", "+15550111"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    // A new email, and the first user's phone number.
    let err = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("second@example.com")
        .user_attributes(attr("phone_number", "+15550111"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "UsernameExistsException");
    assert_eq!(
        message(&err),
        "An account with the given phone_number already exists."
    );
    assert!(!user_exists(&c, &pool, "second@example.com").await);
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("second@example.com")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let second = c
        .list_users()
        .user_pool_id(&pool)
        .filter("email = \"second@example.com\"")
        .send()
        .await
        .unwrap()
        .users
        .unwrap()[0]
        .username
        .clone()
        .unwrap();
    let err = c
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username(&second)
        .user_attributes(attr("phone_number", "+15550111"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "AliasExistsException");
    assert_eq!(
        message(&err),
        "An account with the given phone_number already exists."
    );
}
