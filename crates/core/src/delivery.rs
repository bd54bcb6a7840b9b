//! Message delivery as the service sees it: one trait, implemented at the edge
//! by the SMTP and SMS-webhook adapters and the developer outbox.

use async_trait::async_trait;
use kognit_wire::types::DeliveryMediumType;

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Email (SMTP).
    Email,
    /// Text message (SMS webhook).
    Sms,
}

impl Channel {
    /// `EMAIL` or `SMS`, as Cognito names delivery mediums.
    pub fn as_str(&self) -> &'static str {
        match self {
            Channel::Email => "EMAIL",
            Channel::Sms => "SMS",
        }
    }

    /// The delivery medium the API names this channel by.
    pub fn medium(self) -> DeliveryMediumType {
        match self {
            Channel::Email => DeliveryMediumType::Email,
            Channel::Sms => DeliveryMediumType::Sms,
        }
    }

    /// The channel of a delivery medium.
    pub fn of(medium: DeliveryMediumType) -> Self {
        match medium {
            DeliveryMediumType::Email => Channel::Email,
            DeliveryMediumType::Sms => Channel::Sms,
        }
    }
}

/// A rendered message for one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The pool it is sent for.
    pub pool_id: String,
    /// The recipient's username.
    pub username: String,
    /// Email or SMS.
    pub channel: Channel,
    /// Email address or E.164 phone number.
    pub destination: String,
    /// Email subject; None for SMS.
    pub subject: Option<String>,
    /// The rendered text.
    pub body: String,
    /// The code the message carries, if any (kept for the developer outbox;
    /// never logged).
    pub code: Option<String>,
}

/// A delivery failure, described for the operator's log (not the caller).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DeliveryError(pub String);

/// Sends messages.
#[async_trait]
pub trait Deliver: Send + Sync {
    /// Sends one message; returns once the channel accepted it.
    async fn deliver(&self, msg: &Message) -> Result<(), DeliveryError>;
}
