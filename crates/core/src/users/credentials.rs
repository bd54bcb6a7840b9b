//! Setting a user's password: Cognito's policy, an Argon2id hash (on the
//! bounded blocking pool), and the SRP salt and verifier, sealed at rest.
//!
//! With the pool's `PasswordHistorySize` at n > 0, a new password may match
//! none of the user's last n passwords, the current one among them
//! (PasswordHistoryPolicyViolationException); the hashes of the n - 1
//! before the current one are kept in the user's `extra` document.

use crate::error::ErrorCode;
use crate::service::{Millis, Service};
use crate::store::UserRecord;
use crate::{Error, Result, passwords, srp};

use super::Pool;

impl Service {
    /// The pool's password policy with Cognito's defaults filled in.
    pub(crate) fn password_policy(pool: &Pool) -> kognit_wire::types::PasswordPolicyType {
        pool.p()
            .policies
            .as_ref()
            .and_then(|p| p.password_policy.clone())
            .unwrap_or_default()
    }

    pub(crate) fn srp_aad(pool_id: &str, username_key: &str) -> Vec<u8> {
        format!("srp\0{pool_id}\0{username_key}").into_bytes()
    }

    /// Checks `password` against the pool's policy and computes what storing
    /// it takes: the Argon2id hash and the sealed SRP verifier (the costly
    /// part, done once), and the expiry of a temporary password (after the
    /// policy's TemporaryPasswordValidityDays).
    pub(crate) async fn new_password(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        password: &str,
        temporary: bool,
        now: Millis,
    ) -> Result<NewPassword> {
        let policy = Self::password_policy(pool);
        passwords::check_policy(password, &policy)?;
        self.check_history(rec, password, history_size(&policy))
            .await?;
        self.password_material(pool, rec, password, temporary, now)
            .await
    }

    /// PasswordHistoryPolicyViolationException when `password` is one of
    /// the user's last `n` passwords (the current one first). Each is an
    /// Argon2id verification on the blocking pool, as in a sign-in; a
    /// stored hash that cannot be verified counts as no match.
    async fn check_history(&self, rec: &UserRecord, password: &str, n: usize) -> Result<()> {
        for hash in recent_passwords(rec).into_iter().take(n) {
            if self.hasher.verify(password, &hash).await.unwrap_or(false) {
                return Err(Error::new(
                    ErrorCode::PasswordHistoryPolicyViolationException,
                    "The password has been used before: choose one the user has not used recently.",
                ));
            }
        }
        Ok(())
    }

    /// [`Service::new_password`] without the policy check: for a password
    /// the pool must take as it is (a user migrated with the password of
    /// the old system, which Cognito does not hold to the policy).
    pub(crate) async fn password_material(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        password: &str,
        temporary: bool,
        now: Millis,
    ) -> Result<NewPassword> {
        let policy = Self::password_policy(pool);
        let hash = self.hasher.hash(password).await?;
        let salt = srp::new_salt();
        let pool_name = srp::pool_name(&pool.id).to_owned();
        let (user, pw, s) = (rec.username.clone(), password.to_owned(), salt.clone());
        // A 3072-bit modular exponentiation: off the async runtime.
        let verifier =
            tokio::task::spawn_blocking(move || srp::verifier(&pool_name, &user, &pw, &s))
                .await
                .map_err(crate::Error::internal)?;
        let secret = srp::SrpSecret { salt, verifier };
        let srp_sealed = self.secrets.seal(
            &secret.to_bytes(),
            &Self::srp_aad(&pool.id, &rec.username_key),
        );
        let expires_ms = temporary.then(|| {
            let days =
                i64::from(passwords::Requirements::of(&policy).temporary_password_validity_days);
            now + days * 86_400_000
        });
        Ok(NewPassword {
            hash,
            srp_sealed,
            expires_ms,
            history_size: history_size(&policy),
        })
    }

    /// [`Service::new_password`] applied to `rec` (not yet saved).
    pub(crate) async fn set_password(
        &self,
        pool: &Pool,
        rec: &mut UserRecord,
        password: &str,
        temporary: bool,
        now: Millis,
    ) -> Result<()> {
        self.new_password(pool, rec, password, temporary, now)
            .await?
            .apply(rec);
        Ok(())
    }
}

/// A password ready to store, applied to whichever fresh copy of the user a
/// write attempt holds (see [`Service::modify_user`]).
pub(crate) struct NewPassword {
    hash: String,
    srp_sealed: Vec<u8>,
    expires_ms: Option<Millis>,
    /// The pool's `PasswordHistorySize` (0 when not enforced).
    history_size: usize,
}

/// The member of a user's `extra` document that holds the hashes of their
/// previous passwords, newest first (the current one is not among them).
const HISTORY: &str = "password_history";

/// The pool's `PasswordHistorySize`, 0 when it has none.
fn history_size(policy: &kognit_wire::types::PasswordPolicyType) -> usize {
    policy
        .password_history_size
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
}

/// The hashes of the user's current password and of those kept before it,
/// newest first.
fn recent_passwords(rec: &UserRecord) -> Vec<String> {
    let extra = super::extra_of(rec);
    let before = extra
        .get(HISTORY)
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|h| h.as_str().map(str::to_owned));
    rec.password_hash.iter().cloned().chain(before).collect()
}

impl NewPassword {
    /// Puts the password into `rec`. With a history of n passwords, the one
    /// it replaces joins the n - 1 previous ones kept; without, none are.
    pub(crate) fn apply(&self, rec: &mut UserRecord) {
        let kept = self.history_size.saturating_sub(1);
        let recent = recent_passwords(rec);
        // Kept hashes besides the current one (apply never stores an empty list).
        let had = recent.len() > usize::from(rec.password_hash.is_some());
        let history: Vec<String> = recent.into_iter().take(kept).collect();
        if !history.is_empty() {
            super::set_extra(rec, HISTORY, Some(history.into()));
        } else if had {
            super::set_extra(rec, HISTORY, None);
        }
        rec.password_hash = Some(self.hash.clone());
        rec.srp_sealed = Some(self.srp_sealed.clone());
        rec.temp_password_expires_ms = self.expires_ms;
    }
}
