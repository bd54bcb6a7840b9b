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
use kognit_wire::types::UserPoolMfaType;

use crate::service::Service;
use crate::store::UserRecord;
pub(crate) use crate::users::mfa_state::{UserMfa, factor};
use crate::users::{Attrs, Pool, Target};
use crate::{Error, Result};

const TOTP_AAD: &[u8] = b"kognit totp secret v1";

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
