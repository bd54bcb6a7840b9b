//! `get-user`: every user of a new pool signs in once (unmeasured), then
//! GetUser with random users' access tokens: a token check (RS256
//! verification, revocation lookup) and one user read per call.

use serde_json::json;

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::scenarios::sign_in_args::SignInArgs;
use crate::setup::{self, Tokens};

/// The prepared scenario.
pub struct GetUser {
    tokens: Vec<Tokens>,
}

impl GetUser {
    /// Creates the pool, its client and the users, and signs each in.
    pub async fn prepare(api: &Api, args: &SignInArgs) -> Result<Self, String> {
        let pool = setup::sign_in_pool(api, "kognit-bench-get-user", args.users).await?;
        let tokens = setup::sign_in_all(api, &pool).await?;
        Ok(Self { tokens })
    }
}

impl Scenario for GetUser {
    fn name(&self) -> &'static str {
        "get-user"
    }

    async fn step(&self, w: &mut Worker, _n: u64) -> Result<(), String> {
        let pick = w.rng.below(self.tokens.len() as u64) as usize;
        let Some(t) = self.tokens.get(pick) else {
            return Ok(());
        };
        let body = json!({ "AccessToken": t.access });
        if let Some(out) = w.call("GetUser", "GetUser", &body).await?
            && !out["Username"].is_string()
        {
            w.unexpected(
                "GetUser",
                "NoUsername",
                format!("answer without Username: {out}"),
            )?;
        }
        Ok(())
    }
}
