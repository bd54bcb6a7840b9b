//! `initiate-auth-password`: InitiateAuth USER_PASSWORD_AUTH of random
//! users of a new pool. Each sign-in verifies an Argon2id hash and signs
//! the ID and access tokens, so this measures the server's password hashing
//! parameters as much as anything else.

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::scenarios::sign_in_args::SignInArgs;
use crate::setup::{self, SignInPool};
use crate::wire::AuthAnswer;

/// The prepared scenario.
pub struct InitiateAuthPassword {
    pool: SignInPool,
}

impl InitiateAuthPassword {
    /// Creates the pool, its client and the users.
    pub async fn prepare(api: &Api, args: &SignInArgs) -> Result<Self, String> {
        let pool = setup::sign_in_pool(api, "kognit-bench-password", args.users).await?;
        Ok(Self { pool })
    }
}

impl Scenario for InitiateAuthPassword {
    fn name(&self) -> &'static str {
        "initiate-auth-password"
    }

    async fn step(&self, w: &mut Worker, _n: u64) -> Result<(), String> {
        let user = w.rng.below(self.pool.users);
        let body = setup::password_auth(&self.pool.client_id, user);
        if w.call("InitiateAuth", "InitiateAuth", &body).await? {
            check_tokens(w, "InitiateAuth")?;
        }
        Ok(())
    }
}

/// Counts the last answer as an error when it has no
/// `AuthenticationResult.AccessToken`.
pub fn check_tokens(w: &mut Worker, label: &str) -> Result<(), String> {
    if w.answer::<AuthAnswer>().has_tokens() {
        return Ok(());
    }
    w.unexpected_answer(label, "NoTokens", "answer without tokens")
}
