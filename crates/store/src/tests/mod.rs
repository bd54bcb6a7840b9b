//! The store's tests. Each `store_test!` runs its body twice: on a fresh
//! SQLite file, and on a fresh PostgreSQL database when
//! `KOGNIT_TEST_DATABASE_URL` is set (see [`harness`]).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Defines a module `$name` holding two tests, `sqlite` and `postgres`, that
/// run the body `|ctx: Ctx| async move { … }` against each engine.
macro_rules! store_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::tests::harness::run_sqlite($body).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::tests::harness::run_postgres($body).await;
            }
        }
    };
}

mod admin;
mod clients;
mod harness;
mod pools;

use kognit_core::store::{AccessKeyRecord, ClientRecord, ClientSecretRecord, PoolRecord};

/// A pool record with recognizable contents.
fn pool(id: &str) -> PoolRecord {
    PoolRecord {
        id: id.to_owned(),
        name: format!("name of {id}"),
        config: format!(r#"{{"Id":"{id}","Name":"ünïcødé ✓"}}"#),
        created_ms: 1_700_000_000_000,
        version: 1,
    }
}

/// A client record with recognizable contents.
fn client(pool_id: &str, client_id: &str) -> ClientRecord {
    ClientRecord {
        pool_id: pool_id.to_owned(),
        client_id: client_id.to_owned(),
        name: format!("client {client_id}"),
        config: format!(r#"{{"ClientId":"{client_id}"}}"#),
        created_ms: 1_700_000_000_001,
        version: 1,
    }
}

/// A secret whose sealed bytes include NUL and 0xFF, to check binary fidelity.
fn secret(pool_id: &str, client_id: &str, secret_id: &str, created_ms: i64) -> ClientSecretRecord {
    ClientSecretRecord {
        pool_id: pool_id.to_owned(),
        client_id: client_id.to_owned(),
        secret_id: secret_id.to_owned(),
        sealed: [&[0u8, 0xff, 0x00, 0x7f][..], secret_id.as_bytes()].concat(),
        created_ms,
    }
}

/// An access key whose sealed secret holds every byte value.
fn key(id: &str) -> AccessKeyRecord {
    AccessKeyRecord {
        id: id.to_owned(),
        sealed_secret: (0..=255u8).collect(),
        created_ms: 1_700_000_000_002,
    }
}
