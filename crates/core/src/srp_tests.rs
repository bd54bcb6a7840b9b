//! Tests of the SRP server against an independent client written with `num-bigint`
//! (after amazon-cognito-identity-js `AuthenticationHelper`) and against the published
//! `aws-cognito-srp` client crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use num_bigint::BigUint;
use proptest::prelude::*;

const POOL_ID: &str = "us-east-1_AbC123";

fn big_n() -> BigUint {
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap()
}

/// Java `BigInteger.toByteArray` of a non-negative number.
fn java_bytes(n: &BigUint) -> Vec<u8> {
    let b = n.to_bytes_be();
    if b[0] >= 0x80 {
        [&[0], &b[..]].concat()
    } else {
        b
    }
}

fn h(parts: &[&[u8]]) -> BigUint {
    BigUint::from_bytes_be(&crate::crypto::sha256(&parts.concat()))
}

fn k() -> BigUint {
    h(&[&java_bytes(&big_n()), &[2]])
}

fn x(pool: &str, user: &str, password: &str, salt: &[u8]) -> BigUint {
    let identity = crate::crypto::sha256(format!("{pool}{user}:{password}").as_bytes());
    h(&[&java_bytes(&BigUint::from_bytes_be(salt)), &identity])
}

/// The client side of Cognito's SRP, done the plain way.
struct Client {
    a: BigUint,
    big_a: BigUint,
}

impl Client {
    fn new() -> Self {
        let a = BigUint::from_bytes_be(&random_bytes(128));
        let big_a = BigUint::from(2u8).modpow(&a, &big_n());
        Self { a, big_a }
    }

    fn key(&self, pool: &str, user: &str, password: &str, salt: &[u8], big_b: &[u8]) -> [u8; 16] {
        let n = big_n();
        let big_b = BigUint::from_bytes_be(big_b);
        let u = h(&[&java_bytes(&self.big_a), &java_bytes(&big_b)]);
        let x = x(pool, user, password, salt);
        let gx = BigUint::from(2u8).modpow(&x, &n);
        // B − k·g^x, kept non-negative modulo N.
        let base = (&big_b + &n * &k() - (k() * gx) % &n) % &n;
        let s = base.modpow(&(&self.a + &u * &x), &n);
        let prk = hmac_sha256(&java_bytes(&u), &java_bytes(&s));
        let okm = hmac_sha256(&prk, b"Caldera Derived Key\x01");
        okm[..16].try_into().unwrap()
    }
}

#[test]
fn group_constants() {
    let n = big_n();
    assert_eq!(n.bits(), 3072);
    assert_eq!(BigUint::from_bytes_be(&N.to_be_bytes()), n);
    assert_eq!(BigUint::from_bytes_be(&K.retrieve().to_be_bytes()), k());
}

#[test]
fn pad_is_java_to_byte_array() {
    assert_eq!(pad(&[]), vec![0]);
    assert_eq!(pad(&[0, 0]), vec![0]);
    assert_eq!(pad(&[0, 0x7f, 1]), vec![0x7f, 1]);
    assert_eq!(pad(&[0, 0, 0x80]), vec![0, 0x80]);
    assert_eq!(pad(&[0xff]), vec![0, 0xff]);
}

#[test]
fn pool_names() {
    assert_eq!(pool_name("us-east-1_AbC123"), "AbC123");
    assert_eq!(pool_name("eu-west-2_x_y"), "x_y");
    assert_eq!(pool_name("nounderscore"), "nounderscore");
}

#[test]
fn salts_are_16_bytes_without_a_leading_zero() {
    for _ in 0..300 {
        let s = new_salt();
        assert_eq!(s.len(), 16);
        assert_ne!(s[0], 0);
    }
}

#[test]
fn verifier_matches_plain_modpow() {
    for salt in [new_salt(), vec![0x80; 16], vec![0, 0, 1, 2]] {
        let v = verifier("AbC123", "user-1", "Passw0rd!", &salt);
        let expected =
            BigUint::from(2u8).modpow(&x("AbC123", "user-1", "Passw0rd!", &salt), &big_n());
        assert_eq!(v, java_bytes(&expected));
    }
}

#[test]
fn powers_of_g_match_plain_modpow() {
    // The edge digits (all 0, all F, one digit in each row) and random exponents.
    let mut exponents = vec![[0u8; 32], [0xFF; 32], [0x11; 32], [0xF0; 32]];
    exponents[0][31] = 1;
    exponents.extend((0..8).map(|_| <[u8; 32]>::try_from(random_bytes(32)).unwrap()));
    exponents.push([0; 32]);
    for e in exponents {
        let expected = BigUint::from(2u8).modpow(&BigUint::from_bytes_be(&e), &big_n());
        let got = pow_g(&U256::from_be_slice(&e)).retrieve().to_be_bytes();
        assert_eq!(BigUint::from_bytes_be(&got), expected, "{}", hex::encode(e));
    }
}

#[test]
fn srp_secret_bytes_round_trip() {
    let s = SrpSecret::new("AbC123", "user-1", "Passw0rd!");
    assert_eq!(
        s.verifier,
        verifier("AbC123", "user-1", "Passw0rd!", &s.salt)
    );
    let bytes = s.to_bytes();
    assert_eq!(SrpSecret::from_bytes(&bytes), Some(s.clone()));
    assert_eq!(SrpSecret::from_bytes(&bytes[..bytes.len() - 1]), None);
    assert_eq!(
        SrpSecret::from_bytes(&[bytes.as_slice(), &[0]].concat()),
        None
    );
    assert_eq!(SrpSecret::from_bytes(&[]), None);
    assert_eq!(format!("{s:?}"), "SrpSecret(..)");
}

#[test]
fn client_and_server_derive_the_same_key() {
    let pool = pool_name(POOL_ID);
    let secret = SrpSecret::new(pool, "user-1", "Passw0rd!");
    let client = Client::new();
    let server = ServerChallenge::start(&secret.verifier).unwrap();
    let key = server
        .session_key(&client.big_a.to_bytes_be(), &secret.verifier)
        .unwrap();
    assert_eq!(
        key,
        client.key(pool, "user-1", "Passw0rd!", &secret.salt, &server.big_b)
    );
    // A wrong password gives the client another key.
    assert_ne!(
        key,
        client.key(pool, "user-1", "Passw0rd?", &secret.salt, &server.big_b)
    );
    // Leading zeros in A change nothing.
    let padded = [&[0u8, 0][..], &client.big_a.to_bytes_be()].concat();
    assert_eq!(server.session_key(&padded, &secret.verifier), Ok(key));
    // The stored state gives the same key.
    let restored = ServerChallenge::from_bytes(&server.to_bytes()).unwrap();
    assert_eq!(restored, server);
    assert_eq!(restored.session_key(&padded, &secret.verifier), Ok(key));
    assert!(!format!("{server:?}").contains(&hex::encode(server.b.to_be_bytes())));
}

#[test]
fn a_congruent_to_zero_is_refused() {
    let secret = SrpSecret::new("p", "u", "pw");
    let server = ServerChallenge::start(&secret.verifier).unwrap();
    let n = N.to_be_bytes();
    for a in [
        &[][..],
        &[0][..],
        &[0; 400][..],
        &n[..],
        &[&[0][..], &n[..]].concat(),
    ] {
        assert_eq!(
            server.session_key(a, &secret.verifier),
            Err(SrpError::InvalidA),
            "{a:?}"
        );
    }
    // Longer than N: refused rather than reduced.
    assert_eq!(
        server.session_key(&[1; 385], &secret.verifier),
        Err(SrpError::InvalidA)
    );
    // A ≥ N but below 2^3072 is reduced, not refused (N + 2 ≡ 2).
    let n_plus_2 = (big_n() + 2u8).to_bytes_be();
    assert!(server.session_key(&n_plus_2, &secret.verifier).is_ok());
}

#[test]
fn malformed_verifiers_are_refused() {
    let n = N.to_be_bytes();
    assert_eq!(ServerChallenge::start(&n), Err(SrpError::InvalidVerifier));
    assert_eq!(
        ServerChallenge::start(&[1; 385]),
        Err(SrpError::InvalidVerifier)
    );
    let ok = SrpSecret::new("p", "u", "pw");
    let server = ServerChallenge::start(&ok.verifier).unwrap();
    assert_eq!(server.session_key(&[2], &n), Err(SrpError::InvalidVerifier));
}

#[test]
fn client_supplied_verifiers_are_checked() {
    // A device's verifier comes from the client: 0 and 1 would make B (and
    // so S) predictable, N and beyond are not residues.
    let n = N.to_be_bytes();
    let n_plus_1 = (big_n() + 1u8).to_bytes_be();
    for bad in [&[][..], &[0], &[0, 0, 1], &n[..], &n_plus_1, &[1; 385]] {
        assert!(!valid_verifier(bad), "{}", hex::encode(bad));
    }
    assert!(valid_verifier(&[2]));
    assert!(valid_verifier(&SrpSecret::new("p", "u", "pw").verifier));
}

#[test]
fn challenge_state_rejects_malformed_bytes() {
    assert_eq!(ServerChallenge::from_bytes(&[]), None);
    assert_eq!(ServerChallenge::from_bytes(&[1; 33]), None);
    assert_eq!(ServerChallenge::from_bytes(&[2; 40]), None);
    assert_eq!(ServerChallenge::from_bytes(&[1; 33 + 385]), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]
    #[test]
    fn round_trip_for_any_credentials(user in "[a-z0-9-]{1,40}", password in "\\PC{1,30}") {
        let secret = SrpSecret::new("Pool", &user, &password);
        let client = Client::new();
        let server = ServerChallenge::start(&secret.verifier).unwrap();
        let key = server.session_key(&client.big_a.to_bytes_be(), &secret.verifier).unwrap();
        prop_assert_eq!(key, client.key("Pool", &user, &password, &secret.salt, &server.big_b));
    }
}

/// The `aws-cognito-srp` crate as the client of a user sign-in: its claim signature
/// must be the one the server computes.
#[test]
fn aws_cognito_srp_user_client_is_accepted() {
    use aws_cognito_srp::{SrpClient, User};
    let (user_id, password) = ("3f8a-user-id", "Passw0rd!");
    let secret = SrpSecret::new(pool_name(POOL_ID), user_id, password);
    let client = SrpClient::new(User::new(POOL_ID, "alice", password), "client-id", None);
    let big_a = hex::decode(client.get_auth_parameters().a).unwrap();
    let server = ServerChallenge::start(&secret.verifier).unwrap();
    let secret_block = random_bytes(48);
    let claim = client
        .verify(
            &B64.encode(&secret_block),
            user_id,
            &hex::encode(&secret.salt),
            &hex::encode(&server.big_b),
        )
        .unwrap();
    let key = server.session_key(&big_a, &secret.verifier).unwrap();
    let sig = claim_signature(
        &key,
        pool_name(POOL_ID),
        user_id,
        &secret_block,
        &claim.timestamp,
    );
    assert_eq!(B64.encode(sig), claim.password_claim_signature);

    // The same client with another password does not get in.
    let wrong = SrpClient::new(User::new(POOL_ID, "alice", "Passw0rd?"), "client-id", None);
    let wrong_a = hex::decode(wrong.get_auth_parameters().a).unwrap();
    let claim = wrong
        .verify(
            &B64.encode(&secret_block),
            user_id,
            &hex::encode(&secret.salt),
            &hex::encode(&server.big_b),
        )
        .unwrap();
    let key = server.session_key(&wrong_a, &secret.verifier).unwrap();
    let sig = claim_signature(
        &key,
        pool_name(POOL_ID),
        user_id,
        &secret_block,
        &claim.timestamp,
    );
    assert_ne!(B64.encode(sig), claim.password_claim_signature);
}

/// The `aws-cognito-srp` crate's device verifier (what `ConfirmDevice` uploads) is
/// [`verifier`] with the device group key and device key, and its device sign-in
/// produces the claim the server expects.
#[test]
fn aws_cognito_srp_device_verifier_and_claim_match() {
    use aws_cognito_srp::{SrpClient, UntrackedDevice};
    let (group, device) = ("-dgk-123", "us-east-1_f00d-device");
    let untracked = UntrackedDevice::new(POOL_ID, group, device);
    let params = SrpClient::new(untracked.clone(), "client-id", None).get_password_verifier();
    let salt = B64.decode(&params.salt).unwrap();
    let uploaded = B64.decode(&params.verifier).unwrap();
    assert_eq!(verifier(group, device, &params.password, &salt), uploaded);

    let client = SrpClient::new(untracked.into_tracked(&params.password), "client-id", None);
    let big_a = hex::decode(client.get_auth_parameters().a).unwrap();
    let server = ServerChallenge::start(&uploaded).unwrap();
    let secret_block = random_bytes(32);
    let claim = client
        .verify(
            &B64.encode(&secret_block),
            &hex::encode(&salt),
            &hex::encode(&server.big_b),
        )
        .unwrap();
    let key = server.session_key(&big_a, &uploaded).unwrap();
    let sig = claim_signature(&key, group, device, &secret_block, &claim.timestamp);
    assert_eq!(B64.encode(sig), claim.password_claim_signature);
}
