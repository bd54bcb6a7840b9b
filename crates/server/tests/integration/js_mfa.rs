//! amazon-cognito-identity-js with TOTP MFA: a pool that requires MFA, where
//! the library enrols an authenticator through MFA_SETUP (AssociateSoftwareToken
//! and VerifySoftwareToken by session) and then signs in through
//! SOFTWARE_TOKEN_MFA, on both stores. The script is `tests/js/mfa_device.mjs`.

use aws_sdk_cognitoidentityprovider::types::UserPoolMfaType;

use crate::auth::setup;
use crate::harness::TestServer;
use crate::js_clients::{node, node_available};
use crate::mfa::set_mfa;
use crate::on_both_backends;
use crate::users::PASSWORD;

on_both_backends!(js_totp_enrolment_and_sign_in);

async fn js_totp_enrolment_and_sign_in(s: TestServer) {
    if !node_available() {
        return;
    }
    let c = s.client();
    let st = setup(&c).await;
    set_mfa(&c, &st.pool, UserPoolMfaType::On, false).await;
    let r = node(
        "mfa_device.mjs",
        &[&s.url, &st.pool, &st.client, "pat", PASSWORD],
    )
    .await;
    assert!(r.ok, "amazon-cognito-identity-js with TOTP: {}", r.json);
    assert_eq!(
        r.json["steps"],
        serde_json::json!(["MFA_SETUP", "signed in", "SOFTWARE_TOKEN_MFA", "signed in"])
    );
    let access = r.json["accessToken"].as_str().unwrap();
    let me = c.get_user().access_token(access).send().await.unwrap();
    assert_eq!(
        me.preferred_mfa_setting.as_deref(),
        Some("SOFTWARE_TOKEN_MFA")
    );
}
