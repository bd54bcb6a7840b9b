//! The seed's pure parts: derived subs, pool ids, PEM keys.

use super::check_pool_id;
use super::users::derived_sub;
use crate::signing::rsa::PrivateKey;

#[test]
fn derived_subs_are_stable_uuids() {
    let a = derived_sub("us-east-1_Example1", "alice");
    assert_eq!(a, derived_sub("us-east-1_Example1", "alice"));
    assert_ne!(a, derived_sub("us-east-1_Example1", "bob"));
    assert_ne!(a, derived_sub("us-east-1_Example2", "alice"));
    let u = uuid::Uuid::parse_str(&a).unwrap();
    assert_eq!(u.get_version_num(), 4);
}

#[test]
fn pool_ids_name_the_region() {
    check_pool_id("us-east-1_Example1", "us-east-1").unwrap();
    let e = check_pool_id("eu-west-1_Example1", "us-east-1").unwrap_err();
    assert!(
        e.message.contains("KOGNIT_REGION=eu-west-1"),
        "{}",
        e.message
    );
    assert!(check_pool_id("us-east-1", "us-east-1").is_err());
    assert!(check_pool_id("us-east-1_", "us-east-1").is_err());
    assert!(check_pool_id("us-east-1_a-b", "us-east-1").is_err());
}

#[test]
fn pem_keys_round_trip_and_bad_ones_say_why() {
    let key = PrivateKey::generate().unwrap();
    let pem = key.to_pem().unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
    let back = PrivateKey::from_pem(&pem).unwrap();
    assert_eq!(
        back.public_key().unwrap().thumbprint_kid(),
        key.public_key().unwrap().thumbprint_kid()
    );
    let e = PrivateKey::from_pem("hello").unwrap_err();
    assert!(e.message.contains("BEGIN"), "{}", e.message);
    let e = PrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----")
        .unwrap_err();
    assert!(e.message.contains("base64"), "{}", e.message);
    let e = PrivateKey::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")
        .unwrap_err();
    assert!(e.message.contains("CERTIFICATE"), "{}", e.message);
}
