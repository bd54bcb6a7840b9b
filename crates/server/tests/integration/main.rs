//! kognit's integration tests: the real server over real HTTP, driven by the
//! AWS SDK for Rust and by raw HTTP for bad input, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;
mod multinode;

mod auth;
mod auth_events;
mod auth_tokens;
mod binary;
mod binary_ephemeral;
mod browser;
mod client_sessions;
mod clients;
mod concurrency;
mod console;
mod console_browser;
mod console_clients;
mod console_settings;
mod delivery;
mod delivery_sms;
mod devices;
mod domains;
mod ephemeral;
mod fixed_settings;
mod fuzz;
mod groups;
mod js_amplify;
mod js_clients;
mod js_mfa;
mod keys;
mod lenient;
mod mfa;
mod mfa_codes;
mod mfa_devices;
mod password_policy;
mod pools;
mod protocol;
mod py_clients;
mod resource_servers;
mod rotation;
mod search;
mod seed;
mod serve;
mod sessions;
mod settings_cache;
mod trigger_examples;
mod triggers;
mod triggers_custom_auth;
mod triggers_migration;
mod triggers_targets;
mod triggers_tokens;
mod users;
mod users_admin;
mod users_attributes;
mod users_codes;
mod users_pending;
