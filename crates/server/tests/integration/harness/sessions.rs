//! Raw JSON 1.1 calls sent with a chosen User-Agent (a browser's), for what
//! the server records of where a call came from (sessions, auth events).

use serde_json::{Value, json};

use crate::harness::{RawReply, TestServer};

/// A desktop Chrome User-Agent, as a browser sends it.
pub const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                          (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
/// A desktop Firefox User-Agent, as a browser sends it.
pub const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

/// A raw call of `op` sent with this User-Agent (dev mode takes admin calls
/// unsigned).
pub async fn call(s: &TestServer, op: &str, body: Value, user_agent: &str) -> RawReply {
    let resp = reqwest::Client::new()
        .post(&s.url)
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            format!("AWSCognitoIdentityProviderService.{op}"),
        )
        .header("user-agent", user_agent)
        .body(body.to_string())
        .send()
        .await
        .expect("request sent");
    RawReply::read(resp).await
}

/// USER_PASSWORD_AUTH from a browser: the AuthenticationResult.
pub async fn sign_in(s: &TestServer, client: &str, user: &str, pw: &str, ua: &str) -> Value {
    let body = json!({
        "ClientId": client,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": user, "PASSWORD": pw},
    });
    let r = call(s, "InitiateAuth", body, ua).await;
    assert_eq!(r.status, 200, "{}", r.json);
    r.json["AuthenticationResult"].clone()
}
