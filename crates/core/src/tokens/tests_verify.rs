//! Tests of pool key sets (signers, retention, JWKS, sealing) and of
//! access-token checks — everything short of the store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use serde_json::json;

use super::tests_claims::*;
use super::*;
use crate::crypto::{MasterKey, SecretBox};

#[test]
fn issued_access_token_checks_out() {
    let keys = keys();
    let issued = issue_with_keys(
        &keys,
        ISS,
        &client(),
        &user(),
        &no_groups(),
        &sign_in(Some("d")),
        NOW_MS,
    )
    .unwrap();
    assert_eq!(issued.expires_in, 3600);
    let id = jwt::parse(&issued.id_token).unwrap();
    let access = jwt::parse(&issued.access_token).unwrap();
    // Two keys, as in Cognito.
    assert_eq!(id.kid, keys.signing_kid(TokenUse::Id));
    assert_eq!(access.kid, keys.signing_kid(TokenUse::Access));
    assert_ne!(id.kid, access.kid);
    let c = check(&keys, &issued.access_token, NOW_MS).unwrap();
    assert_eq!(c.pool_id, POOL);
    assert_eq!(
        (c.sub.as_str(), c.username.as_str()),
        (user().sub.as_str(), "jane")
    );
    assert_eq!(
        (c.client_id.as_str(), c.origin_jti.as_str()),
        ("abcdefghijklmnopqrstuvwxyz", "origin-1")
    );
    assert_eq!(
        (c.iat, c.exp, c.auth_time),
        (NOW_MS / 1000, NOW_MS / 1000 + 3600, NOW_MS / 1000 - 5)
    );
    assert_eq!(
        (c.scope.as_str(), c.device_key.as_deref()),
        (ADMIN_SCOPE, Some("d"))
    );
    assert_eq!(c.jti, access.claims["jti"]);
}

#[test]
fn refusals_have_cognitos_messages() {
    let keys = keys();
    let issued = issue_with_keys(
        &keys,
        ISS,
        &client(),
        &user(),
        &no_groups(),
        &sign_in(None),
        NOW_MS,
    )
    .unwrap();
    let expiry_ms = (NOW_MS / 1000 + 3600) * 1000;
    assert!(check(&keys, &issued.access_token, expiry_ms - 1).is_ok());
    assert_refused(
        check(&keys, &issued.access_token, expiry_ms),
        "Access Token has expired",
    );
    // An ID token is not an access token.
    assert_refused(
        check(&keys, &issued.id_token, NOW_MS),
        "Invalid Access Token",
    );
    // Nor is a token saying `token_use: id` signed with the access key.
    let mut c = access_claims(
        ISS,
        &client(),
        &user(),
        &no_groups(),
        &sign_in(None),
        NOW_MS,
    )
    .unwrap();
    c.insert("token_use".into(), json!("id"));
    let wrong_use = keys.sign(TokenUse::Access, &c).unwrap();
    assert_refused(check(&keys, &wrong_use, NOW_MS), "Invalid Access Token");
    // OAuth scopes without the API scope.
    let oauth = SignIn {
        scope: "openid email".into(),
        ..sign_in(None)
    };
    let c = access_claims(ISS, &client(), &user(), &no_groups(), &oauth, NOW_MS).unwrap();
    let t = keys.sign(TokenUse::Access, &c).unwrap();
    assert_refused(
        check(&keys, &t, NOW_MS),
        "Access Token does not have required scopes",
    );
    // A changed payload.
    let mut parts: Vec<&str> = issued.access_token.split('.').collect();
    let other = issue_with_keys(
        &keys,
        ISS,
        &client(),
        &user(),
        &no_groups(),
        &sign_in(Some("x")),
        NOW_MS,
    )
    .unwrap();
    parts[1] = other.access_token.split('.').nth(1).unwrap();
    assert_refused(
        check(&keys, &parts.join("."), NOW_MS),
        "Invalid Access Token",
    );
}

#[test]
fn newest_key_signs_and_retired_keys_verify_for_a_day() {
    let (secrets, records) = fixture();
    let old_id = records[0].kid.clone();
    let new_id = records[2].kid.clone();
    // Two active ID keys (two nodes raced): the newer one signs, both verify.
    let k = PoolKeys::from_records(POOL, records, secrets)
        .unwrap()
        .unwrap();
    assert_eq!(k.signing_kid(TokenUse::Id), new_id);
    assert!(k.verifying_key(&old_id, NOW_MS).is_some());
    // Retired: still verifies and is published until the retention ends.
    let mut retired = records.clone();
    retired[0].retired_ms = Some(NOW_MS);
    let k = PoolKeys::from_records(POOL, &retired, secrets)
        .unwrap()
        .unwrap();
    let later = NOW_MS + RETIRED_KEY_RETENTION_MS;
    assert!(k.verifying_key(&old_id, later - 1).is_some());
    assert!(k.verifying_key(&old_id, later).is_none());
    let kids = |now| -> BTreeSet<String> {
        k.jwks(now)["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["kid"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(kids(NOW_MS).len(), 3);
    assert_eq!(kids(later), [records[1].kid.clone(), new_id].into());
    for jwk in k.jwks(NOW_MS)["keys"].as_array().unwrap() {
        assert_eq!(
            names(jwk.as_object().unwrap()),
            ["alg", "e", "kid", "kty", "n", "use"].into()
        );
    }
    // A kind without an active key: the set is incomplete.
    assert!(
        PoolKeys::from_records(POOL, &records[1..2], secrets)
            .unwrap()
            .is_none()
    );
}

#[test]
fn sealed_keys_are_bound_to_their_row() {
    let (secrets, records) = fixture();
    let mut moved = records[..2].to_vec();
    for r in &mut moved {
        r.pool_id = "us-east-1_Other0000".into();
    }
    assert!(PoolKeys::from_records("us-east-1_Other0000", &moved, secrets).is_err());
    let other_box = SecretBox::new(&MasterKey::generate());
    assert!(PoolKeys::from_records(POOL, &records[..2], &other_box).is_err());
}
