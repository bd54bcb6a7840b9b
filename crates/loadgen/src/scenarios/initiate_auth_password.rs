//! `initiate-auth-password`: InitiateAuth USER_PASSWORD_AUTH of random
//! users of a new pool. Each sign-in verifies an Argon2id hash and signs
//! the ID and access tokens, so this measures the server's password hashing
//! parameters as much as anything else.

use serde_json::Value;

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::scenarios::sign_in_args::SignInArgs;
use crate::setup::{self, SignInPool};

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
        if let Some(out) = w.call("InitiateAuth", "InitiateAuth", &body).await? {
            check_tokens(w, "InitiateAuth", &out)?;
        }
        Ok(())
    }
}

/// Counts an answer without `AuthenticationResult.AccessToken` as an error.
pub fn check_tokens(w: &mut Worker, label: &str, out: &Value) -> Result<(), String> {
    if out["AuthenticationResult"]["AccessToken"].is_string() {
        return Ok(());
    }
    w.unexpected(label, "NoTokens", format!("answer without tokens: {out}"))
}
