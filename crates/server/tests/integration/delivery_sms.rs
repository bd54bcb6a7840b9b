//! Text messages end to end: a sign-up code reaches the operator's SMS
//! webhook (a real HTTP server on loopback started by the test) as Cognito's
//! CodeDeliveryDetails say, confirms the user and verifies the phone number;
//! a webhook that fails answers CodeDeliveryFailureException and leaves no
//! user behind.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    DeliveryMediumType, SmsConfigurationType, UserStatusType, VerifiedAttributeType,
};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use kognit::config::Mode;
use kognit::delivery::SmsConfig;

use crate::harness::on_both_backends;
use crate::harness::users::{PASSWORD, attr, attr_of, status_of};
use crate::harness::{Backend, TestServer, code};

on_both_backends!(by_backend: sign_up_code_by_sms_webhook);

/// One POST the webhook received: its Authorization header and JSON body.
type Post = (Option<String>, serde_json::Value);

/// What the webhook received, and the status it answers with.
#[derive(Clone, Default)]
struct Webhook {
    seen: Arc<Mutex<Vec<Post>>>,
    status: Arc<AtomicU16>,
}

impl Webhook {
    /// Starts the webhook on loopback; its URL.
    async fn start(&self) -> String {
        self.status.store(200, Ordering::Relaxed);
        let app = axum::Router::new()
            .route(
                "/sms",
                post(
                    |State(hook): State<Webhook>,
                     headers: HeaderMap,
                     axum::Json(body): axum::Json<serde_json::Value>| async move {
                        let auth = headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned);
                        hook.seen.lock().unwrap().push((auth, body));
                        StatusCode::from_u16(hook.status.load(Ordering::Relaxed)).unwrap()
                    },
                ),
            )
            .with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}/sms")
    }

    fn received(&self) -> Vec<Post> {
        self.seen.lock().unwrap().clone()
    }
}

/// A pool whose users confirm their phone number, and a client.
async fn phone_pool(c: &Client) -> (String, String) {
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("phones")
            .auto_verified_attributes(VerifiedAttributeType::PhoneNumber)
            .sms_configuration(
                SmsConfigurationType::builder()
                    .sns_caller_arn("arn:aws:iam::123456789012:role/kognit-sms")
                    .build(),
            ),
    )
    .await;
    let client = crate::harness::users::email_pool_client(c, &pool).await;
    (pool, client)
}

async fn sign_up_code_by_sms_webhook(backend: Backend) {
    let hook = Webhook::default();
    let url = hook.start().await;
    let Some(s) = TestServer::with_mode(backend, Mode::Dev, |c| {
        c.sms = Some(SmsConfig {
            webhook_url: url,
            bearer_token: Some("hook-token".into()),
        });
        // The webhook is the only way the code can travel.
        c.outbox = false;
    })
    .await
    else {
        return;
    };
    let c = s.client();
    let (pool, client) = phone_pool(&c).await;
    let sign_up = |name: &'static str, phone: &'static str| {
        c.sign_up()
            .client_id(&client)
            .username(name)
            .password(PASSWORD)
            .user_attributes(attr("phone_number", phone))
            .send()
    };
    let out = sign_up("olga", "+15555550123").await.unwrap();
    let d = out.code_delivery_details.unwrap();
    assert_eq!(d.delivery_medium, Some(DeliveryMediumType::Sms));
    assert_eq!(d.attribute_name.as_deref(), Some("phone_number"));
    let masked = d.destination.unwrap();
    assert!(masked.ends_with("0123") && masked.contains('*'), "{masked}");

    let received = hook.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let (auth, body) = &received[0];
    assert_eq!(auth.as_deref(), Some("Bearer hook-token"));
    assert_eq!(body["destination"], "+15555550123");
    assert_eq!(body["pool_id"], pool.as_str());
    assert_eq!(body["username"], "olga");
    let text = body["message"].as_str().unwrap();
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits.len(), 6, "one 6-digit code in {text:?}");
    c.confirm_sign_up()
        .client_id(&client)
        .username("olga")
        .confirmation_code(&digits)
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_of(&c, &pool, "olga").await,
        UserStatusType::Confirmed
    );
    assert_eq!(
        attr_of(&c, &pool, "olga", "phone_number_verified")
            .await
            .as_deref(),
        Some("true")
    );

    // The webhook fails: the sign-up fails with it and stores nothing.
    hook.status.store(502, Ordering::Relaxed);
    let e = sign_up("pete", "+15555550124").await.unwrap_err();
    assert_eq!(code(&e), "CodeDeliveryFailureException");
    assert_eq!(hook.received().len(), 2);
    let gone = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("pete")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "UserNotFoundException");
}
