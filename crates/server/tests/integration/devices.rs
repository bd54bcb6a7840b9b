//! Remembered devices through the AWS SDK, with the independent
//! `aws-cognito-srp` client for the device's SRP: NewDeviceMetadata,
//! ConfirmDevice, UpdateDeviceStatus, DEVICE_SRP_AUTH and
//! DEVICE_PASSWORD_VERIFIER, device-bound refresh tokens, ForgetDevice, and
//! the device operations with their admin twins, on both stores.

use aws_cognito_srp::{DeviceAuthenticationParameters, SrpClient, VerificationParameters};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType, DeviceRememberedStatusType,
    DeviceSecretVerifierConfigType, DeviceType,
};

use crate::harness::auth::{Setup, claims, srp_exchange_on};
use crate::harness::devices::{confirm, password_start, setup};
use crate::harness::on_both_backends;
use crate::harness::users::PASSWORD;
use crate::harness::{TestServer, code, message};

on_both_backends!(
    remembered_device_signs_in_with_device_srp,
    device_operations_and_admin_twins,
    untracked_pool_ignores_devices,
);

/// A password sign-in without a device: tokens and NewDeviceMetadata.
async fn new_device_sign_in(c: &Client, st: &Setup) -> (AuthenticationResultType, String, String) {
    let r = password_start(c, st, None)
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let meta = r.new_device_metadata.clone().expect("NewDeviceMetadata");
    let key = meta.device_key.unwrap();
    let group = meta.device_group_key.unwrap();
    (r, key, group)
}

/// A device attribute's value.
fn attr<'a>(d: &'a DeviceType, name: &str) -> Option<&'a str> {
    d.device_attributes()
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value())
}

/// The device's remembered status, as GetDevice shows it.
async fn status(c: &Client, access: &str, key: &str) -> String {
    let d = c
        .get_device()
        .access_token(access)
        .device_key(key)
        .send()
        .await
        .unwrap()
        .device
        .unwrap();
    attr(&d, "dev:device_remembered_status").unwrap().to_owned()
}

/// REFRESH_TOKEN_AUTH naming `device_key`: the error code, if refused.
async fn refresh(
    c: &Client,
    st: &Setup,
    token: &str,
    device_key: Option<&str>,
) -> Result<(), String> {
    let mut req = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", token);
    if let Some(k) = device_key {
        req = req.auth_parameters("DEVICE_KEY", k);
    }
    req.send().await.map(drop).map_err(|e| code(&e))
}

async fn remembered_device_signs_in_with_device_srp(s: TestServer) {
    let c = s.client();
    let st = setup(&c, Some((true, true))).await;

    // A user SRP sign-in without a device: a new device key, in the token too.
    let first = srp_exchange_on(&c, &st.pool, &st.client, "pat", PASSWORD, None)
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let meta = first.new_device_metadata.unwrap();
    let (key, group) = (meta.device_key.unwrap(), meta.device_group_key.unwrap());
    let (region, uuid) = key.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert!(uuid::Uuid::parse_str(uuid).is_ok(), "{key}");
    assert!(!group.is_empty());
    let access = first.access_token.unwrap();
    assert_eq!(claims(&access).1["device_key"], key.as_str());
    // Not confirmed yet: the device does not exist for GetDevice.
    let missing = c
        .get_device()
        .access_token(&access)
        .device_key(&key)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&missing), "ResourceNotFoundException");

    // The pool asks the user: confirmed, but not remembered until they say so.
    let (device, necessary) = confirm(&c, &st, &access, &key, &group, "Pat's laptop").await;
    assert!(necessary, "DeviceOnlyRememberedOnUserPrompt asks the user");
    assert_eq!(status(&c, &access, &key).await, "not_remembered");
    c.update_device_status()
        .access_token(&access)
        .device_key(&key)
        .device_remembered_status(DeviceRememberedStatusType::Remembered)
        .send()
        .await
        .unwrap();
    assert_eq!(status(&c, &access, &key).await, "remembered");

    // The next sign-in names the device: after the password, DEVICE_SRP_AUTH.
    let step = srp_exchange_on(&c, &st.pool, &st.client, "pat", PASSWORD, Some(&key))
        .await
        .unwrap();
    assert_eq!(step.challenge_name, Some(ChallengeNameType::DeviceSrpAuth));
    assert!(step.authentication_result.is_none());
    let dev = SrpClient::new(device, &st.client, None);
    let DeviceAuthenticationParameters { a, device_key } = dev.get_auth_parameters();
    assert_eq!(device_key, key);
    let verifier_step = c
        .respond_to_auth_challenge()
        .client_id(&st.client)
        .challenge_name(ChallengeNameType::DeviceSrpAuth)
        .session(step.session.unwrap())
        .challenge_responses("USERNAME", "pat")
        .challenge_responses("DEVICE_KEY", &key)
        .challenge_responses("SRP_A", a)
        .send()
        .await
        .unwrap();
    assert_eq!(
        verifier_step.challenge_name,
        Some(ChallengeNameType::DevicePasswordVerifier)
    );
    let p = verifier_step.challenge_parameters.unwrap();
    let VerificationParameters {
        password_claim_secret_block,
        password_claim_signature,
        timestamp,
    } = dev
        .verify(&p["SECRET_BLOCK"], &p["SALT"], &p["SRP_B"])
        .unwrap();
    let answer = |signature: String| {
        c.respond_to_auth_challenge()
            .client_id(&st.client)
            .challenge_name(ChallengeNameType::DevicePasswordVerifier)
            .session(verifier_step.session.clone().unwrap())
            .challenge_responses("USERNAME", "pat")
            .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &password_claim_secret_block)
            .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
            .challenge_responses("TIMESTAMP", &timestamp)
            .challenge_responses("DEVICE_KEY", &key)
            .send()
    };
    // A signature made with another key is refused; the right one is not
    // spent by the failure.
    let wrong = answer("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into())
        .await
        .unwrap_err();
    assert_eq!(code(&wrong), "NotAuthorizedException");
    let done = answer(password_claim_signature)
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    assert!(
        done.new_device_metadata.is_none(),
        "a known device is not announced again"
    );
    let access = done.access_token.unwrap();
    assert_eq!(claims(&access).1["device_key"], key.as_str());
    let listed = c.list_devices().access_token(&access).send().await.unwrap();
    let d = &listed.devices()[0];
    assert_eq!(attr(d, "device_name"), Some("Pat's laptop"));
    assert_eq!(attr(d, "device_status"), Some("valid"));
    assert!(d.device_last_authenticated_date.unwrap() >= d.device_create_date.unwrap());

    // The refresh token is bound to the device.
    let token = done.refresh_token.unwrap();
    refresh(&c, &st, &token, Some(&key)).await.unwrap();
    assert_eq!(
        refresh(&c, &st, &token, None).await.unwrap_err(),
        "NotAuthorizedException"
    );
    let other = format!("us-east-1_{}", uuid::Uuid::new_v4());
    assert_eq!(
        refresh(&c, &st, &token, Some(&other)).await.unwrap_err(),
        "NotAuthorizedException"
    );

    // Forgetting the device ends its refresh tokens and its device sign-in.
    c.forget_device()
        .access_token(&access)
        .device_key(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refresh(&c, &st, &token, Some(&key)).await.unwrap_err(),
        "NotAuthorizedException"
    );
    let gone = password_start(&c, &st, Some(&key)).await.unwrap_err();
    assert_eq!(gone, "ResourceNotFoundException: Device does not exist.");
    // The JS SDK's retry then sends `"DEVICE_KEY": null`: as good as absent.
    let body = serde_json::json!({
        "ClientId": st.client,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "pat", "PASSWORD": PASSWORD, "DEVICE_KEY": null},
    });
    let retry = crate::harness::sessions::call(&s, "InitiateAuth", body, "test").await;
    assert_eq!(retry.status, 200, "{}", retry.json);
    assert!(retry.json["AuthenticationResult"]["NewDeviceMetadata"].is_object());
}

async fn device_operations_and_admin_twins(s: TestServer) {
    let c = s.client();
    let st = setup(&c, Some((false, false))).await;
    let (first, key1, group1) = new_device_sign_in(&c, &st).await;
    let access1 = first.access_token.unwrap();
    let (second, key2, group2) = new_device_sign_in(&c, &st).await;
    let access2 = second.access_token.unwrap();
    assert_ne!(key1, key2);
    assert_eq!(group1, group2, "one device group per user");

    // Only the device of the token's own sign-in can be confirmed with it.
    let crossed = c
        .confirm_device()
        .access_token(&access1)
        .device_key(&key2)
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder()
                .password_verifier("AAEC")
                .salt("AAEC")
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&crossed), "InvalidParameterException");
    assert_eq!(message(&crossed), "Invalid device key given.");
    // A verifier of zero would make the device's proof trivial.
    let zero = c
        .confirm_device()
        .access_token(&access1)
        .device_key(&key1)
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder()
                .password_verifier("AA==")
                .salt("AAEC")
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&zero), "InvalidParameterException");

    // Without DeviceOnlyRememberedOnUserPrompt a device is remembered at once.
    let (_, necessary) = confirm(&c, &st, &access1, &key1, &group1, "one").await;
    assert!(!necessary);
    assert_eq!(status(&c, &access1, &key1).await, "remembered");
    confirm(&c, &st, &access2, &key2, &group2, "two").await;
    let again = c
        .confirm_device()
        .access_token(&access1)
        .device_key(&key1)
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder()
                .password_verifier("AAEC")
                .salt("AAEC")
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&again), "DeviceKeyExistsException");

    // Pages of one, in both the user's and the admin's listing.
    let mut sorted = [key1.clone(), key2.clone()];
    sorted.sort();
    let page1 = c
        .list_devices()
        .access_token(&access2)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(page1.devices()[0].device_key(), Some(sorted[0].as_str()));
    let page2 = c
        .list_devices()
        .access_token(&access2)
        .limit(1)
        .pagination_token(page1.pagination_token.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(page2.devices()[0].device_key(), Some(sorted[1].as_str()));
    assert!(page2.pagination_token.is_none());
    let admin_page = c
        .admin_list_devices()
        .user_pool_id(&st.pool)
        .username("pat")
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(admin_page.devices().len(), 1);
    assert!(admin_page.pagination_token.is_some());

    // Admin twins: get, status, forget.
    let got = c
        .admin_get_device()
        .user_pool_id(&st.pool)
        .username("pat")
        .device_key(&key2)
        .send()
        .await
        .unwrap()
        .device
        .unwrap();
    assert_eq!(attr(&got, "device_name"), Some("two"));
    c.admin_update_device_status()
        .user_pool_id(&st.pool)
        .username("pat")
        .device_key(&key2)
        .device_remembered_status(DeviceRememberedStatusType::NotRemembered)
        .send()
        .await
        .unwrap();
    assert_eq!(status(&c, &access2, &key2).await, "not_remembered");
    // A confirmed device that is not remembered is still proven at sign-in.
    let step = password_start(&c, &st, Some(&key2)).await.unwrap();
    assert_eq!(step.challenge_name, Some(ChallengeNameType::DeviceSrpAuth));
    c.admin_forget_device()
        .user_pool_id(&st.pool)
        .username("pat")
        .device_key(&key2)
        .send()
        .await
        .unwrap();
    let listed = c
        .list_devices()
        .access_token(&access1)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.devices().len(), 1);

    // Unknown devices and users.
    let unknown = format!("us-east-1_{}", uuid::Uuid::new_v4());
    let e = c
        .get_device()
        .access_token(&access1)
        .device_key(&unknown)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    assert_eq!(message(&e), "Device does not exist.");
    let e = c
        .forget_device()
        .access_token(&access1)
        .device_key(&key2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    let e = c
        .update_device_status()
        .access_token(&access1)
        .device_key(&unknown)
        .device_remembered_status(DeviceRememberedStatusType::Remembered)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    let e = c
        .admin_get_device()
        .user_pool_id(&st.pool)
        .username("nobody")
        .device_key(&key1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "UserNotFoundException");
    let e = password_start(&c, &st, Some(&unknown)).await.unwrap_err();
    assert_eq!(e, "ResourceNotFoundException: Device does not exist.");
    // Nothing changed: the one remaining device is still there, remembered.
    assert_eq!(status(&c, &access1, &key1).await, "remembered");
}

async fn untracked_pool_ignores_devices(s: TestServer) {
    let c = s.client();
    let st = setup(&c, None).await;
    let r = password_start(&c, &st, None)
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    assert!(r.new_device_metadata.is_none());
    let access = r.access_token.unwrap();
    assert!(claims(&access).1.get("device_key").is_none());
    // A device key means nothing to a pool that does not track devices.
    let other = format!("us-east-1_{}", uuid::Uuid::new_v4());
    let r = password_start(&c, &st, Some(&other)).await.unwrap();
    assert!(r.authentication_result.is_some());
    let listed = c.list_devices().access_token(&access).send().await.unwrap();
    assert!(listed.devices().is_empty());
    // Nor can a token without a device confirm one.
    let e = c
        .confirm_device()
        .access_token(&access)
        .device_key(&other)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
}
