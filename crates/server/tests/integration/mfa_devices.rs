//! MFA and remembered devices together: a device that is confirmed but not
//! remembered proves itself and still gives a second factor; once remembered
//! (in a pool with ChallengeRequiredOnNewDevice) it stands in for MFA, on both
//! stores. The device SRP is the independent `aws-cognito-srp` client's.

use aws_cognito_srp::{DeviceAuthenticationParameters, SrpClient, TrackedDevice};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::types::{
    ChallengeNameType, DeviceRememberedStatusType, UserPoolMfaType,
};

use crate::harness::TestServer;
use crate::harness::auth::{Setup, claims};
use crate::harness::devices::{confirm, password_start};
use crate::harness::mfa::{answer, set_mfa, user_with_phone};
use crate::harness::on_both_backends;

on_both_backends!(only_a_remembered_device_skips_mfa);

/// DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER for the device named in a
/// DEVICE_SRP_AUTH challenge's session; the answer to the second step.
async fn prove_device(
    c: &Client,
    st: &Setup,
    device: TrackedDevice,
    key: &str,
    session: &str,
) -> RespondToAuthChallengeOutput {
    let dev = SrpClient::new(device, &st.client, None);
    let DeviceAuthenticationParameters { a, .. } = dev.get_auth_parameters();
    let step = c
        .respond_to_auth_challenge()
        .client_id(&st.client)
        .challenge_name(ChallengeNameType::DeviceSrpAuth)
        .session(session)
        .challenge_responses("USERNAME", "pat")
        .challenge_responses("DEVICE_KEY", key)
        .challenge_responses("SRP_A", a)
        .send()
        .await
        .unwrap();
    let p = step.challenge_parameters.unwrap();
    let v = dev
        .verify(&p["SECRET_BLOCK"], &p["SALT"], &p["SRP_B"])
        .unwrap();
    c.respond_to_auth_challenge()
        .client_id(&st.client)
        .challenge_name(ChallengeNameType::DevicePasswordVerifier)
        .session(step.session.unwrap())
        .challenge_responses("USERNAME", "pat")
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", v.password_claim_secret_block)
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", v.password_claim_signature)
        .challenge_responses("TIMESTAMP", v.timestamp)
        .challenge_responses("DEVICE_KEY", key)
        .send()
        .await
        .unwrap()
}

async fn only_a_remembered_device_skips_mfa(s: TestServer) {
    let c = s.client();
    let st = crate::harness::devices::setup(&c, Some((true, true))).await;
    set_mfa(&c, &st.pool, UserPoolMfaType::On, true).await;
    c.admin_delete_user()
        .user_pool_id(&st.pool)
        .username("pat")
        .send()
        .await
        .unwrap();
    user_with_phone(&c, &st.pool, "pat").await;

    // A new device: SMS_MFA, then tokens announcing the device.
    let start = password_start(&c, &st, None).await.unwrap();
    assert_eq!(start.challenge_name, Some(ChallengeNameType::SmsMfa));
    let sms = s.latest_code(&st.pool, "pat").await;
    let first = answer(
        &c,
        &st,
        "pat",
        ChallengeNameType::SmsMfa,
        start.session.as_deref().unwrap(),
        "SMS_MFA_CODE",
        &sms,
    )
    .await
    .unwrap()
    .authentication_result
    .unwrap();
    let meta = first.new_device_metadata.unwrap();
    let (key, group) = (meta.device_key.unwrap(), meta.device_group_key.unwrap());
    let access = first.access_token.unwrap();
    let (device, _) = confirm(&c, &st, &access, &key, &group, "laptop").await;

    // Confirmed, not remembered: the device proves itself, and MFA follows.
    let start = password_start(&c, &st, Some(&key)).await.unwrap();
    assert_eq!(start.challenge_name, Some(ChallengeNameType::DeviceSrpAuth));
    let proved = prove_device(
        &c,
        &st,
        device.clone(),
        &key,
        start.session.as_deref().unwrap(),
    )
    .await;
    assert_eq!(proved.challenge_name, Some(ChallengeNameType::SmsMfa));
    let sms = s.latest_code(&st.pool, "pat").await;
    let done = answer(
        &c,
        &st,
        "pat",
        ChallengeNameType::SmsMfa,
        proved.session.as_deref().unwrap(),
        "SMS_MFA_CODE",
        &sms,
    )
    .await
    .unwrap()
    .authentication_result
    .unwrap();
    assert!(done.new_device_metadata.is_none(), "the device is known");
    assert_eq!(
        claims(done.access_token.as_deref().unwrap()).1["device_key"],
        key.as_str()
    );

    // Remembered: the device stands in for the second factor.
    c.update_device_status()
        .access_token(&access)
        .device_key(&key)
        .device_remembered_status(DeviceRememberedStatusType::Remembered)
        .send()
        .await
        .unwrap();
    let start = password_start(&c, &st, Some(&key)).await.unwrap();
    let proved = prove_device(&c, &st, device, &key, start.session.as_deref().unwrap()).await;
    assert_eq!(proved.challenge_name, None);
    let tokens = proved.authentication_result.unwrap();
    assert_eq!(
        claims(tokens.access_token.as_deref().unwrap()).1["device_key"],
        key.as_str()
    );
}
