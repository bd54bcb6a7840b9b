//! `refresh`: every user of a new pool signs in once (unmeasured), then
//! InitiateAuth REFRESH_TOKEN_AUTH with random users' refresh tokens. Each
//! refresh issues a new ID and access token (two RS256 signatures).

use serde_json::json;

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::scenarios::initiate_auth_password::check_tokens;
use crate::scenarios::sign_in_args::SignInArgs;
use crate::setup::{self, SignInPool, Tokens};

/// The prepared scenario.
pub struct Refresh {
    pool: SignInPool,
    tokens: Vec<Tokens>,
}

impl Refresh {
    /// Creates the pool, its client and the users, and signs each in.
    pub async fn prepare(api: &Api, args: &SignInArgs) -> Result<Self, String> {
        let pool = setup::sign_in_pool(api, "kognit-bench-refresh", args.users).await?;
        let tokens = setup::sign_in_all(api, &pool).await?;
        Ok(Self { pool, tokens })
    }
}

impl Scenario for Refresh {
    fn name(&self) -> &'static str {
        "refresh"
    }

    async fn step(&self, w: &mut Worker, _n: u64) -> Result<(), String> {
        let pick = w.rng.below(self.tokens.len() as u64) as usize;
        let Some(t) = self.tokens.get(pick) else {
            return Ok(());
        };
        let body = json!({
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "ClientId": self.pool.client_id,
            "AuthParameters": { "REFRESH_TOKEN": t.refresh },
        });
        if let Some(out) = w.call("InitiateAuth", "InitiateAuth", &body).await? {
            check_tokens(w, "InitiateAuth", &out)?;
        }
        Ok(())
    }
}
