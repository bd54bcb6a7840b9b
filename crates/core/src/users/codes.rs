//! One-time codes: 6 random digits, stored only as a keyed hash, expiring as
//! Cognito's do, attempt-limited, compared in constant time, single use.

use kognit_wire::error::ErrorCode;

use crate::service::{Millis, Service};
use crate::store::CodeRecord;
use crate::{Error, Result, crypto};

/// What a code is for, and how long it lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Sign-up confirmation: 24 hours.
    SignUp,
    /// Forgot password: 1 hour.
    Forgot,
    /// Verification of an email or phone attribute: 24 hours.
    Verify(&'static str),
    /// An SMS or email MFA code of a sign-in: 15 minutes at most (the
    /// sign-in session, 3 to 15 minutes, usually ends first). Not subject to
    /// the hourly resend limit: every sign-in sends one.
    Mfa,
}

const HOUR: Millis = 3_600_000;
/// Failed attempts after which a code is dead.
pub(crate) const MAX_ATTEMPTS: i64 = 5;
/// Codes sent per user and purpose per hour (Cognito: 5 resends an hour).
const MAX_SENDS_PER_HOUR: i64 = 5;

impl Purpose {
    fn key(&self) -> String {
        match self {
            Purpose::SignUp => "SIGNUP".into(),
            Purpose::Forgot => "FORGOT".into(),
            Purpose::Verify(attr) => format!("VERIFY:{attr}"),
            Purpose::Mfa => "MFA".into(),
        }
    }

    fn validity(&self) -> Millis {
        match self {
            Purpose::Forgot => HOUR,
            Purpose::Mfa => HOUR / 4,
            _ => 24 * HOUR,
        }
    }
}

fn mismatch() -> Error {
    Error::new(
        ErrorCode::CodeMismatchException,
        "Invalid verification code provided, please try again.",
    )
}

fn no_live_code() -> Error {
    Error::new(
        ErrorCode::ExpiredCodeException,
        "Invalid code provided, please request a code again.",
    )
}

impl Service {
    fn code_hash(&self, pool_id: &str, username_key: &str, purpose: &str, code: &str) -> Vec<u8> {
        self.codes.tag(&[
            pool_id.as_bytes(),
            username_key.as_bytes(),
            purpose.as_bytes(),
            code.as_bytes(),
        ])
    }

    /// Makes and stores a new code (replacing any earlier one), refusing with
    /// LimitExceededException past the hourly send limit.
    pub(crate) async fn issue_code(
        &self,
        pool_id: &str,
        username_key: &str,
        purpose: Purpose,
        now: Millis,
    ) -> Result<String> {
        let key = purpose.key();
        let (mut sends, mut window) = (0, now);
        if let Some(old) = self.store.get_code(pool_id, username_key, &key).await?
            && now - old.window_start_ms < HOUR
        {
            sends = old.sends;
            window = old.window_start_ms;
        }
        if sends >= MAX_SENDS_PER_HOUR && purpose != Purpose::Mfa {
            return Err(Error::new(
                ErrorCode::LimitExceededException,
                "Attempt limit exceeded, please try after some time.",
            ));
        }
        let code = crypto::random_string(6, b"0123456789");
        self.store
            .put_code(&CodeRecord {
                pool_id: pool_id.into(),
                username_key: username_key.into(),
                purpose: key.clone(),
                code_hash: self.code_hash(pool_id, username_key, &key, &code),
                expires_ms: now + purpose.validity(),
                attempts: 0,
                sends: sends + 1,
                window_start_ms: window,
            })
            .await?;
        Ok(code)
    }

    /// Redeems a code: exactly one redemption of a right, live code succeeds.
    pub(crate) async fn redeem_code(
        &self,
        pool_id: &str,
        username_key: &str,
        purpose: Purpose,
        code: &str,
        now: Millis,
    ) -> Result<()> {
        let right = self
            .check_code(pool_id, username_key, purpose, code, now)
            .await?;
        self.spend_code(right).await
    }

    /// The first half of [`Service::redeem_code`]: whether `code` is the
    /// live code (a wrong one counts as an attempt), without spending it,
    /// for a caller with more to check before the code may be spent.
    pub(crate) async fn check_code(
        &self,
        pool_id: &str,
        username_key: &str,
        purpose: Purpose,
        code: &str,
        now: Millis,
    ) -> Result<RightCode> {
        let key = purpose.key();
        let Some(stored) = self.store.get_code(pool_id, username_key, &key).await? else {
            return Err(spent(purpose));
        };
        if stored.attempts >= MAX_ATTEMPTS {
            return Err(Error::new(
                ErrorCode::LimitExceededException,
                "Attempt limit exceeded, please try after some time.",
            ));
        }
        let given = self.code_hash(pool_id, username_key, &key, code.trim());
        if !crypto::ct_eq(&given, &stored.code_hash) {
            let n = self
                .store
                .add_code_attempt(pool_id, username_key, &key)
                .await?;
            if n >= MAX_ATTEMPTS {
                return Err(Error::new(
                    ErrorCode::TooManyFailedAttemptsException,
                    "Too many failed attempts; request a new code.",
                ));
            }
            return Err(mismatch());
        }
        if now > stored.expires_ms {
            return Err(no_live_code());
        }
        Ok(RightCode {
            pool_id: pool_id.to_owned(),
            username_key: username_key.to_owned(),
            purpose,
            key,
            given,
        })
    }

    /// Spends a code [`Service::check_code`] found right: a code works once,
    /// so of two redemptions at the same time one fails.
    pub(crate) async fn spend_code(&self, right: RightCode) -> Result<()> {
        let RightCode {
            pool_id,
            username_key,
            purpose,
            key,
            given,
        } = right;
        if self
            .store
            .take_code(&pool_id, &username_key, &key, &given)
            .await?
        {
            return Ok(());
        }
        // Redeemed concurrently.
        Err(spent(purpose))
    }
}

/// The error for no live code (never sent, or already spent): an expired one
/// to Cognito, "Invalid code provided, please request a code again." (seen
/// for a code used twice in amazon-cognito-identity-js#380, and for
/// ConfirmForgotPassword without ForgotPassword in moto's
/// test_confirm_forgot_password_opt_in_verification_invalid_confirmation_code).
/// An MFA code belongs to its sign-in session: without one it is simply
/// wrong, as a wrong code is.
fn spent(purpose: Purpose) -> Error {
    match purpose {
        Purpose::Mfa => mismatch(),
        _ => no_live_code(),
    }
}

/// A code found right and live, not yet spent ([`Service::check_code`]).
pub(crate) struct RightCode {
    pool_id: String,
    username_key: String,
    purpose: Purpose,
    key: String,
    given: Vec<u8>,
}
