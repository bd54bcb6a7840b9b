//! kognit extension `GET /_kognit/clients/{client_id}/password-policy`: the
//! policy a client's users are held to, exactly as SignUp applies it.

use aws_sdk_cognitoidentityprovider::types::{PasswordPolicyType, UserPoolPolicyType};
use serde_json::{Value, json};

use crate::harness::{RawReply, TestServer, code, create_pool, on_both_backends, pool_id};

on_both_backends!(policy_is_the_one_sign_up_applies);
on_both_backends!(a_new_password_may_not_be_one_of_the_last_few);

async fn policy(s: &TestServer, client_id: &str) -> RawReply {
    let resp = reqwest::Client::new()
        .get(format!(
            "{}/_kognit/clients/{client_id}/password-policy",
            s.url
        ))
        .header("origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();
    RawReply::read(resp).await
}

/// A password that meets `p` exactly: one character of each required class
/// (a symbol from the answer's own set), padded to the minimum length.
fn meeting(p: &Value) -> String {
    let mut pw = String::new();
    if p["RequireUppercase"] == json!(true) {
        pw.push('Q');
    }
    if p["RequireLowercase"] == json!(true) {
        pw.push('q');
    }
    if p["RequireNumbers"] == json!(true) {
        pw.push('7');
    }
    if p["RequireSymbols"] == json!(true) {
        // Not the space: the API refuses whitespace in a password.
        let symbols = p["Symbols"].as_str().unwrap();
        pw.push(symbols.chars().find(|c| *c != ' ').unwrap());
    }
    let min = p["MinimumLength"].as_u64().unwrap() as usize;
    while pw.chars().count() < min {
        pw.push('7');
    }
    pw
}

async fn policy_is_the_one_sign_up_applies(s: TestServer) {
    let c = s.client();
    let pool = pool_id(
        c.create_user_pool().pool_name("strict").policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    PasswordPolicyType::builder()
                        .minimum_length(10)
                        .require_uppercase(true)
                        .require_lowercase(false)
                        .require_numbers(true)
                        .require_symbols(true)
                        .temporary_password_validity_days(3)
                        .build(),
                )
                .build(),
        ),
    )
    .await;
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let r = policy(&s, &client).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(
        r.json,
        json!({
            "UserPoolId": pool,
            "ClientId": client,
            "MinimumLength": 10,
            "RequireUppercase": true,
            "RequireLowercase": false,
            "RequireNumbers": true,
            "RequireSymbols": true,
            "TemporaryPasswordValidityDays": 3,
            "Symbols": kognit_core::passwords::SYMBOLS,
        })
    );
    // Open to browsers on other origins (the router's CORS).
    assert_eq!(
        r.headers["access-control-allow-origin"],
        "http://localhost:3000"
    );

    // A password built to the answer is accepted; one a class short is not.
    let good = meeting(&r.json);
    assert_eq!(good, "Q7^7777777");
    let sign_up = |name: &str, pw: String| {
        c.sign_up()
            .client_id(&client)
            .username(name)
            .password(pw)
            .send()
    };
    sign_up("meets", good.clone()).await.unwrap();
    for (name, pw) in [
        ("no-upper", good.to_lowercase()),
        ("no-symbol", good.replace('^', "7")),
        ("no-number", good.replace('7', "x")),
        ("too-short", good[..9].to_owned()),
    ] {
        let e = sign_up(name, pw).await.unwrap_err();
        assert_eq!(code(&e), "InvalidPasswordException", "{name}");
    }

    // A pool with Cognito's default policy.
    let plain = create_pool(&c, "plain").await;
    let plain_client = crate::harness::srp_client(&c, &plain, "app").await;
    let r = policy(&s, &plain_client).await;
    assert_eq!(r.json["MinimumLength"], 8);
    for class in ["Uppercase", "Lowercase", "Numbers", "Symbols"] {
        assert_eq!(r.json[format!("Require{class}")], true, "{class}");
    }
    assert_eq!(r.json["TemporaryPasswordValidityDays"], 7);
    assert!(r.json.get("PasswordHistorySize").is_none());
    let good = meeting(&r.json);
    c.sign_up()
        .client_id(&plain_client)
        .username("meets")
        .password(&good)
        .send()
        .await
        .unwrap();

    // Unknown and malformed client ids: 404 with Cognito's error body.
    for id in ["nosuchclient0000000000000a", "bad%20id", &"x".repeat(300)] {
        let r = policy(&s, id).await;
        assert_eq!(r.status, 404, "{id}");
        assert_eq!(r.error_type(), "ResourceNotFoundException", "{id}");
        assert!(
            r.json["message"]
                .as_str()
                .unwrap()
                .contains("does not exist")
        );
    }
}

/// A pool's password policy with only `PasswordHistorySize` set.
fn with_history(n: i32) -> UserPoolPolicyType {
    UserPoolPolicyType::builder()
        .password_policy(
            PasswordPolicyType::builder()
                .password_history_size(n)
                .build(),
        )
        .build()
}

/// `PasswordHistorySize` n: a new password may match none of the user's
/// last n, the current one among them, whichever operation sets it
/// (the five the model lists PasswordHistoryPolicyViolationException for).
async fn a_new_password_may_not_be_one_of_the_last_few(s: TestServer) {
    use crate::harness::auth::{Setup, TEMP_PASSWORD, new_password_session, password_login};
    use crate::harness::users::PASSWORD;
    use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
    const REUSED: &str = "PasswordHistoryPolicyViolationException";
    let (a, b, third, fourth) = (
        PASSWORD,
        "Second-Passw0rd!",
        "Third-Passw0rd!",
        "Fourth-Passw0rd!",
    );
    let c = s.client();
    let pool = pool_id(
        c.create_user_pool()
            .pool_name("history")
            .policies(with_history(2)),
    )
    .await;
    let client = crate::harness::auth::password_client(&c, &pool).await;
    let described = || async {
        crate::harness::describe_pool(&c, &pool)
            .await
            .policies
            .unwrap()
            .password_policy
            .unwrap()
    };
    let p = described().await;
    assert_eq!(p.password_history_size, Some(2));
    // The Rust SDK sends TemporaryPasswordValidityDays 0 for a policy built
    // without it, which Cognito takes for its default, 7 (a temporary
    // password that expired at once was kognit's answer before).
    assert_eq!(p.temporary_password_validity_days, 7);
    crate::harness::auth::create_user(&c, &pool, "hal").await;
    let setup = Setup {
        pool: pool.clone(),
        client: client.clone(),
    };
    let change = |from: &'static str, to: &'static str| {
        let (c, setup) = (&c, &setup);
        async move {
            let token = password_login(c, setup, "hal", from)
                .await
                .access_token
                .unwrap();
            c.change_password()
                .access_token(token)
                .previous_password(from)
                .proposed_password(to)
                .send()
                .await
        }
    };

    // ChangePassword: not the current password, nor the one before it;
    // one that has fallen out of the last two may come back.
    assert_eq!(code(&change(a, a).await.unwrap_err()), REUSED);
    change(a, b).await.unwrap();
    assert_eq!(code(&change(b, a).await.unwrap_err()), REUSED);
    change(b, third).await.unwrap();
    change(third, a).await.unwrap();

    // AdminSetUserPassword, permanent or temporary: the same rule.
    let admin_set = |pw: &'static str, permanent: bool| {
        c.admin_set_user_password()
            .user_pool_id(&pool)
            .username("hal")
            .password(pw)
            .permanent(permanent)
            .send()
    };
    assert_eq!(code(&admin_set(third, true).await.unwrap_err()), REUSED);
    assert_eq!(code(&admin_set(a, false).await.unwrap_err()), REUSED);
    admin_set(b, true).await.unwrap();
    // A refused password changed nothing: the one set last signs in.
    password_login(&c, &setup, "hal", b).await;

    // ConfirmForgotPassword: refused only for a right code, which a
    // refusal leaves unspent.
    c.forgot_password()
        .client_id(&client)
        .username("hal")
        .send()
        .await
        .unwrap();
    let sent = s.latest_code(&pool, "hal").await;
    let confirm = |code: String, pw: &'static str| {
        c.confirm_forgot_password()
            .client_id(&client)
            .username("hal")
            .confirmation_code(code)
            .password(pw)
            .send()
    };
    let wrong = if sent == "000000" { "111111" } else { "000000" };
    let e = confirm(wrong.into(), b).await.unwrap_err();
    assert_eq!(code(&e), "CodeMismatchException");
    assert_eq!(code(&confirm(sent.clone(), b).await.unwrap_err()), REUSED);
    assert_eq!(code(&confirm(sent.clone(), a).await.unwrap_err()), REUSED);
    confirm(sent, fourth).await.unwrap();
    password_login(&c, &setup, "hal", fourth).await;

    // RespondToAuthChallenge NEW_PASSWORD_REQUIRED: not the temporary
    // password either.
    let session = new_password_session(&c, &pool, &client, "tia").await;
    let respond = |session: String, pw: &'static str| {
        c.respond_to_auth_challenge()
            .client_id(&client)
            .challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(session)
            .challenge_responses("USERNAME", "tia")
            .challenge_responses("NEW_PASSWORD", pw)
            .send()
    };
    let e = respond(session.clone(), TEMP_PASSWORD).await.unwrap_err();
    assert_eq!(code(&e), REUSED);
    // The challenge's session still takes another answer, as after a
    // password the policy refuses.
    let e = respond(session, TEMP_PASSWORD).await.unwrap_err();
    assert_eq!(code(&e), REUSED);
    // AdminCreateUser, which the model does not list the error for, sends
    // the same temporary password again (RESEND) without it.
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("tia")
        .temporary_password(TEMP_PASSWORD)
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Resend)
        .send()
        .await
        .unwrap();
    let again = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "tia")
        .auth_parameters("PASSWORD", TEMP_PASSWORD)
        .send()
        .await
        .unwrap()
        .session
        .unwrap();
    let done = respond(again, fourth).await.unwrap();
    assert!(done.authentication_result.is_some());

    // History off (0): not shown by DescribeUserPool, and nothing refused.
    c.update_user_pool()
        .user_pool_id(&pool)
        .policies(with_history(0))
        .send()
        .await
        .unwrap();
    let p = described().await;
    assert_eq!(p.password_history_size, None);
    change(fourth, fourth).await.unwrap();
    change(fourth, b).await.unwrap();
}
