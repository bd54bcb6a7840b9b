//! `admin-update-attributes`: AdminUpdateUserAttributes of random existing
//! users `u0…u<users-1>`, changing `name` and `given_name` (attributes that
//! are neither aliases nor verified, so each call is one row update).

use clap::Args;
use serde::Serialize;

use crate::api::Api;
use crate::runner::{Scenario, Worker};
use crate::setup::{self, PoolArgs};
use crate::wire::{Text, UserName};

/// `admin-update-attributes` options.
#[derive(Args, Debug, Clone)]
pub struct AdminUpdateArgs {
    /// The pool (must exist).
    #[command(flatten)]
    pub pool: PoolArgs,
    /// Users `u0…u<users-1>` are picked from; default: the pool's user count.
    #[arg(long)]
    pub users: Option<u64>,
}

/// AdminUpdateUserAttributes' request, with two attributes of any value
/// type.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AdminUpdateUserAttributesRequest<'a, A, B> {
    user_pool_id: &'a str,
    username: UserName,
    user_attributes: (AttributeType<A>, AttributeType<B>),
}

/// A `{Name, Value}` attribute.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AttributeType<V> {
    name: &'static str,
    value: V,
}

/// The prepared update scenario.
pub struct AdminUpdateAttributes {
    pool_id: String,
    users: u64,
}

impl AdminUpdateAttributes {
    /// Finds the pool and how many users it has.
    pub async fn prepare(api: &Api, args: &AdminUpdateArgs) -> Result<Self, String> {
        let (pool_id, users) = existing_users(api, args, "admin-update-attributes").await?;
        Ok(Self { pool_id, users })
    }
}

/// The pool the options name and how many of its users `u0…` to pick from.
pub async fn existing_users(
    api: &Api,
    args: &AdminUpdateArgs,
    scenario: &str,
) -> Result<(String, u64), String> {
    let pool_id = setup::existing_pool(api, &args.pool).await?;
    let users = match args.users {
        Some(u) => u,
        None => setup::user_count(api, &pool_id).await?,
    };
    if users == 0 {
        return Err(format!("pool {pool_id} has no users: seed it first"));
    }
    eprintln!(
        "{scenario}: random users of u0..u{} in {pool_id}",
        users - 1
    );
    Ok((pool_id, users))
}

impl Scenario for AdminUpdateAttributes {
    fn name(&self) -> &'static str {
        "admin-update-attributes"
    }

    async fn step(&self, w: &mut Worker, _n: u64) -> Result<(), String> {
        let user = w.rng.below(self.users);
        let tag = w.rng.below(1_000_000);
        let body = AdminUpdateUserAttributesRequest {
            user_pool_id: &self.pool_id,
            username: UserName(user),
            user_attributes: (
                AttributeType {
                    name: "name",
                    value: Text::new(move |f| write!(f, "Updated {user} {tag}")),
                },
                AttributeType {
                    name: "given_name",
                    value: Text::new(move |f| write!(f, "Given{tag}")),
                },
            ),
        };
        w.call(
            "AdminUpdateUserAttributes",
            "AdminUpdateUserAttributes",
            &body,
        )
        .await?;
        Ok(())
    }
}
