//! The records core keeps per pool, app client and user, as the store holds
//! them (decoded) and `Service` caches them. A leaf: it imports no other
//! module of the crate, so the service and every feature module can use
//! these types without importing one another.

use kognit_wire::types::{
    EmailMfaConfigType, SmsMfaConfigType, SoftwareTokenMfaConfigType, UserPoolClientType,
    UserPoolType, WebAuthnConfigurationType,
};
use serde::{Deserialize, Serialize};

use crate::store::{AliasRecord, UserRecord};
use crate::{Error, Result};

/// A user's attributes by name (everything but `sub`), values as strings.
pub(crate) type Attrs = std::collections::BTreeMap<String, String>;

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
    /// Whether the request came through the hosted login pages (the OAuth
    /// authorization server) rather than the API: such a sign-in ends in a
    /// hosted session and an authorization code, not in tokens, and needs
    /// no SECRET_HASH (the browser never holds the client secret).
    pub hosted: bool,
}

impl AppClient {
    /// The client id.
    pub fn id(&self) -> &str {
        self.config.client_id.as_deref().unwrap_or_default()
    }

    /// The client as sealed sign-in sessions name it: its id, marked when
    /// the hosted pages run the flow, so a challenge begun on one channel
    /// cannot be answered on the other.
    pub(crate) fn session_client(&self) -> String {
        if self.hosted {
            format!("{}#hosted", self.id())
        } else {
            self.id().to_owned()
        }
    }

    /// The same client, for the hosted pages.
    pub fn for_hosted(mut self) -> Self {
        self.hosted = true;
        self
    }

    /// Whether the client hides which users exist (PreventUserExistenceErrors).
    pub fn hides_users(&self) -> bool {
        self.config.prevent_user_existence_errors
            == Some(kognit_wire::types::PreventUserExistenceErrorTypes::Enabled)
    }

    /// Whether self-service may write this attribute (all, when the client
    /// sets no WriteAttributes).
    pub fn write_attributes(&self) -> Option<&[String]> {
        self.config.write_attributes.as_deref()
    }
}

/// The pool settings the user rules read.
pub(crate) struct Pool {
    pub id: String,
    pub doc: std::sync::Arc<PoolDoc>,
}

impl Pool {
    pub fn p(&self) -> &UserPoolType {
        &self.doc.pool
    }

    /// Usernames compare case-insensitively unless the pool says otherwise.
    /// A pool created through the API without UsernameConfiguration is case
    /// sensitive, as in Cognito.
    pub fn case_sensitive(&self) -> bool {
        self.p()
            .username_configuration
            .as_ref()
            .is_none_or(|c| c.case_sensitive)
    }

    pub fn username_attributes(&self) -> Vec<String> {
        names(self.p().username_attributes.as_deref(), |a| a.as_str())
    }

    pub fn alias_attributes(&self) -> Vec<String> {
        names(self.p().alias_attributes.as_deref(), |a| a.as_str())
    }

    pub fn auto_verified(&self) -> Vec<String> {
        names(self.p().auto_verified_attributes.as_deref(), |a| a.as_str())
    }

    /// The key a username is stored and compared under.
    pub fn username_key(&self, username: &str) -> String {
        if self.case_sensitive() {
            username.to_owned()
        } else {
            username.to_lowercase()
        }
    }

    /// The key an alias value is compared under: emails case-insensitively,
    /// preferred usernames as the pool compares usernames.
    pub fn alias_key(&self, kind: &str, value: &str) -> String {
        match kind {
            "email" => value.to_lowercase(),
            "preferred_username" => self.username_key(value),
            _ => value.to_owned(),
        }
    }

    /// The unique sign-in aliases a user with these attributes holds: in
    /// username-attribute pools the email/phone always; in alias pools the
    /// verified email/phone and the preferred username.
    pub fn aliases(&self, attrs: &Attrs) -> Vec<AliasRecord> {
        let mut out = Vec::new();
        let username_attrs = self.username_attributes();
        let alias_attrs = self.alias_attributes();
        for kind in ["email", "phone_number", "preferred_username"] {
            let Some(value) = attrs.get(kind).filter(|v| !v.is_empty()) else {
                continue;
            };
            let verified =
                attrs.get(&format!("{kind}_verified")).map(String::as_str) == Some("true");
            let holds = username_attrs.iter().any(|a| a == kind)
                || (alias_attrs.iter().any(|a| a == kind)
                    && (kind == "preferred_username" || verified));
            if holds {
                out.push(AliasRecord {
                    kind: kind.into(),
                    value_key: self.alias_key(kind, value),
                });
            }
        }
        out
    }
}

/// The attribute names an enum list of the pool stands for.
fn names<T: Copy>(list: Option<&[T]>, name: impl Fn(T) -> &'static str) -> Vec<String> {
    list.unwrap_or_default()
        .iter()
        .map(|a| name(*a).to_owned())
        .collect()
}

/// Reads a user's attribute map.
pub(crate) fn attrs_of(rec: &UserRecord) -> Result<Attrs> {
    serde_json::from_str(&rec.attributes).map_err(Error::internal)
}
