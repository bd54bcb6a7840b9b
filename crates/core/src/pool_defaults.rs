//! Cognito's defaults for a pool's settings, applied on create and on update
//! (UpdateUserPool resets every setting the request leaves out).

use kognit_wire::types::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, Result};

/// Copies every member a request shares with the pool type by name (both come
/// from the same service model, so no member list is typed by hand here).
pub(crate) fn from_request<R: Serialize, P: DeserializeOwned>(req: &R) -> Result<P> {
    let v = serde_json::to_value(req).map_err(Error::internal)?;
    serde_json::from_value(v).map_err(Error::internal)
}

/// Cognito's password policy when a request gives none.
fn default_password_policy() -> PasswordPolicyType {
    PasswordPolicyType {
        minimum_length: Some(8),
        require_uppercase: Some(true),
        require_lowercase: Some(true),
        require_numbers: Some(true),
        require_symbols: Some(true),
        password_history_size: None,
        temporary_password_validity_days: Some(7),
    }
}

/// Fills every setting Cognito gives a default to.
pub(crate) fn fill_defaults(p: &mut UserPoolType) {
    let policies = p.policies.get_or_insert_with(Default::default);
    match &mut policies.password_policy {
        None => policies.password_policy = Some(default_password_policy()),
        Some(pp) => {
            pp.minimum_length.get_or_insert(8);
            pp.require_uppercase.get_or_insert(false);
            pp.require_lowercase.get_or_insert(false);
            pp.require_numbers.get_or_insert(false);
            pp.require_symbols.get_or_insert(false);
            // "If you submit a value of 0, Amazon Cognito treats it as a
            // null value and sets TemporaryPasswordValidityDays to its
            // default value" (PasswordPolicyType); the Rust SDK sends 0
            // for a policy built without it.
            if pp.temporary_password_validity_days.is_none_or(|d| d == 0) {
                pp.temporary_password_validity_days = Some(7);
            }
            // "Password history isn't enforced and isn't displayed in
            // DescribeUserPool responses when you set this value to 0".
            if pp.password_history_size == Some(0) {
                pp.password_history_size = None;
            }
        }
    }
    policies
        .sign_in_policy
        .get_or_insert_with(|| SignInPolicyType {
            allowed_first_auth_factors: Some(vec![AuthFactorType::Password]),
        });
    let temp_days = policies
        .password_policy
        .as_ref()
        .and_then(|pp| pp.temporary_password_validity_days)
        .unwrap_or(7);
    p.deletion_protection
        .get_or_insert(DeletionProtectionType::Inactive);
    p.lambda_config.get_or_insert_with(Default::default);
    p.mfa_configuration.get_or_insert(UserPoolMfaType::Off);
    p.email_configuration
        .get_or_insert_with(|| EmailConfigurationType {
            email_sending_account: Some(EmailSendingAccountType::CognitoDefault),
            ..Default::default()
        })
        .email_sending_account
        .get_or_insert(EmailSendingAccountType::CognitoDefault);
    let acu = p
        .admin_create_user_config
        .get_or_insert_with(Default::default);
    acu.allow_admin_create_user_only.get_or_insert(false);
    // UnusedAccountValidityDays is deprecated in favour of the password policy's
    // TemporaryPasswordValidityDays; Cognito reports the latter through it.
    acu.unused_account_validity_days = Some(temp_days);
    p.user_attribute_update_settings
        .get_or_insert_with(Default::default)
        .attributes_require_verification_before_update
        .get_or_insert_with(Vec::new);
    p.user_pool_tags.get_or_insert_with(Default::default);
    p.user_pool_tier.get_or_insert(UserPoolTierType::Essentials);
    p.verification_message_template
        .get_or_insert_with(Default::default)
        .default_email_option
        .get_or_insert(DefaultEmailOptionType::ConfirmWithCode);
}

/// Keeps the legacy top-level message members and VerificationMessageTemplate in
/// step, as Cognito does: the template wins where both are given.
pub(crate) fn sync_messages(p: &mut UserPoolType) {
    let t = p
        .verification_message_template
        .get_or_insert_with(Default::default);
    sync(&mut t.sms_message, &mut p.sms_verification_message);
    sync(&mut t.email_message, &mut p.email_verification_message);
    sync(&mut t.email_subject, &mut p.email_verification_subject);
}

fn sync(template: &mut Option<String>, legacy: &mut Option<String>) {
    match (template.as_ref(), legacy.as_ref()) {
        (Some(t), _) => *legacy = Some(t.clone()),
        (None, Some(l)) => *template = Some(l.clone()),
        (None, None) => {}
    }
}
