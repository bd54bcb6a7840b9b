//! A user's multi-factor authentication: which factors are enabled and
//! preferred, the TOTP authenticator's sealed secret, and the operations that
//! change them (SetUserMFAPreference, AdminSetUserMFAPreference,
//! SetUserSettings, AdminSetUserSettings, AssociateSoftwareToken,
//! VerifySoftwareToken). The challenges themselves live in `auth::mfa_flow`.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html>

mod preferences;
mod software_token;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use kognit_wire::error::ErrorCode;
use kognit_wire::types::{DeliveryMediumType, MFAOptionType, UserPoolMfaType};
use serde::{Deserialize, Serialize};

use crate::service::Service;
use crate::store::UserRecord;
use crate::users::{Attrs, Pool, Target, extra_of, set_extra};
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

const TOTP_AAD: &[u8] = b"kognit totp secret v1";

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

/// Which factors the pool offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PoolFactors {
    pub sms: bool,
    pub totp: bool,
    pub email: bool,
}

impl PoolFactors {
    pub(crate) fn of(pool: &Pool) -> PoolFactors {
        let mfa = &pool.doc.mfa;
        PoolFactors {
            sms: mfa.sms.is_some(),
            totp: mfa
                .software_token
                .as_ref()
                .is_some_and(|t| t.enabled == Some(true)),
            email: mfa.email.is_some(),
        }
    }
}

/// The pool's MfaConfiguration: OFF, ON or OPTIONAL.
pub(crate) fn pool_mode(pool: &Pool) -> UserPoolMfaType {
    pool.p().mfa_configuration.unwrap_or(UserPoolMfaType::Off)
}

pub(crate) fn has_attr(attrs: &Attrs, name: &str) -> bool {
    attrs.get(name).is_some_and(|v| !v.is_empty())
}

impl Service {
    /// Seals a TOTP secret for storage in the user record.
    pub(crate) fn seal_totp(&self, secret: &[u8]) -> String {
        B64.encode(self.secrets.seal(secret, TOTP_AAD))
    }

    /// Opens a sealed TOTP secret.
    pub(crate) fn open_totp(&self, sealed: &str) -> Result<Vec<u8>> {
        B64.decode(sealed)
            .ok()
            .and_then(|b| self.secrets.open(&b, TOTP_AAD))
            .ok_or_else(|| Error::internal("a stored TOTP secret does not open"))
    }

    /// Checks a TOTP code against the user's verified authenticator and
    /// records its step, so the same code is refused the second time.
    /// Returns the updated record (saved).
    pub(crate) async fn redeem_totp(
        &self,
        pool: &Pool,
        username_key: &str,
        code: &str,
        now_ms: i64,
    ) -> Result<UserRecord> {
        let ((), rec) = self
            .modify_mfa(pool, username_key, now_ms, |_, mfa| {
                let sealed = mfa.totp_secret.clone().ok_or_else(|| {
                    Error::new(
                        ErrorCode::SoftwareTokenMFANotFoundException,
                        "Software Token MFA has not been enabled by the user.",
                    )
                })?;
                let secret = self.open_totp(&sealed)?;
                let Some(step) = crate::totp::matching_step(&secret, code, now_ms / 1000) else {
                    return Err(code_mismatch());
                };
                // A code already spent answers ExpiredCodeException, as the
                // authors of moto's aws_verified
                // test_user_authentication_flow_mfa_on saw from AWS.
                if mfa.totp_last_step.is_some_and(|last| step <= last) {
                    return Err(Error::new(
                        ErrorCode::ExpiredCodeException,
                        "Your software token has already been used once.",
                    ));
                }
                mfa.totp_last_step = Some(step);
                Ok(())
            })
            .await?;
        Ok(rec)
    }

    /// Applies `change` to the user's MFA state through the one user-write
    /// path ([`Service::modify_user`]). Returns what `change` answered and the
    /// saved record.
    pub(crate) async fn modify_mfa<T>(
        &self,
        pool: &Pool,
        username_key: &str,
        now_ms: i64,
        change: impl Fn(&UserRecord, &mut UserMfa) -> Result<T>,
    ) -> Result<(T, UserRecord)> {
        let (rec, out) = self
            .modify_user(pool, Target::Key(username_key), false, now_ms, |rec, _| {
                let mut mfa = UserMfa::of(rec);
                let out = change(rec, &mut mfa)?;
                mfa.store_in(rec)?;
                Ok(out)
            })
            .await?;
        Ok((out, rec))
    }
}

/// Cognito's answer to a wrong MFA code.
pub(crate) fn code_mismatch() -> Error {
    Error::new(
        ErrorCode::CodeMismatchException,
        "Invalid code or auth state for the user.",
    )
}
