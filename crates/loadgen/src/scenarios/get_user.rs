//! `get-user`: every user of a new pool signs in once (unmeasured), then
//! GetUser with random users' access tokens: a token check (RS256
//! verification, revocation lookup) and one user read per call. Each
//! user's request body is written once, beforehand (a token is ~1 KB of
//! JSON string to escape).

use serde::Serialize;
use serde_json::value::RawValue;

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::scenarios::sign_in_args::SignInArgs;
use crate::setup;
use crate::wire::UserAnswer;

/// GetUser's request.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetUserRequest<'a> {
    access_token: &'a str,
}

/// The prepared scenario.
pub struct GetUser {
    /// Each signed-in user's GetUser request body.
    bodies: Vec<Box<RawValue>>,
}

impl GetUser {
    /// Creates the pool, its client and the users, and signs each in.
    pub async fn prepare(api: &Api, args: &SignInArgs) -> Result<Self, String> {
        let pool = setup::sign_in_pool(api, "kognit-bench-get-user", args.users).await?;
        let tokens = setup::sign_in_all(api, &pool).await?;
        let bodies = tokens
            .iter()
            .map(|t| {
                serde_json::value::to_raw_value(&GetUserRequest {
                    access_token: &t.access,
                })
            })
            .collect::<Result<_, _>>()
            .map_err(|e| format!("GetUser request: {e}"))?;
        Ok(Self { bodies })
    }
}

impl Scenario for GetUser {
    fn name(&self) -> &'static str {
        "get-user"
    }

    async fn step(&self, w: &mut Worker, _n: u64) -> Result<(), String> {
        let pick = w.rng.below(self.bodies.len() as u64) as usize;
        let Some(body) = self.bodies.get(pick) else {
            return Ok(());
        };
        if w.call("GetUser", "GetUser", body.as_ref()).await?
            && w.answer::<UserAnswer>().username.is_none()
        {
            w.unexpected_answer("GetUser", "NoUsername", "answer without Username")?;
        }
        Ok(())
    }
}
