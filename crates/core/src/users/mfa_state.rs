//! A user's MFA state as kept in the user record (under `mfa` in its
//! `extra` document), and the factor names Cognito uses. The operations that
//! change it live in `mfa`; sign-in's challenges in `auth::mfa_flow`.

use kognit_wire::types::{DeliveryMediumType, MFAOptionType};
use serde::{Deserialize, Serialize};

use super::{extra_of, set_extra};
use crate::store::UserRecord;
use crate::{Error, Result};

/// The challenge and factor names Cognito uses.
pub(crate) mod factor {
    pub const SMS: &str = "SMS_MFA";
    pub const TOTP: &str = "SOFTWARE_TOKEN_MFA";
    pub const EMAIL: &str = "EMAIL_OTP";
}

/// Per-user MFA state, kept under `mfa` in the user's `extra` document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct UserMfa {
    /// SMS one-time codes enabled (SetUserMFAPreference or legacy MFAOptions).
    #[serde(default)]
    pub sms: bool,
    /// Enabled through the legacy SetUserSettings MFAOptions.
    #[serde(default)]
    pub legacy_sms: bool,
    /// TOTP enabled.
    #[serde(default)]
    pub software_token: bool,
    /// Email one-time codes enabled.
    #[serde(default)]
    pub email: bool,
    /// The preferred factor (`SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred: Option<String>,
    /// The verified authenticator's secret, sealed and base64-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
    /// A newly associated secret awaiting VerifySoftwareToken, sealed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_pending: Option<String>,
    /// The FriendlyDeviceName given at verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_device_name: Option<String>,
    /// The last TOTP step accepted: a code is accepted once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_last_step: Option<i64>,
}

impl UserMfa {
    /// The state stored in a user record (empty when none).
    pub(crate) fn of(rec: &UserRecord) -> UserMfa {
        serde_json::from_value(extra_of(rec)["mfa"].clone()).unwrap_or_default()
    }

    /// Writes the state back into the record's `extra` document.
    pub(crate) fn store_in(&self, rec: &mut UserRecord) -> Result<()> {
        let value = serde_json::to_value(self).map_err(Error::internal)?;
        set_extra(rec, "mfa", Some(value));
        Ok(())
    }

    /// Whether a verified authenticator is registered.
    pub(crate) fn has_totp(&self) -> bool {
        self.totp_secret.is_some()
    }

    /// The enabled factors, in Cognito's order.
    pub(crate) fn enabled(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.sms {
            out.push(factor::SMS);
        }
        if self.software_token && self.has_totp() {
            out.push(factor::TOTP);
        }
        if self.email {
            out.push(factor::EMAIL);
        }
        out
    }

    /// The legacy `MFAOptions` of GetUser / AdminGetUser.
    pub(crate) fn mfa_options(&self) -> Option<Vec<MFAOptionType>> {
        self.legacy_sms.then(|| {
            vec![MFAOptionType {
                delivery_medium: Some(DeliveryMediumType::Sms),
                attribute_name: Some("phone_number".into()),
            }]
        })
    }

    /// `UserMFASettingList` of GetUser / AdminGetUser (absent when empty).
    pub(crate) fn setting_list(&self) -> Option<Vec<String>> {
        let list: Vec<String> = self.enabled().into_iter().map(str::to_owned).collect();
        (!list.is_empty()).then_some(list)
    }
}
