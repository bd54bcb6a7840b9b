//! `refresh`: every user of a new pool signs in once (unmeasured), then
//! InitiateAuth REFRESH_TOKEN_AUTH with random users' refresh tokens. Each
//! refresh issues a new ID and access token (two RS256 signatures). Each
//! user's request body is written once, beforehand.

use serde::Serialize;
use serde_json::value::RawValue;

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::scenarios::initiate_auth_password::check_tokens;
use crate::scenarios::sign_in_args::SignInArgs;
use crate::setup;

/// InitiateAuth's REFRESH_TOKEN_AUTH request.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RefreshRequest<'a> {
    auth_flow: &'static str,
    client_id: &'a str,
    auth_parameters: RefreshParameters<'a>,
}

/// `AuthParameters` of a refresh.
#[derive(Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct RefreshParameters<'a> {
    refresh_token: &'a str,
}

/// The prepared scenario.
pub struct Refresh {
    /// Each signed-in user's refresh request body.
    bodies: Vec<Box<RawValue>>,
}

impl Refresh {
    /// Creates the pool, its client and the users, and signs each in.
    pub async fn prepare(api: &Api, args: &SignInArgs) -> Result<Self, String> {
        let pool = setup::sign_in_pool(api, "kognit-bench-refresh", args.users).await?;
        let tokens = setup::sign_in_all(api, &pool).await?;
        let bodies = tokens
            .iter()
            .map(|t| {
                serde_json::value::to_raw_value(&RefreshRequest {
                    auth_flow: "REFRESH_TOKEN_AUTH",
                    client_id: &pool.client_id,
                    auth_parameters: RefreshParameters {
                        refresh_token: &t.refresh,
                    },
                })
            })
            .collect::<Result<_, _>>()
            .map_err(|e| format!("refresh request: {e}"))?;
        Ok(Self { bodies })
    }
}

impl Scenario for Refresh {
    fn name(&self) -> &'static str {
        "refresh"
    }

    async fn step(&self, w: &mut Worker, _n: u64) -> Result<(), String> {
        let pick = w.rng.below(self.bodies.len() as u64) as usize;
        let Some(body) = self.bodies.get(pick) else {
            return Ok(());
        };
        if w.call("InitiateAuth", "InitiateAuth", body.as_ref())
            .await?
        {
            check_tokens(w, "InitiateAuth")?;
        }
        Ok(())
    }
}
