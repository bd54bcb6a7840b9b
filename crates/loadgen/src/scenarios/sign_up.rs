//! `sign-up`: SignUp of unique users `u<n>` with an email attribute and a
//! valid password, through a new app client without secret. Whether a
//! verification code is sent depends on the pool: none when it auto-verifies
//! nothing (the default here), one per sign-up with `--verify-email`.

use clap::Args;
use serde_json::json;

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::setup::{self, PASSWORD, PoolArgs};

/// `sign-up` options.
#[derive(Args, Debug, Clone)]
pub struct SignUpArgs {
    /// The pool; created when it is named and missing.
    #[command(flatten)]
    pub pool: PoolArgs,
    /// The number of the first new user; default: the pool's user count,
    /// so that sign-ups continue after seeded users `u0…u<count-1>`.
    #[arg(long)]
    pub first: Option<u64>,
}

/// The prepared sign-up scenario.
pub struct SignUp {
    client_id: String,
    first: u64,
}

impl SignUp {
    /// Finds or creates the pool and creates a client without secret.
    pub async fn prepare(api: &Api, args: &SignUpArgs) -> Result<Self, String> {
        let pool_id = setup::pool_or_create(api, &args.pool).await?;
        let first = match args.first {
            Some(f) => f,
            None => setup::user_count(api, &pool_id).await?,
        };
        let client_id = setup::create_client(api, &pool_id).await?;
        eprintln!("sign-up: users from u{first} into {pool_id} via client {client_id}");
        Ok(Self { client_id, first })
    }
}

impl Scenario for SignUp {
    fn name(&self) -> &'static str {
        "sign-up"
    }

    async fn step(&self, w: &mut Worker, n: u64) -> Result<(), String> {
        let n = self.first + n;
        let body = json!({
            "ClientId": self.client_id,
            "Username": setup::username(n),
            "Password": PASSWORD,
            "UserAttributes": [{ "Name": "email", "Value": setup::email(n) }],
        });
        w.call("SignUp", "SignUp", &body).await?;
        Ok(())
    }
}
