//! Where Cognito is lenient, kognit is too, and where it refuses, kognit
//! refuses with its message (issue 14): AdminCreateUser without a contact
//! attribute and its delivery media, boolean spellings, schema checks, and
//! the messages moto's suite found different. On both stores.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, DeliveryMediumType, MessageActionType,
    NumberAttributeConstraintsType, SchemaAttributeType, StringAttributeConstraintsType,
    UserStatusType, UsernameAttributeType,
};

use crate::harness::{TestServer, code, create_pool, message};
use crate::on_both_backends;
use crate::users::{PASSWORD, attr, attr_of, status_of};

on_both_backends!(
    admin_create_user_without_contact,
    admin_create_user_default_medium,
    admin_create_user_asked_medium_missing,
    admin_create_user_resend,
    boolean_spellings,
    schema_checks,
    messages_as_cognito_words_them,
    admin_reset_states,
    codes_without_a_live_one,
    challenge_parameters_beside_tokens,
    alias_clash_names_the_attribute,
    moto_reset_auth,
);

async fn user_exists(c: &Client, pool: &str, user: &str) -> bool {
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

/// A client that lets the admin sign in with a password.
async fn admin_password_client(c: &Client, pool: &str) -> String {
    c.create_user_pool_client()
        .user_pool_id(pool)
        .client_name("admin")
        .explicit_auth_flows("ALLOW_ADMIN_USER_PASSWORD_AUTH".into())
        .explicit_auth_flows("ALLOW_REFRESH_TOKEN_AUTH".into())
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

/// moto's aws_verified test_jti_in_tokens and test_group_in_access_token:
/// a username only, or a temporary password and a name, and no address.
async fn admin_create_user_without_contact(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "lenient").await;
    let client = admin_password_client(&c, &pool).await;

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
    let client = admin_password_client(&c, &pool).await;
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
    let client = crate::users::email_pool_client(&c, &pool).await;
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

fn custom(
    name: &str,
    data_type: Option<&str>,
) -> aws_sdk_cognitoidentityprovider::types::builders::SchemaAttributeTypeBuilder {
    let b = SchemaAttributeType::builder().name(name);
    match data_type {
        Some(t) => b.attribute_data_type(t.into()),
        None => b,
    }
}

async fn pool_count(c: &Client) -> usize {
    c.list_user_pools()
        .max_results(60)
        .send()
        .await
        .unwrap()
        .user_pools
        .unwrap_or_default()
        .len()
}

/// CreateUserPool and AddCustomAttributes refuse the schemas Cognito
/// refuses, with its messages, and store nothing when they do.
async fn schema_checks(s: TestServer) {
    let c = s.client();
    let before = pool_count(&c).await;
    let strings = |min: Option<&str>, max: Option<&str>| {
        StringAttributeConstraintsType::builder()
            .set_min_length(min.map(Into::into))
            .set_max_length(max.map(Into::into))
            .build()
    };
    let numbers = |min: Option<&str>, max: Option<&str>| {
        NumberAttributeConstraintsType::builder()
            .set_min_value(min.map(Into::into))
            .set_max_value(max.map(Into::into))
            .build()
    };
    let refused = [
        (
            custom("untyped", None).build(),
            "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.",
        ),
        (
            custom("email", Some("String"))
                .string_attribute_constraints(strings(Some("2"), Some("1")))
                .build(),
            "user.email: Max length cannot be less than min length.",
        ),
        (
            custom("email", Some("String"))
                .string_attribute_constraints(strings(None, Some("2049")))
                .build(),
            "user.email: String attributes cannot have a length of more than 2048",
        ),
        (
            custom("email", Some("String"))
                .string_attribute_constraints(strings(Some("invalid_value"), None))
                .build(),
            "Invalid StringAttributeConstraints for schema attribute email",
        ),
        (
            custom("updated_at", Some("Number"))
                .number_attribute_constraints(numbers(Some("2"), Some("1")))
                .build(),
            "user.updated_at: Max value cannot be less than min value.",
        ),
        (
            custom("score", Some("Number"))
                .number_attribute_constraints(numbers(None, Some("lots")))
                .build(),
            "Invalid NumberAttributeConstraints for schema attribute custom:score",
        ),
    ];
    for (attribute, expected) in refused {
        let err = c
            .create_user_pool()
            .pool_name("refused")
            .schema(attribute)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "InvalidParameterException", "{expected}");
        assert_eq!(message(&err), expected);
    }
    assert_eq!(pool_count(&c).await, before);

    // Constraints of another type are accepted and dropped.
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("kept")
            .schema(
                custom("label", Some("String"))
                    .string_attribute_constraints(strings(Some("1"), Some("20")))
                    .number_attribute_constraints(numbers(Some("10"), Some("20")))
                    .build(),
            )
            .schema(
                custom("flag", Some("Boolean"))
                    .string_attribute_constraints(strings(Some("1"), Some("20")))
                    .build(),
            ),
    )
    .await;
    let described = crate::harness::describe_pool(&c, &pool).await;
    let schema = described.schema_attributes.unwrap();
    let find = |n: &str| schema.iter().find(|a| a.name() == Some(n)).unwrap();
    assert!(find("custom:label").number_attribute_constraints.is_none());
    assert_eq!(
        find("custom:label")
            .string_attribute_constraints
            .as_ref()
            .unwrap()
            .max_length(),
        Some("20")
    );
    assert!(find("custom:flag").string_attribute_constraints.is_none());

    let dev = custom("banana", Some("String"))
        .developer_only_attribute(true)
        .build();
    c.add_custom_attributes()
        .user_pool_id(&pool)
        .custom_attributes(dev.clone())
        .send()
        .await
        .unwrap();
    let err = c
        .add_custom_attributes()
        .user_pool_id(&pool)
        .custom_attributes(dev)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&err),
        "custom:banana: Existing attribute already has name dev:custom:banana."
    );
    let err = c
        .add_custom_attributes()
        .user_pool_id(&pool)
        .custom_attributes(custom("untyped", None).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&err),
        "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."
    );
    let customs = |p: &aws_sdk_cognitoidentityprovider::types::UserPoolType| {
        p.schema_attributes()
            .iter()
            .filter(|a| a.name().is_some_and(|n| n.contains("custom:")))
            .count()
    };
    assert_eq!(customs(&crate::harness::describe_pool(&c, &pool).await), 3);

    // 50 custom attributes at most (25 a request, the model's limit).
    let batch = |from: usize, to: usize| {
        let mut add = c.add_custom_attributes().user_pool_id(&pool);
        for i in from..to {
            add = add.custom_attributes(custom(&format!("a{i}"), Some("String")).build());
        }
        add
    };
    batch(0, 25).send().await.unwrap();
    let err = batch(25, 48).send().await.unwrap_err();
    assert_eq!(code(&err), "LimitExceededException");
    assert_eq!(customs(&crate::harness::describe_pool(&c, &pool).await), 28);
    batch(25, 47).send().await.unwrap();
    assert_eq!(customs(&crate::harness::describe_pool(&c, &pool).await), 50);
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
    crate::auth::create_user(&c, &pool, "off").await;
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
    let client = admin_password_client(&c, &pool).await;
    crate::auth::create_user(&c, &pool, "cody").await;
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
    let client = admin_password_client(&c, &pool).await;
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
