//! Email delivery over SMTP (lettre, rustls with aws-lc-rs).

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use kognit_core::delivery::{Channel, Deliver, DeliveryError, Message};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text (local relays and test sinks only).
    None,
    /// Plain connection upgraded with STARTTLS, which is required (port 587).
    Starttls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
}

/// Where and how to send email.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SmtpConfig {
    /// The SMTP server's host name (also the name its certificate must carry).
    pub host: String,
    /// The SMTP server's port.
    pub port: u16,
    /// Connection security.
    pub tls: SmtpTls,
    /// User name for SMTP AUTH, if the server wants one.
    pub username: Option<String>,
    /// Password for SMTP AUTH.
    pub password: Option<String>,
    /// The `From` address, e.g. `kognit <no-reply@example.com>`.
    pub from: String,
}

// Hand-written so the password never reaches a log line or a panic message.
impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .finish()
    }
}

/// How long one SMTP command may take; a stuck server must not hold a
/// Cognito call (SignUp, ForgotPassword…) for lettre's default minute.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(15);

/// Sends email messages through one SMTP server.
pub struct SmtpDelivery {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpDelivery {
    /// Prepares the transport; fails on an invalid `from` address or TLS setup.
    /// No connection is made until the first message.
    pub fn new(config: &SmtpConfig) -> Result<Self, String> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| format!("smtp.from {:?} is not an email address: {e}", config.from))?;
        type Transport = AsyncSmtpTransport<Tokio1Executor>;
        let builder = match config.tls {
            SmtpTls::None => Transport::builder_dangerous(&config.host),
            SmtpTls::Starttls => Transport::starttls_relay(&config.host)
                .map_err(|e| format!("smtp TLS setup failed: {e}"))?,
            SmtpTls::Tls => {
                Transport::relay(&config.host).map_err(|e| format!("smtp TLS setup failed: {e}"))?
            }
        };
        let mut builder = builder.port(config.port).timeout(Some(COMMAND_TIMEOUT));
        if let Some(user) = &config.username {
            let password = config.password.clone().unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }
}

#[async_trait]
impl Deliver for SmtpDelivery {
    async fn deliver(&self, msg: &Message) -> Result<(), DeliveryError> {
        if msg.channel != Channel::Email {
            return Err(DeliveryError(
                "the SMTP adapter only sends EMAIL messages".into(),
            ));
        }
        let to: Mailbox = msg
            .destination
            .parse()
            .map_err(|e| DeliveryError(format!("recipient is not a valid email address: {e}")))?;
        // Plain text only; lettre picks 7bit, quoted-printable or base64 by content.
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(msg.subject.clone().unwrap_or_default())
            .header(ContentType::TEXT_PLAIN)
            .body(msg.body.clone())
            .map_err(|e| DeliveryError(format!("could not build the email: {e}")))?;
        // lettre's errors name the failure kind and the server's reply, never
        // the credentials, so they are safe for the operator's log.
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| DeliveryError(format!("SMTP delivery failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kognit_testkit::smtp_sink::SmtpSink;

    fn config(port: u16) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            tls: SmtpTls::None,
            username: None,
            password: None,
            from: "kognit <no-reply@kognit.test>".into(),
        }
    }

    fn email(to: &str, subject: &str, body: &str) -> Message {
        Message {
            pool_id: "us-east-1_pool".into(),
            username: "jane".into(),
            channel: Channel::Email,
            destination: to.into(),
            subject: Some(subject.into()),
            body: body.into(),
            code: Some("123456".into()),
        }
    }

    #[tokio::test]
    async fn delivers_a_plain_text_email_to_the_sink() {
        let sink = SmtpSink::start().await;
        let smtp = SmtpDelivery::new(&config(sink.port())).unwrap();
        let msg = email(
            "jane@example.com",
            "Your verification code",
            "Your verification code is 123456. ",
        );
        smtp.deliver(&msg).await.unwrap();
        let got = sink.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(got.len(), 1);
        let mail = &got[0];
        assert_eq!(mail.from, "no-reply@kognit.test");
        assert_eq!(mail.to, vec!["jane@example.com".to_owned()]);
        assert_eq!(mail.auth_user, None);
        assert_eq!(mail.subject().as_deref(), Some("Your verification code"));
        assert_eq!(mail.header("To").as_deref(), Some("jane@example.com"));
        assert!(
            mail.header("From")
                .unwrap()
                .contains("no-reply@kognit.test")
        );
        assert!(
            mail.header("Content-Type")
                .unwrap()
                .starts_with("text/plain")
        );
        assert!(mail.body_text().contains("123456"), "{}", mail.data);
    }

    #[tokio::test]
    async fn non_ascii_text_and_credentials_survive_the_trip() {
        let sink = SmtpSink::start().await;
        let mut cfg = config(sink.port());
        cfg.username = Some("mailer".into());
        cfg.password = Some("hunter2".into());
        let smtp = SmtpDelivery::new(&cfg).unwrap();
        let body = "Código de verificación: 654321. ¡Hola, José! ".repeat(3);
        smtp.deliver(&email("jose@example.es", "Código ✓", &body))
            .await
            .unwrap();
        let got = sink.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(got[0].auth_user.as_deref(), Some("mailer"));
        // The sink had to decode both: an RFC 2047 subject and a non-7bit body.
        assert_ne!(got[0].header("Subject").as_deref(), Some("Código ✓"));
        let cte = got[0]
            .header("Content-Transfer-Encoding")
            .unwrap_or_default();
        assert!(cte == "quoted-printable" || cte == "base64", "{cte}");
        assert_eq!(got[0].subject().as_deref(), Some("Código ✓"));
        assert_eq!(got[0].body_text(), body);
    }

    #[tokio::test]
    async fn refuses_sms_and_bad_recipients() {
        let smtp = SmtpDelivery::new(&config(1)).unwrap();
        let mut sms = email("+15555550100", "x", "y");
        sms.channel = Channel::Sms;
        assert!(smtp.deliver(&sms).await.unwrap_err().0.contains("EMAIL"));
        let bad = email("not an address", "x", "y");
        assert!(smtp.deliver(&bad).await.is_err());
    }

    #[tokio::test]
    async fn a_failed_connection_is_reported_without_credentials() {
        // A port nobody listens on: bind, note the port, close.
        let port = {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            l.local_addr().unwrap().port()
        };
        let mut cfg = config(port);
        cfg.username = Some("mailer".into());
        cfg.password = Some("s3cret-pw".into());
        let smtp = SmtpDelivery::new(&cfg).unwrap();
        let err = smtp
            .deliver(&email("jane@example.com", "x", "y"))
            .await
            .unwrap_err();
        assert!(err.0.starts_with("SMTP delivery failed"), "{err}");
        assert!(!err.0.contains("s3cret-pw"), "{err}");
    }

    #[test]
    fn config_debug_hides_the_password_and_serde_uses_lowercase() {
        let mut cfg = config(25);
        cfg.password = Some("s3cret-pw".into());
        let shown = format!("{cfg:?}");
        assert!(
            !shown.contains("s3cret-pw") && shown.contains("<redacted>"),
            "{shown}"
        );
        let json = serde_json::to_value(&cfg).unwrap();
        assert_eq!(json["tls"], "none");
        let tls: SmtpTls = serde_json::from_str("\"starttls\"").unwrap();
        assert_eq!(tls, SmtpTls::Starttls);
        assert_eq!(serde_json::from_value::<SmtpConfig>(json).unwrap(), cfg);
    }

    #[test]
    fn an_invalid_from_address_is_refused() {
        let mut cfg = config(25);
        cfg.from = "nobody".into();
        let err = SmtpDelivery::new(&cfg).err().unwrap();
        assert!(err.contains("smtp.from"), "{err}");
    }
}
