//! A property test that throws random bodies and targets at the server and
//! never gets a 5xx, and the server keeps answering afterwards.

use proptest::prelude::*;

use crate::harness::{Backend, TestServer};

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
        "[a-z]{1,8}_[A-Za-z0-9]{9}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::from),
            prop::collection::btree_map(member_name(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn member_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "PoolName",
            "UserPoolId",
            "ClientId",
            "ClientName",
            "MaxResults",
            "NextToken",
            "Policies",
            "Schema",
            "Name",
            "Tags",
            "ResourceArn",
            "GenerateSecret",
            "ExplicitAuthFlows",
            "CallbackURLs",
            "TokenValidityUnits",
            "AccessTokenValidity",
            "MfaConfiguration",
            "CustomAttributes",
            "Username",
            "Password",
        ])
        .prop_map(str::to_owned),
        "[A-Za-z]{1,12}",
    ]
}

fn target() -> impl Strategy<Value = Option<String>> {
    let names: Vec<String> = kognit_wire::ops::OPERATIONS
        .iter()
        .map(|o| o.name.to_owned())
        .collect();
    prop_oneof![
        8 => prop::sample::select(names).prop_map(|n| Some(format!("AWSCognitoIdentityProviderService.{n}"))),
        1 => "[ -~]{0,30}".prop_map(Some),
        1 => Just(None),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..64),
    ]
}

#[test]
fn random_requests_never_get_a_5xx() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(TestServer::dev(Backend::Sqlite)).unwrap();
    let config = ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(t in target(), b in body())| {
        let r = rt.block_on(s.raw(t.as_deref(), b));
        prop_assert!(r.status < 500, "status {} for {:?}: {}", r.status, t, r.json);
        prop_assert!(r.headers.contains_key("x-amzn-requestid"));
    });
    let health = rt
        .block_on(reqwest::get(format!("{}/health", s.url)))
        .unwrap();
    assert_eq!(health.status(), 200);
}
