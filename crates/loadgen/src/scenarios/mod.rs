//! The scenarios, one file each: a `…Args` (its command-line options), a
//! `prepare` that sets up what it needs (unmeasured), and a
//! [`crate::runner::Scenario`] whose `step` is the measured unit of work.
//! A new scenario (sign-in: InitiateAuth USER_PASSWORD_AUTH, the SRP steps,
//! REFRESH_TOKEN_AUTH, GetUser) is a new file and one arm in [`Command`].

mod admin_update_attributes;
mod list_users;
mod seed;
mod sign_up;

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
    /// ListUsers with `username =` and `email ^=` filters, Limit 60.
    ListUsers(list_users::ListUsersArgs),
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
            Self::ListUsers(_) => "list-users",
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
            Self::ListUsers(a) => {
                let s = list_users::ListUsers::prepare(api, a).await?;
                go(api, s, drive, timed).await
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
    runner::run(
        api,
        Arc::new(scenario),
        drive.concurrency,
        limits,
        Some(drive.progress),
    )
    .await
}
