//! Amplify v6's `signInWithRedirect` against kognit's hosted login, in
//! headless Chromium, on both stores: an app bundled from
//! `crates/server/tests/js/amplify_redirect_app.mjs` (esbuild) and
//! configured with `oauth.domain` = kognit's path-prefix domain and
//! `redirectSignIn` = the app; the user signs in on the hosted page; back in
//! the app, Amplify exchanges the code (PKCE) at the token endpoint and reads
//! the user and its attributes.
//!
//! Amplify builds `https://<domain>/oauth2/…`, so kognit is reached here
//! through a TLS-terminating proxy with a self-signed certificate (made by
//! `openssl`), which the browser is told to trust.

use std::sync::Arc;

use aws_sdk_cognitoidentityprovider::types::OAuthFlowType;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::harness::auth::create_user;
use crate::harness::browser::Browser;
use crate::harness::scripts::{node, node_available};
use crate::harness::triggers::{Reply, TriggerServer};
use crate::harness::users::PASSWORD;
use crate::harness::{Backend, TestServer, on_both_backends};
use crate::hosted_oidc::hosted_pool;

on_both_backends!(by_backend: amplify_sign_in_with_redirect);

/// A TLS listener on 127.0.0.1 that forwards each connection to `target`;
/// answers its port. The certificate is for `localhost`.
async fn tls_proxy(dir: &std::path::Path, target: std::net::SocketAddr) -> u16 {
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let certs = CertificateDer::pem_file_iter(&cert)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(&key).unwrap();
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
            });
        }
    });
    port
}

async fn amplify_sign_in_with_redirect(backend: Backend) {
    let Some(s) = TestServer::dev(backend).await else {
        return;
    };
    if !node_available() {
        return;
    }
    let Some(b) = Browser::start_trusting_any_certificate().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("app.js");
    let built = node("bundle_amplify_redirect.mjs", &[bundle.to_str().unwrap()]).await;
    assert!(built.ok, "bundling failed: {}", built.json);
    let script = std::fs::read_to_string(&bundle).unwrap();
    let tls_port = tls_proxy(dir.path(), s.running().addr).await;

    // The app: its page (with Amplify's configuration) and its bundle. The
    // page is made once the app's own address is known.
    let page: Arc<std::sync::Mutex<String>> = Arc::default();
    let served = page.clone();
    let app = TriggerServer::start(move |call| {
        if call.path == "/app.js" {
            Reply::Raw(200, "text/javascript", script.clone())
        } else {
            Reply::Raw(200, "text/html", served.lock().unwrap().clone())
        }
    })
    .await;
    let c = s.client();
    let (pool, _) = hosted_pool(&c, &app).await;
    let redirect = app.url("/");
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("amplify")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_scopes("aws.cognito.signin.user.admin")
        .callback_urls(&redirect)
        .logout_urls(&redirect)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap()
        .user_pool_client()
        .unwrap()
        .client_id()
        .unwrap()
        .to_owned();
    create_user(&c, &pool, "amy").await;
    let cfg = serde_json::json!({
        "userPoolId": pool,
        "userPoolClientId": client,
        "userPoolEndpoint": s.url,
        "domain": format!("localhost:{tls_port}/hosted/shop"),
        "redirect": redirect,
    });
    *page.lock().unwrap() = format!(
        "<!doctype html><title>app</title>\
         <script id=cfg type=application/json>{cfg}</script>\
         <button id=go>Sign in</button><button id=out>Sign out</button>\
         <pre id=result></pre><script type=module src=/app.js></script>"
    );

    b.goto(&redirect).await;
    b.click("#go").await;
    b.wait_for("#login-form").await;
    assert!(
        b.current_url()
            .await
            .starts_with(&format!("https://localhost:{tls_port}/hosted/shop/login?"))
    );
    b.fill("#username", "amy").await;
    b.fill("#password", PASSWORD).await;
    b.submit("#login-form").await;
    b.wait_for("#result[data-done]").await;
    let result: Value = serde_json::from_str(&b.text("#result").await).unwrap();
    assert!(result.get("failure").is_none(), "{result}");
    assert_eq!(result["user"]["username"], "amy");
    assert_eq!(result["attributes"]["email"], "amy@example.com");
    assert_eq!(result["idToken"]["aud"], client.as_str());
    assert_eq!(result["accessToken"]["version"], 2);
    assert_eq!(
        result["accessToken"]["scope"],
        "openid email aws.cognito.signin.user.admin"
    );
}
