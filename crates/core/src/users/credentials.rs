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

    /// Checks `password` against the pool's policy and stores its hash and SRP
    /// verifier in `rec` (not yet saved). A temporary password expires after
    /// the policy's TemporaryPasswordValidityDays.
    pub(crate) async fn set_password(
        &self,
        pool: &Pool,
        rec: &mut UserRecord,
        password: &str,
        temporary: bool,
        now: Millis,
    ) -> Result<()> {
        let policy = Self::password_policy(pool);
        passwords::check_policy(password, &policy)?;
        rec.password_hash = Some(self.hasher.hash(password).await?);
        let salt = srp::new_salt();
        let pool_name = srp::pool_name(&pool.id).to_owned();
        let (user, pw, s) = (rec.username.clone(), password.to_owned(), salt.clone());
        // A 3072-bit modular exponentiation: off the async runtime.
        let verifier =
            tokio::task::spawn_blocking(move || srp::verifier(&pool_name, &user, &pw, &s))
                .await
                .map_err(crate::Error::internal)?;
        let secret = srp::SrpSecret { salt, verifier };
        rec.srp_sealed = Some(self.secrets.seal(
            &secret.to_bytes(),
            &Self::srp_aad(&pool.id, &rec.username_key),
        ));
        rec.temp_password_expires_ms = if temporary {
            let days = i64::from(policy.temporary_password_validity_days.unwrap_or(7));
            Some(now + days * 86_400_000)
        } else {
            None
        };
        Ok(())
    }
}
