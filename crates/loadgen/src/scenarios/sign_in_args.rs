//! The options the sign-in scenarios share.

use clap::Args;

/// Sign-in scenario options: each run creates its own pool and client.
#[derive(Args, Debug, Clone)]
pub struct SignInArgs {
    /// Users created (unmeasured) in the new pool before the run.
    #[arg(long, default_value_t = 200)]
    pub users: u64,
}
