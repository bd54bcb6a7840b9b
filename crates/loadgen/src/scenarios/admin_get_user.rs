//! `admin-get-user`: AdminGetUser of random existing users `u0…u<users-1>`
//! (SigV4-signed: a signature check and one user read per call).

use serde::Serialize;

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::scenarios::admin_update_attributes::{AdminUpdateArgs, existing_users};
use crate::wire::{UserAnswer, UserName};

/// AdminGetUser's request.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AdminGetUserRequest<'a> {
    user_pool_id: &'a str,
    username: UserName,
}

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
        let body = AdminGetUserRequest {
            user_pool_id: &self.pool_id,
            username: UserName(user),
        };
        if w.call("AdminGetUser", "AdminGetUser", &body).await?
            && w.answer::<UserAnswer>().username.is_none()
        {
            w.unexpected_answer("AdminGetUser", "NoUsername", "answer without Username")?;
        }
        Ok(())
    }
}
