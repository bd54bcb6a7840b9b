//! Tests of the claims of issued tokens (names, types, ReadAttributes,
//! validities), and the fixtures the key and verification tests share.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::sync::OnceLock;

use kognit_wire::error::ErrorCode;
use kognit_wire::types::{TokenValidityUnitsType, UserPoolClientType};
use serde_json::{Map, Value, json};

use super::rsa::PrivateKey;
use super::*;
use crate::crypto::{MasterKey, SecretBox};
use crate::store::{SigningKeyRecord, UserRecord};

pub(super) const POOL: &str = "us-east-1_AbC123xYz";
pub(super) const ISS: &str = "http://127.0.0.1:9229/us-east-1_AbC123xYz";
pub(super) const NOW_MS: i64 = 1_700_000_000_500;
const DAY_MS: i64 = 86_400_000;

/// A box and three stored keys (id, access, another id key made a day later),
/// made once: RSA generation is slow.
pub(super) fn fixture() -> &'static (SecretBox, Vec<SigningKeyRecord>) {
    static F: OnceLock<(SecretBox, Vec<SigningKeyRecord>)> = OnceLock::new();
    F.get_or_init(|| {
        let secrets = SecretBox::new(&MasterKey::generate());
        let rec =
            |use_, key: &PrivateKey, at| new_key_record(&secrets, POOL, use_, key, at).unwrap();
        let records = vec![
            rec(TokenUse::Id, super::tests::test_key(), NOW_MS - DAY_MS),
            rec(
                TokenUse::Access,
                &PrivateKey::generate().unwrap(),
                NOW_MS - DAY_MS,
            ),
            rec(TokenUse::Id, &PrivateKey::generate().unwrap(), NOW_MS),
        ];
        (secrets, records)
    })
}

pub(super) fn keys() -> PoolKeys {
    let (secrets, records) = fixture();
    PoolKeys::from_records(POOL, &records[..2], secrets)
        .unwrap()
        .unwrap()
}

pub(super) fn client() -> UserPoolClientType {
    UserPoolClientType {
        client_id: Some("abcdefghijklmnopqrstuvwxyz".into()),
        ..Default::default()
    }
}

pub(super) fn user() -> UserRecord {
    UserRecord {
        pool_id: POOL.into(),
        username: "jane".into(),
        username_key: "jane".into(),
        sub: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee".into(),
        attributes: json!({
            "email": "jane@example.com", "email_verified": "true",
            "phone_number": "+15555550100", "phone_number_verified": "false",
            "name": "Jane", "custom:team": "7", "updated_at": "1700000000",
            "address": "1 Main St",
        })
        .to_string(),
        extra: "{}".into(),
        ..Default::default()
    }
}

pub(super) fn no_groups() -> GroupClaims {
    GroupClaims::default()
}

pub(super) fn sign_in(device_key: Option<&str>) -> SignIn {
    SignIn {
        auth_time: NOW_MS / 1000 - 5,
        origin_jti: "origin-1".into(),
        event_id: "event-1".into(),
        device_key: device_key.map(str::to_owned),
        scope: ADMIN_SCOPE.into(),
        ..Default::default()
    }
}

pub(super) fn names(c: &Map<String, Value>) -> BTreeSet<&str> {
    c.keys().map(String::as_str).collect()
}

pub(super) fn check(keys: &PoolKeys, token: &str, now_ms: i64) -> crate::Result<AccessClaims> {
    check_access_token(keys, &jwt::parse(token).unwrap(), now_ms)
}

pub(super) fn assert_refused(r: crate::Result<AccessClaims>, message: &str) {
    let e = r.unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::NotAuthorizedException, message)
    );
}

#[test]
fn id_token_claims_have_cognitos_names_and_types() {
    let groups = GroupClaims {
        groups: vec!["admins".to_owned(), "staff".to_owned()],
        roles: vec!["arn:aws:iam::000000000000:role/admins".to_owned()],
        preferred_role: Some("arn:aws:iam::000000000000:role/admins".to_owned()),
    };
    let c = id_claims(ISS, &client(), &user(), &groups, &sign_in(None), NOW_MS).unwrap();
    let expected: BTreeSet<&str> = [
        "sub",
        "aud",
        "email_verified",
        "phone_number_verified",
        "event_id",
        "token_use",
        "auth_time",
        "iss",
        "cognito:username",
        "cognito:groups",
        "cognito:roles",
        "cognito:preferred_role",
        "exp",
        "iat",
        "jti",
        "origin_jti",
        "email",
        "phone_number",
        "name",
        "custom:team",
        "updated_at",
        "address",
    ]
    .into();
    assert_eq!(names(&c), expected);
    assert_eq!(c["aud"], "abcdefghijklmnopqrstuvwxyz");
    assert_eq!(c["token_use"], "id");
    assert_eq!(c["iss"], ISS);
    assert_eq!(c["cognito:username"], "jane");
    assert_eq!(c["cognito:groups"], json!(["admins", "staff"]));
    assert_eq!(
        c["cognito:roles"],
        json!(["arn:aws:iam::000000000000:role/admins"])
    );
    assert_eq!(
        c["cognito:preferred_role"],
        "arn:aws:iam::000000000000:role/admins"
    );
    assert_eq!(c["email_verified"], json!(true));
    assert_eq!(c["phone_number_verified"], json!(false));
    assert_eq!(c["custom:team"], json!("7"));
    assert_eq!(c["updated_at"], json!(1_700_000_000));
    assert_eq!(c["address"], json!({"formatted": "1 Main St"}));
    assert_eq!(c["iat"], json!(NOW_MS / 1000));
    assert_eq!(c["exp"], json!(NOW_MS / 1000 + 3600));
    assert_eq!(c["auth_time"], json!(NOW_MS / 1000 - 5));
    assert!(uuid::Uuid::parse_str(c["jti"].as_str().unwrap()).is_ok());
}

#[test]
fn access_token_claims_have_cognitos_names() {
    let groups = GroupClaims {
        groups: vec!["admins".to_owned()],
        roles: vec!["arn:aws:iam::000000000000:role/admins".to_owned()],
        preferred_role: Some("arn:aws:iam::000000000000:role/admins".to_owned()),
    };
    let c = access_claims(
        ISS,
        &client(),
        &user(),
        &groups,
        &sign_in(Some("dev-1")),
        NOW_MS,
    )
    .unwrap();
    let expected: BTreeSet<&str> = [
        "sub",
        "cognito:groups",
        "iss",
        "client_id",
        "origin_jti",
        "event_id",
        "token_use",
        "scope",
        "auth_time",
        "exp",
        "iat",
        "jti",
        "username",
        "device_key",
    ]
    .into();
    assert_eq!(names(&c), expected);
    assert_eq!(c["client_id"], "abcdefghijklmnopqrstuvwxyz");
    assert_eq!(c["scope"], ADMIN_SCOPE);
    assert_eq!(c["username"], "jane");
    assert_eq!(c["device_key"], "dev-1");
    // No groups, no device: the claims are left out, not empty.
    let c = access_claims(
        ISS,
        &client(),
        &user(),
        &no_groups(),
        &sign_in(None),
        NOW_MS,
    )
    .unwrap();
    assert!(!c.contains_key("cognito:groups") && !c.contains_key("device_key"));
    let c = id_claims(
        ISS,
        &client(),
        &user(),
        &no_groups(),
        &sign_in(None),
        NOW_MS,
    )
    .unwrap();
    for absent in ["cognito:groups", "cognito:roles", "cognito:preferred_role"] {
        assert!(!c.contains_key(absent), "{absent}");
    }
}

#[test]
fn read_attributes_limit_the_id_token() {
    let client = UserPoolClientType {
        read_attributes: Some(vec!["email".into(), "custom:team".into()]),
        ..client()
    };
    let c = id_claims(ISS, &client, &user(), &no_groups(), &sign_in(None), NOW_MS).unwrap();
    assert_eq!(c["email"], "jane@example.com");
    assert_eq!(c["custom:team"], "7");
    for hidden in [
        "email_verified",
        "name",
        "phone_number",
        "address",
        "updated_at",
    ] {
        assert!(!c.contains_key(hidden), "{hidden}");
    }
    assert_eq!(c["sub"], user().sub.as_str());
}

#[test]
fn validities_come_from_the_client() {
    let client = UserPoolClientType {
        access_token_validity: Some(5),
        id_token_validity: Some(2),
        token_validity_units: Some(TokenValidityUnitsType {
            access_token: Some(kognit_wire::types::TimeUnitsType::Minutes),
            id_token: Some(kognit_wire::types::TimeUnitsType::Hours),
            ..Default::default()
        }),
        ..client()
    };
    let issued = issue_with_keys(
        &keys(),
        ISS,
        &client,
        &user(),
        &no_groups(),
        &sign_in(None),
        NOW_MS,
    )
    .unwrap();
    assert_eq!(issued.expires_in, 300);
    let access = jwt::parse(&issued.access_token).unwrap();
    let id = jwt::parse(&issued.id_token).unwrap();
    let life = |t: &jwt::Unverified<'_>| {
        t.claims["exp"].as_i64().unwrap() - t.claims["iat"].as_i64().unwrap()
    };
    assert_eq!((life(&access), life(&id)), (300, 7200));
}
