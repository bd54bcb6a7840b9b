//! CreateUserPool and AddCustomAttributes check schemas as Cognito does,
//! with its messages (issue 14).

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    NumberAttributeConstraintsType, SchemaAttributeType, StringAttributeConstraintsType,
};

use crate::harness::on_both_backends;
use crate::harness::{TestServer, code, message};

on_both_backends!(schema_checks);

fn custom(
    name: &str,
    data_type: Option<&str>,
) -> aws_sdk_cognitoidentityprovider::types::builders::SchemaAttributeTypeBuilder {
    let b = SchemaAttributeType::builder().name(name);
    match data_type {
        Some(t) => b.attribute_data_type(t.into()),
        None => b,
    }
}

async fn pool_count(c: &Client) -> usize {
    c.list_user_pools()
        .max_results(60)
        .send()
        .await
        .unwrap()
        .user_pools
        .unwrap_or_default()
        .len()
}

/// CreateUserPool and AddCustomAttributes refuse the schemas Cognito
/// refuses, with its messages, and store nothing when they do.
async fn schema_checks(s: TestServer) {
    let c = s.client();
    let before = pool_count(&c).await;
    let strings = |min: Option<&str>, max: Option<&str>| {
        StringAttributeConstraintsType::builder()
            .set_min_length(min.map(Into::into))
            .set_max_length(max.map(Into::into))
            .build()
    };
    let numbers = |min: Option<&str>, max: Option<&str>| {
        NumberAttributeConstraintsType::builder()
            .set_min_value(min.map(Into::into))
            .set_max_value(max.map(Into::into))
            .build()
    };
    let refused = [
        (
            custom("untyped", None).build(),
            "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.",
        ),
        (
            custom("email", Some("String"))
                .string_attribute_constraints(strings(Some("2"), Some("1")))
                .build(),
            "user.email: Max length cannot be less than min length.",
        ),
        (
            custom("email", Some("String"))
                .string_attribute_constraints(strings(None, Some("2049")))
                .build(),
            "user.email: String attributes cannot have a length of more than 2048",
        ),
        (
            custom("email", Some("String"))
                .string_attribute_constraints(strings(Some("invalid_value"), None))
                .build(),
            "Invalid StringAttributeConstraints for schema attribute email",
        ),
        (
            custom("updated_at", Some("Number"))
                .number_attribute_constraints(numbers(Some("2"), Some("1")))
                .build(),
            "user.updated_at: Max value cannot be less than min value.",
        ),
        (
            custom("score", Some("Number"))
                .number_attribute_constraints(numbers(None, Some("lots")))
                .build(),
            "Invalid NumberAttributeConstraints for schema attribute custom:score",
        ),
    ];
    for (attribute, expected) in refused {
        let err = c
            .create_user_pool()
            .pool_name("refused")
            .schema(attribute)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&err), "InvalidParameterException", "{expected}");
        assert_eq!(message(&err), expected);
    }
    assert_eq!(pool_count(&c).await, before);

    // Constraints of another type are accepted and dropped.
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("kept")
            .schema(
                custom("label", Some("String"))
                    .string_attribute_constraints(strings(Some("1"), Some("20")))
                    .number_attribute_constraints(numbers(Some("10"), Some("20")))
                    .build(),
            )
            .schema(
                custom("flag", Some("Boolean"))
                    .string_attribute_constraints(strings(Some("1"), Some("20")))
                    .build(),
            ),
    )
    .await;
    let described = crate::harness::describe_pool(&c, &pool).await;
    let schema = described.schema_attributes.unwrap();
    let find = |n: &str| schema.iter().find(|a| a.name() == Some(n)).unwrap();
    assert!(find("custom:label").number_attribute_constraints.is_none());
    assert_eq!(
        find("custom:label")
            .string_attribute_constraints
            .as_ref()
            .unwrap()
            .max_length(),
        Some("20")
    );
    assert!(find("custom:flag").string_attribute_constraints.is_none());

    let dev = custom("banana", Some("String"))
        .developer_only_attribute(true)
        .build();
    c.add_custom_attributes()
        .user_pool_id(&pool)
        .custom_attributes(dev.clone())
        .send()
        .await
        .unwrap();
    let err = c
        .add_custom_attributes()
        .user_pool_id(&pool)
        .custom_attributes(dev)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&err),
        "custom:banana: Existing attribute already has name dev:custom:banana."
    );
    let err = c
        .add_custom_attributes()
        .user_pool_id(&pool)
        .custom_attributes(custom("untyped", None).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&err),
        "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."
    );
    let customs = |p: &aws_sdk_cognitoidentityprovider::types::UserPoolType| {
        p.schema_attributes()
            .iter()
            .filter(|a| a.name().is_some_and(|n| n.contains("custom:")))
            .count()
    };
    assert_eq!(customs(&crate::harness::describe_pool(&c, &pool).await), 3);

    // 50 custom attributes at most (25 a request, the model's limit).
    let batch = |from: usize, to: usize| {
        let mut add = c.add_custom_attributes().user_pool_id(&pool);
        for i in from..to {
            add = add.custom_attributes(custom(&format!("a{i}"), Some("String")).build());
        }
        add
    };
    batch(0, 25).send().await.unwrap();
    let err = batch(25, 48).send().await.unwrap_err();
    assert_eq!(code(&err), "LimitExceededException");
    assert_eq!(customs(&crate::harness::describe_pool(&c, &pool).await), 28);
    batch(25, 47).send().await.unwrap();
    assert_eq!(customs(&crate::harness::describe_pool(&c, &pool).await), 50);
}
