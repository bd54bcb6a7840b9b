//! UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate: a
//! new email waits until it is verified, the old one staying in use, through
//! UpdateUserAttributes and AdminUpdateUserAttributes, on both stores.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType, UserAttributeUpdateSettingsType, VerifiedAttributeType,
};

use crate::harness::auth::{Setup, create_user, password_login};
use crate::harness::on_both_backends;
use crate::harness::users::{PASSWORD, attr};
use crate::harness::{TestServer, code};

on_both_backends!(new_email_waits_for_verification);

async fn pool_holding_email(c: &Client) -> Setup {
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("held")
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .user_attribute_update_settings(
                UserAttributeUpdateSettingsType::builder()
                    .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                    .build(),
            ),
    )
    .await;
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
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

/// The user's (email, email_verified) as GetUser shows them.
async fn email_of(c: &Client, access: &str) -> (String, String) {
    let me = c.get_user().access_token(access).send().await.unwrap();
    let get = |n: &str| {
        me.user_attributes()
            .iter()
            .find(|a| a.name() == n)
            .and_then(|a| a.value())
            .unwrap_or_default()
            .to_owned()
    };
    (get("email"), get("email_verified"))
}

async fn new_email_waits_for_verification(s: TestServer) {
    let c = s.client();
    let st = pool_holding_email(&c).await;
    let access = password_login(&c, &st, "pat", PASSWORD)
        .await
        .access_token
        .unwrap();
    let verified_old = ("pat@example.com".to_owned(), "true".to_owned());
    assert_eq!(email_of(&c, &access).await, verified_old);

    // The new address gets the code; the old one stays, verified.
    let out = c
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(attr("email", "new@example.com"))
        .send()
        .await
        .unwrap();
    let details = out.code_delivery_details_list();
    assert_eq!(details.len(), 1);
    assert_eq!(details[0].destination(), Some("n***@e***"));
    let msg = s.latest_message(&st.pool, "pat").await.unwrap();
    assert_eq!(msg["destination"], "new@example.com");
    assert_eq!(email_of(&c, &access).await, verified_old);
    // The user still signs in, and the old address is still the alias of record.
    password_login(&c, &st, "pat", PASSWORD).await;

    // A wrong code changes nothing; the right one swaps the new address in.
    let wrong = c
        .verify_user_attribute()
        .access_token(&access)
        .attribute_name("email")
        .code("000000x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&wrong), "CodeMismatchException");
    assert_eq!(email_of(&c, &access).await, verified_old);
    // Asking for a code again sends it to the pending address too.
    let again = c
        .get_user_attribute_verification_code()
        .access_token(&access)
        .attribute_name("email")
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.code_delivery_details().unwrap().destination(),
        Some("n***@e***")
    );
    let code_now = s.latest_code(&st.pool, "pat").await;
    c.verify_user_attribute()
        .access_token(&access)
        .attribute_name("email")
        .code(code_now)
        .send()
        .await
        .unwrap();
    assert_eq!(
        email_of(&c, &access).await,
        ("new@example.com".to_owned(), "true".to_owned())
    );

    // An administrator's change waits too, unless it marks the value verified.
    c.admin_update_user_attributes()
        .user_pool_id(&st.pool)
        .username("pat")
        .user_attributes(attr("email", "admin@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        email_of(&c, &access).await,
        ("new@example.com".to_owned(), "true".to_owned())
    );
    let msg = s.latest_message(&st.pool, "pat").await.unwrap();
    assert_eq!(msg["destination"], "admin@example.com");
    c.admin_update_user_attributes()
        .user_pool_id(&st.pool)
        .username("pat")
        .user_attributes(attr("email", "admin@example.com"))
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        email_of(&c, &access).await,
        ("admin@example.com".to_owned(), "true".to_owned())
    );
}
