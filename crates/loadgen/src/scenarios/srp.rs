//! `srp`: InitiateAuth USER_SRP_AUTH, then RespondToAuthChallenge
//! PASSWORD_VERIFIER, for random users of a new pool, timed as two
//! operations. The client side is `aws-cognito-srp`; its arithmetic (SRP_A,
//! and the password key for the verifier: 3072-bit modular
//! exponentiations) runs outside the timed calls, on a blocking thread, but
//! on the same cores as the server, so it lowers what the server gets.

use std::sync::Arc;

use aws_cognito_srp::{SrpClient, User, UserAuthenticationParameters, VerificationParameters};
use serde_json::{Value, json};

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::scenarios::initiate_auth_password::check_tokens;
use crate::scenarios::sign_in_args::SignInArgs;
use crate::setup::{self, PASSWORD, SignInPool};

/// The prepared scenario.
pub struct Srp {
    pool: Arc<SignInPool>,
}

impl Srp {
    /// Creates the pool, its client and the users.
    pub async fn prepare(api: &Api, args: &SignInArgs) -> Result<Self, String> {
        let pool = setup::sign_in_pool(api, "kognit-bench-srp", args.users).await?;
        Ok(Self {
            pool: Arc::new(pool),
        })
    }
}

/// Runs client-side SRP arithmetic off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("SRP task failed: {e}"))
}

/// A string challenge parameter, or "".
fn param(out: &Value, name: &str) -> String {
    out["ChallengeParameters"][name]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

impl Scenario for Srp {
    fn name(&self) -> &'static str {
        "srp"
    }

    async fn step(&self, w: &mut Worker, _n: u64) -> Result<(), String> {
        let user = setup::username(w.rng.below(self.pool.users));
        let pool = self.pool.clone();
        let (client, start) = blocking(move || {
            let client = SrpClient::new(
                User::new(&pool.pool_id, &user, PASSWORD),
                &pool.client_id,
                None,
            );
            let UserAuthenticationParameters { a, username } = client.get_auth_parameters();
            (
                client,
                json!({
                    "AuthFlow": "USER_SRP_AUTH",
                    "ClientId": pool.client_id,
                    "AuthParameters": { "USERNAME": username, "SRP_A": a },
                }),
            )
        })
        .await?;
        if !w.call("InitiateAuth SRP", "InitiateAuth", &start).await? {
            return Ok(());
        }
        let out: Value = w.answer();
        if out["ChallengeName"] != "PASSWORD_VERIFIER" {
            return w.unexpected(
                "InitiateAuth SRP",
                "NoChallenge",
                format!("no PASSWORD_VERIFIER challenge: {out}"),
            );
        }
        let (secret, user_id, salt, b) = (
            param(&out, "SECRET_BLOCK"),
            param(&out, "USER_ID_FOR_SRP"),
            param(&out, "SALT"),
            param(&out, "SRP_B"),
        );
        let client_id = self.pool.client_id.clone();
        let body = blocking(move || {
            client
                .verify(&secret, &user_id, &salt, &b)
                .map(|v| {
                    let VerificationParameters {
                        password_claim_secret_block,
                        password_claim_signature,
                        timestamp,
                    } = v;
                    json!({
                        "ChallengeName": "PASSWORD_VERIFIER",
                        "ClientId": client_id,
                        "ChallengeResponses": {
                            "USERNAME": user_id,
                            "PASSWORD_CLAIM_SECRET_BLOCK": password_claim_secret_block,
                            "PASSWORD_CLAIM_SIGNATURE": password_claim_signature,
                            "TIMESTAMP": timestamp,
                        },
                    })
                })
                .map_err(|e| e.to_string())
        })
        .await?;
        let body = match body {
            Ok(b) => b,
            Err(e) => return w.unexpected("InitiateAuth SRP", "BadChallenge", e),
        };
        if w.call("RespondToAuthChallenge", "RespondToAuthChallenge", &body)
            .await?
        {
            check_tokens(w, "RespondToAuthChallenge")?;
        }
        Ok(())
    }
}
