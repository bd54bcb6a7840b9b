//! MFA: the pool's MFA configuration, a user with a phone number, a sign-in
//! that stops at a challenge, and the answer to it.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, SmsConfigurationType, SmsMfaConfigType,
    SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType, UserPoolMfaType,
};

use crate::harness::auth::{Setup, create_user_with};
use crate::harness::users::{PASSWORD, attr};
use crate::harness::{code, message};

/// AdminGetUser of a user (the MFA settings it shows).
pub async fn admin_view(
    c: &Client,
    pool: &str,
    user: &str,
) -> aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput {
    c.admin_get_user()
        .user_pool_id(pool)
        .username(user)
        .send()
        .await
        .unwrap()
}

/// Sets the pool's MFA configuration: TOTP, and SMS when asked.
pub async fn set_mfa(c: &Client, pool: &str, mode: UserPoolMfaType, sms: bool) {
    let mut req = c
        .set_user_pool_mfa_config()
        .user_pool_id(pool)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(mode);
    if sms {
        req = req.sms_mfa_configuration(
            SmsMfaConfigType::builder()
                .sms_authentication_message("Sign-in code {####}")
                .sms_configuration(
                    SmsConfigurationType::builder()
                        .sns_caller_arn("arn:aws:iam::123456789012:role/sns")
                        .build(),
                )
                .build(),
        );
    }
    req.send().await.unwrap();
}

/// What a sign-in that stops at a challenge answers: (name, session,
/// parameters).
pub type Challenge = (
    ChallengeNameType,
    String,
    std::collections::HashMap<String, String>,
);

/// USER_PASSWORD_AUTH with the harness's password that stops at a challenge.
pub async fn password_challenge(c: &Client, s: &Setup, user: &str) -> Challenge {
    password_challenge_with(c, s, user, PASSWORD).await
}

/// USER_PASSWORD_AUTH with `password` that stops at a challenge.
pub async fn password_challenge_with(
    c: &Client,
    s: &Setup,
    user: &str,
    password: &str,
) -> Challenge {
    let out = c
        .initiate_auth()
        .client_id(&s.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .unwrap();
    assert!(out.authentication_result.is_none(), "expected a challenge");
    (
        out.challenge_name.unwrap(),
        out.session.unwrap(),
        out.challenge_parameters.unwrap_or_default(),
    )
}

/// Answers an MFA challenge with one code.
pub async fn answer(
    c: &Client,
    s: &Setup,
    user: &str,
    challenge: ChallengeNameType,
    session: &str,
    key: &str,
    value: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput,
    String,
>{
    c.respond_to_auth_challenge()
        .client_id(&s.client)
        .challenge_name(challenge)
        .session(session)
        .challenge_responses("USERNAME", user)
        .challenge_responses(key, value)
        .send()
        .await
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

/// Turns the signed-in user's verified authenticator on and makes it
/// preferred (SetUserMFAPreference).
pub async fn prefer_totp(c: &Client, access: &str) {
    c.set_user_mfa_preference()
        .access_token(access)
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// A confirmed user with an email address and a phone number.
pub async fn user_with_phone(c: &Client, pool: &str, name: &str) {
    create_user_with(c, pool, name, &[attr("phone_number", "+15555551234")]).await;
}
