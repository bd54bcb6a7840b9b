//! Remembered devices: a pool with a device configuration, a password sign-in
//! naming a device, and ConfirmDevice with a verifier made by the independent
//! `aws-cognito-srp` client.

use aws_cognito_srp::{PasswordVerifierParameters, SrpClient, TrackedDevice, UntrackedDevice};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, DeviceConfigurationType, DeviceSecretVerifierConfigType, ExplicitAuthFlowsType,
};

use crate::harness::auth::{Setup, create_user};
use crate::harness::users::PASSWORD;
use crate::harness::{code, message};

/// A pool with this device configuration (ChallengeRequiredOnNewDevice,
/// DeviceOnlyRememberedOnUserPrompt; None: no tracking), a client allowing
/// SRP, password and refresh sign-in, and a confirmed user `pat`.
pub async fn setup(c: &Client, devices: Option<(bool, bool)>) -> Setup {
    let mut pool = c.create_user_pool().pool_name("devices");
    if let Some((challenge, prompt)) = devices {
        pool = pool.device_configuration(
            DeviceConfigurationType::builder()
                .challenge_required_on_new_device(challenge)
                .device_only_remembered_on_user_prompt(prompt)
                .build(),
        );
    }
    let pool = pool.send().await.unwrap().user_pool.unwrap().id.unwrap();
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    create_user(c, &pool, "pat").await;
    Setup { pool, client }
}

/// USER_PASSWORD_AUTH, optionally naming a device; the whole answer.
pub async fn password_start(
    c: &Client,
    st: &Setup,
    device_key: Option<&str>,
) -> Result<aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput, String> {
    let mut req = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "pat")
        .auth_parameters("PASSWORD", PASSWORD);
    if let Some(k) = device_key {
        req = req.auth_parameters("DEVICE_KEY", k);
    }
    req.send()
        .await
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

/// ConfirmDevice with a verifier made by the independent client; the
/// device's random password and UserConfirmationNecessary.
pub async fn confirm(
    c: &Client,
    st: &Setup,
    access: &str,
    key: &str,
    group: &str,
    name: &str,
) -> (TrackedDevice, bool) {
    let untracked = UntrackedDevice::new(&st.pool, group, key);
    let PasswordVerifierParameters {
        verifier,
        salt,
        password,
    } = SrpClient::new(untracked, &st.client, None).get_password_verifier();
    let out = c
        .confirm_device()
        .access_token(access)
        .device_key(key)
        .device_name(name)
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder()
                .password_verifier(verifier)
                .salt(salt)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let tracked = TrackedDevice::new(&st.pool, group, key, &password);
    (tracked, out.user_confirmation_necessary)
}
