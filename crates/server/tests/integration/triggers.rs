//! Lambda triggers end to end, against a real HTTP trigger server started by
//! each test: the exact events kognit sends (PreSignUp, PostConfirmation,
//! CustomMessage, PreAuthentication, PostAuthentication), what each answer
//! changes, and the webhook signature. How triggers are reached and how they
//! fail: `triggers_targets`.

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, LambdaConfigType, UserStatusType};
use serde_json::{Value, json};

use crate::harness::auth::create_confirmed;
use crate::harness::triggers::{Reply, TriggerServer, accept, pool_with, sign_up};
use crate::harness::users::{PASSWORD, attr, attr_of, status_of};
use crate::harness::{TestServer, code, message, on_both_backends};

on_both_backends!(
    pre_sign_up_event_and_refusal,
    auto_confirm_and_auto_verify,
    post_confirmation_after_code_and_reset,
    custom_message_rewrites_messages,
    authentication_triggers,
    update_attribute_message_source,
);

async fn pre_sign_up_event_and_refusal(s: TestServer) {
    let hooks = TriggerServer::start(|call| {
        if call.event["request"]["validationData"]["invite"] == "K-42" {
            accept(call)
        } else {
            Reply::throw("An invitation code is required")
        }
    })
    .await;
    let c = s.client();
    let (pool, client) = pool_with(
        &c,
        LambdaConfigType::builder()
            .pre_sign_up(hooks.url("/pre-sign-up"))
            .build(),
    )
    .await;
    assert_eq!(sign_up(&c, &client, "ana").await, Ok(false));
    let events = hooks.events("PreSignUp");
    assert_eq!(
        events,
        vec![json!({
            "version": "1",
            "triggerSource": "PreSignUp_SignUp",
            "region": "us-east-1",
            "userPoolId": pool,
            "userName": "ana",
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client},
            "request": {
                "userAttributes": {"email": "ana@example.com"},
                "validationData": {"invite": "K-42"},
                "clientMetadata": {"source": "tests"},
            },
            "response": {"autoConfirmUser": false, "autoVerifyPhone": false, "autoVerifyEmail": false},
        })]
    );
    // The call is signed with the pool's trigger secret, over `<t>.<body>`.
    let call = &hooks.calls()[0];
    assert_eq!(call.path, "/pre-sign-up");
    assert_eq!(call.header("x-kognit-trigger"), Some("PreSignUp"));
    let secret = s
        .raw(
            Some("Kognit.GetTriggerSecret"),
            json!({"UserPoolId": pool}).to_string(),
        )
        .await;
    assert_eq!(secret.status, 200, "{:?}", secret.json);
    let secret = secret.json["TriggerSecret"].as_str().unwrap().to_owned();
    let sig = call.header("x-kognit-signature").unwrap();
    let (t, v1) = sig.split_once(',').unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let mut signed = format!("{t}.").into_bytes();
    signed.extend_from_slice(&call.body);
    let expected = kognit_core::crypto::hmac_sha256(secret.as_bytes(), &signed);
    assert_eq!(v1, format!("v1={}", hex::encode(expected)));

    // A refusal fails SignUp as Cognito words it, and stores nothing.
    let refused = c
        .sign_up()
        .client_id(&client)
        .username("bob")
        .password(PASSWORD)
        .user_attributes(attr("email", "bob@example.com"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&refused), "UserLambdaValidationException");
    assert_eq!(
        message(&refused),
        "PreSignUp failed with error An invitation code is required."
    );
    let gone = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("bob")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "UserNotFoundException");

    // AdminCreateUser runs it too (PreSignUp_AdminCreateUser, no client).
    let created = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("cy")
        .validation_data(attr("invite", "K-42"))
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await;
    assert!(created.is_ok(), "{created:?}");
    let admin = hooks.events("PreSignUp_AdminCreateUser");
    assert_eq!(admin.len(), 1);
    assert_eq!(
        admin[0]["callerContext"]["clientId"],
        "CLIENT_ID_NOT_APPLICABLE"
    );
    assert_eq!(admin[0]["userName"], "cy");
}

async fn auto_confirm_and_auto_verify(s: TestServer) {
    let hooks = TriggerServer::start(|call| match call.event["triggerSource"].as_str() {
        Some("PreSignUp_SignUp") => Reply::respond(
            call.event.clone(),
            json!({"autoConfirmUser": true, "autoVerifyEmail": true, "autoVerifyPhone": true}),
        ),
        _ => accept(call),
    })
    .await;
    let c = s.client();
    let (pool, client) = pool_with(
        &c,
        LambdaConfigType::builder()
            .pre_sign_up(hooks.url("/pre"))
            .post_confirmation(hooks.url("/post"))
            .build(),
    )
    .await;
    assert_eq!(sign_up(&c, &client, "dee").await, Ok(true));
    assert_eq!(status_of(&c, &pool, "dee").await, UserStatusType::Confirmed);
    assert_eq!(
        attr_of(&c, &pool, "dee", "email_verified").await.as_deref(),
        Some("true")
    );
    // No phone number: autoVerifyPhone marks nothing.
    assert_eq!(
        attr_of(&c, &pool, "dee", "phone_number_verified").await,
        None
    );
    // No code was sent; PostConfirmation ran for the auto-confirmed user.
    assert!(s.latest_message(&pool, "dee").await.is_none());
    let post = hooks.events("PostConfirmation");
    assert_eq!(post.len(), 1);
    let e = &post[0];
    assert_eq!(e["triggerSource"], "PostConfirmation_ConfirmSignUp");
    assert_eq!(e["callerContext"]["clientId"], client.as_str());
    assert_eq!(e["request"]["clientMetadata"], json!({"source": "tests"}));
    let attrs = &e["request"]["userAttributes"];
    assert_eq!(attrs["cognito:user_status"], "CONFIRMED");
    assert_eq!(attrs["email_verified"], "true");
    assert_eq!(attrs["email"], "dee@example.com");
    assert!(attrs["sub"].as_str().is_some_and(|s| s.len() == 36));
    assert_eq!(e["response"], json!({}));
}

async fn post_confirmation_after_code_and_reset(s: TestServer) {
    let hooks = TriggerServer::start(accept).await;
    let c = s.client();
    let (pool, client) = pool_with(
        &c,
        LambdaConfigType::builder()
            .post_confirmation(hooks.url("/post"))
            .build(),
    )
    .await;
    assert_eq!(sign_up(&c, &client, "eve").await, Ok(false));
    assert!(hooks.events("PostConfirmation").is_empty());
    let code_sent = s.latest_code(&pool, "eve").await;
    c.confirm_sign_up()
        .client_id(&client)
        .username("eve")
        .confirmation_code(code_sent)
        .client_metadata("step", "confirm")
        .send()
        .await
        .unwrap();
    let post = hooks.events("PostConfirmation");
    assert_eq!(post.len(), 1);
    assert_eq!(post[0]["triggerSource"], "PostConfirmation_ConfirmSignUp");
    assert_eq!(post[0]["userName"], "eve");
    assert_eq!(
        post[0]["request"]["clientMetadata"],
        json!({"step": "confirm"})
    );
    assert_eq!(
        post[0]["request"]["userAttributes"]["cognito:user_status"],
        "CONFIRMED"
    );

    c.forgot_password()
        .client_id(&client)
        .username("eve")
        .send()
        .await
        .unwrap();
    let reset_code = s.latest_code(&pool, "eve").await;
    c.confirm_forgot_password()
        .client_id(&client)
        .username("eve")
        .confirmation_code(reset_code)
        .password("N3w-Passw0rd!")
        .send()
        .await
        .unwrap();
    let post = hooks.events("PostConfirmation");
    assert_eq!(post.len(), 2);
    assert_eq!(
        post[1]["triggerSource"],
        "PostConfirmation_ConfirmForgotPassword"
    );
}

async fn custom_message_rewrites_messages(s: TestServer) {
    let hooks = TriggerServer::start(|call| {
        let e = &call.event;
        match e["triggerSource"].as_str() {
            Some("CustomMessage_SignUp") => Reply::respond(
                e.clone(),
                json!({
                    "emailSubject": "Welcome, friend",
                    "emailMessage": format!(
                        "Hello {}, your code is {}",
                        e["userName"].as_str().unwrap(),
                        e["request"]["codeParameter"].as_str().unwrap()
                    ),
                    "smsMessage": null,
                }),
            ),
            // A message without the code placeholder is not used.
            Some("CustomMessage_ResendCode") => Reply::respond(
                e.clone(),
                json!({"emailSubject": "Again", "emailMessage": "no code here", "smsMessage": null}),
            ),
            Some("CustomMessage_AdminCreateUser") => Reply::respond(
                e.clone(),
                json!({
                    "emailSubject": "Your account",
                    "emailMessage": format!(
                        "Sign in as {} with {}",
                        e["request"]["usernameParameter"].as_str().unwrap(),
                        e["request"]["codeParameter"].as_str().unwrap()
                    ),
                    "smsMessage": null,
                }),
            ),
            _ => accept(call),
        }
    })
    .await;
    let c = s.client();
    let (pool, client) = pool_with(
        &c,
        LambdaConfigType::builder()
            .custom_message(hooks.url("/message"))
            .build(),
    )
    .await;
    assert_eq!(sign_up(&c, &client, "fay").await, Ok(false));
    let m = s.latest_message(&pool, "fay").await.unwrap();
    let code_sent = m["code"].as_str().unwrap();
    assert_eq!(m["subject"], "Welcome, friend");
    assert_eq!(m["body"], format!("Hello fay, your code is {code_sent}"));
    let e = &hooks.events("CustomMessage_SignUp")[0];
    assert_eq!(e["request"]["codeParameter"], "{####}");
    assert_eq!(e["request"]["usernameParameter"], Value::Null);
    assert_eq!(e["request"]["clientMetadata"], json!({"source": "tests"}));
    assert_eq!(
        e["request"]["userAttributes"]["cognito:user_status"],
        "UNCONFIRMED"
    );
    assert_eq!(
        e["response"],
        json!({"smsMessage": null, "emailMessage": null, "emailSubject": null})
    );

    c.resend_confirmation_code()
        .client_id(&client)
        .username("fay")
        .send()
        .await
        .unwrap();
    let m = s.latest_message(&pool, "fay").await.unwrap();
    assert_eq!(m["subject"], "Again");
    assert_ne!(m["body"], "no code here");
    assert!(
        m["body"]
            .as_str()
            .unwrap()
            .contains(m["code"].as_str().unwrap())
    );

    c.admin_create_user()
        .user_pool_id(&pool)
        .username("gus")
        .user_attributes(attr("email", "gus@example.com"))
        .temporary_password("Temp-Passw0rd!")
        .send()
        .await
        .unwrap();
    let m = s.latest_message(&pool, "gus").await.unwrap();
    assert_eq!(m["subject"], "Your account");
    assert_eq!(m["body"], "Sign in as gus with Temp-Passw0rd!");
    let e = &hooks.events("CustomMessage_AdminCreateUser")[0];
    assert_eq!(e["request"]["usernameParameter"], "{username}");
    assert_eq!(e["callerContext"]["clientId"], "CLIENT_ID_NOT_APPLICABLE");
}

async fn authentication_triggers(s: TestServer) {
    let hooks = TriggerServer::start(|call| {
        let e = &call.event;
        if e["triggerSource"] == "PreAuthentication_Authentication"
            && e["request"]["validationData"]["maintenance"] == "on"
        {
            return Reply::throw("Sign-in is paused for maintenance");
        }
        accept(call)
    })
    .await;
    let c = s.client();
    let (pool, client) = pool_with(
        &c,
        LambdaConfigType::builder()
            .pre_authentication(hooks.url("/pre-auth"))
            .post_authentication(hooks.url("/post-auth"))
            .build(),
    )
    .await;
    create_confirmed(&c, &pool, "hal", &[attr("email", "hal@example.com")]).await;
    let sign_in = |maintenance: &'static str| {
        c.initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "hal")
            .auth_parameters("PASSWORD", PASSWORD)
            .client_metadata("maintenance", maintenance)
            .send()
    };
    let refused = sign_in("on").await.unwrap_err();
    assert_eq!(code(&refused), "UserLambdaValidationException");
    assert_eq!(
        message(&refused),
        "PreAuthentication failed with error Sign-in is paused for maintenance."
    );
    assert!(hooks.events("PostAuthentication").is_empty());
    let ok = sign_in("off").await.unwrap();
    assert!(ok.authentication_result.is_some());
    let pre = hooks.events("PreAuthentication");
    assert_eq!(pre.len(), 2);
    assert_eq!(pre[1]["userName"], "hal");
    assert_eq!(pre[1]["callerContext"]["clientId"], client.as_str());
    assert_eq!(
        pre[1]["request"]["validationData"],
        json!({"maintenance": "off"})
    );
    assert_eq!(
        pre[1]["request"]["userAttributes"]["cognito:user_status"],
        "CONFIRMED"
    );
    assert!(pre[1]["request"].get("userNotFound").is_none());
    let post = hooks.events("PostAuthentication");
    assert_eq!(post.len(), 1);
    assert_eq!(
        post[0]["triggerSource"],
        "PostAuthentication_Authentication"
    );
    assert_eq!(post[0]["request"]["newDeviceUsed"], false);
    assert_eq!(post[0]["request"]["clientMetadata"], json!({}));

    // A sign-in that ends in RespondToAuthChallenge hands that call's
    // ClientMetadata to PostAuthentication.
    let session = crate::harness::auth::new_password_session(&c, &pool, &client, "ida").await;
    let done = c
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(
            aws_sdk_cognitoidentityprovider::types::ChallengeNameType::NewPasswordRequired,
        )
        .session(session)
        .challenge_responses("USERNAME", "ida")
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .client_metadata("step", "new-password")
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
    let post = hooks.events("PostAuthentication");
    assert_eq!(post.len(), 2);
    assert_eq!(post[1]["userName"], "ida");
    assert_eq!(
        post[1]["request"]["clientMetadata"],
        json!({"step": "new-password"})
    );
}

async fn update_attribute_message_source(s: TestServer) {
    let hooks = TriggerServer::start(accept).await;
    let c = s.client();
    let (pool, client) = pool_with(
        &c,
        LambdaConfigType::builder()
            .custom_message(hooks.url("/message"))
            .build(),
    )
    .await;
    create_confirmed(&c, &pool, "max", &[attr("email", "max@example.com")]).await;
    let tokens = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "max")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    c.update_user_attributes()
        .access_token(tokens.access_token.unwrap())
        .user_attributes(attr("email", "max@example.org"))
        .client_metadata("from", "profile-page")
        .send()
        .await
        .unwrap();
    let e = &hooks.events("CustomMessage_UpdateUserAttribute")[0];
    assert_eq!(e["callerContext"]["clientId"], client.as_str());
    assert_eq!(
        e["request"]["clientMetadata"],
        json!({"from": "profile-page"})
    );
    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("max")
        .user_attributes(attr("email", "max@example.net"))
        .client_metadata("from", "support")
        .send()
        .await
        .unwrap();
    let e = &hooks.events("CustomMessage_UpdateUserAttribute")[1];
    assert_eq!(e["callerContext"]["clientId"], "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(e["request"]["clientMetadata"], json!({"from": "support"}));
}
