//! The scenarios, one file each: a `…Args` (its command-line options), a
//! `prepare` that sets up what it needs (unmeasured), and a
//! [`crate::runner::Scenario`] whose `step` is the measured unit of work.
//! A new scenario is a new file and one arm in [`Command`].

mod admin_get_user;
mod admin_update_attributes;
mod get_user;
mod initiate_auth_password;
mod list_users;
mod refresh;
mod seed;
mod sign_in_args;
mod sign_up;
mod srp;

use std::sync::Arc;
use std::time::Duration;

use clap::Subcommand;

use crate::api::Api;
use crate::runner::{self, Limits, Outcome, Scenario};

/// A scenario and its options.
#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Create users u<first>… quickly (AdminCreateUser, MessageAction SUPPRESS).
    Seed(seed::SeedArgs),
    /// SignUp of new unique users u<n> through a client without secret.
    SignUp(sign_up::SignUpArgs),
    /// AdminUpdateUserAttributes (name, given_name) of random seeded users.
    AdminUpdateAttributes(admin_update_attributes::AdminUpdateArgs),
    /// AdminGetUser of random seeded users.
    AdminGetUser(admin_update_attributes::AdminUpdateArgs),
    /// ListUsers with `username =` and `email ^=` filters, Limit 60.
    ListUsers(list_users::ListUsersArgs),
    /// InitiateAuth USER_PASSWORD_AUTH of random users (own new pool).
    InitiateAuthPassword(sign_in_args::SignInArgs),
    /// InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER
    /// of random users (own new pool), timed as two operations.
    Srp(sign_in_args::SignInArgs),
    /// InitiateAuth REFRESH_TOKEN_AUTH with random users' refresh tokens.
    Refresh(sign_in_args::SignInArgs),
    /// GetUser with random users' access tokens.
    GetUser(sign_in_args::SignInArgs),
}

/// How long a scenario runs unless `--duration` says otherwise.
const DEFAULT_DURATION: Duration = Duration::from_secs(20);
/// The seed's own time limit: long enough for a million users.
const SEED_DURATION: Duration = Duration::from_secs(4 * 3600);

/// How a run is driven, from the global options.
pub struct Drive {
    /// Concurrent clients.
    pub concurrency: usize,
    /// `--duration`, if given.
    pub duration: Option<Duration>,
    /// `--max-requests`: iterations across all clients.
    pub max_iterations: u64,
    /// How often to print progress to stderr.
    pub progress: Duration,
}

impl Command {
    /// The scenario's command-line name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Seed(_) => "seed",
            Self::SignUp(_) => "sign-up",
            Self::AdminUpdateAttributes(_) => "admin-update-attributes",
            Self::AdminGetUser(_) => "admin-get-user",
            Self::ListUsers(_) => "list-users",
            Self::InitiateAuthPassword(_) => "initiate-auth-password",
            Self::Srp(_) => "srp",
            Self::Refresh(_) => "refresh",
            Self::GetUser(_) => "get-user",
        }
    }

    /// Prepares and runs the scenario.
    pub async fn run(&self, api: &Api, drive: &Drive) -> Result<Outcome, String> {
        let limits = |default: Duration, iterations: u64| Limits {
            duration: drive.duration.unwrap_or(default),
            iterations: iterations.min(drive.max_iterations),
        };
        let timed = limits(DEFAULT_DURATION, u64::MAX);
        match self {
            Self::Seed(a) => {
                let s = seed::Seed::prepare(api, a).await?;
                go(api, s, drive, limits(SEED_DURATION, a.users)).await
            }
            Self::SignUp(a) => go(api, sign_up::SignUp::prepare(api, a).await?, drive, timed).await,
            Self::AdminUpdateAttributes(a) => {
                let s = admin_update_attributes::AdminUpdateAttributes::prepare(api, a).await?;
                go(api, s, drive, timed).await
            }
            Self::AdminGetUser(a) => {
                let s = admin_get_user::AdminGetUser::prepare(api, a).await?;
                go(api, s, drive, timed).await
            }
            Self::ListUsers(a) => {
                let s = list_users::ListUsers::prepare(api, a).await?;
                go(api, s, drive, timed).await
            }
            Self::InitiateAuthPassword(a) => {
                let s = initiate_auth_password::InitiateAuthPassword::prepare(api, a).await?;
                go(api, s, drive, timed).await
            }
            Self::Srp(a) => go(api, srp::Srp::prepare(api, a).await?, drive, timed).await,
            Self::Refresh(a) => {
                go(api, refresh::Refresh::prepare(api, a).await?, drive, timed).await
            }
            Self::GetUser(a) => {
                go(api, get_user::GetUser::prepare(api, a).await?, drive, timed).await
            }
        }
    }
}

async fn go<S: Scenario>(
    api: &Api,
    scenario: S,
    drive: &Drive,
    limits: Limits,
) -> Result<Outcome, String> {
    // Marks the end of the unmeasured setup, for whoever samples the
    // server's CPU time around the measured part.
    eprintln!("{}: setup done, measuring", scenario.name());
    runner::run(
        api,
        Arc::new(scenario),
        drive.concurrency,
        limits,
        Some(drive.progress),
    )
    .await
}
