//! User pools through the AWS SDK: create, describe, update, list, delete,
//! custom attributes, MFA configuration, tags, and survival across a restart.

use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, DeletionProtectionType, PasswordPolicyType, SchemaAttributeType,
    SoftwareTokenMfaConfigType, UserPoolMfaType, UserPoolPolicyType, VerifiedAttributeType,
};

use crate::harness::on_both_backends;
use crate::harness::{TestServer, code, message};

on_both_backends!(
    create_describe_defaults,
    update_resets_and_keeps,
    list_pages,
    delete_and_protection,
    custom_attributes,
    mfa_config,
    tags,
    survives_restart,
);

async fn create_describe_defaults(s: TestServer) {
    let c = s.client();
    let created = c
        .create_user_pool()
        .pool_name("demo")
        .alias_attributes(aws_sdk_cognitoidentityprovider::types::AliasAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .schema(
            SchemaAttributeType::builder()
                .name("email")
                .required(true)
                .build(),
        )
        .schema(
            SchemaAttributeType::builder()
                .name("team")
                .attribute_data_type(AttributeDataType::String)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let pool = created.user_pool.unwrap();
    let id = pool.id.clone().unwrap();
    let (region, suffix) = id.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert_eq!(suffix.len(), 9);
    assert!(suffix.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(
        pool.arn.as_deref(),
        Some(format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{id}").as_str())
    );
    let pp = pool.policies.unwrap().password_policy.unwrap();
    assert_eq!(pp.minimum_length, Some(8));
    assert!(pp.require_symbols);
    assert_eq!(pp.temporary_password_validity_days, 7);
    assert_eq!(pool.mfa_configuration, Some(UserPoolMfaType::Off));
    assert_eq!(
        pool.deletion_protection,
        Some(DeletionProtectionType::Inactive)
    );
    assert_eq!(pool.estimated_number_of_users, 0);
    assert!(pool.creation_date.is_some() && pool.last_modified_date.is_some());
    let schema = pool.schema_attributes.unwrap();
    let names: Vec<_> = schema.iter().filter_map(|a| a.name.as_deref()).collect();
    assert_eq!(names[0], "sub");
    assert!(names.contains(&"custom:team"));
    let email = schema
        .iter()
        .find(|a| a.name.as_deref() == Some("email"))
        .unwrap();
    assert_eq!(email.required, Some(true));

    let described = c
        .describe_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap();
    let d = described.user_pool.unwrap();
    assert_eq!(d.name.as_deref(), Some("demo"));
    assert_eq!(d.alias_attributes.unwrap().len(), 1);

    let missing = c
        .describe_user_pool()
        .user_pool_id("us-east-1_000000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&missing), "ResourceNotFoundException");
    assert_eq!(
        message(&missing),
        "User pool us-east-1_000000000 does not exist."
    );

    let both = c
        .create_user_pool()
        .pool_name("x")
        .alias_attributes(aws_sdk_cognitoidentityprovider::types::AliasAttributeType::Email)
        .username_attributes(aws_sdk_cognitoidentityprovider::types::UsernameAttributeType::Email)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&both), "InvalidParameterException");
}

async fn update_resets_and_keeps(s: TestServer) {
    let c = s.client();
    let id = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("upd")
            .deletion_protection(DeletionProtectionType::Active)
            .username_attributes(
                aws_sdk_cognitoidentityprovider::types::UsernameAttributeType::Email,
            ),
    )
    .await;
    c.update_user_pool()
        .user_pool_id(&id)
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(PasswordPolicyType::builder().minimum_length(12).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let p = crate::harness::describe_pool(&c, &id).await;
    let pp = p.policies.unwrap().password_policy.unwrap();
    assert_eq!(pp.minimum_length, Some(12));
    assert!(!pp.require_uppercase);
    // Left out of the update, deletion protection returns to its default…
    assert_eq!(
        p.deletion_protection,
        Some(DeletionProtectionType::Inactive)
    );
    // …while what Cognito fixes at creation stays.
    assert_eq!(p.username_attributes.unwrap().len(), 1);
    assert_eq!(p.name.as_deref(), Some("upd"));

    let bad = c
        .update_user_pool()
        .user_pool_id("us-east-1_nothere00")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad), "ResourceNotFoundException");
}

async fn list_pages(s: TestServer) {
    let c = s.client();
    for i in 0..5 {
        c.create_user_pool()
            .pool_name(format!("p{i}"))
            .send()
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = c
            .list_user_pools()
            .max_results(2)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        let pools = page.user_pools.unwrap_or_default();
        assert!(pools.len() <= 2);
        seen.extend(pools.into_iter().map(|p| p.id.unwrap()));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 5);
    let mut dedup = seen.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 5);
    let bad = c
        .list_user_pools()
        .max_results(2)
        .next_token("!!not-a-token!!")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad), "InvalidParameterException");
}

async fn delete_and_protection(s: TestServer) {
    let c = s.client();
    let id = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("prot")
            .deletion_protection(DeletionProtectionType::Active),
    )
    .await;
    let client_id = c
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name("app")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let refused = c
        .delete_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&refused), "InvalidParameterException");
    assert!(message(&refused).contains("deletion protection"));
    c.update_user_pool()
        .user_pool_id(&id)
        .deletion_protection(DeletionProtectionType::Inactive)
        .send()
        .await
        .unwrap();
    c.delete_user_pool().user_pool_id(&id).send().await.unwrap();
    let gone = c
        .describe_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "ResourceNotFoundException");
    let gone = c
        .describe_user_pool_client()
        .user_pool_id(&id)
        .client_id(&client_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "ResourceNotFoundException");
    let again = c
        .delete_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&again), "ResourceNotFoundException");
}

async fn custom_attributes(s: TestServer) {
    let c = s.client();
    let id = crate::harness::create_pool(&c, "ca").await;
    let attr = |n: &str| {
        SchemaAttributeType::builder()
            .name(n)
            .attribute_data_type(AttributeDataType::Number)
            .build()
    };
    c.add_custom_attributes()
        .user_pool_id(&id)
        .custom_attributes(attr("level"))
        .send()
        .await
        .unwrap();
    let dup = c
        .add_custom_attributes()
        .user_pool_id(&id)
        .custom_attributes(attr("level"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&dup), "InvalidParameterException");
    let required = c
        .add_custom_attributes()
        .user_pool_id(&id)
        .custom_attributes(
            SchemaAttributeType::builder()
                .name("must")
                .required(true)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&required), "InvalidParameterException");
    let p = crate::harness::describe_pool(&c, &id).await;
    let level = p
        .schema_attributes
        .unwrap()
        .into_iter()
        .find(|a| a.name.as_deref() == Some("custom:level"))
        .unwrap();
    assert_eq!(level.attribute_data_type, Some(AttributeDataType::Number));
}

async fn mfa_config(s: TestServer) {
    let c = s.client();
    let id = crate::harness::create_pool(&c, "mfa").await;
    let got = c
        .get_user_pool_mfa_config()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.mfa_configuration, Some(UserPoolMfaType::Off));
    let none = c
        .set_user_pool_mfa_config()
        .user_pool_id(&id)
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&none), "InvalidParameterException");
    let set = c
        .set_user_pool_mfa_config()
        .user_pool_id(&id)
        .mfa_configuration(UserPoolMfaType::Optional)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(set.mfa_configuration, Some(UserPoolMfaType::Optional));
    let got = c
        .get_user_pool_mfa_config()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap();
    assert!(got.software_token_mfa_configuration.unwrap().enabled);
    let p = crate::harness::describe_pool(&c, &id).await;
    assert_eq!(p.mfa_configuration, Some(UserPoolMfaType::Optional));
}

async fn tags(s: TestServer) {
    let c = s.client();
    let pool = c
        .create_user_pool()
        .pool_name("tags")
        .user_pool_tags("team", "a")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let arn = pool.arn.unwrap();
    c.tag_resource()
        .resource_arn(&arn)
        .tags("env", "test")
        .send()
        .await
        .unwrap();
    let tags = c
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .unwrap()
        .tags
        .unwrap();
    assert_eq!(tags.len(), 2);
    assert_eq!(tags.get("env").map(String::as_str), Some("test"));
    c.untag_resource()
        .resource_arn(&arn)
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    let tags = c
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .unwrap()
        .tags
        .unwrap();
    assert_eq!(tags.len(), 1);
    let bad = c
        .list_tags_for_resource()
        .resource_arn("arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_nothere00")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad), "ResourceNotFoundException");
}

async fn survives_restart(mut s: TestServer) {
    let c = s.client();
    let id = crate::harness::create_pool(&c, "keep").await;
    let client = c
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name("app")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    s.restart().await;
    let c = s.client();
    let p = crate::harness::describe_pool(&c, &id).await;
    assert_eq!(p.name.as_deref(), Some("keep"));
    let d = c
        .describe_user_pool_client()
        .user_pool_id(&id)
        .client_id(client.client_id.as_deref().unwrap())
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(d.client_secret, client.client_secret);
}
