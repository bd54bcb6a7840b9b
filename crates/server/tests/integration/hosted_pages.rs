//! The hosted pages over plain HTTP, on both stores: the UI customization
//! they wear, the rate limit, the triggers, the forgotten password and
//! NEW_PASSWORD_REQUIRED (the browser tests are in `hosted_oidc.rs`).

use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::Value;

use crate::harness::TestServer;
use crate::harness::on_both_backends;
use crate::harness::triggers::{Reply, TriggerServer};
use crate::hosted::{Setup, between, location, no_redirects, param, setup};

on_both_backends!(pages_wear_the_ui_customization);

async fn pages_wear_the_ui_customization(s: TestServer) {
    let t = setup(s).await;
    let css = ".banner-customizable { background-color: #123456; }";
    t.s.client()
        .set_ui_customization()
        .user_pool_id(&t.pool)
        .css(css)
        .send()
        .await
        .unwrap();
    let http = no_redirects();
    let r = http.get(t.authorize("")).send().await.unwrap();
    let login = format!("{}{}", t.s.url, location(&r));
    let page = http.get(&login).send().await.unwrap().text().await.unwrap();
    let href = between(
        &page,
        &format!("href=\"/_kognit/ui/{}/ALL/custom.css", t.pool),
        "\"",
    );
    let sheet = format!("{}/_kognit/ui/{}/ALL/custom.css{href}", t.s.url, t.pool);
    let served = reqwest::get(sheet.replace("&amp;", "&")).await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert!(served.text().await.unwrap().contains("#123456"));
}

/// The API's per-IP limit of unsigned requests applies to the hosted pages
/// and the OAuth endpoints too.
async fn rate_limited(backend: crate::harness::Backend) {
    let Some(s) = TestServer::with_mode(backend, kognit::config::Mode::Dev, |c| {
        c.rate_limits.per_ip_per_second = 1;
    })
    .await
    else {
        return;
    };
    let t = setup(s).await;
    let http = no_redirects();
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(http.get(t.authorize("")).send().await.unwrap().status());
    }
    assert!(statuses.contains(&StatusCode::FOUND), "{statuses:?}");
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

on_both_backends!(by_backend: rate_limited);

/// The triggers fire from the hosted flows as from the API: PreAuthentication
/// and PostAuthentication at the sign-in, PreTokenGeneration (version 2,
/// `TokenGeneration_HostedAuth`, with the granted scopes) at the token
/// endpoint, whose changes the tokens carry.
async fn triggers_fire_from_the_pages(s: TestServer) {
    use aws_sdk_cognitoidentityprovider::types::{
        LambdaConfigType, PreTokenGenerationLambdaVersionType, PreTokenGenerationVersionConfigType,
    };
    let hooks = TriggerServer::start(|call| {
        if call.event["triggerSource"] == "TokenGeneration_HostedAuth" {
            Reply::respond(
                call.event.clone(),
                serde_json::json!({"claimsAndScopeOverrideDetails": {
                    "idTokenGeneration": {"claimsToAddOrOverride": {"tier": "gold"}},
                    "accessTokenGeneration": {"scopesToAdd": ["https://api.example.com/extra"]},
                }}),
            )
        } else {
            Reply::Json(call.event.clone())
        }
    })
    .await;
    let t = setup(s).await;
    let url = hooks.url("/hook");
    t.s.client()
        .update_user_pool()
        .user_pool_id(&t.pool)
        .auto_verified_attributes(
            aws_sdk_cognitoidentityprovider::types::VerifiedAttributeType::Email,
        )
        .lambda_config(
            LambdaConfigType::builder()
                .pre_authentication(&url)
                .post_authentication(&url)
                .pre_token_generation_config(
                    PreTokenGenerationVersionConfigType::builder()
                        .lambda_version(PreTokenGenerationLambdaVersionType::V20)
                        .lambda_arn(&url)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let to = t.sign_in(&t.authorize("&scope=openid+email")).await;
    let code = param(&to, "code").unwrap();
    let (status, tokens) = t
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", &t.client),
            ("code", &code),
            ("redirect_uri", &t.app.url("/cb")),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let claims = |token: &str| -> Value {
        serde_json::from_slice(
            &base64::Engine::decode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                token.split('.').nth(1).unwrap(),
            )
            .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(claims(tokens["id_token"].as_str().unwrap())["tier"], "gold");
    assert_eq!(
        claims(tokens["access_token"].as_str().unwrap())["scope"],
        "openid email https://api.example.com/extra"
    );
    let sources: Vec<String> = hooks
        .calls()
        .iter()
        .map(|c| {
            c.event["triggerSource"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        sources,
        [
            "PreAuthentication_Authentication",
            "PostAuthentication_Authentication",
            "TokenGeneration_HostedAuth"
        ]
    );
    let ptg = &hooks.events("TokenGeneration_HostedAuth")[0];
    assert_eq!(
        ptg["request"]["scopes"],
        serde_json::json!(["openid", "email"])
    );
    assert_eq!(ptg["callerContext"]["clientId"], t.client.as_str());
}

on_both_backends!(triggers_fire_from_the_pages);

impl Setup {
    /// A browser's session of the pages: the CSRF cookie and token of the
    /// sign-in page of `authorize("")`.
    async fn page_session(&self) -> (reqwest::Client, String, String, String) {
        let http = no_redirects();
        let query = self.authorize("").split_once('?').unwrap().1.to_owned();
        let r = http
            .get(format!("{}/login?{query}", self.base))
            .send()
            .await
            .unwrap();
        let cookie = r.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let page = r.text().await.unwrap();
        let csrf = between(&page, "name=\"_csrf\" value=\"", "\"");
        (http, cookie, csrf, query)
    }
}

/// A forgotten password through the pages: the code by email, the new
/// password (the pool's policy applies), then signing in with it.
async fn forgotten_password_through_the_pages(s: TestServer) {
    let t = setup(s).await;
    let (http, cookie, csrf, query) = t.page_session().await;
    let post = |path: &str, fields: Vec<(&str, String)>| {
        let mut fields = fields;
        fields.push(("_csrf", csrf.clone()));
        http.post(format!("{}{path}?{query}", t.base))
            .header(COOKIE, &cookie)
            .form(&fields)
            .send()
    };
    let r = post("/forgotPassword", vec![("username", "ann".into())])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("id=\"reset-form\""));
    let code = t.s.latest_code(&t.pool, "ann").await;
    let r = post(
        "/confirmForgotPassword",
        vec![
            ("username", "ann".into()),
            ("code", code.clone()),
            ("password", "short".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("errorMessage-customizable")
    );
    let r = post(
        "/confirmForgotPassword",
        vec![
            ("username", "ann".into()),
            ("code", code),
            ("password", "N3w-Passw0rd!".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Your password has been reset.")
    );
    let r = post(
        "/login",
        vec![
            ("username", "ann".into()),
            ("password", "N3w-Passw0rd!".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    assert!(param(&location(&r), "code").is_some());
}

/// An administrator's new user with a temporary password is asked for a
/// new one on the pages, then signed in.
async fn new_password_required_through_the_pages(s: TestServer) {
    let t = setup(s).await;
    t.s.client()
        .admin_create_user()
        .user_pool_id(&t.pool)
        .username("neo")
        .temporary_password("Temp0rary-Pass!")
        .user_attributes(
            aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                .name("email")
                .value("neo@example.com")
                .build()
                .unwrap(),
        )
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let (http, cookie, csrf, query) = t.page_session().await;
    let r = http
        .post(format!("{}/login?{query}", t.base))
        .header(COOKIE, &cookie)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "neo"),
            ("password", "Temp0rary-Pass!"),
        ])
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains("NEW_PASSWORD_REQUIRED"), "{page}");
    let session = between(&page, "name=\"session\" value=\"", "\"");
    let r = http
        .post(format!("{}/login/respond?{query}", t.base))
        .header(COOKIE, &cookie)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("challenge", "NEW_PASSWORD_REQUIRED"),
            ("session", session.as_str()),
            ("username", "neo"),
            ("new_password", "Perm4nent-Pass!"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    assert!(param(&location(&r), "code").is_some());
    let user =
        t.s.client()
            .admin_get_user()
            .user_pool_id(&t.pool)
            .username("neo")
            .send()
            .await
            .unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");
}

on_both_backends!(
    forgotten_password_through_the_pages,
    new_password_required_through_the_pages
);
