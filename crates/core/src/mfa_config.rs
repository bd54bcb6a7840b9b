//! The pool's MFA configuration (GetUserPoolMfaConfig / SetUserPoolMfaConfig).
//! Stored now; enforced by the sign-in flows.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html>

use kognit_wire::types::*;

use crate::service::{Admin, Millis, Service};
use crate::{Error, Result};

impl Service {
    /// GetUserPoolMfaConfig.
    pub async fn get_user_pool_mfa_config(
        &self,
        _admin: &Admin,
        req: GetUserPoolMfaConfigRequest,
    ) -> Result<GetUserPoolMfaConfigResponse> {
        let (_, doc) = self.load_pool(&req.user_pool_id).await?;
        Ok(GetUserPoolMfaConfigResponse {
            sms_mfa_configuration: doc.mfa.sms,
            software_token_mfa_configuration: doc.mfa.software_token,
            email_mfa_configuration: doc.mfa.email,
            mfa_configuration: doc.pool.mfa_configuration,
            web_authn_configuration: doc.mfa.web_authn,
        })
    }

    /// SetUserPoolMfaConfig: turning MFA on needs at least one factor enabled.
    pub async fn set_user_pool_mfa_config(
        &self,
        _admin: &Admin,
        req: SetUserPoolMfaConfigRequest,
        now: Millis,
    ) -> Result<SetUserPoolMfaConfigResponse> {
        let id = req.user_pool_id.clone();
        let (doc, ()) = self
            .modify_pool(&id, now, |doc| {
                if let Some(sms) = &req.sms_mfa_configuration {
                    doc.mfa.sms = Some(sms.clone());
                }
                if let Some(t) = &req.software_token_mfa_configuration {
                    doc.mfa.software_token = Some(t.clone());
                }
                if let Some(e) = &req.email_mfa_configuration {
                    doc.mfa.email = Some(e.clone());
                }
                if let Some(w) = &req.web_authn_configuration {
                    doc.mfa.web_authn = Some(w.clone());
                }
                if let Some(m) = &req.mfa_configuration {
                    doc.pool.mfa_configuration = Some(*m);
                }
                let mode = doc.pool.mfa_configuration.unwrap_or(UserPoolMfaType::Off);
                let totp = doc
                    .mfa
                    .software_token
                    .as_ref()
                    .is_some_and(|t| t.enabled == Some(true));
                let sms = doc.mfa.sms.is_some();
                let email = doc.mfa.email.is_some();
                if mode != UserPoolMfaType::Off && !(totp || sms || email) {
                    return Err(Error::invalid_parameter(
                        "At least one of [SmsMfaConfiguration] or [SoftwareTokenMfaConfiguration] must be provided.",
                    ));
                }
                Ok(())
            })
            .await?;
        Ok(SetUserPoolMfaConfigResponse {
            sms_mfa_configuration: doc.mfa.sms,
            software_token_mfa_configuration: doc.mfa.software_token,
            email_mfa_configuration: doc.mfa.email,
            mfa_configuration: doc.pool.mfa_configuration,
            web_authn_configuration: doc.mfa.web_authn,
        })
    }
}
