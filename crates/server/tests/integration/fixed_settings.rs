//! kognit's extension `Kognit.ChangeUserPoolFixedSettings`: what Cognito
//! fixes at pool creation, changed on an empty pool and, within limits, on a
//! pool with users.

use aws_sdk_cognitoidentityprovider::types::AttributeType;

use crate::harness::TestServer;
use crate::harness::on_both_backends;

on_both_backends!(fixed_settings_extension, fixed_settings_with_users);

/// kognit's extension: change what Cognito fixes at creation.
async fn fixed_settings_extension(s: TestServer) {
    let c = s.client();
    let id = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("fixed")
            .alias_attributes(aws_sdk_cognitoidentityprovider::types::AliasAttributeType::Email),
    )
    .await;
    let target = Some("Kognit.ChangeUserPoolFixedSettings");
    let body = serde_json::json!({
        "UserPoolId": id,
        "AliasAttributes": [],
        "UsernameAttributes": ["email"],
        "CaseSensitive": false,
        "RequiredAttributes": ["email", "name"],
    });
    let r = s.raw(target, body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let p = crate::harness::describe_pool(&c, &id).await;
    assert_eq!(p.username_attributes.unwrap().len(), 1);
    assert!(p.alias_attributes.unwrap_or_default().is_empty());
    assert!(!p.username_configuration.unwrap().case_sensitive);
    let required: Vec<_> = p
        .schema_attributes
        .unwrap()
        .into_iter()
        .filter(|a| a.required == Some(true))
        .filter_map(|a| a.name)
        .collect();
    assert_eq!(required, ["sub", "name", "email"]);
    let both = serde_json::json!({"UserPoolId": id, "AliasAttributes": ["email"]});
    let r = s.raw(target, both.to_string()).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.error_type(), "InvalidParameterException");
    let custom = serde_json::json!({"UserPoolId": id, "RequiredAttributes": ["custom:x"]});
    assert_eq!(
        s.raw(target, custom.to_string()).await.error_type(),
        "InvalidParameterException"
    );
    let unknown = serde_json::json!({"UserPoolId": "us-east-1_nothere00"});
    assert_eq!(
        s.raw(target, unknown.to_string()).await.error_type(),
        "ResourceNotFoundException"
    );
    let typo = serde_json::json!({"UserPoolId": id, "Required": ["email"]});
    assert_eq!(
        s.raw(target, typo.to_string()).await.error_type(),
        "SerializationException"
    );
    let r = s.raw(Some("Kognit.NoSuchThing"), "{}").await;
    assert_eq!(r.error_type(), "UnknownOperationException");
}

/// With users in the pool, only changes that keep every user's keys pass,
/// and an attribute becomes required only when every user has it.
async fn fixed_settings_with_users(s: TestServer) {
    let c = s.client();
    let id = crate::harness::create_pool(&c, "fixed-users").await;
    let attr = |n: &str, v: &str| AttributeType::builder().name(n).value(v).build().unwrap();
    c.admin_create_user()
        .user_pool_id(&id)
        .username("Alice")
        .user_attributes(attr("email", "alice@example.com"))
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    // More users than the check reads per page (100), sorted before one
    // who has no email.
    for n in 0..105 {
        c.admin_create_user()
            .user_pool_id(&id)
            .username(format!("u{n:03}"))
            .user_attributes(attr("email", &format!("u{n}@example.com")))
            .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
    }
    c.admin_create_user()
        .user_pool_id(&id)
        .username("zoe")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let change = |body: serde_json::Value| {
        let s = &s;
        let mut body = body;
        body["UserPoolId"] = id.clone().into();
        async move {
            s.raw(Some("Kognit.ChangeUserPoolFixedSettings"), body.to_string())
                .await
        }
    };
    for (body, what) in [
        (serde_json::json!({"CaseSensitive": false}), "CaseSensitive"),
        (
            serde_json::json!({"AliasAttributes": ["email"]}),
            "AliasAttributes",
        ),
        (
            serde_json::json!({"UsernameAttributes": ["email"]}),
            "UsernameAttributes",
        ),
        (
            serde_json::json!({"RequiredAttributes": ["email", "name"]}),
            "name can not become required: user Alice has no name",
        ),
        (
            serde_json::json!({"RequiredAttributes": ["email"]}),
            "email can not become required: user zoe has no email",
        ),
    ] {
        let r = change(body).await;
        assert_eq!(r.error_type(), "InvalidParameterException", "{what}");
        let message = r.json["message"].as_str().unwrap();
        assert!(message.contains(what), "{message}");
    }
    // Nothing was changed by the refusals.
    let p = crate::harness::describe_pool(&c, &id).await;
    assert!(p.alias_attributes().is_empty());
    let required = |p: &aws_sdk_cognitoidentityprovider::types::UserPoolType| -> Vec<String> {
        p.schema_attributes()
            .iter()
            .filter(|a| a.required == Some(true))
            .filter_map(|a| a.name.clone())
            .collect()
    };
    assert_eq!(required(&p), ["sub"]);
    // Unchanged keys pass, and so does an attribute every user has.
    c.admin_delete_user()
        .user_pool_id(&id)
        .username("zoe")
        .send()
        .await
        .unwrap();
    let same = serde_json::json!({"CaseSensitive": true, "AliasAttributes": [], "RequiredAttributes": ["email"]});
    let r = change(same).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let p = crate::harness::describe_pool(&c, &id).await;
    assert_eq!(required(&p), ["sub", "email"]);
    // Once the pool is empty again, the keys may change.
    for name in std::iter::once("Alice".to_owned()).chain((0..105).map(|n| format!("u{n:03}"))) {
        c.admin_delete_user()
            .user_pool_id(&id)
            .username(name)
            .send()
            .await
            .unwrap();
    }
    let r = change(serde_json::json!({"CaseSensitive": false, "AliasAttributes": ["email"]})).await;
    assert_eq!(r.status, 200, "{}", r.json);
}
