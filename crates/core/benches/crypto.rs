//! CPU cost of kognit's cryptographic primitives, one operation at a time, to
//! bound what one core can serve: Argon2id, SRP, RS256, token issue/check,
//! sealing at rest and SigV4.
//!
//! Run with `cargo bench -p kognit-core --bench crypto`; pass a filter to run
//! part of it (`cargo bench -p kognit-core --bench crypto -- srp`).
//!
//! `Hasher::hash`/`verify` are async and their synchronous Argon2 work is
//! private, so they are measured through a current-thread tokio runtime: each
//! iteration includes the semaphore permit and the `spawn_blocking` hop, as on
//! the server. `argon2id/hash_dev_direct` calls the argon2 crate directly with
//! the same parameters to show what that hop costs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use kognit_core::crypto::{MasterKey, SecretBox};
use kognit_core::passwords::{HashParams, Hasher};
use kognit_core::sigv4::{self, DEFAULT_MAX_SKEW, Expectation, SignedRequest};
use kognit_core::srp::{self, ServerChallenge};
use kognit_core::store::UserRecord;
use kognit_core::tokens::rsa::PrivateKey;
use kognit_core::tokens::{
    ADMIN_SCOPE, GroupClaims, PoolKeys, SignIn, TokenUse, check_access_token, issue_with_keys, jwt,
    new_key_record,
};
use kognit_wire::types::UserPoolClientType;
use serde_json::json;
use time::OffsetDateTime;
use time::macros::datetime;

const POOL: &str = "us-east-1_AbC123xYz";
const ISS: &str = "http://127.0.0.1:9229/us-east-1_AbC123xYz";
const NOW_MS: i64 = 1_700_000_000_500;
const PASSWORD: &str = "Correct-Horse-Battery-9";
const USER_ID_FOR_SRP: &str = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

/// Argon2id through the service's `Hasher` (SERVE and DEV parameters).
fn argon2id(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let serve = Hasher::new(HashParams::SERVE);
    let dev = Hasher::new(HashParams::DEV);
    let serve_phc = rt.block_on(serve.hash(PASSWORD)).unwrap();
    assert!(rt.block_on(serve.verify(PASSWORD, &serve_phc)).unwrap());

    let mut g = c.benchmark_group("argon2id");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    g.bench_function("hash_serve", |b| {
        b.iter(|| rt.block_on(serve.hash(black_box(PASSWORD))).unwrap());
    });
    g.bench_function("verify_serve", |b| {
        b.iter(|| {
            rt.block_on(serve.verify(black_box(PASSWORD), black_box(&serve_phc)))
                .unwrap()
        });
    });
    // Two verifications at once on two workers, as a 2-core server runs them:
    // they share the caches and memory bandwidth, so this, not twice the
    // one-at-a-time rate, is what the cores allow. One iteration is two hashes.
    let two = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    g.bench_function("verify_serve_two_at_once", |b| {
        b.iter(|| {
            two.block_on(async {
                let (x, y) = tokio::join!(
                    serve.verify(black_box(PASSWORD), black_box(&serve_phc)),
                    serve.verify(black_box(PASSWORD), black_box(&serve_phc)),
                );
                x.unwrap() && y.unwrap()
            })
        });
    });
    g.finish();

    let mut g = c.benchmark_group("argon2id");
    g.bench_function("hash_dev", |b| {
        b.iter(|| rt.block_on(dev.hash(black_box(PASSWORD))).unwrap());
    });
    let p = HashParams::DEV;
    let argon = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(p.m_cost_kib, p.t_cost, p.p_cost, None).unwrap(),
    );
    let salt = kognit_core::crypto::random_bytes(16);
    g.bench_function("hash_dev_direct", |b| {
        b.iter(|| {
            argon
                .hash_password_with_salt(black_box(PASSWORD.as_bytes()), &salt)
                .unwrap()
                .to_string()
        });
    });
    g.finish();
}

/// SRP: verifier derivation (sign-up, password change), and the server's two
/// steps of a USER_SRP_AUTH sign-in.
fn srp(c: &mut Criterion) {
    let pool_name = srp::pool_name(POOL);
    let salt = srp::new_salt();
    let verifier = srp::verifier(pool_name, USER_ID_FOR_SRP, PASSWORD, &salt);
    // A client's public value A = g^a mod N: a verifier is g^x, the same shape.
    let big_a = srp::verifier("client", "a", "random exponent", &srp::new_salt());
    let secret_block = kognit_core::crypto::random_bytes(1024);
    let timestamp = "Tue Nov 14 22:13:20 UTC 2023";

    let mut g = c.benchmark_group("srp");
    g.sample_size(50);
    g.bench_function("verifier", |b| {
        b.iter(|| srp::verifier(pool_name, USER_ID_FOR_SRP, black_box(PASSWORD), &salt));
    });
    g.bench_function("step1_start", |b| {
        b.iter(|| ServerChallenge::start(black_box(&verifier)).unwrap());
    });
    let challenge = ServerChallenge::start(&verifier).unwrap();
    g.bench_function("step2_session_key_and_claim", |b| {
        b.iter(|| {
            let key = challenge
                .session_key(black_box(&big_a), black_box(&verifier))
                .unwrap();
            srp::claim_signature(&key, pool_name, USER_ID_FOR_SRP, &secret_block, timestamp)
        });
    });
    g.finish();
}

fn client() -> UserPoolClientType {
    UserPoolClientType {
        client_id: Some("abcdefghijklmnopqrstuvwxyz".into()),
        ..Default::default()
    }
}

/// A user with the attributes of a typical sign-up.
fn user() -> UserRecord {
    UserRecord {
        pool_id: POOL.into(),
        username: "jane".into(),
        username_key: "jane".into(),
        sub: USER_ID_FOR_SRP.into(),
        attributes: json!({
            "email": "jane@example.com", "email_verified": "true",
            "phone_number": "+15555550100", "phone_number_verified": "false",
            "name": "Jane Doe", "custom:team": "7", "updated_at": "1700000000",
        })
        .to_string(),
        extra: "{}".into(),
        ..Default::default()
    }
}

fn sign_in() -> SignIn {
    SignIn {
        auth_time: NOW_MS / 1000 - 5,
        origin_jti: "9f3a2b1c-0d4e-4f5a-8b6c-7d8e9f0a1b2c".into(),
        event_id: "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d".into(),
        device_key: None,
        scope: ADMIN_SCOPE.into(),
        ..Default::default()
    }
}

/// RS256 on its own, then whole token pairs as the sign-in and refresh flows
/// issue them, and the access-token check of GetUser and friends.
fn tokens(c: &mut Criterion) {
    let secrets = SecretBox::new(&MasterKey::generate());
    let id_key = PrivateKey::generate().unwrap();
    let access_key = PrivateKey::generate().unwrap();
    let records = vec![
        new_key_record(&secrets, POOL, TokenUse::Id, &id_key, NOW_MS - 1000).unwrap(),
        new_key_record(&secrets, POOL, TokenUse::Access, &access_key, NOW_MS - 1000).unwrap(),
    ];
    let keys: PoolKeys = PoolKeys::from_records(POOL, &records, &secrets)
        .unwrap()
        .unwrap();
    let (client, user, sign_in) = (client(), user(), sign_in());
    // A user in no group, the common case (the claims are then absent).
    let groups = GroupClaims::default();
    let issued = issue_with_keys(&keys, ISS, &client, &user, &groups, &sign_in, NOW_MS).unwrap();
    // The signing input of a real access token, to sign and verify.
    let (msg, sig_b64) = issued.access_token.rsplit_once('.').unwrap();
    let public = access_key.public_key().unwrap();
    let sig = access_key.sign(msg.as_bytes()).unwrap();
    assert!(public.verify(msg.as_bytes(), &sig));
    assert!(!sig_b64.is_empty());

    let mut g = c.benchmark_group("rs256");
    g.bench_function("sign_2048", |b| {
        b.iter(|| access_key.sign(black_box(msg.as_bytes())).unwrap());
    });
    g.bench_function("verify_2048", |b| {
        b.iter(|| public.verify(black_box(msg.as_bytes()), black_box(&sig)));
    });
    g.finish();

    let mut g = c.benchmark_group("tokens");
    g.bench_function("issue_pair", |b| {
        b.iter(|| {
            issue_with_keys(
                &keys,
                ISS,
                &client,
                &user,
                &groups,
                black_box(&sign_in),
                NOW_MS,
            )
            .unwrap()
        });
    });
    // A whole SRP sign-in's arithmetic (both server steps and the token
    // pair), two at once on two threads: the ceiling of SRP sign-ins on
    // these two cores, which share caches (and may be one core's two
    // hyperthreads), so one at a time overstates it. Per iteration, two
    // sign-ins are done.
    let pool_name = srp::pool_name(POOL);
    let salt = srp::new_salt();
    let verifier = srp::verifier(pool_name, USER_ID_FOR_SRP, PASSWORD, &salt);
    let big_a = srp::verifier("client", "a", "random exponent", &srp::new_salt());
    let secret_block = kognit_core::crypto::random_bytes(1024);
    let srp_sign_in = || {
        let challenge = ServerChallenge::start(black_box(&verifier)).unwrap();
        let key = challenge.session_key(black_box(&big_a), &verifier).unwrap();
        let claim = srp::claim_signature(
            &key,
            pool_name,
            USER_ID_FOR_SRP,
            &secret_block,
            "Tue Nov 14 22:13:20 UTC 2023",
        );
        let pair = issue_with_keys(&keys, ISS, &client, &user, &groups, &sign_in, NOW_MS);
        (claim, pair.unwrap())
    };
    g.sample_size(30);
    g.bench_function("srp_sign_in_two_at_once", |b| {
        b.iter(|| {
            std::thread::scope(|s| {
                let other = s.spawn(srp_sign_in);
                let mine = srp_sign_in();
                (mine, other.join().unwrap())
            })
        });
    });
    let token = issued.access_token.as_str();
    check_access_token(&keys, &jwt::parse(token).unwrap(), NOW_MS).unwrap();
    g.bench_function("check_access_token", |b| {
        b.iter(|| {
            let t = jwt::parse(black_box(token)).unwrap();
            check_access_token(&keys, &t, NOW_MS).unwrap()
        });
    });
    g.finish();
}

/// AES-256-GCM sealing of a small secret (an SRP record, a session's state).
fn secret_box(c: &mut Criterion) {
    let secrets = SecretBox::new(&MasterKey::generate());
    let plain = kognit_core::crypto::random_bytes(420);
    let aad = b"kognit srp v1\0us-east-1_AbC123xYz\0jane";
    let mut g = c.benchmark_group("secretbox");
    g.bench_function("seal_open_420b", |b| {
        b.iter(|| {
            let sealed = secrets.seal(black_box(&plain), aad);
            secrets.open(&sealed, aad).unwrap()
        });
    });
    g.finish();
}

const SIGV4_KEY: &str = "AKIDKOGNITBENCH00001";
const SIGV4_SECRET: &str = "kognit/bench/secret+key/0000000000000000";
const SIGV4_AT: OffsetDateTime = datetime!(2026-11-26 12:00:00 UTC);
const HOST: &str = "cognito-idp.us-east-1.amazonaws.com";

/// An AdminGetUser call signed as the AWS SDK for Rust signs it.
fn sdk_signed_request() -> (Vec<(String, String)>, Vec<u8>) {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let body = br#"{"UserPoolId":"us-east-1_AbC123xYz","Username":"jane"}"#.to_vec();
    let content_length = body.len().to_string();
    let headers: Vec<(&str, &str)> = vec![
        ("content-type", "application/x-amz-json-1.1"),
        ("content-length", &content_length),
        (
            "x-amz-target",
            "AWSCognitoIdentityProviderService.AdminGetUser",
        ),
        ("host", HOST),
        ("user-agent", "aws-sdk-rust/1.3.0 os/linux lang/rust/1.90.0"),
        (
            "x-amz-user-agent",
            "aws-sdk-rust/1.3.0 api/cognitoidentityprovider/1.90.0 os/linux lang/rust/1.90.0",
        ),
        (
            "amz-sdk-invocation-id",
            "6f1c3e2a-5b4d-4c3e-9f8a-7b6c5d4e3f2a",
        ),
        ("amz-sdk-request", "attempt=1; max=3"),
    ];
    let identity =
        aws_credential_types::Credentials::new(SIGV4_KEY, SIGV4_SECRET, None, None, "bench").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("cognito-idp")
        .time(SystemTime::from(SIGV4_AT))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(
        "POST",
        format!("https://{HOST}/"),
        headers.iter().copied(),
        SignableBody::Bytes(&body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut all: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    all.extend(
        instructions
            .headers()
            .map(|(n, v)| (n.to_owned(), v.to_owned())),
    );
    (all, body)
}

/// SigV4 verification of an admin call: parse (no secret) then check.
fn sigv4(c: &mut Criterion) {
    let (headers, body) = sdk_signed_request();
    let req = SignedRequest {
        method: "POST",
        path: "/",
        query: None,
        headers: &headers,
        body: &body,
    };
    let exp = Expectation {
        region: "us-east-1",
        service: "cognito-idp",
        now: SIGV4_AT,
        max_skew: DEFAULT_MAX_SKEW,
    };
    let parsed = sigv4::parse(&req, &exp).unwrap();
    assert_eq!(parsed.access_key_id(), SIGV4_KEY);
    parsed.check(&req, SIGV4_SECRET).unwrap();

    let mut g = c.benchmark_group("sigv4");
    g.bench_function("parse_check", |b| {
        b.iter(|| {
            let auth = sigv4::parse(black_box(&req), &exp).unwrap();
            auth.check(&req, black_box(SIGV4_SECRET)).unwrap();
        });
    });
    g.finish();
}

criterion_group!(benches, argon2id, srp, tokens, secret_box, sigv4);
criterion_main!(benches);
