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
mod client_tokens;
mod clients;
mod codes;
mod console;
mod devices;
mod domains;
mod groups;
mod groups_concurrent;
mod harness;
mod in_memory;
mod managed_login;
mod oauth_codes;
mod options;
mod pools;
mod private_file;
mod purge;
mod resource_servers;
mod schema_image;
mod session_plans;
mod sessions;
mod signing_keys;
mod token_plans;
mod tokens;
mod tokens_concurrent;
mod ui_customizations;
mod user_list;
mod user_plans;
mod users;
mod users_concurrent;

use kognit_core::store::{
    AccessKeyRecord, AliasRecord, ClientRecord, ClientSecretRecord, CodeRecord, Conflict,
    OutboxRecord, PoolRecord, RefreshTokenRecord, SigningKeyRecord, StoreError, UserRecord,
};

/// What the constraint named as in the PostgreSQL schema guards: the tests
/// say which constraint they expect to fire by its name.
fn named(constraint: &str) -> Conflict {
    crate::errors::conflict_of(constraint)
}

/// The Conflict, or a panic.
fn conflict<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Conflict {
    match r {
        Err(StoreError::Conflict(name)) => name,
        other => panic!("expected Conflict, got {other:?}"),
    }
}

/// A user whose every column holds something recognizable: `key` is the
/// username key, the username is its upper-case form, the sub derives from
/// it, and the SRP blob holds NUL and 0xFF.
fn user(pool_id: &str, key: &str) -> UserRecord {
    UserRecord {
        pool_id: pool_id.to_owned(),
        username: key.to_uppercase(),
        username_key: key.to_owned(),
        sub: format!("sub-{key}"),
        status: "CONFIRMED".into(),
        enabled: true,
        attributes: format!(r#"{{"email":"{key}@example.com","name":"ünïcødé ✓"}}"#),
        email: Some(format!("{key}@example.com")),
        phone_number: None,
        name: Some("ünïcødé ✓".into()),
        given_name: None,
        family_name: None,
        preferred_username: None,
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        srp_sealed: Some([&[0u8, 0xff, 0x00][..], key.as_bytes()].concat()),
        temp_password_expires_ms: None,
        extra: "{}".into(),
        created_ms: 1_700_000_000_000,
        updated_ms: 1_700_000_000_000,
        version: 1,
    }
}

/// An alias.
fn alias(kind: &str, value_key: &str) -> AliasRecord {
    AliasRecord {
        kind: kind.to_owned(),
        value_key: value_key.to_owned(),
    }
}

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

/// A code of `key` for `purpose`.
fn code(pool_id: &str, key: &str, purpose: &str) -> CodeRecord {
    CodeRecord {
        pool_id: pool_id.to_owned(),
        username_key: key.to_owned(),
        purpose: purpose.to_owned(),
        code_hash: vec![1, 2, 3],
        expires_ms: 1,
        attempts: 0,
        sends: 1,
        window_start_ms: 0,
    }
}

/// A message to `username`.
fn message(pool_id: &str, username: &str) -> OutboxRecord {
    OutboxRecord {
        id: 0,
        pool_id: pool_id.to_owned(),
        username: username.to_owned(),
        channel: "EMAIL".into(),
        destination: "a@b.c".into(),
        subject: None,
        body: "hi".into(),
        code: None,
        created_ms: 1,
    }
}

/// A signing key whose sealed bytes include NUL and 0xFF.
fn signing_key(pool_id: &str, kid: &str, token_use: &str, created_ms: i64) -> SigningKeyRecord {
    SigningKeyRecord {
        pool_id: pool_id.to_owned(),
        kid: kid.to_owned(),
        token_use: token_use.to_owned(),
        sealed_private: [&[0u8, 0xff, 0x00][..], kid.as_bytes()].concat(),
        public_jwk: format!(r#"{{"kty":"RSA","kid":"{kid}","n":"AQAB","e":"AQAB"}}"#),
        created_ms,
        retired_ms: None,
    }
}

/// A live refresh token of `key` in session `origin`; its 32-byte hash
/// derives from `n` and holds NUL and 0xFF.
fn refresh(pool_id: &str, key: &str, origin: &str, n: u8) -> RefreshTokenRecord {
    let mut token_hash = vec![0xff; 32];
    token_hash[0] = 0;
    token_hash[31] = n;
    RefreshTokenRecord {
        token_hash,
        pool_id: pool_id.to_owned(),
        username_key: key.to_owned(),
        client_id: "client0000000000000000000a".into(),
        origin_jti: origin.to_owned(),
        device_key: None,
        auth_time: 1_700_000_000,
        created_ms: 1_700_000_000_000,
        expires_ms: 1_702_592_000_000,
        revoked_ms: None,
        scope: None,
    }
}
