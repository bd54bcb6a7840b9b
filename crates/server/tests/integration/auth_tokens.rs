//! Sign-in refusals by user state, lockout, and the operations authorised by
//! an access token, on both stores.

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;

use crate::harness::auth::{create_user, password_login, setup};
use crate::harness::on_both_backends;
use crate::harness::users::{PASSWORD, attr};
use crate::harness::{TestServer, code, message};

on_both_backends!(user_states_and_lockout, token_operations);

async fn user_states_and_lockout(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    let login = |user: &'static str, pw: &'static str| {
        c.initiate_auth()
            .client_id(&st.client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", user)
            .auth_parameters("PASSWORD", pw)
            .send()
    };
    c.sign_up()
        .client_id(&st.client)
        .username("uma")
        .password(PASSWORD)
        .user_attributes(attr("email", "uma@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(&login("uma", PASSWORD).await.unwrap_err()),
        "UserNotConfirmedException"
    );
    create_user(&c, &st.pool, "vic").await;
    c.admin_disable_user()
        .user_pool_id(&st.pool)
        .username("vic")
        .send()
        .await
        .unwrap();
    let e = login("vic", PASSWORD).await.unwrap_err();
    assert_eq!(
        (code(&e).as_str(), message(&e).as_str()),
        ("NotAuthorizedException", "User is disabled.")
    );
    create_user(&c, &st.pool, "wes").await;
    c.admin_reset_user_password()
        .user_pool_id(&st.pool)
        .username("wes")
        .send()
        .await
        .unwrap();
    assert_eq!(
        code(&login("wes", PASSWORD).await.unwrap_err()),
        "PasswordResetRequiredException"
    );

    for _ in 0..5 {
        let e = login("pat", "Wr0ng-password!").await.unwrap_err();
        assert_eq!(code(&e), "NotAuthorizedException");
    }
    let e = login("pat", "Wr0ng-password!").await.unwrap_err();
    assert_eq!(message(&e), "Password attempts exceeded");
    // Locked out: even the right password waits.
    let e = login("pat", PASSWORD).await.unwrap_err();
    assert_eq!(message(&e), "Password attempts exceeded");
}

async fn token_operations(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    let r = password_login(&c, &st, "pat", PASSWORD).await;
    let access = r.access_token.unwrap();
    let out = c
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(attr("name", "Pat"))
        .user_attributes(attr("email", "pat2@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.code_delivery_details_list.unwrap().len(), 1);
    let code_sent = s.latest_code(&st.pool, "pat").await;
    let wrong = c
        .verify_user_attribute()
        .access_token(&access)
        .attribute_name("email")
        .code("000000")
        .send()
        .await;
    if code_sent != "000000" {
        assert_eq!(code(&wrong.unwrap_err()), "CodeMismatchException");
    }
    c.verify_user_attribute()
        .access_token(&access)
        .attribute_name("email")
        .code(&code_sent)
        .send()
        .await
        .unwrap();
    c.get_user_attribute_verification_code()
        .access_token(&access)
        .attribute_name("email")
        .send()
        .await
        .unwrap();
    let me = c.get_user().access_token(&access).send().await.unwrap();
    let get = |n: &str| {
        me.user_attributes
            .iter()
            .find(|a| a.name == n)
            .and_then(|a| a.value.clone())
    };
    assert_eq!(get("email").as_deref(), Some("pat2@example.com"));
    assert_eq!(get("email_verified").as_deref(), Some("true"));
    assert_eq!(get("name").as_deref(), Some("Pat"));
    c.delete_user_attributes()
        .access_token(&access)
        .user_attribute_names("name")
        .send()
        .await
        .unwrap();
    let self_verify = c
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&self_verify), "NotAuthorizedException");
    let wrong_prev = c
        .change_password()
        .access_token(&access)
        .previous_password("Wr0ng-password!")
        .proposed_password("An0ther-pass!")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&wrong_prev), "NotAuthorizedException");
    c.change_password()
        .access_token(&access)
        .previous_password(PASSWORD)
        .proposed_password("An0ther-pass!")
        .send()
        .await
        .unwrap();
    password_login(&c, &st, "pat", "An0ther-pass!").await;
    c.delete_user().access_token(&access).send().await.unwrap();
    let gone = c
        .admin_get_user()
        .user_pool_id(&st.pool)
        .username("pat")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "UserNotFoundException");
}
