//! The trigger examples of `examples/triggers/` run as webhooks (Node, through
//! `serve.js`) against `kognit dev`, each doing what its README line says.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ExplicitAuthFlowsType, LambdaConfigType, UserStatusType, VerifiedAttributeType,
};

use crate::harness::auth::create_confirmed;
use crate::harness::triggers::{app_client, pool_with};
use crate::harness::users::{PASSWORD, attr, attr_of, status_of};
use crate::harness::{TestServer, code, message, on_both_backends};

on_both_backends!(
    allow_list_and_auto_confirm,
    custom_message_example,
    sign_in_limit_example,
    serve_js_checks_the_signature,
    user_migration_example,
    passwordless_example,
    token_claim_example,
);

/// One example served by `serve.js`, stopped when dropped.
struct Example {
    child: Child,
    url: String,
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves `file` (in examples/triggers) with these environment variables;
/// None when Node is not installed (outside CI).
fn serve(file: &str, env: &[(&str, &str)]) -> Option<Example> {
    if Command::new("node").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI needs node");
        eprintln!("skipped: node is not on PATH");
        return None;
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/triggers");
    let mut child = Command::new("node")
        .arg(format!("{dir}/serve.js"))
        .arg(file)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    Some(Example { child, url })
}

async fn allow_list_and_auto_confirm(s: TestServer) {
    let Some(allow) = serve(
        "pre-sign-up-allow-list.js",
        &[("ALLOWED_DOMAINS", "example.com")],
    ) else {
        return;
    };
    let Some(confirm) = serve("auto-confirm.js", &[("INVITATION_CODE", "K-7")]) else {
        return;
    };
    let c = s.client();
    let (_, client) = pool_with(
        &c,
        LambdaConfigType::builder().pre_sign_up(&allow.url).build(),
    )
    .await;
    let sign_up = |name: &str, email: &str, invitation: Option<&str>| {
        let mut req = c
            .sign_up()
            .client_id(&client)
            .username(name)
            .password(PASSWORD)
            .user_attributes(attr("email", email));
        if let Some(i) = invitation {
            req = req.validation_data(attr("invitation", i));
        }
        req.send()
    };
    assert!(sign_up("ann", "ann@example.com", None).await.is_ok());
    let refused = sign_up("mal", "mal@elsewhere.test", None)
        .await
        .unwrap_err();
    assert_eq!(code(&refused), "UserLambdaValidationException");
    assert_eq!(
        message(&refused),
        "PreSignUp failed with error Sign-up is open to example.com addresses only."
    );

    let (pool, client) = pool_with(
        &c,
        LambdaConfigType::builder()
            .pre_sign_up(&confirm.url)
            .build(),
    )
    .await;
    let invited = c
        .sign_up()
        .client_id(&client)
        .username("ben")
        .password(PASSWORD)
        .user_attributes(attr("email", "ben@example.com"))
        .validation_data(attr("invitation", "K-7"))
        .send()
        .await
        .unwrap();
    assert!(invited.user_confirmed);
    assert_eq!(status_of(&c, &pool, "ben").await, UserStatusType::Confirmed);
    assert_eq!(
        attr_of(&c, &pool, "ben", "email_verified").await.as_deref(),
        Some("true")
    );
    let plain = c
        .sign_up()
        .client_id(&client)
        .username("cat")
        .password(PASSWORD)
        .user_attributes(attr("email", "cat@example.com"))
        .send()
        .await
        .unwrap();
    assert!(!plain.user_confirmed);
}

async fn custom_message_example(s: TestServer) {
    let Some(hook) = serve("custom-message.js", &[]) else {
        return;
    };
    let c = s.client();
    let (pool, client) = pool_with(
        &c,
        LambdaConfigType::builder()
            .custom_message(&hook.url)
            .build(),
    )
    .await;
    c.sign_up()
        .client_id(&client)
        .username("dan")
        .password(PASSWORD)
        .user_attributes(attr("email", "dan@example.com"))
        .user_attributes(attr("given_name", "Dan"))
        .send()
        .await
        .unwrap();
    let m = s.latest_message(&pool, "dan").await.unwrap();
    assert_eq!(m["subject"], "Welcome to Example");
    assert_eq!(
        m["body"],
        format!(
            "Hi Dan, your Example code is {}.",
            m["code"].as_str().unwrap()
        )
    );
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("eli")
        .user_attributes(attr("email", "eli@example.com"))
        .temporary_password("Temp-Passw0rd!")
        .send()
        .await
        .unwrap();
    let m = s.latest_message(&pool, "eli").await.unwrap();
    assert_eq!(
        m["body"],
        "Sign in as eli with the password Temp-Passw0rd!."
    );
}

async fn sign_in_limit_example(s: TestServer) {
    let Some(hook) = serve("pre-authentication-limit.js", &[("MAX_SIGN_INS", "2")]) else {
        return;
    };
    let c = s.client();
    let (pool, client) = pool_with(
        &c,
        LambdaConfigType::builder()
            .pre_authentication(&hook.url)
            .build(),
    )
    .await;
    create_confirmed(&c, &pool, "fox", &[]).await;
    let sign_in = || {
        c.initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "fox")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
    };
    assert!(sign_in().await.is_ok());
    assert!(sign_in().await.is_ok());
    let third = sign_in().await.unwrap_err();
    assert_eq!(code(&third), "UserLambdaValidationException");
    assert_eq!(
        message(&third),
        "PreAuthentication failed with error Too many sign-ins, try again later."
    );
}

async fn serve_js_checks_the_signature(s: TestServer) {
    let c = s.client();
    let (pool, client) = pool_with(&c, LambdaConfigType::builder().build()).await;
    let secret = s
        .raw(
            Some("Kognit.GetTriggerSecret"),
            serde_json::json!({"UserPoolId": pool}).to_string(),
        )
        .await
        .json["TriggerSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    let Some(right) = serve(
        "auto-confirm.js",
        &[("KOGNIT_TRIGGER_SECRET", secret.as_str())],
    ) else {
        return;
    };
    let Some(wrong) = serve(
        "auto-confirm.js",
        &[("KOGNIT_TRIGGER_SECRET", "not-the-secret")],
    ) else {
        return;
    };
    for (url, name, ok) in [(&right.url, "gil", true), (&wrong.url, "hap", false)] {
        c.update_user_pool()
            .user_pool_id(&pool)
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .lambda_config(LambdaConfigType::builder().pre_sign_up(url).build())
            .send()
            .await
            .unwrap();
        let r = c
            .sign_up()
            .client_id(&client)
            .username(name)
            .password(PASSWORD)
            .user_attributes(attr("email", &format!("{name}@example.com")))
            .send()
            .await;
        match (ok, r) {
            (true, Ok(_)) => {}
            (false, Err(e)) => assert_eq!(
                message(&e),
                "PreSignUp failed with error bad signature.",
                "{e:?}"
            ),
            (_, other) => panic!("{name}: {other:?}"),
        }
    }
}

async fn user_migration_example(s: TestServer) {
    let Some(hook) = serve("user-migration.js", &[]) else {
        return;
    };
    let c = s.client();
    let (pool, client) = pool_with(
        &c,
        LambdaConfigType::builder()
            .user_migration(&hook.url)
            .build(),
    )
    .await;
    let sign_in = |password: &'static str| {
        c.initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "old.user@example.com")
            .auth_parameters("PASSWORD", password)
            .send()
    };
    let wrong = sign_in("not-it").await.unwrap_err();
    assert_eq!(
        message(&wrong),
        "UserMigration failed with error Bad password."
    );
    let ok = sign_in("Old-Passw0rd!").await.unwrap();
    assert!(ok.authentication_result.is_some());
    assert_eq!(
        status_of(&c, &pool, "old.user@example.com").await,
        UserStatusType::Confirmed
    );
    assert_eq!(
        attr_of(&c, &pool, "old.user@example.com", "name")
            .await
            .as_deref(),
        Some("Old User")
    );
}

async fn passwordless_example(s: TestServer) {
    use crate::harness::triggers::{Reply, TriggerServer};
    use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
    // Where the example "emails" its code.
    let mailbox = TriggerServer::start(|_| Reply::Json(serde_json::json!({}))).await;
    let Some(hook) = serve(
        "custom-auth-email-code.js",
        &[("SEND_CODE_TO", mailbox.url("/mail").as_str())],
    ) else {
        return;
    };
    let c = s.client();
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("passwordless")
            .lambda_config(
                LambdaConfigType::builder()
                    .define_auth_challenge(&hook.url)
                    .create_auth_challenge(&hook.url)
                    .verify_auth_challenge_response(&hook.url)
                    .build(),
            ),
    )
    .await;
    let client = app_client(&c, &pool, &[ExplicitAuthFlowsType::AllowCustomAuth]).await;
    create_confirmed(
        &c,
        &pool,
        "ivy",
        &[
            attr("email", "ivy@example.com"),
            attr("email_verified", "true"),
        ],
    )
    .await;
    let started = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::CustomAuth)
        .auth_parameters("USERNAME", "ivy")
        .send()
        .await
        .unwrap();
    assert_eq!(
        started.challenge_name,
        Some(ChallengeNameType::CustomChallenge)
    );
    assert_eq!(
        started.challenge_parameters.as_ref().unwrap()["email"],
        "ivy@example.com"
    );
    let mails = mailbox.calls();
    assert_eq!(mails.len(), 1);
    let code_sent = mails[0].event["code"].as_str().unwrap().to_owned();
    let answer = |session: String, answer: String| {
        c.respond_to_auth_challenge()
            .client_id(&client)
            .challenge_name(ChallengeNameType::CustomChallenge)
            .session(session)
            .challenge_responses("USERNAME", "ivy")
            .challenge_responses("ANSWER", answer)
            .send()
    };
    let wrong = answer(started.session.unwrap(), "000000".into())
        .await
        .unwrap();
    assert_eq!(
        wrong.challenge_name,
        Some(ChallengeNameType::CustomChallenge)
    );
    // The second round reuses the first code: no second mail.
    assert_eq!(mailbox.calls().len(), 1);
    let right = answer(wrong.session.unwrap(), code_sent).await.unwrap();
    assert!(right.authentication_result.is_some(), "{right:?}");
}

async fn token_claim_example(s: TestServer) {
    use aws_sdk_cognitoidentityprovider::types::{AttributeDataType, SchemaAttributeType};
    let Some(hook) = serve("pre-token-generation.js", &[]) else {
        return;
    };
    let c = s.client();
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("tenants")
            .schema(
                SchemaAttributeType::builder()
                    .name("tenant")
                    .attribute_data_type(AttributeDataType::String)
                    .build(),
            )
            .lambda_config(
                LambdaConfigType::builder()
                    .pre_token_generation(&hook.url)
                    .build(),
            ),
    )
    .await;
    let client = app_client(&c, &pool, &[ExplicitAuthFlowsType::AllowUserPasswordAuth]).await;
    create_confirmed(&c, &pool, "kay", &[attr("custom:tenant", "acme")]).await;
    let tokens = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "kay")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let (_, id) = crate::harness::auth::claims(tokens.id_token.as_deref().unwrap());
    assert_eq!(id["tenant"], "acme");
    let (_, access) = crate::harness::auth::claims(tokens.access_token.as_deref().unwrap());
    // Event version 1 changes the ID token only.
    assert!(access.get("tenant").is_none(), "{access}");
}
