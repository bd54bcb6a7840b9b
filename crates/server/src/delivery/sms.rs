//! Text-message delivery through an HTTP webhook: kognit does not speak to SMS
//! carriers itself; the operator's webhook (a small function in front of SNS,
//! Twilio, …) receives one JSON POST per message.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use kognit_core::delivery::{Channel, Deliver, DeliveryError, Message};
use serde::{Deserialize, Serialize};

/// Where to POST text messages.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SmsConfig {
    /// The webhook's URL (`https://…`).
    pub webhook_url: String,
    /// Sent as `Authorization: Bearer <token>` when set.
    pub bearer_token: Option<String>,
}

// Hand-written so the token never reaches a log line.
impl fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsConfig")
            .field("webhook_url", &self.webhook_url)
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The whole request, connect to last body byte; the caller (SignUp, a sign-in
/// challenge…) waits for it.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The JSON body the webhook receives.
#[derive(Serialize)]
struct Payload<'a> {
    destination: &'a str,
    message: &'a str,
    pool_id: &'a str,
    username: &'a str,
}

/// Sends SMS messages as JSON POSTs to a webhook.
pub struct SmsWebhookDelivery {
    client: reqwest::Client,
    url: reqwest::Url,
    bearer_token: Option<String>,
}

impl SmsWebhookDelivery {
    /// Prepares the client; fails on an invalid URL.
    pub fn new(config: &SmsConfig) -> Result<Self, String> {
        let url = reqwest::Url::parse(&config.webhook_url)
            .map_err(|e| format!("sms.webhook_url is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("sms.webhook_url must be an http(s) URL".into());
        }
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| format!("SMS webhook client setup failed: {e}"))?;
        Ok(Self {
            client,
            url,
            bearer_token: config.bearer_token.clone(),
        })
    }
}

#[async_trait]
impl Deliver for SmsWebhookDelivery {
    async fn deliver(&self, msg: &Message) -> Result<(), DeliveryError> {
        if msg.channel != Channel::Sms {
            return Err(DeliveryError(
                "the SMS webhook adapter only sends SMS messages".into(),
            ));
        }
        let payload = Payload {
            destination: &msg.destination,
            message: &msg.body,
            pool_id: &msg.pool_id,
            username: &msg.username,
        };
        let mut req = self.client.post(self.url.clone()).json(&payload);
        if let Some(token) = &self.bearer_token {
            req = req.bearer_auth(token);
        }
        // `without_url`: the URL may carry a secret in its query string.
        let resp = req.send().await.map_err(|e| {
            DeliveryError(format!("SMS webhook request failed: {}", e.without_url()))
        })?;
        let status = resp.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(DeliveryError(format!("SMS webhook answered {status}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Json;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::post;
    use std::sync::{Arc, Mutex};

    type Seen = Arc<Mutex<Vec<(Option<String>, serde_json::Value)>>>;

    /// A webhook receiver on 127.0.0.1:0 answering `status`; returns its URL.
    async fn receiver(status: StatusCode, seen: Seen) -> String {
        let app = axum::Router::new()
            .route(
                "/sms",
                post(
                    move |State(seen): State<Seen>,
                          headers: HeaderMap,
                          Json(body): Json<serde_json::Value>| async move {
                        let auth = headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned);
                        seen.lock().unwrap().push((auth, body));
                        status
                    },
                ),
            )
            .with_state(seen);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}/sms")
    }

    fn sms(to: &str, body: &str) -> Message {
        Message {
            pool_id: "us-east-1_pool".into(),
            username: "jane".into(),
            channel: Channel::Sms,
            destination: to.into(),
            subject: None,
            body: body.into(),
            code: Some("123456".into()),
        }
    }

    #[tokio::test]
    async fn posts_the_message_as_json_with_the_bearer_token() {
        let seen = Seen::default();
        let url = receiver(StatusCode::NO_CONTENT, seen.clone()).await;
        let hook = SmsWebhookDelivery::new(&SmsConfig {
            webhook_url: url,
            bearer_token: Some("tok-123".into()),
        })
        .unwrap();
        hook.deliver(&sms("+15555550100", "Your code is 123456. "))
            .await
            .unwrap();
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].0.as_deref(), Some("Bearer tok-123"));
        assert_eq!(
            seen[0].1,
            serde_json::json!({
                "destination": "+15555550100",
                "message": "Your code is 123456. ",
                "pool_id": "us-east-1_pool",
                "username": "jane",
            })
        );
    }

    #[tokio::test]
    async fn a_non_2xx_answer_is_a_delivery_error() {
        let seen = Seen::default();
        let url = receiver(StatusCode::BAD_GATEWAY, seen.clone()).await;
        let hook = SmsWebhookDelivery::new(&SmsConfig {
            webhook_url: url,
            bearer_token: None,
        })
        .unwrap();
        let err = hook.deliver(&sms("+15555550100", "x")).await.unwrap_err();
        assert!(err.0.contains("502"), "{err}");
        assert_eq!(seen.lock().unwrap()[0].0, None);
    }

    #[tokio::test]
    async fn refuses_email_and_reports_unreachable_webhooks_without_the_url() {
        let port = {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            l.local_addr().unwrap().port()
        };
        let hook = SmsWebhookDelivery::new(&SmsConfig {
            webhook_url: format!("http://127.0.0.1:{port}/sms?key=secret-key"),
            bearer_token: None,
        })
        .unwrap();
        let err = hook.deliver(&sms("+15555550100", "x")).await.unwrap_err();
        assert!(err.0.starts_with("SMS webhook request failed"), "{err}");
        assert!(!err.0.contains("secret-key"), "{err}");
        let mut email = sms("jane@example.com", "x");
        email.channel = Channel::Email;
        assert!(hook.deliver(&email).await.unwrap_err().0.contains("SMS"));
    }

    #[test]
    fn config_checks_and_debug() {
        let bad = |url: &str| {
            SmsWebhookDelivery::new(&SmsConfig {
                webhook_url: url.into(),
                bearer_token: None,
            })
            .is_err()
        };
        assert!(bad("not a url") && bad("ftp://example.com/x"));
        let cfg = SmsConfig {
            webhook_url: "https://hooks.example.com/sms".into(),
            bearer_token: Some("tok-123".into()),
        };
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("tok-123") && shown.contains("hooks.example.com"));
    }
}
