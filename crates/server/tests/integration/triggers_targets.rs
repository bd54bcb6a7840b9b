//! How triggers are reached and how they fail, against real HTTP servers
//! started by each test: failures as Cognito reports them (a function that
//! throws, one that times out, answers non-JSON or a malformed event, or
//! cannot be reached), Lambda ARNs mapped to URLs, the Lambda Invoke API
//! through the real binary, and the custom email sender.

use std::time::Duration;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    LambdaConfigType, UserStatusType, VerifiedAttributeType,
};
use serde_json::{Value, json};

use crate::harness::triggers::{Reply, TriggerServer, accept, pool_with, sign_up};
use crate::harness::users::{PASSWORD, attr, status_of};
use crate::harness::{Backend, TestServer, code, on_both_backends};

on_both_backends!(
    failures_as_cognito_reports_them,
    lambda_arns_mapped_to_urls,
    custom_email_sender_gets_the_code,
);
on_both_backends!(by_backend: lambda_invoke_api);

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
    // /metrics counts them by outcome (in the whole test process).
    let metrics = s.metrics().await;
    for series in [
        r#"kognit_trigger_invocations_total{trigger="PreSignUp",outcome="unreachable"}"#,
        r#"kognit_trigger_duration_seconds_count{trigger="PreSignUp"}"#,
    ] {
        assert!(metrics.contains(series), "{series} in {metrics}");
    }
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
