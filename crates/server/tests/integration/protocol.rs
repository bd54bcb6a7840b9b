//! The JSON 1.1 protocol under bad input, over raw HTTP: every case answers a
//! 400 with AWS's error name and a request id, and the server keeps serving.

use serde_json::json;

use crate::harness::{Backend, TestServer};

use crate::harness::on_both_backends;

on_both_backends!(by_backend: forwarded_for_names_the_client_behind_trusted_proxies);

const T: &str = "AWSCognitoIdentityProviderService.";

async fn server() -> TestServer {
    TestServer::dev(Backend::Sqlite).await.unwrap()
}

fn assert_error(r: &crate::harness::RawReply, status: u16, name: &str) {
    assert_eq!(r.status, status, "status for {name}: {}", r.json);
    assert_eq!(r.error_type(), name, "body: {}", r.json);
    assert_eq!(r.headers["x-amzn-errortype"].to_str().unwrap(), name);
    assert!(r.headers.contains_key("x-amzn-requestid"));
    assert!(r.json["message"].is_string());
}

#[tokio::test]
async fn malformed_bodies_and_targets() {
    let s = server().await;
    let target = format!("{T}ListUserPools");
    let cases: Vec<(Option<String>, Vec<u8>, &str)> = vec![
        (
            Some(target.clone()),
            b"{not json".to_vec(),
            "SerializationException",
        ),
        (
            Some(target.clone()),
            b"[1,2]".to_vec(),
            "SerializationException",
        ),
        (
            Some(target.clone()),
            b"\"text\"".to_vec(),
            "SerializationException",
        ),
        (Some(target.clone()), Vec::new(), "SerializationException"),
        (
            Some(target.clone()),
            vec![b' '; 2 * 1024 * 1024],
            "SerializationException",
        ),
        (None, b"{}".to_vec(), "UnknownOperationException"),
        (
            Some(format!("{T}NoSuchOperation")),
            b"{}".to_vec(),
            "UnknownOperationException",
        ),
        (
            Some("Other.ListUserPools".into()),
            b"{}".to_vec(),
            "UnknownOperationException",
        ),
        (
            Some(target.clone()),
            br#"{"MaxResults":"ten"}"#.to_vec(),
            "SerializationException",
        ),
        (
            Some(target.clone()),
            br#"{}"#.to_vec(),
            "InvalidParameterException",
        ),
    ];
    for (t, body, name) in cases {
        let r = s.raw(t.as_deref(), body).await;
        assert_error(&r, 400, name);
    }
    let ok = s
        .raw(Some(&target), json!({"MaxResults": 10}).to_string())
        .await;
    assert_eq!(ok.status, 200);
    assert!(ok.headers.contains_key("x-amzn-requestid"));
    assert!(ok.json["UserPools"].is_array());
}

#[tokio::test]
async fn constraint_messages_follow_aws() {
    let s = server().await;
    let r = s.raw(Some(&format!("{T}CreateUserPool")), "{}").await;
    assert_error(&r, 400, "InvalidParameterException");
    assert_eq!(
        r.json["message"],
        "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null"
    );
    let r = s
        .raw(
            Some(&format!("{T}ListUserPools")),
            json!({"MaxResults": 0}).to_string(),
        )
        .await;
    assert_eq!(
        r.json["message"],
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    let r = s
        .raw(
            Some(&format!("{T}DescribeUserPool")),
            json!({"UserPoolId": "bad id"}).to_string(),
        )
        .await;
    assert_error(&r, 400, "InvalidParameterException");
    assert!(
        r.json["message"]
            .as_str()
            .unwrap()
            .contains("regular expression pattern")
    );
    // Nothing was created by the refused requests.
    let list = s
        .raw(
            Some(&format!("{T}ListUserPools")),
            json!({"MaxResults": 60}).to_string(),
        )
        .await;
    assert_eq!(list.json["UserPools"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn unimplemented_operation_is_named() {
    let s = server().await;
    let r = s
        .raw(Some(&format!("{T}CreateUserImportJob")), json!({"JobName": "j", "UserPoolId": "us-east-1_abc", "CloudWatchLogsRoleArn": "arn:aws:iam::000000000000:role/x"}).to_string())
        .await;
    assert_error(&r, 400, "UnsupportedOperationException");
    assert!(
        r.json["message"]
            .as_str()
            .unwrap()
            .contains("CreateUserImportJob")
    );
}

#[tokio::test]
async fn cors_preflight_and_headers() {
    let s = server().await;
    let resp = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, &s.url)
        .header("origin", "http://localhost:3000")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-amz-target,x-amz-user-agent",
        )
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    let h = resp.headers();
    assert_eq!(h["access-control-allow-origin"], "http://localhost:3000");
    let allowed = h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("x-amz-target"));
    let resp = reqwest::Client::new()
        .post(&s.url)
        .header("origin", "http://localhost:3000")
        .header("x-amz-target", format!("{T}ListUserPools"))
        .header("content-type", "application/x-amz-json-1.1")
        .body(json!({"MaxResults": 1}).to_string())
        .send()
        .await
        .unwrap();
    let expose = resp.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(expose.contains("x-amzn-requestid"));
}

#[tokio::test]
async fn health_metrics_and_dev_reset() {
    let s = server().await;
    let c = s.client();
    c.create_user_pool().pool_name("a").send().await.unwrap();
    let health = reqwest::get(format!("{}/health", s.url)).await.unwrap();
    assert_eq!(health.status(), 200);
    let metrics = s.metrics().await;
    // Counts are the process's (other tests' servers add to them), so the
    // checks are of the format and of lower bounds.
    let value = |series: &str| -> u64 {
        let line = metrics
            .lines()
            .find(|l| l.starts_with(series))
            .unwrap_or_else(|| panic!("no {series} in {metrics}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert!(metrics.contains("# TYPE kognit_requests_total counter\n"));
    assert!(value(r#"kognit_requests_total{operation="CreateUserPool",error=""}"#) >= 1);
    assert!(metrics.contains("# TYPE kognit_request_duration_seconds histogram\n"));
    let count = value(r#"kognit_request_duration_seconds_count{operation="CreateUserPool"}"#);
    assert!(count >= 1);
    let buckets: Vec<u64> = metrics
        .lines()
        .filter(|l| {
            l.starts_with(r#"kognit_request_duration_seconds_bucket{operation="CreateUserPool","#)
        })
        .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert!(buckets.windows(2).all(|w| w[0] <= w[1]), "{metrics}");
    assert_eq!(buckets.last(), Some(&count), "+Inf is the count");
    let missing = c
        .describe_user_pool()
        .user_pool_id("us-east-1_nothere1")
        .send()
        .await;
    assert!(missing.is_err());
    let metrics = s.metrics().await;
    assert!(
        metrics.contains(
            r#"kognit_requests_total{operation="DescribeUserPool",error="ResourceNotFoundException"}"#
        ),
        "{metrics}"
    );
    for path in ["/_dev/reset", "/moto-api/reset"] {
        c.create_user_pool().pool_name("b").send().await.unwrap();
        let r = reqwest::Client::new()
            .post(format!("{}{path}", s.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let pools = c.list_user_pools().max_results(60).send().await.unwrap();
        assert!(pools.user_pools.unwrap_or_default().is_empty());
    }
}

#[tokio::test]
async fn rate_limits_answer_too_many_requests() {
    let s = TestServer::with_mode(Backend::Sqlite, kognit::config::Mode::Dev, |c| {
        c.rate_limits.per_ip_per_second = 1;
    })
    .await
    .unwrap();
    let body =
        json!({"ClientId": "nosuchclient", "Username": "u", "Password": "Passw0rd!"}).to_string();
    let mut names = Vec::new();
    for _ in 0..4 {
        let r = s.raw(Some(&format!("{T}SignUp")), body.clone()).await;
        names.push(r.error_type().to_owned());
    }
    assert_eq!(names[0], "ResourceNotFoundException");
    assert_eq!(
        names.last().map(String::as_str),
        Some("TooManyRequestsException")
    );
    // Signed (admin) operations are not limited per IP.
    let ok = s
        .raw(
            Some(&format!("{T}ListUserPools")),
            json!({"MaxResults": 1}).to_string(),
        )
        .await;
    assert_eq!(ok.status, 200);
}

/// A raw call of `op` with this X-Forwarded-For header.
async fn call_from(
    s: &TestServer,
    op: &str,
    body: serde_json::Value,
    forwarded_for: &str,
) -> crate::harness::RawReply {
    let r = reqwest::Client::new()
        .post(&s.url)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("{T}{op}"))
        .header("x-forwarded-for", forwarded_for)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    crate::harness::RawReply::read(r).await
}

/// SignUp with this X-Forwarded-For; the error name it answers.
async fn sign_up_from(s: &TestServer, forwarded_for: &str) -> String {
    let body = json!({"ClientId": "nosuchclient", "Username": "u", "Password": "Passw0rd!"});
    let r = call_from(s, "SignUp", body, forwarded_for).await;
    r.error_type().to_owned()
}

/// Behind a trusted proxy (here the tests' own 127.0.0.1), the address in
/// X-Forwarded-For is the client's: it has its own per-IP budget and is the
/// one auth events record. Without `trusted_proxies` the header is ignored.
async fn forwarded_for_names_the_client_behind_trusted_proxies(backend: Backend) {
    let Some(s) = TestServer::with_mode(backend, kognit::config::Mode::Dev, |c| {
        c.rate_limits.per_ip_per_second = 1;
        c.trusted_proxies = vec!["127.0.0.0/8".into()];
    })
    .await
    else {
        return;
    };
    // The burst is twice the rate: the fourth of four quick calls is refused.
    assert_eq!(
        sign_up_from(&s, "198.51.100.1").await,
        "ResourceNotFoundException"
    );
    for _ in 0..2 {
        sign_up_from(&s, "198.51.100.1").await;
    }
    assert_eq!(
        sign_up_from(&s, "198.51.100.1").await,
        "TooManyRequestsException"
    );
    // Another client behind the same proxy has its own budget; a spoofed
    // entry left of the proxy's own is not taken.
    let other = "198.51.100.1, 203.0.113.5";
    assert_eq!(sign_up_from(&s, other).await, "ResourceNotFoundException");

    let c = s.client();
    let st = crate::harness::auth::setup(&c).await;
    let body = json!({
        "ClientId": st.client,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "pat", "PASSWORD": crate::harness::users::PASSWORD},
    });
    let r = call_from(&s, "InitiateAuth", body, "2001:db8::7, 127.0.0.1").await;
    assert_eq!(r.status, 200, "{}", r.json);
    let events = crate::harness::auth::events(&c, &st.pool, "pat").await;
    let ip = events[0]
        .event_context_data
        .as_ref()
        .unwrap()
        .ip_address
        .clone();
    assert_eq!(ip.as_deref(), Some("2001:db8::7"));

    // Not trusted: every request is the TCP peer's, whatever it forwards.
    let plain = TestServer::with_mode(backend, kognit::config::Mode::Dev, |c| {
        c.rate_limits.per_ip_per_second = 1;
    })
    .await
    .unwrap();
    assert_eq!(
        sign_up_from(&plain, "198.51.100.1").await,
        "ResourceNotFoundException"
    );
    for n in 2..4 {
        sign_up_from(&plain, &format!("198.51.100.{n}")).await;
    }
    assert_eq!(
        sign_up_from(&plain, "198.51.100.4").await,
        "TooManyRequestsException"
    );
}
