//! amazon-cognito-identity-js with TOTP MFA and a remembered device: a pool
//! that requires MFA and remembers devices, where the library enrols an
//! authenticator through MFA_SETUP (AssociateSoftwareToken and
//! VerifySoftwareToken by session), signs in through SOFTWARE_TOKEN_MFA
//! (confirming its new device), remembers the device, and signs in again on it
//! through DEVICE_SRP_AUTH with no MFA prompt, on both stores. The script is
//! `tests/js/mfa_device.mjs`.

use aws_sdk_cognitoidentityprovider::types::{DeviceConfigurationType, UserPoolMfaType};

use crate::harness::TestServer;
use crate::harness::auth::setup;
use crate::harness::mfa::set_mfa;
use crate::harness::on_both_backends;
use crate::harness::scripts::{node, node_available};
use crate::harness::users::PASSWORD;

on_both_backends!(js_totp_then_remembered_device);

async fn js_totp_then_remembered_device(s: TestServer) {
    if !node_available() {
        return;
    }
    let c = s.client();
    let st = setup(&c).await;
    // UpdateUserPool resets what it is not given, so devices first, then MFA.
    c.update_user_pool()
        .user_pool_id(&st.pool)
        .device_configuration(
            DeviceConfigurationType::builder()
                .challenge_required_on_new_device(true)
                .device_only_remembered_on_user_prompt(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    set_mfa(&c, &st.pool, UserPoolMfaType::On, false).await;
    let r = node(
        "mfa_device.mjs",
        &[&s.url, &st.pool, &st.client, "pat", PASSWORD, "remember"],
    )
    .await;
    assert!(
        r.ok,
        "amazon-cognito-identity-js with TOTP and a device: {}",
        r.json
    );
    // The third sign-in asked for no code: the remembered device stood in.
    assert_eq!(
        r.json["steps"],
        serde_json::json!([
            "MFA_SETUP",
            "signed in",
            "SOFTWARE_TOKEN_MFA",
            "signed in",
            "remembered",
            "signed in"
        ])
    );
    let access = r.json["accessToken"].as_str().unwrap();
    let me = c.get_user().access_token(access).send().await.unwrap();
    assert_eq!(
        me.preferred_mfa_setting.as_deref(),
        Some("SOFTWARE_TOKEN_MFA")
    );
    let device_key = r.json["deviceKey"].as_str().unwrap();
    let (_, claims) = crate::harness::auth::claims(access);
    assert_eq!(claims["device_key"], device_key);
    let device = c
        .admin_get_device()
        .user_pool_id(&st.pool)
        .username("pat")
        .device_key(device_key)
        .send()
        .await
        .unwrap()
        .device
        .unwrap();
    let status = device
        .device_attributes()
        .iter()
        .find(|a| a.name() == "dev:device_remembered_status")
        .and_then(|a| a.value())
        .map(str::to_owned);
    assert_eq!(status.as_deref(), Some("remembered"));
}
