//! Test-only code shared by kognit's test suites (the store's tests and the
//! server's integration tests), kept out of the crates that ship: a real SMTP
//! sink, and PostgreSQL databases made for one test and dropped after it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod pg;
pub mod smtp_sink;
