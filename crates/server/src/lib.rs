//! kognit's server: configuration, start-up, the HTTP router and the Cognito
//! JSON 1.1 protocol layer in front of `kognit_core::Service`.

mod client_ip;
pub mod config;
pub mod delivery;
mod keys;
mod limits;
mod metrics;
mod ops;
mod protocol;
mod purge;
mod seed;
mod startup;
mod state;
pub mod triggers;
mod web;

pub use startup::{Running, StartError, dump_seed, start, start_with_clock};
