//! kognit's user-pool service: the Cognito logic, the storage interface it needs,
//! and the small pure parts beside it (crypto facade, SigV4, identifiers).
//!
//! Data flows one way: the protocol layer (in the `kognit` crate) decodes a request
//! and calls one function of `Service`; the service applies Cognito's rules and
//! talks to a [`store::Store`]. Nothing here knows HTTP or SQL.

pub mod admins;
pub mod app_client;
pub mod auth;
mod auth_events;
pub mod client_rules;
pub mod clients;
pub mod clock;
pub mod console;
pub mod crypto;
pub mod delivery;
pub mod devices;
pub mod domains;
pub mod error;
pub mod filter;
pub mod fixed_settings;
pub mod groups;
pub mod ids;
pub mod managed_login;
mod mfa;
mod mfa_config;
mod node_cache;
pub mod oauth;
mod page_token;
pub mod passwords;
mod pool_defaults;
pub mod pools;
pub mod records;
pub mod request;
pub mod resource_servers;
pub mod schema;
pub mod scopes;
pub mod seed;
pub mod service;
pub mod sessions;
mod sign_in_session;
pub mod signing;
pub mod sigv4;
pub mod srp;
pub mod store;
mod tags;
pub mod templates;
pub mod tokens;
pub mod totp;
pub mod trigger_port;
pub mod triggers;
pub mod ui_customization;
pub mod users;

pub use admins::{AccessKey, AdminCheck};
pub use error::{Error, Result};
pub use service::{Admin, Millis, Service, Settings};
pub use users::SignedInUser;
