//! User-pool domains through the AWS SDK, on both stores:
//! CreateUserPoolDomain, DescribeUserPoolDomain, UpdateUserPoolDomain,
//! DeleteUserPoolDomain, the pool's Domain and CustomDomain in
//! DescribeUserPool, and how they meet DeleteUserPool.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::CustomDomainConfigType;

use crate::harness::on_both_backends;
use crate::harness::{TestServer, code, message};

on_both_backends!(
    domain_lifecycle,
    domain_rules,
    pool_deletion_and_domains,
    racing_pools_one_domain
);

async fn new_pool(c: &Client) -> String {
    let p = c.create_user_pool().pool_name("domains").send().await;
    p.unwrap().user_pool.unwrap().id.unwrap()
}

fn cert(n: u32) -> CustomDomainConfigType {
    CustomDomainConfigType::builder()
        .certificate_arn(format!(
            "arn:aws:acm:us-east-1:123456789012:certificate/{n:08}-aaaa-bbbb-cccc-dddddddddddd"
        ))
        .build()
        .unwrap()
}

async fn domain_lifecycle(s: TestServer) {
    let c = s.client();
    let pool = new_pool(&c).await;
    // A prefix domain: no CloudFront name in the answer, version 1.
    let r = c
        .create_user_pool_domain()
        .user_pool_id(&pool)
        .domain("my-app-login")
        .send()
        .await
        .unwrap();
    assert_eq!(r.cloud_front_domain, None);
    assert_eq!(r.managed_login_version, Some(1));
    let d = c
        .describe_user_pool_domain()
        .domain("my-app-login")
        .send()
        .await
        .unwrap()
        .domain_description
        .unwrap();
    assert_eq!(d.user_pool_id.as_deref(), Some(pool.as_str()));
    assert_eq!(d.domain.as_deref(), Some("my-app-login"));
    assert!(d.aws_account_id.is_some_and(|a| a.len() == 12));
    assert_eq!(
        d.status.map(|s| s.as_str().to_owned()).as_deref(),
        Some("ACTIVE")
    );
    assert_eq!(d.managed_login_version, Some(1));
    assert!(d.version.is_some_and(|v| v.len() == 14));
    assert!(d.custom_domain_config.is_none());

    // A custom domain beside it, with managed login.
    let r = c
        .create_user_pool_domain()
        .user_pool_id(&pool)
        .domain("auth.example.com")
        .custom_domain_config(cert(1))
        .managed_login_version(2)
        .send()
        .await
        .unwrap();
    let cf = r.cloud_front_domain.unwrap();
    assert!(cf.ends_with(".cloudfront.net"), "{cf}");
    assert_eq!(r.managed_login_version, Some(2));
    let up = c.describe_user_pool().user_pool_id(&pool).send().await;
    let up = up.unwrap().user_pool.unwrap();
    assert_eq!(up.domain.as_deref(), Some("my-app-login"));
    assert_eq!(up.custom_domain.as_deref(), Some("auth.example.com"));

    // Update: the version and the certificate; the rest is kept.
    let r = c
        .update_user_pool_domain()
        .user_pool_id(&pool)
        .domain("auth.example.com")
        .custom_domain_config(cert(2))
        .send()
        .await
        .unwrap();
    assert_eq!(r.cloud_front_domain.as_deref(), Some(cf.as_str()));
    assert_eq!(r.managed_login_version, Some(2));
    let d = c
        .describe_user_pool_domain()
        .domain("auth.example.com")
        .send()
        .await;
    let d = d.unwrap().domain_description.unwrap();
    assert_eq!(d.custom_domain_config, Some(cert(2)));
    assert_eq!(d.cloud_front_distribution.as_deref(), Some(cf.as_str()));
    let r = c
        .update_user_pool_domain()
        .user_pool_id(&pool)
        .domain("my-app-login")
        .managed_login_version(2)
        .send()
        .await
        .unwrap();
    assert_eq!(r.managed_login_version, Some(2));
    assert_eq!(r.cloud_front_domain, None);

    // Delete, then describing it answers an empty description, no error.
    c.delete_user_pool_domain()
        .user_pool_id(&pool)
        .domain("my-app-login")
        .send()
        .await
        .unwrap();
    let d = c
        .describe_user_pool_domain()
        .domain("my-app-login")
        .send()
        .await;
    let d = d.unwrap().domain_description.unwrap();
    assert_eq!((d.domain, d.user_pool_id, d.status), (None, None, None));
    let target = "AWSCognitoIdentityProviderService.DescribeUserPoolDomain";
    let raw = s.raw(Some(target), r#"{"Domain":"never-created"}"#).await;
    assert_eq!(raw.status, 200);
    assert_eq!(raw.json, serde_json::json!({"DomainDescription": {}}));
    let up = c.describe_user_pool().user_pool_id(&pool).send().await;
    let up = up.unwrap().user_pool.unwrap();
    assert_eq!(up.domain, None);
    assert_eq!(up.custom_domain.as_deref(), Some("auth.example.com"));
}

async fn domain_rules(s: TestServer) {
    let c = s.client();
    let (p, q) = (new_pool(&c).await, new_pool(&c).await);
    let create = |pool: &str, domain: &str| {
        c.create_user_pool_domain()
            .user_pool_id(pool)
            .domain(domain)
    };
    create(&p, "taken-prefix").send().await.unwrap();
    // Unique across pools, and for the pool that holds it.
    for pool in [&q, &p] {
        let e = create(pool, "taken-prefix").send().await.unwrap_err();
        assert_eq!(code(&e), "InvalidParameterException");
        assert_eq!(
            message(&e),
            "Domain already associated with another user pool."
        );
    }
    // One prefix domain per pool.
    let e = create(&p, "second-prefix").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert_eq!(message(&e), "User pool already has a domain configured.");
    // Reserved words, anywhere in a prefix.
    let e = create(&q, "newcognito").send().await.unwrap_err();
    assert_eq!(message(&e), "Domain cannot contain reserved word: cognito");
    let e = create(&q, "aws-content").send().await.unwrap_err();
    assert_eq!(message(&e), "Domain cannot contain reserved word: aws");
    // A host name without CustomDomainConfig is a prefix, and invalid.
    let e = create(&q, "auth.example.org").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert!(message(&e).starts_with("The domain name contains an invalid character."));
    // The model's pattern still refuses upper case, before any rule.
    let e = create(&q, "Upper").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    // No such pool.
    let e = create("us-east-1_Nope00000", "free-one")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    // Update and delete need the domain's own pool.
    let e = c
        .delete_user_pool_domain()
        .user_pool_id(&q)
        .domain("taken-prefix")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e = c
        .update_user_pool_domain()
        .user_pool_id(&q)
        .domain("taken-prefix")
        .managed_login_version(2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e = c
        .delete_user_pool_domain()
        .user_pool_id("us-east-1_Nope00000")
        .domain("taken-prefix")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    let d = c
        .describe_user_pool_domain()
        .domain("taken-prefix")
        .send()
        .await;
    let d = d.unwrap().domain_description.unwrap();
    assert_eq!(d.user_pool_id.as_deref(), Some(p.as_str()));
}

async fn pool_deletion_and_domains(s: TestServer) {
    let c = s.client();
    let (p, q) = (new_pool(&c).await, new_pool(&c).await);
    c.create_user_pool_domain()
        .user_pool_id(&p)
        .domain("pool-bound")
        .send()
        .await
        .unwrap();
    // Cognito refuses to delete a pool that still has a domain.
    let e = c
        .delete_user_pool()
        .user_pool_id(&p)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert_eq!(
        message(&e),
        "User pool cannot be deleted. It has a domain configured that should be deleted first."
    );
    c.delete_user_pool_domain()
        .user_pool_id(&p)
        .domain("pool-bound")
        .send()
        .await
        .unwrap();
    c.delete_user_pool().user_pool_id(&p).send().await.unwrap();
    // The name is free for another pool.
    c.create_user_pool_domain()
        .user_pool_id(&q)
        .domain("pool-bound")
        .send()
        .await
        .unwrap();
    let d = c
        .describe_user_pool_domain()
        .domain("pool-bound")
        .send()
        .await;
    let d = d.unwrap().domain_description.unwrap();
    assert_eq!(d.user_pool_id.as_deref(), Some(q.as_str()));
}

async fn racing_pools_one_domain(s: TestServer) {
    let c = s.client();
    let mut pools = Vec::new();
    for _ in 0..6 {
        pools.push(new_pool(&c).await);
    }
    let tries = pools.iter().map(|p| {
        let c = c.clone();
        let p = p.clone();
        tokio::spawn(async move {
            c.create_user_pool_domain()
                .user_pool_id(&p)
                .domain("contested")
                .send()
                .await
                .map(|_| p)
                .map_err(|e| message(&e))
        })
    });
    let mut winners = Vec::new();
    for t in tries {
        match t.await.unwrap() {
            Ok(p) => winners.push(p),
            Err(m) => assert_eq!(m, "Domain already associated with another user pool."),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one pool wins");
    let d = c
        .describe_user_pool_domain()
        .domain("contested")
        .send()
        .await;
    let d = d.unwrap().domain_description.unwrap();
    assert_eq!(d.user_pool_id.as_ref(), winners.first());
}
