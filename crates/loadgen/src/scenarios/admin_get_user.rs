//! `admin-get-user`: AdminGetUser of random existing users `u0…u<users-1>`
//! (SigV4-signed: a signature check and one user read per call).

use serde_json::json;

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::scenarios::admin_update_attributes::{AdminUpdateArgs, existing_users};
use crate::setup;

/// The prepared scenario.
pub struct AdminGetUser {
    pool_id: String,
    users: u64,
}

impl AdminGetUser {
    /// Finds the pool and how many users it has.
    pub async fn prepare(api: &Api, args: &AdminUpdateArgs) -> Result<Self, String> {
        let (pool_id, users) = existing_users(api, args, "admin-get-user").await?;
        Ok(Self { pool_id, users })
    }
}

impl Scenario for AdminGetUser {
    fn name(&self) -> &'static str {
        "admin-get-user"
    }

    async fn step(&self, w: &mut Worker, _n: u64) -> Result<(), String> {
        let user = w.rng.below(self.users);
        let body = json!({ "UserPoolId": self.pool_id, "Username": setup::username(user) });
        if let Some(out) = w.call("AdminGetUser", "AdminGetUser", &body).await?
            && !out["Username"].is_string()
        {
            w.unexpected(
                "AdminGetUser",
                "NoUsername",
                format!("answer without Username: {out}"),
            )?;
        }
        Ok(())
    }
}
