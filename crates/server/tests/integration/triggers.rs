//! Lambda triggers end to end, against a real HTTP trigger server started by
//! each test: the exact events kognit sends (PreSignUp, PostConfirmation,
//! CustomMessage, PreAuthentication, PostAuthentication), what each answer
//! changes, the webhook signature, and the failures as Cognito reports them
//! (a function that throws, one that times out, answers non-JSON or a
//! malformed event, or cannot be reached).

use std::time::Duration;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, LambdaConfigType, UserStatusType, VerifiedAttributeType,
};
use serde_json::{Value, json};

use crate::harness::auth::create_confirmed;
use crate::harness::triggers::{Call, Reply, TriggerServer, pool_with};
use crate::harness::users::{PASSWORD, attr, attr_of, status_of};
use crate::harness::{Backend, TestServer, code, message, on_both_backends};

on_both_backends!(
    pre_sign_up_event_and_refusal,
    auto_confirm_and_auto_verify,
    post_confirmation_after_code_and_reset,
    custom_message_rewrites_messages,
    authentication_triggers,
    failures_as_cognito_reports_them,
    lambda_arns_mapped_to_urls,
    custom_email_sender_gets_the_code,
    update_attribute_message_source,
);
on_both_backends!(by_backend: lambda_invoke_api);

/// SignUp of `name` with an email, validation data and client metadata.
async fn sign_up(c: &Client, client: &str, name: &str) -> Result<bool, String> {
    c.sign_up()
        .client_id(client)
        .username(name)
        .password(PASSWORD)
        .user_attributes(attr("email", &format!("{name}@example.com")))
        .validation_data(attr("invite", "K-42"))
        .client_metadata("source", "tests")
        .send()
        .await
        .map(|r| r.user_confirmed)
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

/// The event back, unchanged: a trigger that accepts.
fn accept(call: &Call) -> Reply {
    Reply::Json(call.event.clone())
}

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
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("ida")
        .temporary_password("Temp-Passw0rd!")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let challenge = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "ida")
        .auth_parameters("PASSWORD", "Temp-Passw0rd!")
        .send()
        .await
        .unwrap();
    let done = c
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(
            aws_sdk_cognitoidentityprovider::types::ChallengeNameType::NewPasswordRequired,
        )
        .session(challenge.session.unwrap())
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

async fn failures_as_cognito_reports_them(s: TestServer) {
    let hooks = TriggerServer::start(|call| match call.event["userName"].as_str() {
        Some("late") => Reply::Late(Duration::from_secs(6), call.event.clone()),
        Some("text") => Reply::Raw(200, "text/plain", "all good".into()),
        Some("bare") => Reply::Raw(500, "text/plain", "boom".into()),
        Some("odd") => Reply::respond(call.event.clone(), json!({"autoConfirmUser": "yes"})),
        _ => accept(call),
    })
    .await;
    let c = s.client();
    let (pool, client) = pool_with(
        &c,
        LambdaConfigType::builder()
            .pre_sign_up(hooks.url("/pre"))
            .build(),
    )
    .await;
    let fails = |name: &'static str| {
        let c = c.clone();
        let client = client.clone();
        async move { sign_up(&c, &client, name).await.unwrap_err() }
    };
    assert_eq!(
        fails("text").await,
        "InvalidLambdaResponseException: Unrecognizable lambda output"
    );
    assert_eq!(
        fails("odd").await,
        "InvalidLambdaResponseException: Unrecognizable lambda output"
    );
    assert!(
        fails("bare")
            .await
            .starts_with("UnexpectedLambdaException: PreSignUp invocation failed due to error"),
    );
    assert_eq!(
        fails("late").await,
        "UnexpectedLambdaException: PreSignUp invocation failed due to error Socket timeout while invoking Lambda function."
    );
    for name in ["text", "odd", "bare", "late"] {
        let gone = c
            .admin_get_user()
            .user_pool_id(&pool)
            .username(name)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&gone), "UserNotFoundException", "{name}");
    }
    // A trigger nobody listens on.
    let dead = c
        .update_user_pool()
        .user_pool_id(&pool)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .lambda_config(
            LambdaConfigType::builder()
                .pre_sign_up("http://127.0.0.1:9/pre")
                .build(),
        )
        .send()
        .await;
    assert!(dead.is_ok(), "{dead:?}");
    assert_eq!(
        fails("ivy").await,
        "UnexpectedLambdaException: PreSignUp invocation failed due to error Connection refused while invoking Lambda function."
    );
    // The developer endpoint shows what was sent and what came back.
    let recent: Value = reqwest::get(format!("{}/_dev/triggers", s.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = recent["invocations"].as_array().unwrap();
    assert!(list.len() >= 5, "{recent}");
    let odd = list
        .iter()
        .find(|i| i["event"]["userName"] == "odd")
        .unwrap();
    assert_eq!(odd["trigger"], "PreSignUp");
    assert_eq!(odd["userPoolId"], pool.as_str());
    assert_eq!(
        odd["outcome"]["answer"]["response"]["autoConfirmUser"],
        "yes"
    );
}

async fn lambda_arns_mapped_to_urls(s: TestServer) {
    // `[lambda] functions` maps an ARN to a webhook: the pool keeps the ARN
    // a template written for Cognito gives it.
    let hooks = TriggerServer::start(accept).await;
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up";
    let mut s = s;
    s.cfg
        .lambda
        .functions
        .insert(arn.into(), hooks.url("/mapped"));
    s.restart().await;
    let c = s.client();
    let (pool, client) = pool_with(&c, LambdaConfigType::builder().pre_sign_up(arn).build()).await;
    let described = crate::harness::describe_pool(&c, &pool).await;
    assert_eq!(
        described.lambda_config.unwrap().pre_sign_up.as_deref(),
        Some(arn)
    );
    assert_eq!(sign_up(&c, &client, "jo").await, Ok(false));
    let calls = hooks.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].path, "/mapped");
    assert_eq!(calls[0].event["triggerSource"], "PreSignUp_SignUp");
}

/// `kognit dev` as a user runs it, with `AWS_ENDPOINT_URL_LAMBDA` and AWS
/// credentials in its environment: a trigger named by a Lambda ARN is
/// invoked through the Lambda Invoke API at that endpoint, SigV4-signed for
/// `lambda` in the ARN's region; a function error (`X-Amz-Function-Error`)
/// fails the operation as a throwing Lambda does.
async fn lambda_invoke_api(backend: Backend) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let db = match backend {
        Backend::Postgres => match crate::harness::fresh_pg_database().await {
            Some(db) => Some(db),
            None => return,
        },
        Backend::Sqlite => None,
    };
    let lambda = TriggerServer::start(|call| {
        let headers: Vec<(String, String)> = call.headers.clone();
        let req = kognit_core::sigv4::SignedRequest {
            method: "POST",
            path: &call.path,
            query: None,
            headers: &headers,
            body: &call.body,
        };
        let exp = kognit_core::sigv4::Expectation {
            region: "eu-west-1",
            service: "lambda",
            now: time::OffsetDateTime::now_utc(),
            max_skew: kognit_core::sigv4::DEFAULT_MAX_SKEW,
        };
        let signed = kognit_core::sigv4::verify(&req, &exp, |k| {
            (k == "AKIDLAMBDA").then(|| "lambda-secret".to_owned())
        });
        if signed.is_err() {
            return Reply::Raw(403, "application/json", format!("{signed:?}"));
        }
        if call.event["userName"] == "nope" {
            return Reply::WithHeaders(
                vec![("x-amz-function-error", "Unhandled")],
                json!({"errorType": "Error", "errorMessage": "Not on the list"}),
            );
        }
        Reply::respond(call.event.clone(), json!({"autoConfirmUser": true}))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kognit"));
    cmd.args(["dev", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("AWS_ENDPOINT_URL_LAMBDA", &lambda.base)
        .env("AWS_ACCESS_KEY_ID", "AKIDLAMBDA")
        .env("AWS_SECRET_ACCESS_KEY", "lambda-secret")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(db) = &db {
        cmd.args(["--database-url", &db.url]);
    }
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("kognit dev listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let conf = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(aws_sdk_cognitoidentityprovider::config::BehaviorVersion::latest())
        .region(aws_sdk_cognitoidentityprovider::config::Region::new(
            "us-east-1",
        ))
        .credentials_provider(aws_sdk_cognitoidentityprovider::config::Credentials::new(
            "any", "any", None, None, "tests",
        ))
        .endpoint_url(&url)
        .build();
    let c = Client::from_conf(conf);
    let arn = "arn:aws:lambda:eu-west-1:123456789012:function:pre-sign-up";
    let (pool, client) = pool_with(&c, LambdaConfigType::builder().pre_sign_up(arn).build()).await;
    let confirmed = sign_up(&c, &client, "kim").await;
    let threw = sign_up(&c, &client, "nope").await;
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(confirmed, Ok(true), "{:?}", lambda.calls());
    assert_eq!(
        threw,
        Err("UserLambdaValidationException: PreSignUp failed with error Not on the list.".into())
    );
    let calls = lambda.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[0].path,
        "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Apre-sign-up/invocations"
    );
    assert_eq!(
        calls[0].header("x-amz-invocation-type"),
        Some("RequestResponse")
    );
    assert!(
        calls[0]
            .header("authorization")
            .unwrap()
            .contains("/eu-west-1/lambda/aws4_request")
    );
    assert_eq!(calls[0].event["userPoolId"], pool.as_str());
    assert_eq!(calls[0].event["triggerSource"], "PreSignUp_SignUp");
}

async fn custom_email_sender_gets_the_code(s: TestServer) {
    use aws_sdk_cognitoidentityprovider::types::{
        CustomEmailLambdaVersionConfigType, CustomEmailSenderLambdaVersionType,
    };
    let hooks = TriggerServer::start(|_| Reply::Json(json!({}))).await;
    let c = s.client();
    let (pool, client) = pool_with(
        &c,
        LambdaConfigType::builder()
            .custom_email_sender(
                CustomEmailLambdaVersionConfigType::builder()
                    .lambda_version(CustomEmailSenderLambdaVersionType::V10)
                    .lambda_arn(hooks.url("/sender"))
                    .build()
                    .unwrap(),
            )
            .kms_key_id("arn:aws:kms:us-east-1:123456789012:key/kognit-has-no-kms")
            .build(),
    )
    .await;
    let up = c
        .sign_up()
        .client_id(&client)
        .username("lee")
        .password(PASSWORD)
        .user_attributes(attr("email", "lee@example.com"))
        .client_metadata("from", "tests")
        .send()
        .await
        .unwrap();
    // CodeDeliveryDetails as usual; kognit itself sent nothing.
    let details = up.code_delivery_details.unwrap();
    assert_eq!(details.attribute_name.as_deref(), Some("email"));
    assert!(s.latest_message(&pool, "lee").await.is_none());
    // The sender is invoked without the call waiting for it: wait for it here.
    let mut events = Vec::new();
    for _ in 0..100 {
        events = hooks.events("CustomEmailSender");
        if !events.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e["triggerSource"], "CustomEmailSender_SignUp");
    assert_eq!(e["request"]["type"], "customEmailSenderRequestV1");
    assert_eq!(e["request"]["clientMetadata"], json!({"from": "tests"}));
    assert_eq!(e["request"]["userAttributes"]["email"], "lee@example.com");
    // The code is the code itself (kognit has no KMS): it confirms the user.
    let code_sent = e["request"]["code"].as_str().unwrap();
    c.confirm_sign_up()
        .client_id(&client)
        .username("lee")
        .confirmation_code(code_sent)
        .send()
        .await
        .unwrap();
    assert_eq!(status_of(&c, &pool, "lee").await, UserStatusType::Confirmed);
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
