//! `kognit serve`: SigV4 enforced with AWS's error names, unsigned operations
//! open, and the first-start admin key.

use aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType;
use kognit::config::Mode;

use crate::harness::{Backend, KEY_ID, TestServer, code};

use crate::harness::on_both_backends;

on_both_backends!(by_backend: signatures, first_start_key);

async fn signatures(backend: Backend) {
    let Some(s) = TestServer::serve(backend).await else {
        return;
    };
    let good = s.client();
    let pool = good
        .create_user_pool()
        .pool_name("signed")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let id = pool.id.unwrap();
    good.create_user_pool_client()
        .user_pool_id(&id)
        .client_name("c")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .send()
        .await
        .unwrap();
    let wrong = s.client_with(KEY_ID, "not-the-secret-at-all-0000000000000000000");
    let e = wrong
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidSignatureException");
    let unknown = s.client_with(
        "AKIAUNKNOWN000000000",
        "whatever-secret-000000000000000000000000",
    );
    let e = unknown
        .describe_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "UnrecognizedClientException");
    // No signature at all on a signed operation.
    let r = s
        .raw(
            Some("AWSCognitoIdentityProviderService.ListUserPools"),
            r#"{"MaxResults":1}"#,
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.error_type(), "MissingAuthenticationTokenException");
    // Operations the model marks unsigned need no credentials.
    let r = s
        .raw(
            Some("AWSCognitoIdentityProviderService.SignUp"),
            r#"{"ClientId":"abc","Username":"u","Password":"Passw0rd!"}"#,
        )
        .await;
    assert_ne!(r.error_type(), "MissingAuthenticationTokenException");
    assert!(r.status < 500);
    // Nothing was changed by the refused calls.
    let pools = good.list_user_pools().max_results(60).send().await.unwrap();
    assert_eq!(pools.user_pools.unwrap().len(), 1);
}

async fn first_start_key(backend: Backend) {
    let Some(mut s) = TestServer::with_mode(backend, Mode::Serve, |_| {}).await else {
        return;
    };
    let key = s
        .running()
        .created_key
        .clone()
        .expect("a key is created on first start");
    assert!(key.id.starts_with("AKIA") && key.id.len() == 20);
    let c = s.client_with(&key.id, &key.secret);
    c.create_user_pool().pool_name("k").send().await.unwrap();
    // The key is stored (sealed): a restart creates no second key and the first still works.
    s.restart().await;
    assert!(s.running().created_key.is_none());
    let c = s.client_with(&key.id, &key.secret);
    assert_eq!(
        c.list_user_pools()
            .max_results(5)
            .send()
            .await
            .unwrap()
            .user_pools
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn dev_endpoints_are_absent_in_serve() {
    let s = TestServer::serve(Backend::Sqlite).await.unwrap();
    let r = reqwest::Client::new()
        .post(format!("{}/_dev/reset", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn start_errors_are_clean() {
    let s = TestServer::dev(Backend::Sqlite).await.unwrap();
    let taken = s.url.trim_start_matches("http://").to_owned();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = kognit::config::Config::defaults(Mode::Dev);
    cfg.data_dir = dir.path().to_path_buf();
    cfg.listen = taken;
    let e = kognit::start(cfg.clone(), std::future::pending())
        .await
        .err()
        .expect("port taken");
    assert!(e.to_string().contains("cannot listen"), "{e}");
    cfg.listen = "127.0.0.1:0".into();
    cfg.database_url = Some("postgres://kognit@127.0.0.1:1/nothing".into());
    let e = kognit::start(cfg, std::future::pending())
        .await
        .err()
        .expect("no database");
    assert!(e.to_string().contains("database"), "{e}");
}
