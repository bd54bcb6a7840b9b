//! Setting a user's password: Cognito's policy, an Argon2id hash (on the
//! bounded blocking pool), and the SRP salt and verifier, sealed at rest.

use crate::service::{Millis, Service};
use crate::store::UserRecord;
use crate::{Result, passwords, srp};

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
        passwords::check_policy(password, &Self::password_policy(pool))?;
        self.password_material(pool, rec, password, temporary, now)
            .await
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
}

impl NewPassword {
    /// Puts the password into `rec`.
    pub(crate) fn apply(&self, rec: &mut UserRecord) {
        rec.password_hash = Some(self.hash.clone());
        rec.srp_sealed = Some(self.srp_sealed.clone());
        rec.temp_password_expires_ms = self.expires_ms;
    }
}
