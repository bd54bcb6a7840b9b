//! Tests of the RSA keys, their JWKs, JWT encoding and decoding, and refresh
//! token shapes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::jwt::{self, JwtError};
use super::rsa::{PrivateKey, PublicKey};
use super::{new_refresh_token, refresh_token_hash};

/// One key for the whole test binary: generation is slow.
pub(super) fn test_key() -> &'static PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| PrivateKey::generate().unwrap())
}

fn public() -> PublicKey {
    test_key().public_key().unwrap()
}

const NOW_MS: i64 = 1_700_000_000_000;

fn claims(exp: i64) -> Map<String, Value> {
    json!({"sub": "u-1", "exp": exp, "token_use": "access"})
        .as_object()
        .unwrap()
        .clone()
}

#[test]
fn sign_verify_round_trip() {
    let sig = test_key().sign(b"message").unwrap();
    assert_eq!(sig.len(), 256);
    let public = public();
    assert!(public.verify(b"message", &sig));
    assert!(!public.verify(b"messagf", &sig));
    let mut bad = sig.clone();
    bad[100] ^= 1;
    assert!(!public.verify(b"message", &bad));
    assert!(!public.verify(b"message", &[]));
}

#[test]
fn jwk_n_and_e_verify_on_their_own() {
    let kid = public().thumbprint_kid();
    let jwk = public().jwk(&kid);
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["alg"], "RS256");
    assert_eq!(jwk["use"], "sig");
    assert_eq!(jwk["kid"], kid.as_str());
    assert_eq!(jwk["e"], "AQAB");
    let n = B64URL.decode(jwk["n"].as_str().unwrap()).unwrap();
    let e = B64URL.decode(jwk["e"].as_str().unwrap()).unwrap();
    // Big-endian, minimal: a 2048-bit modulus is 256 bytes with the top bit set.
    assert_eq!(n.len(), 256);
    assert!(n[0] & 0x80 != 0);
    let sig = test_key().sign(b"payload").unwrap();
    let components = RsaPublicKeyComponents { n: &n, e: &e };
    components
        .verify(&RSA_PKCS1_2048_8192_SHA256, b"payload", &sig)
        .unwrap();
    assert!(
        components
            .verify(&RSA_PKCS1_2048_8192_SHA256, b"payloaD", &sig)
            .is_err()
    );
    // And the JWK reads back into a key with the same kid.
    let (read_kid, read) = PublicKey::from_jwk(&jwk).unwrap();
    assert_eq!(read_kid, kid);
    assert!(read.verify(b"payload", &sig));
}

#[test]
fn pkcs8_round_trip_keeps_the_key() {
    let der = test_key().to_pkcs8().unwrap();
    let again = PrivateKey::from_pkcs8(&der).unwrap();
    assert_eq!(again.public_key().unwrap().jwk("k"), public().jwk("k"));
    assert!(PrivateKey::from_pkcs8(&der[1..]).is_err());
}

#[test]
fn thumbprint_matches_rfc_7638() {
    // The example of RFC 7638 §3.1.
    let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
    let (_, key) = PublicKey::from_jwk(&json!({"kty": "RSA", "n": n, "e": "AQAB"})).unwrap();
    // RFC value NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs, in standard base64.
    assert_eq!(
        key.thumbprint_kid(),
        "NzbLsXh8uDCcd+6MNwXF4W/7noWXFZAfHkxZsRGC9Xs="
    );
}

#[test]
fn header_is_cognitos() {
    let token = jwt::encode(test_key(), "kid-1", &claims(2_000_000_000)).unwrap();
    assert!(token.starts_with("eyJraWQiOi"), "{token}");
    let header = token.split('.').next().unwrap();
    let header = String::from_utf8(B64URL.decode(header).unwrap()).unwrap();
    assert_eq!(header, r#"{"kid":"kid-1","alg":"RS256"}"#);
}

#[test]
fn decode_checks_key_signature_and_expiry() {
    let public = public();
    let exp_s = NOW_MS / 1000 + 60;
    let token = jwt::encode(test_key(), "k", &claims(exp_s)).unwrap();
    let by_kid = |kid: &str| (kid == "k").then_some(&public);
    assert_eq!(jwt::decode(&token, by_kid, NOW_MS).unwrap(), claims(exp_s));
    // Valid up to the last millisecond before `exp`, not at it.
    assert!(jwt::decode(&token, by_kid, exp_s * 1000 - 1).is_ok());
    assert_eq!(
        jwt::decode(&token, by_kid, exp_s * 1000),
        Err(JwtError::Expired)
    );
    assert_eq!(
        jwt::decode(&token, |_| None, NOW_MS),
        Err(JwtError::UnknownKey)
    );
    let no_exp = jwt::encode(test_key(), "k", &Map::new()).unwrap();
    assert_eq!(
        jwt::decode(&no_exp, by_kid, NOW_MS),
        Err(JwtError::Malformed)
    );
}

#[test]
fn other_algorithms_are_refused() {
    let public = public();
    let payload = B64URL.encode(Value::Object(claims(2_000_000_000)).to_string());
    for header in [
        r#"{"kid":"k","alg":"none"}"#,
        r#"{"kid":"k","alg":"HS256"}"#,
        r#"{"kid":"k"}"#,
        r#"{"alg":"RS256"}"#,
        r#"{"kid":"k","alg":"RS256","crit":["x"]}"#,
        r#"["kid","alg"]"#,
    ] {
        let token = format!("{}.{payload}.", B64URL.encode(header));
        assert_eq!(
            jwt::decode(&token, |_| Some(&public), NOW_MS),
            Err(JwtError::Malformed),
            "{header}"
        );
    }
}

#[test]
fn refresh_tokens_are_opaque_and_hashed() {
    let (token, hash) = new_refresh_token();
    assert_eq!(token.split('.').count(), 5);
    assert!(token.starts_with("eyJjdHkiOiJKV1Qi"), "{token}");
    assert!(token.len() > 500);
    assert_eq!(hash, refresh_token_hash(&token));
    assert_eq!(hash.len(), 32);
    let (other, other_hash) = new_refresh_token();
    assert_ne!(token, other);
    assert_ne!(hash, other_hash);
}

fn claim_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<String>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        prop::collection::vec(any::<String>(), 0..3).prop_map(Value::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_claims_round_trip(
        mut c in prop::collection::btree_map(any::<String>(), claim_value(), 0..8),
        kid in any::<String>(),
    ) {
        c.insert("exp".into(), json!(NOW_MS / 1000 + 1));
        let claims: Map<String, Value> = c.into_iter().collect();
        let token = jwt::encode(test_key(), &kid, &claims).unwrap();
        let public = public();
        let decoded = jwt::decode(&token, |k| (k == kid).then_some(&public), NOW_MS);
        prop_assert_eq!(decoded, Ok(claims));
    }

    #[test]
    fn any_changed_byte_fails(pos in any::<prop::sample::Index>(), flip in 1u8..0x80) {
        static TOKEN: OnceLock<String> = OnceLock::new();
        let token = TOKEN.get_or_init(|| jwt::encode(test_key(), "k", &claims(2_000_000_000)).unwrap());
        let mut bytes = token.clone().into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] ^= flip;
        let changed = String::from_utf8(bytes).unwrap();
        let public = public();
        prop_assert!(jwt::decode(&changed, |_| Some(&public), NOW_MS).is_err());
    }

    #[test]
    fn random_input_never_panics(s in any::<String>(), parts in prop::collection::vec(any::<Vec<u8>>(), 0..5)) {
        let public = public();
        let _ = jwt::decode(&s, |_| Some(&public), NOW_MS);
        let joined: Vec<String> = parts.iter().map(|p| B64URL.encode(p)).collect();
        prop_assert!(jwt::decode(&joined.join("."), |_| Some(&public), NOW_MS).is_err());
    }
}
