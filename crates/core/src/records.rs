//! The records core keeps per pool and per app client, as the store holds
//! them (decoded) and `Service` caches them. A leaf: it imports no other
//! module of the crate, so the service and every feature module can use
//! these types without importing one another.

use kognit_wire::types::{
    EmailMfaConfigType, SmsMfaConfigType, SoftwareTokenMfaConfigType, UserPoolClientType,
    UserPoolType, WebAuthnConfigurationType,
};
use serde::{Deserialize, Serialize};

/// What kognit stores for a pool: Cognito's `UserPoolType` and the parts of the
/// MFA configuration that `UserPoolType` has no member for.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PoolDoc {
    /// The pool as DescribeUserPool returns it (dates and counts refreshed on read).
    pub pool: UserPoolType,
    /// SetUserPoolMfaConfig's settings.
    #[serde(default)]
    pub mfa: MfaDoc,
    /// SetUserPoolSessionConfiguration's settings.
    #[serde(default)]
    pub sessions: SessionsDoc,
}

/// The factor settings of SetUserPoolMfaConfig.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MfaDoc {
    /// SMS one-time codes.
    pub sms: Option<SmsMfaConfigType>,
    /// TOTP authenticators.
    pub software_token: Option<SoftwareTokenMfaConfigType>,
    /// Email one-time codes.
    pub email: Option<EmailMfaConfigType>,
    /// Passkeys.
    pub web_authn: Option<WebAuthnConfigurationType>,
}

/// Cognito's default MaxPerUser.
const DEFAULT_MAX_PER_USER: i32 = 20;

/// What the pool document keeps of SetUserPoolSessionConfiguration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SessionsDoc {
    /// Whether sign-ins record token sessions (UserSessionTracking ENABLED).
    #[serde(default)]
    pub tracking: bool,
    /// MaxPerUser, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_user: Option<i32>,
}

impl SessionsDoc {
    /// The most live sessions a user may hold (1 to 100).
    pub fn max_per_user(&self) -> u32 {
        self.max_per_user
            .unwrap_or(DEFAULT_MAX_PER_USER)
            .clamp(1, 100)
            .unsigned_abs()
    }
}

/// An app client and the pool it belongs to.
#[derive(Debug, Clone)]
pub struct AppClient {
    /// The owning pool's id.
    pub pool_id: String,
    /// The client's configuration.
    pub config: UserPoolClientType,
}

impl AppClient {
    /// The client id.
    pub fn id(&self) -> &str {
        self.config.client_id.as_deref().unwrap_or_default()
    }

    /// Whether self-service may write this attribute (all, when the client
    /// sets no WriteAttributes).
    pub fn write_attributes(&self) -> Option<&[String]> {
        self.config.write_attributes.as_deref()
    }
}
