//! SetUserMFAPreference, AdminSetUserMFAPreference, SetUserSettings and
//! AdminSetUserSettings: which factors a user has enabled and prefers.

use kognit_wire::types::*;

use super::{UserMfa, factor, has_attr};
use crate::service::{Admin, Millis, Service};
use crate::store::UserRecord;
use crate::users::attrs_of;
use crate::{Error, Result};

/// One factor's requested setting: (Enabled, PreferredMfa).
type Setting = (Option<bool>, Option<bool>);

/// The requested settings of the three factors (WebAuthn is not a second factor here).
#[derive(Debug, Clone, Copy, Default)]
struct Preferences {
    sms: Option<Setting>,
    totp: Option<Setting>,
    email: Option<Setting>,
}

impl Preferences {
    fn new(
        sms: Option<&SMSMfaSettingsType>,
        totp: Option<&SoftwareTokenMfaSettingsType>,
        email: Option<&EmailMfaSettingsType>,
    ) -> Self {
        Preferences {
            sms: sms.map(|s| (s.enabled, s.preferred_mfa)),
            totp: totp.map(|s| (s.enabled, s.preferred_mfa)),
            email: email.map(|s| (s.enabled, s.preferred_mfa)),
        }
    }
}

/// Applies the requested settings to a user's state, with Cognito's checks.
fn apply(prefs: Preferences, rec: &UserRecord, mfa: &mut UserMfa) -> Result<()> {
    let attrs = attrs_of(rec)?;
    let preferred: Vec<&str> = [
        (prefs.sms, factor::SMS),
        (prefs.totp, factor::TOTP),
        (prefs.email, factor::EMAIL),
    ]
    .iter()
    .filter(|(s, _)| s.is_some_and(|(_, p)| p == Some(true)))
    .map(|(_, f)| *f)
    .collect();
    if preferred.len() > 1 {
        return Err(Error::invalid_parameter(
            "Only one MFA method can be set as preferred.",
        ));
    }
    for (setting, name) in [
        (prefs.sms, factor::SMS),
        (prefs.totp, factor::TOTP),
        (prefs.email, factor::EMAIL),
    ] {
        let Some((enabled, prefer)) = setting else {
            continue;
        };
        // PreferredMfa true implies the factor is enabled.
        let on = enabled.unwrap_or(prefer == Some(true) || is_on(mfa, name));
        if on {
            match name {
                factor::SMS if !has_attr(&attrs, "phone_number") => {
                    return Err(Error::invalid_parameter(
                        "User does not have delivery config set to turn on SMS_MFA",
                    ));
                }
                factor::EMAIL if !has_attr(&attrs, "email") => {
                    return Err(Error::invalid_parameter(
                        "User does not have delivery config set to turn on EMAIL_OTP",
                    ));
                }
                factor::TOTP if !mfa.has_totp() => {
                    return Err(Error::invalid_parameter(
                        "User has not verified software token mfa",
                    ));
                }
                _ => {}
            }
        } else if prefer == Some(true) {
            return Err(Error::invalid_parameter(format!(
                "{name} cannot be the preferred MFA method while it is disabled."
            )));
        }
        set_on(mfa, name, on);
        if prefer == Some(true) {
            mfa.preferred = Some(name.to_owned());
        } else if mfa.preferred.as_deref() == Some(name) && (!on || prefer == Some(false)) {
            mfa.preferred = None;
        }
    }
    Ok(())
}

fn is_on(mfa: &UserMfa, name: &str) -> bool {
    match name {
        factor::SMS => mfa.sms,
        factor::TOTP => mfa.software_token,
        _ => mfa.email,
    }
}

fn set_on(mfa: &mut UserMfa, name: &str, on: bool) {
    match name {
        factor::SMS => {
            mfa.sms = on;
            if !on {
                mfa.legacy_sms = false;
            }
        }
        factor::TOTP => mfa.software_token = on,
        _ => mfa.email = on,
    }
}

/// The legacy MFAOptions: a list with SMS on phone_number enables SMS MFA, an
/// empty list disables it.
fn apply_options(options: &[MFAOptionType], rec: &UserRecord, mfa: &mut UserMfa) -> Result<()> {
    let mut sms = false;
    for o in options {
        match (o.delivery_medium, o.attribute_name.as_deref()) {
            (Some(DeliveryMediumType::Sms), Some("phone_number") | None) => sms = true,
            (medium, _) => {
                return Err(Error::invalid_parameter(format!(
                    "Only SMS on phone_number is a valid MFA option, not {}.",
                    medium.map_or("(none)", DeliveryMediumType::as_str)
                )));
            }
        }
    }
    if sms && !has_attr(&attrs_of(rec)?, "phone_number") {
        return Err(Error::invalid_parameter(
            "User does not have delivery config set to turn on SMS_MFA",
        ));
    }
    mfa.sms = sms;
    mfa.legacy_sms = sms;
    if !sms && mfa.preferred.as_deref() == Some(factor::SMS) {
        mfa.preferred = None;
    }
    Ok(())
}

impl Service {
    /// SetUserMFAPreference.
    pub async fn set_user_mfa_preference(
        &self,
        req: SetUserMFAPreferenceRequest,
        now: Millis,
    ) -> Result<SetUserMFAPreferenceResponse> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        let prefs = Preferences::new(
            req.sms_mfa_settings.as_ref(),
            req.software_token_mfa_settings.as_ref(),
            req.email_mfa_settings.as_ref(),
        );
        self.modify_mfa(&t.pool, &t.user.username_key, now, |rec, mfa| {
            apply(prefs, rec, mfa)
        })
        .await?;
        Ok(SetUserMFAPreferenceResponse {})
    }

    /// AdminSetUserMFAPreference.
    pub async fn admin_set_user_mfa_preference(
        &self,
        _admin: &Admin,
        req: AdminSetUserMFAPreferenceRequest,
        now: Millis,
    ) -> Result<AdminSetUserMFAPreferenceResponse> {
        let (pool, rec) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let prefs = Preferences::new(
            req.sms_mfa_settings.as_ref(),
            req.software_token_mfa_settings.as_ref(),
            req.email_mfa_settings.as_ref(),
        );
        self.modify_mfa(&pool, &rec.username_key, now, |rec, mfa| {
            apply(prefs, rec, mfa)
        })
        .await?;
        Ok(AdminSetUserMFAPreferenceResponse {})
    }

    /// SetUserSettings (legacy SMS MFA options).
    pub async fn set_user_settings(
        &self,
        req: SetUserSettingsRequest,
        now: Millis,
    ) -> Result<SetUserSettingsResponse> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        let options = req.mfa_options;
        self.modify_mfa(&t.pool, &t.user.username_key, now, |rec, mfa| {
            apply_options(&options, rec, mfa)
        })
        .await?;
        Ok(SetUserSettingsResponse {})
    }

    /// AdminSetUserSettings (legacy SMS MFA options).
    pub async fn admin_set_user_settings(
        &self,
        _admin: &Admin,
        req: AdminSetUserSettingsRequest,
        now: Millis,
    ) -> Result<AdminSetUserSettingsResponse> {
        let (pool, rec) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let options = req.mfa_options;
        self.modify_mfa(&pool, &rec.username_key, now, |rec, mfa| {
            apply_options(&options, rec, mfa)
        })
        .await?;
        Ok(AdminSetUserSettingsResponse {})
    }
}
