//! kognit extension `GET /_kognit/clients/{client_id}/password-policy`: the
//! policy a client's users are held to, exactly as SignUp applies it.

use aws_sdk_cognitoidentityprovider::types::{PasswordPolicyType, UserPoolPolicyType};
use serde_json::{Value, json};

use crate::harness::{RawReply, TestServer, code, create_pool, on_both_backends, pool_id};

on_both_backends!(policy_is_the_one_sign_up_applies);

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
