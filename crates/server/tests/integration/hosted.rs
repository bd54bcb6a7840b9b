//! The authorization server over plain HTTP (no browser), on both stores:
//! its refusals (unregistered redirect URI, unknown client, scope not
//! allowed, PKCE method, federation, CSRF), the token endpoint's
//! (reused and expired codes, wrong verifier and redirect URI, wrong
//! secret, unknown grant types), the implicit grant, userInfo's refusal,
//! discovery before and after a domain, and serving a domain by `Host`.

use aws_sdk_cognitoidentityprovider::types::OAuthFlowType;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::Value;

use crate::harness::on_both_backends;
use crate::harness::triggers::{Reply, TriggerServer};
use crate::harness::users::PASSWORD;
use crate::harness::{TestServer, auth::create_user};
use crate::hosted_oidc::hosted_pool;

on_both_backends!(
    authorization_refusals,
    token_refusals,
    implicit_grant_and_user_info,
    discovery_and_host_routing,
);

pub(crate) fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub(crate) struct Setup {
    pub s: TestServer,
    pub app: TriggerServer,
    pub pool: String,
    pub client: String,
    pub base: String,
}

pub(crate) async fn setup(s: TestServer) -> Setup {
    let app = TriggerServer::start(|_| Reply::Raw(200, "text/plain", "app".into())).await;
    let c = s.client();
    let (pool, client) = hosted_pool(&c, &app).await;
    create_user(&c, &pool, "ann").await;
    let base = format!("{}/hosted/shop", s.url);
    Setup {
        s,
        app,
        pool,
        client,
        base,
    }
}

impl Setup {
    pub fn authorize(&self, extra: &str) -> String {
        format!(
            "{}/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&state=xyz{extra}",
            self.base,
            self.client,
            enc(&self.app.url("/cb"))
        )
    }

    /// Signs `ann` in through the form of `authorize_url` and answers the
    /// redirect the browser would follow.
    pub async fn sign_in(&self, authorize_url: &str) -> String {
        let http = no_redirects();
        let r = http.get(authorize_url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FOUND);
        let login = format!("{}{}", self.s.url, location(&r));
        let r = http.get(&login).send().await.unwrap();
        let cookie = r.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let page = r.text().await.unwrap();
        let csrf = between(&page, "name=\"_csrf\" value=\"", "\"");
        let r = http
            .post(&login)
            .header(COOKIE, &cookie)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("username", "ann"),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FOUND, "{}", r.text().await.unwrap());
        location(&r)
    }

    pub async fn token(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let r = reqwest::Client::new()
            .post(format!("{}/oauth2/token", self.base))
            .form(form)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }
}

fn enc(s: &str) -> String {
    kognit_core::sigv4::uri_encode(s, false)
}

pub(crate) fn location(r: &reqwest::Response) -> String {
    r.headers()[LOCATION].to_str().unwrap().to_owned()
}

pub(crate) fn between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).expect("start marker") + start.len();
    let len = text[from..].find(end).expect("end marker");
    text[from..from + len].to_owned()
}

pub(crate) fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once(['?', '#'])?.1;
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

async fn authorization_refusals(s: TestServer) {
    let t = setup(s).await;
    let http = no_redirects();
    let get = |u: String| {
        let http = http.clone();
        async move { http.get(u).send().await.unwrap() }
    };

    // A redirect URI the client did not register: an error page, no redirect.
    let r = get(format!(
        "{}/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}",
        t.base,
        t.client,
        enc("https://evil.example.com/cb")
    ))
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.headers().get(LOCATION).is_none());
    assert!(r.text().await.unwrap().contains("redirect_mismatch"));
    // A prefix of a registered one is not it either.
    let r = get(format!(
        "{}/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}",
        t.base,
        t.client,
        enc(&t.app.url("/cb/more"))
    ))
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // An unknown client.
    let r = get(t.authorize("").replace(&t.client, "nosuchclient")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // With a registered redirect URI the error goes back to it, with state.
    let cb = t.app.url("/cb");
    for (extra, error) in [
        ("&scope=openid+phone", "invalid_scope"),
        (
            "&code_challenge=abc&code_challenge_method=plain",
            "invalid_request",
        ),
        ("&code_challenge=abc", "invalid_request"),
        ("&identity_provider=Google", "invalid_request"),
    ] {
        let r = get(t.authorize(extra)).await;
        assert_eq!(r.status(), StatusCode::FOUND, "{extra}");
        let to = location(&r);
        assert!(to.starts_with(&cb), "{to}");
        assert_eq!(param(&to, "error").as_deref(), Some(error), "{extra}: {to}");
        assert_eq!(param(&to, "state").as_deref(), Some("xyz"));
    }
    let r = get(t
        .authorize("")
        .replace("response_type=code", "response_type=token"))
    .await;
    let to = location(&r);
    assert_eq!(
        param(&to, "error").as_deref(),
        Some("unauthorized_client"),
        "{to}"
    );

    // A form without its CSRF token changes nothing.
    let login = format!(
        "{}/login?{}",
        t.base,
        t.authorize("").split_once('?').unwrap().1
    );
    let r = http
        .post(&login)
        .form(&[("username", "ann"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // No hosted session was begun.
    assert!(
        r.headers()
            .get_all(SET_COOKIE)
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("cognito="))
    );
}

async fn token_refusals(s: TestServer) {
    let t = setup(s).await;
    let cb = t.app.url("/cb");
    let client = t.client.clone();
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let pkce = format!("&code_challenge={challenge}&code_challenge_method=S256");

    // A wrong verifier spends the code.
    let code = param(&t.sign_in(&t.authorize(&pkce)).await, "code").unwrap();
    let redeem = |code: String, verifier: &'static str, redirect: String| {
        let client = client.clone();
        let t = &t;
        async move {
            t.token(&[
                ("grant_type", "authorization_code"),
                ("client_id", &client),
                ("code", &code),
                ("redirect_uri", &redirect),
                ("code_verifier", verifier),
            ])
            .await
        }
    };
    assert_eq!(
        redeem(code.clone(), "wrong", cb.clone()).await.1["error"],
        "invalid_grant"
    );
    assert_eq!(
        redeem(code, verifier, cb.clone()).await.1["error"],
        "invalid_grant"
    );

    // The right verifier works once; the code reused does not.
    let code = param(&t.sign_in(&t.authorize(&pkce)).await, "code").unwrap();
    let (status, ok) = redeem(code.clone(), verifier, cb.clone()).await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    assert_eq!(ok["token_type"], "Bearer");
    let (status, again) = redeem(code, verifier, cb.clone()).await;
    assert_eq!(
        (status, &again["error"]),
        (StatusCode::BAD_REQUEST, &Value::from("invalid_grant"))
    );

    // Another redirect URI than the authorization's.
    let code = param(&t.sign_in(&t.authorize(&pkce)).await, "code").unwrap();
    assert_eq!(
        redeem(code, verifier, t.app.url("/other")).await.1["error"],
        "invalid_grant"
    );

    // Five minutes later a code has expired.
    let code = param(&t.sign_in(&t.authorize(&pkce)).await, "code").unwrap();
    t.s.clock.advance(5 * 60_000 + 1_000);
    assert_eq!(
        redeem(code, verifier, cb.clone()).await.1["error"],
        "invalid_grant"
    );

    // Grant types, and the client's authentication.
    assert_eq!(
        t.token(&[("client_id", &client)]).await.1["error"],
        "invalid_request"
    );
    let (_, e) = t
        .token(&[("grant_type", "password"), ("client_id", &client)])
        .await;
    assert_eq!(e["error"], "unsupported_grant_type");
    let (_, e) = t
        .token(&[("grant_type", "client_credentials"), ("client_id", &client)])
        .await;
    assert_eq!(e["error"], "unauthorized_client");
    // A public client sending a secret, and a confidential one a wrong one.
    let (_, e) = t
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", &client),
            ("client_secret", "x"),
            ("refresh_token", "r"),
        ])
        .await;
    assert_eq!(e["error"], "invalid_client");
    let c = t.s.client();
    let conf = c
        .create_user_pool_client()
        .user_pool_id(&t.pool)
        .client_name("server")
        .generate_secret(true)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .callback_urls(&cb)
        .send()
        .await
        .unwrap();
    let conf_id = conf
        .user_pool_client()
        .unwrap()
        .client_id()
        .unwrap()
        .to_owned();
    let r = reqwest::Client::new()
        .post(format!("{}/oauth2/token", t.base))
        .basic_auth(&conf_id, Some("not-the-secret"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "r")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_client");
    let (_, e) = t
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", &client),
            ("refresh_token", "unknown"),
        ])
        .await;
    assert_eq!(e["error"], "invalid_grant");
}

async fn implicit_grant_and_user_info(s: TestServer) {
    let t = setup(s).await;
    let c = t.s.client();
    c.update_user_pool_client()
        .user_pool_id(&t.pool)
        .client_id(&t.client)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Implicit)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .callback_urls(t.app.url("/cb"))
        .send()
        .await
        .unwrap();
    let url = t
        .authorize("&scope=email&nonce=n-1")
        .replace("response_type=code", "response_type=token");
    let to = t.sign_in(&url).await;
    // Tokens in the fragment; without `openid` no ID token.
    assert!(to.contains('#'), "{to}");
    assert_eq!(param(&to, "token_type").as_deref(), Some("Bearer"));
    assert_eq!(param(&to, "state").as_deref(), Some("xyz"));
    assert!(param(&to, "id_token").is_none());
    assert!(param(&to, "refresh_token").is_none());
    let access = param(&to, "access_token").unwrap();

    // userInfo wants `openid` (or the API scope): this token has neither.
    let r = reqwest::Client::new()
        .get(format!("{}/oauth2/userInfo", t.base))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    let r = reqwest::Client::new()
        .get(format!("{}/oauth2/userInfo", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // With openid: an ID token with the nonce, and userInfo answers.
    let url = t
        .authorize("&scope=openid+email&nonce=n-2")
        .replace("response_type=code", "response_type=token");
    let to = t.sign_in(&url).await;
    let id = param(&to, "id_token").expect("id token");
    let claims: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            id.split('.').nth(1).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["nonce"], "n-2");
    let info: Value = reqwest::Client::new()
        .post(format!("{}/oauth2/userInfo", t.base))
        .bearer_auth(param(&to, "access_token").unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["username"], "ann");
    assert_eq!(info["email"], "ann@example.com");
}

async fn discovery_and_host_routing(s: TestServer) {
    let c = s.client();
    let pool = crate::harness::create_pool(&c, "plain").await;
    let doc = |pool: String| {
        let url = format!("{}/{pool}/.well-known/openid-configuration", s.url);
        async move {
            reqwest::get(url)
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    // Without a domain, no authorization server endpoints.
    assert!(
        doc(pool.clone())
            .await
            .get("authorization_endpoint")
            .is_none()
    );
    c.create_user_pool_domain()
        .domain("plain-auth")
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let d = doc(pool.clone()).await;
    assert_eq!(
        d["token_endpoint"],
        format!("{}/hosted/plain-auth/oauth2/token", s.url)
    );

    // The same domain by Host: Cognito's paths at the root.
    let t = setup(s).await;
    let port = t.s.url.rsplit(':').next().unwrap().to_owned();
    let query = t.authorize("").split_once('?').unwrap().1.to_owned();
    let http = no_redirects();
    let r = http
        .get(format!("{}/oauth2/authorize?{query}", t.s.url))
        .header(
            "host",
            format!("shop.auth.us-east-1.amazoncognito.com:{port}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(location(&r), format!("/login?{query}"));
    // The API on the same host stays the API (`POST /` is never rewritten).
    let r = http
        .post(format!("{}/", t.s.url))
        .header(
            "host",
            format!("shop.auth.us-east-1.amazoncognito.com:{port}"),
        )
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            "AWSCognitoIdentityProviderService.InitiateAuth",
        )
        .body(r#"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"nosuchclient00000000000000"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json::<Value>().await.unwrap()["__type"],
        "ResourceNotFoundException"
    );
    // An unknown host is not rewritten.
    let r = http
        .get(format!("{}/oauth2/authorize?{query}", t.s.url))
        .header(
            "host",
            format!("nope.auth.us-east-1.amazoncognito.com:{port}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
