//! `seed`: creates users `u<first>…` fast through AdminCreateUser with
//! MessageAction SUPPRESS (no invitation is sent), each with an email, a
//! name and a given name. kognit has no bulk import path (no
//! CreateUserImportJob), so the API is the way in; at 16–32 clients this is
//! thousands of users a second on a release build.

use clap::Args;
use serde_json::{Value, json};

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::setup::{self, PASSWORD, PoolArgs};

/// `seed` options.
#[derive(Args, Debug, Clone)]
pub struct SeedArgs {
    /// The pool; created when it is named and missing.
    #[command(flatten)]
    pub pool: PoolArgs,
    /// How many users to create.
    #[arg(long, default_value_t = 10_000)]
    pub users: u64,
    /// The number of the first user (to resume a seed that stopped).
    #[arg(long, default_value_t = 0)]
    pub first: u64,
    /// Also make each password permanent (AdminSetUserPassword, a second
    /// request and hash per user), so users are CONFIRMED and can sign in.
    #[arg(long)]
    pub permanent_password: bool,
}

/// The prepared seed.
pub struct Seed {
    pool_id: String,
    first: u64,
    permanent: bool,
}

impl Seed {
    /// Finds or creates the pool.
    pub async fn prepare(api: &Api, args: &SeedArgs) -> Result<Self, String> {
        let pool_id = setup::pool_or_create(api, &args.pool).await?;
        eprintln!(
            "seed: users u{}..u{} into {pool_id}",
            args.first,
            args.first + args.users.saturating_sub(1)
        );
        Ok(Self {
            pool_id,
            first: args.first,
            permanent: args.permanent_password,
        })
    }

    fn create_body(&self, n: u64) -> Value {
        json!({
            "UserPoolId": self.pool_id,
            "Username": setup::username(n),
            "TemporaryPassword": PASSWORD,
            "MessageAction": "SUPPRESS",
            "UserAttributes": [
                { "Name": "email", "Value": setup::email(n) },
                { "Name": "email_verified", "Value": "true" },
                { "Name": "name", "Value": format!("User {n}") },
                { "Name": "given_name", "Value": format!("Given{n}") },
            ],
        })
    }
}

impl Scenario for Seed {
    fn name(&self) -> &'static str {
        "seed"
    }

    async fn step(&self, w: &mut Worker, n: u64) -> Result<(), String> {
        let n = self.first + n;
        let created = w
            .call("AdminCreateUser", "AdminCreateUser", &self.create_body(n))
            .await?;
        if created && self.permanent {
            let body = json!({
                "UserPoolId": self.pool_id,
                "Username": setup::username(n),
                "Password": PASSWORD,
                "Permanent": true,
            });
            w.call("AdminSetUserPassword", "AdminSetUserPassword", &body)
                .await?;
        }
        Ok(())
    }
}
