//! Attributes as the pool's schema has them, through the AWS SDK on both
//! stores: custom attributes of each type with their limits, immutable
//! attributes, email and E.164 phone formats, and ListUsers' Limit. Every
//! refused write leaves the stored user as it was.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, MessageActionType, NumberAttributeConstraintsType, SchemaAttributeType,
    StringAttributeConstraintsType,
};

use crate::harness::on_both_backends;
use crate::harness::users::{PASSWORD, admin_attributes, attr, code_of, email_pool};
use crate::harness::{TestServer, message};

on_both_backends!(
    custom_attributes_follow_their_schema,
    email_and_phone_formats,
    list_users_limit,
);

fn custom(name: &str, kind: AttributeDataType, mutable: bool) -> SchemaAttributeType {
    SchemaAttributeType::builder()
        .name(name)
        .attribute_data_type(kind)
        .mutable(mutable)
        .build()
}

/// A user's attributes, sorted by name, `sub` left out.
async fn attributes(c: &Client, pool: &str, user: &str) -> Vec<(String, String)> {
    let mut list: Vec<_> = admin_attributes(c, pool, user)
        .await
        .into_iter()
        .filter(|a| a.name != "sub")
        .map(|a| (a.name, a.value.unwrap_or_default()))
        .collect();
    list.sort();
    list
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

async fn custom_attributes_follow_their_schema(s: TestServer) {
    let c = s.client();
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("customs")
            .schema(
                SchemaAttributeType::builder()
                    .name("tier")
                    .attribute_data_type(AttributeDataType::String)
                    .mutable(true)
                    .string_attribute_constraints(
                        StringAttributeConstraintsType::builder()
                            .min_length("2")
                            .max_length("5")
                            .build(),
                    )
                    .build(),
            )
            .schema(
                SchemaAttributeType::builder()
                    .name("age")
                    .attribute_data_type(AttributeDataType::Number)
                    .mutable(true)
                    .number_attribute_constraints(
                        NumberAttributeConstraintsType::builder()
                            .min_value("18")
                            .max_value("130")
                            .build(),
                    )
                    .build(),
            )
            .schema(custom("fixed", AttributeDataType::String, false))
            .schema(custom("vip", AttributeDataType::Boolean, true)),
    )
    .await;
    let create = |name: &'static str, extra: (&'static str, &'static str)| {
        let mut req = c
            .admin_create_user()
            .user_pool_id(&pool)
            .username(name)
            .temporary_password(PASSWORD)
            .message_action(MessageActionType::Suppress);
        for (n, v) in [
            ("custom:tier", "gold"),
            ("custom:age", "30"),
            ("custom:fixed", "a1"),
            ("custom:vip", "true"),
        ] {
            if n != extra.0 {
                req = req.user_attributes(attr(n, v));
            }
        }
        if !extra.0.is_empty() {
            req = req.user_attributes(attr(extra.0, extra.1));
        }
        req.send()
    };
    create("kim", ("", "")).await.unwrap();
    let kim = pairs(&[
        ("custom:age", "30"),
        ("custom:fixed", "a1"),
        ("custom:tier", "gold"),
        ("custom:vip", "true"),
    ]);
    assert_eq!(attributes(&c, &pool, "kim").await, kim);

    for bad in [
        ("custom:tier", "g"),
        ("custom:tier", "platinum"),
        ("custom:age", "17"),
        ("custom:age", "131"),
        ("custom:age", "old"),
        ("custom:vip", "yes"),
        ("custom:nope", "x"),
    ] {
        let e = create("lee", bad).await.unwrap_err();
        assert_eq!(code_of(&e), "InvalidParameterException", "{bad:?}");
        assert!(message(&e).contains(bad.0), "{bad:?}: {}", message(&e));
    }
    let lee = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("lee")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&lee), "UserNotFoundException");

    // An immutable attribute is set at creation and never after.
    let update = |name: &'static str, value: &'static str| {
        c.admin_update_user_attributes()
            .user_pool_id(&pool)
            .username("kim")
            .user_attributes(attr(name, value))
            .send()
    };
    let fixed = update("custom:fixed", "b2").await.unwrap_err();
    assert_eq!(code_of(&fixed), "InvalidParameterException");
    assert!(message(&fixed).contains("immutable"), "{}", message(&fixed));
    let old = update("custom:age", "12").await.unwrap_err();
    assert_eq!(code_of(&old), "InvalidParameterException");
    let delete = c
        .admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("kim")
        .user_attribute_names("custom:fixed")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&delete), "InvalidParameterException");
    assert_eq!(attributes(&c, &pool, "kim").await, kim);

    update("custom:tier", "silv").await.unwrap();
    c.admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("kim")
        .user_attribute_names("custom:vip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        attributes(&c, &pool, "kim").await,
        pairs(&[
            ("custom:age", "30"),
            ("custom:fixed", "a1"),
            ("custom:tier", "silv"),
        ])
    );
}

async fn email_and_phone_formats(s: TestServer) {
    let c = s.client();
    let (pool, client) = email_pool(&c, false).await;
    let sign_up = |name: &'static str, extra: (&'static str, &'static str)| {
        c.sign_up()
            .client_id(&client)
            .username(name)
            .password(PASSWORD)
            .user_attributes(attr("email", &format!("{name}@example.com")))
            .user_attributes(attr(extra.0, extra.1))
            .send()
    };
    for (bad, why) in [
        (("email", "no-at-sign"), "Invalid email address format."),
        (("email", "two@at@signs"), "Invalid email address format."),
        (
            ("phone_number", "5555550100"),
            "Invalid phone number format.",
        ),
        (
            ("phone_number", "+1 555 0100"),
            "Invalid phone number format.",
        ),
        (
            ("phone_number", "+1234567890123456"),
            "Invalid phone number format.",
        ),
    ] {
        let e = sign_up("mia", bad).await.unwrap_err();
        assert_eq!(code_of(&e), "InvalidParameterException", "{bad:?}");
        assert_eq!(message(&e), why, "{bad:?}");
    }
    sign_up("mia", ("phone_number", "+15555550100"))
        .await
        .unwrap();
    let update = |value: &'static str| {
        c.admin_update_user_attributes()
            .user_pool_id(&pool)
            .username("mia")
            .user_attributes(attr("phone_number", value))
            .send()
    };
    let e = update("0044 20 7946 0000").await.unwrap_err();
    assert_eq!(code_of(&e), "InvalidParameterException");
    let stored = attributes(&c, &pool, "mia").await;
    assert!(
        stored.contains(&("phone_number".into(), "+15555550100".into())),
        "{stored:?}"
    );
    update("+442079460000").await.unwrap();
    let stored = attributes(&c, &pool, "mia").await;
    assert!(
        stored.contains(&("phone_number".into(), "+442079460000".into())),
        "{stored:?}"
    );
    assert!(
        stored.contains(&("phone_number_verified".into(), "false".into())),
        "{stored:?}"
    );
}

async fn list_users_limit(s: TestServer) {
    let c = s.client();
    let (pool, _) = email_pool(&c, false).await;
    for name in ["ned", "ola", "pia"] {
        c.admin_create_user()
            .user_pool_id(&pool)
            .username(name)
            .user_attributes(attr("email", &format!("{name}@example.com")))
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
    }
    let list = |limit: i32| c.list_users().user_pool_id(&pool).limit(limit).send();
    for limit in [61, -1] {
        let e = list(limit).await.unwrap_err();
        assert_eq!(code_of(&e), "InvalidParameterException", "Limit {limit}");
    }
    let all = list(60).await.unwrap();
    assert_eq!(all.users.unwrap().len(), 3);
    assert!(all.pagination_token.is_none());
}
