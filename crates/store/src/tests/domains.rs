//! User-pool domains: insert, get, list by pool, update, delete; a domain
//! unique across pools, one domain of each kind per pool, a missing pool,
//! the cascade from pools and reset.

use kognit_core::store::DomainRecord;

use super::harness::Ctx;
use super::{conflict, named, pool};

/// A domain record of pool `pool_id`.
fn domain(pool_id: &str, name: &str, custom: bool) -> DomainRecord {
    DomainRecord {
        domain: name.to_owned(),
        pool_id: pool_id.to_owned(),
        custom,
        config: format!(r#"{{"version":"ünïcødé {name}"}}"#),
        created_ms: 1_700_000_000_000,
        updated_ms: 1_700_000_000_000,
    }
}

store_test!(domains_crud_uniqueness_and_cascade, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_pool(&pool("q")).await.unwrap();
    let prefix = domain("p", "my-prefix", false);
    let custom = domain("p", "auth.example.com", true);
    s.insert_domain(&custom).await.unwrap();
    s.insert_domain(&prefix).await.unwrap();
    assert_eq!(
        s.get_domain("my-prefix").await.unwrap(),
        Some(prefix.clone())
    );
    assert_eq!(s.get_domain("nope").await.unwrap(), None);
    // Prefix first.
    assert_eq!(
        s.list_pool_domains("p").await.unwrap(),
        vec![prefix.clone(), custom.clone()]
    );
    // A domain is unique across pools, and per pool one of each kind.
    let taken = s.insert_domain(&domain("q", "my-prefix", false)).await;
    assert_eq!(conflict(taken), named("user_pool_domains_pkey"));
    let second = s.insert_domain(&domain("p", "other", false)).await;
    assert_eq!(conflict(second), named("user_pool_domains_pool_kind_key"));
    let orphan = s.insert_domain(&domain("gone", "free", false)).await;
    assert_eq!(conflict(orphan), named("user_pool_domains_pool_id_fkey"));

    // Update and delete only through the owning pool.
    let changed = DomainRecord {
        config: r#"{"version":"2"}"#.into(),
        updated_ms: 1_700_000_000_001,
        ..prefix.clone()
    };
    assert!(s.update_domain(&changed).await.unwrap());
    assert_eq!(
        s.get_domain("my-prefix").await.unwrap(),
        Some(changed.clone())
    );
    let foreign = DomainRecord {
        pool_id: "q".into(),
        ..changed.clone()
    };
    assert!(!s.update_domain(&foreign).await.unwrap());
    assert!(!s.delete_domain("q", "my-prefix").await.unwrap());
    assert!(s.delete_domain("p", "my-prefix").await.unwrap());
    assert!(!s.delete_domain("p", "my-prefix").await.unwrap());
    // Freed: another pool takes it.
    s.insert_domain(&domain("q", "my-prefix", false))
        .await
        .unwrap();

    // Deleting a pool frees its domains; reset clears them all.
    assert!(s.delete_pool("p").await.unwrap());
    assert_eq!(s.get_domain("auth.example.com").await.unwrap(), None);
    s.insert_domain(&domain("q", "auth.example.com", true))
        .await
        .unwrap();
    s.reset().await.unwrap();
    assert_eq!(s.get_domain("my-prefix").await.unwrap(), None);
});
