//! MFA with codes sent by SMS and email (read back from the developer
//! outbox): SMS_MFA, EMAIL_OTP, SELECT_MFA_TYPE, the legacy MFAOptions, MFA
//! required of a user with a phone number, wrong and spent codes, and the
//! admin sign-in flow, email MFA set up during sign-in (MFA_SETUP answered
//! with an address, as Amplify does), on both stores.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, EmailMfaConfigType, EmailMfaSettingsType, MfaOptionType,
    SmsMfaSettingsType, UserPoolMfaType,
};

use crate::harness::auth::{Setup, setup};
use crate::harness::mfa::{admin_view, answer, password_challenge, set_mfa, user_with_phone};
use crate::harness::on_both_backends;
use crate::harness::users::PASSWORD;
use crate::harness::{TestServer, code};

on_both_backends!(
    sms_and_email_codes_and_choosing,
    email_set_up_at_sign_in,
    required_mfa_uses_the_phone_number,
    wrong_codes_lead_to_lockout,
);

/// The legacy MFA option: SMS to the phone number.
fn sms_option() -> MfaOptionType {
    MfaOptionType::builder()
        .delivery_medium(aws_sdk_cognitoidentityprovider::types::DeliveryMediumType::Sms)
        .attribute_name("phone_number")
        .build()
}

async fn prefer(c: &Client, st: &Setup, user: &str, sms: (bool, bool), email: (bool, bool)) {
    c.admin_set_user_mfa_preference()
        .user_pool_id(&st.pool)
        .username(user)
        .sms_mfa_settings(
            SmsMfaSettingsType::builder()
                .enabled(sms.0)
                .preferred_mfa(sms.1)
                .build(),
        )
        .email_mfa_settings(
            EmailMfaSettingsType::builder()
                .enabled(email.0)
                .preferred_mfa(email.1)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// The pool's email MFA texts.
fn email_mfa() -> EmailMfaConfigType {
    EmailMfaConfigType::builder()
        .subject("Your code")
        .message("Use {####} to sign in")
        .build()
}

async fn sms_and_email_codes_and_choosing(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    set_mfa(&c, &st.pool, UserPoolMfaType::Optional, true).await;
    c.set_user_pool_mfa_config()
        .user_pool_id(&st.pool)
        .email_mfa_configuration(email_mfa())
        .mfa_configuration(UserPoolMfaType::Optional)
        .send()
        .await
        .unwrap();
    user_with_phone(&c, &st.pool, "pia").await;

    // SMS: the code arrives in the outbox with the pool's SMS text.
    prefer(&c, &st, "pia", (true, true), (false, false)).await;
    let (name, session, params) = password_challenge(&c, &st, "pia").await;
    assert_eq!(name, ChallengeNameType::SmsMfa);
    assert_eq!(params["CODE_DELIVERY_DELIVERY_MEDIUM"], "SMS");
    assert_eq!(params["CODE_DELIVERY_DESTINATION"], "+*******1234");
    let msg = s.latest_message(&st.pool, "pia").await.unwrap();
    assert_eq!(msg["channel"], "SMS");
    let sms_code = msg["code"].as_str().unwrap().to_owned();
    assert_eq!(msg["body"], format!("Sign-in code {sms_code}"));
    let wrong = answer(
        &c,
        &st,
        "pia",
        name.clone(),
        &session,
        "SMS_MFA_CODE",
        "000000x",
    )
    .await;
    assert!(wrong.unwrap_err().starts_with("CodeMismatchException"));
    let missing = c
        .respond_to_auth_challenge()
        .client_id(&st.client)
        .challenge_name(ChallengeNameType::SmsMfa)
        .session(&session)
        .challenge_responses("USERNAME", "pia")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&missing), "InvalidParameterException");
    let done = answer(
        &c,
        &st,
        "pia",
        name.clone(),
        &session,
        "SMS_MFA_CODE",
        &sms_code,
    )
    .await
    .unwrap();
    assert!(done.authentication_result.unwrap().access_token.is_some());
    // A code works once.
    let spent = answer(
        &c,
        &st,
        "pia",
        name.clone(),
        &session,
        "SMS_MFA_CODE",
        &sms_code,
    )
    .await;
    assert!(spent.unwrap_err().starts_with("CodeMismatchException"));
    // A newer sign-in's code replaces the older one.
    let (_, first, _) = password_challenge(&c, &st, "pia").await;
    let old_code = s.latest_code(&st.pool, "pia").await;
    let (_, second, _) = password_challenge(&c, &st, "pia").await;
    let new_code = s.latest_code(&st.pool, "pia").await;
    if old_code != new_code {
        let old = answer(
            &c,
            &st,
            "pia",
            name.clone(),
            &first,
            "SMS_MFA_CODE",
            &old_code,
        )
        .await;
        assert!(old.unwrap_err().starts_with("CodeMismatchException"));
    }
    answer(
        &c,
        &st,
        "pia",
        name.clone(),
        &second,
        "SMS_MFA_CODE",
        &new_code,
    )
    .await
    .unwrap();

    // Email: EMAIL_OTP with the pool's email subject and message.
    prefer(&c, &st, "pia", (false, false), (true, true)).await;
    let (name, session, params) = password_challenge(&c, &st, "pia").await;
    assert_eq!(name, ChallengeNameType::EmailOtp);
    assert_eq!(params["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    assert_eq!(params["CODE_DELIVERY_DESTINATION"], "p***@e***");
    let msg = s.latest_message(&st.pool, "pia").await.unwrap();
    assert_eq!(
        (msg["channel"].as_str(), msg["subject"].as_str()),
        (Some("EMAIL"), Some("Your code"))
    );
    let email_code = msg["code"].as_str().unwrap().to_owned();
    assert_eq!(msg["body"], format!("Use {email_code} to sign in"));
    let done = answer(
        &c,
        &st,
        "pia",
        name,
        &session,
        "EMAIL_OTP_CODE",
        &email_code,
    )
    .await
    .unwrap();
    assert!(done.authentication_result.is_some());

    // Both enabled, neither preferred: the user chooses.
    prefer(&c, &st, "pia", (true, false), (true, false)).await;
    let me = admin_view(&c, &st.pool, "pia").await;
    assert_eq!(
        me.user_mfa_setting_list(),
        ["SMS_MFA".to_owned(), "EMAIL_OTP".to_owned()]
    );
    assert_eq!(me.preferred_mfa_setting, None);
    let (name, session, params) = password_challenge(&c, &st, "pia").await;
    assert_eq!(name, ChallengeNameType::SelectMfaType);
    assert_eq!(params["MFAS_CAN_CHOOSE"], r#"["SMS_MFA","EMAIL_OTP"]"#);
    let not_offered = answer(
        &c,
        &st,
        "pia",
        name.clone(),
        &session,
        "ANSWER",
        "SOFTWARE_TOKEN_MFA",
    )
    .await;
    assert!(
        not_offered
            .unwrap_err()
            .starts_with("MFAMethodNotFoundException")
    );
    let chosen = answer(&c, &st, "pia", name, &session, "ANSWER", "EMAIL_OTP")
        .await
        .unwrap();
    assert_eq!(chosen.challenge_name, Some(ChallengeNameType::EmailOtp));
    let email_code = s.latest_code(&st.pool, "pia").await;
    let done = answer(
        &c,
        &st,
        "pia",
        ChallengeNameType::EmailOtp,
        chosen.session.as_deref().unwrap(),
        "EMAIL_OTP_CODE",
        &email_code,
    )
    .await
    .unwrap();
    assert!(done.authentication_result.is_some());

    // Two preferred factors, or SMS for a user without a phone number: refused.
    let two = c
        .admin_set_user_mfa_preference()
        .user_pool_id(&st.pool)
        .username("pia")
        .sms_mfa_settings(
            SmsMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .email_mfa_settings(
            EmailMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&two), "InvalidParameterException");
    let no_phone = c
        .admin_set_user_mfa_preference()
        .user_pool_id(&st.pool)
        .username("pat")
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&no_phone), "InvalidParameterException");
}

async fn required_mfa_uses_the_phone_number(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    set_mfa(&c, &st.pool, UserPoolMfaType::On, true).await;
    user_with_phone(&c, &st.pool, "pia").await;
    // No factor chosen, but a phone number: SMS_MFA, also through the admin flow.
    let start = c
        .admin_initiate_auth()
        .user_pool_id(&st.pool)
        .client_id(&st.client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "pia")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    assert_eq!(start.challenge_name, Some(ChallengeNameType::SmsMfa));
    let sms_code = s.latest_code(&st.pool, "pia").await;
    let done = c
        .admin_respond_to_auth_challenge()
        .user_pool_id(&st.pool)
        .client_id(&st.client)
        .challenge_name(ChallengeNameType::SmsMfa)
        .session(start.session.unwrap())
        .challenge_responses("USERNAME", "pia")
        .challenge_responses("SMS_MFA_CODE", sms_code)
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());

    // The legacy MFAOptions: shown by GetUser, and cleared by an empty list.
    c.admin_set_user_settings()
        .user_pool_id(&st.pool)
        .username("pia")
        .mfa_options(sms_option())
        .send()
        .await
        .unwrap();
    let me = admin_view(&c, &st.pool, "pia").await;
    assert_eq!(me.mfa_options().len(), 1);
    assert_eq!(me.user_mfa_setting_list(), ["SMS_MFA".to_owned()]);
    c.admin_set_user_settings()
        .user_pool_id(&st.pool)
        .username("pia")
        .set_mfa_options(Some(vec![]))
        .send()
        .await
        .unwrap();
    let me = admin_view(&c, &st.pool, "pia").await;
    assert!(me.mfa_options().is_empty() && me.user_mfa_setting_list().is_empty());
    // SetUserSettings, the self-service twin, with the user's access token.
    let access = done.authentication_result.unwrap().access_token.unwrap();
    c.set_user_settings()
        .access_token(&access)
        .mfa_options(sms_option())
        .send()
        .await
        .unwrap();
    let me = c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(me.mfa_options().len(), 1);
    assert_eq!(me.user_mfa_setting_list(), ["SMS_MFA".to_owned()]);
    let email = c
        .set_user_settings()
        .access_token(&access)
        .mfa_options(
            MfaOptionType::builder()
                .delivery_medium(aws_sdk_cognitoidentityprovider::types::DeliveryMediumType::Email)
                .attribute_name("email")
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&email), "InvalidParameterException");
    // pat has no phone number: MFA_SETUP offers both factors the pool has.
    let (name, _, params) = password_challenge(&c, &st, "pat").await;
    assert_eq!(name, ChallengeNameType::MfaSetup);
    assert_eq!(
        params["MFAS_CAN_SETUP"],
        r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#
    );
}

/// Wrong MFA codes count towards lockout like wrong passwords, and a right
/// password does not reset the count: guessing the code is throttled.
async fn wrong_codes_lead_to_lockout(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    set_mfa(&c, &st.pool, UserPoolMfaType::On, true).await;
    user_with_phone(&c, &st.pool, "pia").await;
    // Seven wrong codes (waiting out the short first locks): the lock then
    // lasts 4 s, long enough to look at.
    let (mut failures, mut last_session) = (0, String::new());
    while failures < 7 {
        let start = c
            .initiate_auth()
            .client_id(&st.client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "pia")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await;
        let Ok(start) = start else {
            // Locked out for a while: move the server's clock past it.
            s.clock.advance(1100);
            continue;
        };
        assert_eq!(start.challenge_name, Some(ChallengeNameType::SmsMfa));
        let session = start.session.unwrap();
        let e = answer(
            &c,
            &st,
            "pia",
            ChallengeNameType::SmsMfa,
            &session,
            "SMS_MFA_CODE",
            "12345x",
        )
        .await
        .unwrap_err();
        assert!(
            e.starts_with("CodeMismatchException") || e.ends_with("Password attempts exceeded"),
            "{e}"
        );
        failures += 1;
        last_session = session;
    }
    // Locked now: not even the right code of a live session gets through,
    // and neither does the password.
    let right = s.latest_code(&st.pool, "pia").await;
    let e = answer(
        &c,
        &st,
        "pia",
        ChallengeNameType::SmsMfa,
        &last_session,
        "SMS_MFA_CODE",
        &right,
    )
    .await
    .unwrap_err();
    assert_eq!(e, "NotAuthorizedException: Password attempts exceeded");
    let locked = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "pia")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&locked), "NotAuthorizedException");
}

/// MFA required, the user has no email and no authenticator: MFA_SETUP offers
/// email, the user answers with an address, the code goes there, and the
/// right code signs in and makes the address the user's verified email with
/// email MFA on.
async fn email_set_up_at_sign_in(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    c.set_user_pool_mfa_config()
        .user_pool_id(&st.pool)
        .software_token_mfa_configuration(
            aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaConfigType::builder()
                .enabled(true)
                .build(),
        )
        .email_mfa_configuration(email_mfa())
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .unwrap();
    crate::harness::auth::create_confirmed(&c, &st.pool, "nia", &[]).await;
    let (name, session, params) = password_challenge(&c, &st, "nia").await;
    assert_eq!(name, ChallengeNameType::MfaSetup);
    assert_eq!(
        params["MFAS_CAN_SETUP"],
        r#"["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#
    );
    let setup_with = |address: &'static str| {
        c.respond_to_auth_challenge()
            .client_id(&st.client)
            .challenge_name(ChallengeNameType::MfaSetup)
            .session(&session)
            .challenge_responses("USERNAME", "nia")
            .challenge_responses("EMAIL", address)
            .send()
    };
    let bad = setup_with("not-an-address").await.unwrap_err();
    assert_eq!(code(&bad), "InvalidParameterException");
    let otp = setup_with("nia@example.net").await.unwrap();
    assert_eq!(otp.challenge_name, Some(ChallengeNameType::EmailOtp));
    let cp = otp.challenge_parameters.unwrap();
    assert_eq!(cp["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    let msg = s.latest_message(&st.pool, "nia").await.unwrap();
    assert_eq!(
        (msg["channel"].as_str(), msg["destination"].as_str()),
        (Some("EMAIL"), Some("nia@example.net"))
    );
    assert_eq!(msg["subject"], "Your code");
    let otp_session = otp.session.unwrap();
    let wrong = answer(
        &c,
        &st,
        "nia",
        ChallengeNameType::EmailOtp,
        &otp_session,
        "EMAIL_OTP_CODE",
        "000000x",
    )
    .await;
    assert!(wrong.unwrap_err().starts_with("CodeMismatchException"));
    // Nothing is set up before the right code.
    assert!(
        admin_view(&c, &st.pool, "nia")
            .await
            .user_mfa_setting_list()
            .is_empty()
    );
    let done = answer(
        &c,
        &st,
        "nia",
        ChallengeNameType::EmailOtp,
        &otp_session,
        "EMAIL_OTP_CODE",
        msg["code"].as_str().unwrap(),
    )
    .await
    .unwrap();
    assert!(done.authentication_result.unwrap().access_token.is_some());
    let view = admin_view(&c, &st.pool, "nia").await;
    assert_eq!(view.user_mfa_setting_list(), ["EMAIL_OTP".to_owned()]);
    let attr_of = |n: &str| {
        view.user_attributes()
            .iter()
            .find(|a| a.name == n)
            .and_then(|a| a.value.clone())
    };
    assert_eq!(attr_of("email").as_deref(), Some("nia@example.net"));
    assert_eq!(attr_of("email_verified").as_deref(), Some("true"));
    // The next sign-in asks for an emailed code straight away.
    let (name, _, _) = password_challenge(&c, &st, "nia").await;
    assert_eq!(name, ChallengeNameType::EmailOtp);
}
