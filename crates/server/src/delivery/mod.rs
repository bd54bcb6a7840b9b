//! The edge side of message delivery: SMTP for email, an HTTP webhook for SMS,
//! and the developer outbox, combined behind one [`Deliver`] by [`Router`].

use std::sync::Arc;

use async_trait::async_trait;
use kognit_core::clock::{Clock, SystemClock};
use kognit_core::delivery::{Channel, Deliver, DeliveryError, Message};
use kognit_core::store::{OutboxRecord, OutboxStore};

mod sms;
mod smtp;

pub use sms::{SmsConfig, SmsWebhookDelivery};
pub use smtp::{SmtpConfig, SmtpDelivery, SmtpTls};

/// Sends each message through its channel's adapter, keeping a copy in the
/// developer outbox first when one is enabled.
pub struct Router {
    email: Option<Arc<dyn Deliver>>,
    sms: Option<Arc<dyn Deliver>>,
    outbox: Option<Arc<dyn OutboxStore>>,
    clock: Arc<dyn Clock>,
}

impl Router {
    /// A router over these adapters; any may be absent.
    pub fn new(
        email: Option<Arc<dyn Deliver>>,
        sms: Option<Arc<dyn Deliver>>,
        outbox: Option<Arc<dyn OutboxStore>>,
    ) -> Self {
        Self {
            email,
            sms,
            outbox,
            clock: Arc::new(SystemClock),
        }
    }

    /// The same router, stamping outbox records with `clock`'s time.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// Builds the delivery of a process from its configuration: SMTP and/or the
/// SMS webhook when configured, the outbox when given (dev mode).
pub fn build(
    smtp: Option<&SmtpConfig>,
    sms: Option<&SmsConfig>,
    outbox: Option<Arc<dyn OutboxStore>>,
    clock: Arc<dyn Clock>,
) -> Result<Arc<dyn Deliver>, String> {
    let email = match smtp {
        Some(c) => Some(Arc::new(SmtpDelivery::new(c)?) as Arc<dyn Deliver>),
        None => None,
    };
    let sms = match sms {
        Some(c) => Some(Arc::new(SmsWebhookDelivery::new(c)?) as Arc<dyn Deliver>),
        None => None,
    };
    Ok(Arc::new(Router::new(email, sms, outbox).with_clock(clock)))
}

#[async_trait]
impl Deliver for Router {
    async fn deliver(&self, msg: &Message) -> Result<(), DeliveryError> {
        // The outbox records what was attempted, so it is written before the
        // send and kept when the send fails. A message that cannot be recorded
        // is not sent either, so the outbox stays a complete account.
        if let Some(outbox) = &self.outbox {
            outbox
                .add_message(&record(msg, self.clock.now_ms()))
                .await
                .map_err(|e| DeliveryError(format!("outbox: {e}")))?;
        }
        let adapter = match msg.channel {
            Channel::Email => &self.email,
            Channel::Sms => &self.sms,
        };
        match adapter {
            Some(a) => a.deliver(msg).await,
            // Dev mode without SMTP/SMS: the outbox copy is the delivery.
            None if self.outbox.is_some() => Ok(()),
            None => Err(DeliveryError(format!(
                "no {} delivery is configured",
                msg.channel.as_str()
            ))),
        }
    }
}

fn record(msg: &Message, created_ms: i64) -> OutboxRecord {
    OutboxRecord {
        id: 0,
        pool_id: msg.pool_id.clone(),
        username: msg.username.clone(),
        channel: msg.channel.as_str().to_owned(),
        destination: msg.destination.clone(),
        subject: msg.subject.clone(),
        body: msg.body.clone(),
        code: msg.code.clone(),
        created_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now_ms() -> i64 {
        SystemClock.now_ms()
    }
    use kognit_core::store::{StoreError, StoreResult};
    use std::sync::Mutex;

    /// An in-memory outbox (a test double of the store trait).
    #[derive(Default)]
    struct MemOutbox {
        rows: Mutex<Vec<OutboxRecord>>,
        broken: bool,
    }

    #[async_trait]
    impl OutboxStore for MemOutbox {
        async fn add_message(&self, msg: &OutboxRecord) -> StoreResult<()> {
            if self.broken {
                return Err(StoreError::Backend("disk full".into()));
            }
            self.rows.lock().unwrap().push(msg.clone());
            Ok(())
        }
        async fn list_messages(
            &self,
            _pool_id: Option<&str>,
            _username: Option<&str>,
            _before_id: Option<i64>,
            _limit: u32,
        ) -> StoreResult<Vec<OutboxRecord>> {
            Ok(self.rows.lock().unwrap().iter().rev().cloned().collect())
        }
    }

    /// An adapter that records what it was given, or fails.
    #[derive(Default)]
    struct Recorder {
        sent: Mutex<Vec<Message>>,
        fail: bool,
    }

    #[async_trait]
    impl Deliver for Recorder {
        async fn deliver(&self, msg: &Message) -> Result<(), DeliveryError> {
            if self.fail {
                return Err(DeliveryError("relay refused".into()));
            }
            self.sent.lock().unwrap().push(msg.clone());
            Ok(())
        }
    }

    fn message(channel: Channel) -> Message {
        Message {
            pool_id: "us-east-1_pool".into(),
            username: "jane".into(),
            channel,
            destination: match channel {
                Channel::Email => "jane@example.com".into(),
                Channel::Sms => "+15555550100".into(),
            },
            subject: (channel == Channel::Email).then(|| "Your verification code".into()),
            body: "Your verification code is 123456. ".into(),
            code: Some("123456".into()),
        }
    }

    #[tokio::test]
    async fn records_then_routes_each_channel_to_its_adapter() {
        let (email, sms) = (Arc::new(Recorder::default()), Arc::new(Recorder::default()));
        let outbox = Arc::new(MemOutbox::default());
        let router = Router::new(Some(email.clone()), Some(sms.clone()), Some(outbox.clone()));
        let before = now_ms();
        router.deliver(&message(Channel::Email)).await.unwrap();
        router.deliver(&message(Channel::Sms)).await.unwrap();
        assert_eq!(*email.sent.lock().unwrap(), vec![message(Channel::Email)]);
        assert_eq!(*sms.sent.lock().unwrap(), vec![message(Channel::Sms)]);
        let rows = outbox.rows.lock().unwrap().clone();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].channel, "EMAIL");
        assert_eq!(rows[0].subject.as_deref(), Some("Your verification code"));
        assert_eq!(rows[0].code.as_deref(), Some("123456"));
        assert_eq!(rows[1].channel, "SMS");
        assert_eq!(rows[1].destination, "+15555550100");
        assert!(
            rows.iter()
                .all(|r| r.created_ms >= before && r.created_ms <= now_ms())
        );
    }

    #[tokio::test]
    async fn the_outbox_alone_is_enough() {
        let outbox = Arc::new(MemOutbox::default());
        let router = Router::new(None, None, Some(outbox.clone()));
        router.deliver(&message(Channel::Sms)).await.unwrap();
        assert_eq!(outbox.rows.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn nothing_configured_for_the_channel_is_an_error() {
        let sms = Arc::new(Recorder::default());
        let router = Router::new(None, Some(sms.clone()), None);
        let err = router.deliver(&message(Channel::Email)).await.unwrap_err();
        assert_eq!(err.0, "no EMAIL delivery is configured");
        let router = Router::new(Some(sms), None, None);
        let err = router.deliver(&message(Channel::Sms)).await.unwrap_err();
        assert_eq!(err.0, "no SMS delivery is configured");
    }

    #[tokio::test]
    async fn a_failed_send_keeps_its_outbox_copy() {
        let email = Arc::new(Recorder {
            fail: true,
            ..Default::default()
        });
        let outbox = Arc::new(MemOutbox::default());
        let router = Router::new(Some(email), None, Some(outbox.clone()));
        let err = router.deliver(&message(Channel::Email)).await.unwrap_err();
        assert_eq!(err.0, "relay refused");
        assert_eq!(outbox.rows.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_broken_outbox_stops_the_send() {
        let email = Arc::new(Recorder::default());
        let outbox = Arc::new(MemOutbox {
            broken: true,
            ..Default::default()
        });
        let router = Router::new(Some(email.clone()), None, Some(outbox));
        let err = router.deliver(&message(Channel::Email)).await.unwrap_err();
        assert!(err.0.starts_with("outbox:"), "{err}");
        assert!(email.sent.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn build_wires_smtp_to_the_email_channel() {
        let sink = kognit_testkit::smtp_sink::SmtpSink::start().await;
        let smtp = SmtpConfig {
            host: "127.0.0.1".into(),
            port: sink.port(),
            tls: SmtpTls::None,
            username: None,
            password: None,
            from: "no-reply@kognit.test".into(),
        };
        let delivery = build(Some(&smtp), None, None, Arc::new(SystemClock)).unwrap();
        delivery.deliver(&message(Channel::Email)).await.unwrap();
        let got = sink.wait_for(1, std::time::Duration::from_secs(5)).await;
        assert_eq!(got.len(), 1);
        assert!(got[0].body_text().contains("123456"));
        let err = delivery.deliver(&message(Channel::Sms)).await.unwrap_err();
        assert_eq!(err.0, "no SMS delivery is configured");

        let bad = SmtpConfig {
            from: "nobody".into(),
            ..smtp
        };
        assert!(build(Some(&bad), None, None, Arc::new(SystemClock)).is_err());
        let bad_sms = SmsConfig {
            webhook_url: "nope".into(),
            bearer_token: None,
        };
        assert!(build(None, Some(&bad_sms), None, Arc::new(SystemClock)).is_err());
    }
}
