//! Resource servers: insert, get, update, delete, list and page; the
//! identifier's uniqueness per pool, the per-pool limit; the cascade from
//! pools and reset.

use kognit_core::store::{Conflict, ResourceServerRecord};

use super::harness::Ctx;
use super::{conflict, named, pool};

/// A resource server whose scopes text holds non-ASCII.
fn server(pool_id: &str, identifier: &str) -> ResourceServerRecord {
    ResourceServerRecord {
        pool_id: pool_id.to_owned(),
        identifier: identifier.to_owned(),
        name: format!("name of {identifier}"),
        scopes: r#"[{"ScopeName":"read","ScopeDescription":"ünïcødé ✓"}]"#.into(),
        created_ms: 1_700_000_000_000,
        updated_ms: 1_700_000_000_000,
    }
}

/// The identifiers of some resource servers, in the order given.
fn ids(servers: &[ResourceServerRecord]) -> Vec<&str> {
    servers.iter().map(|r| r.identifier.as_str()).collect()
}

store_test!(crud_paging_and_cascade, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_pool(&pool("q")).await.unwrap();
    let api = server("p", "https://api.example.com/v1");
    assert!(s.insert_resource_server(&api, 10).await.unwrap());
    assert_eq!(
        s.get_resource_server("p", &api.identifier).await.unwrap(),
        Some(api.clone())
    );
    // Identifiers are unique per pool, compared bytewise.
    let again = server("p", &api.identifier);
    let dup = conflict(s.insert_resource_server(&again, 10).await);
    assert_eq!(dup, named("resource_servers_pkey"));
    assert_eq!(dup, Conflict::ResourceServer);
    let upper = server("p", "HTTPS://api.example.com/v1");
    assert!(s.insert_resource_server(&upper, 10).await.unwrap());
    let other_pool = server("q", &api.identifier);
    assert!(s.insert_resource_server(&other_pool, 10).await.unwrap());
    let orphan = s.insert_resource_server(&server("missing", "x"), 10).await;
    assert_eq!(conflict(orphan), Conflict::MissingPool);
    assert_eq!(s.get_resource_server("p", "nothing").await.unwrap(), None);

    // Update replaces name and scopes, keeps the creation time.
    let updated = s
        .update_resource_server("p", &api.identifier, "renamed", "[]", 5)
        .await
        .unwrap()
        .unwrap();
    let expected = ResourceServerRecord {
        name: "renamed".into(),
        scopes: "[]".into(),
        updated_ms: 5,
        ..api.clone()
    };
    assert_eq!(updated, expected);
    assert_eq!(
        s.get_resource_server("p", &api.identifier).await.unwrap(),
        Some(expected)
    );
    let none = s.update_resource_server("p", "nothing", "n", "[]", 5).await;
    assert_eq!(none.unwrap(), None);

    // Pages by identifier, bytewise, after the given key.
    for id in ["b", "a", "c"] {
        assert!(
            s.insert_resource_server(&server("p", id), 10)
                .await
                .unwrap()
        );
    }
    let all = s.list_resource_servers("p", None, 10).await.unwrap();
    let all_ids = [
        "HTTPS://api.example.com/v1",
        "a",
        "b",
        "c",
        "https://api.example.com/v1",
    ];
    assert_eq!(ids(&all), all_ids);
    let first = s.list_resource_servers("p", None, 2).await.unwrap();
    assert_eq!(ids(&first), &all_ids[..2]);
    let rest = s.list_resource_servers("p", Some("a"), 10).await.unwrap();
    assert_eq!(ids(&rest), &all_ids[2..]);
    assert_eq!(
        ids(&s.list_resource_servers("q", None, 10).await.unwrap()),
        [&api.identifier]
    );

    // Delete says whether there was one.
    assert!(s.delete_resource_server("p", "a").await.unwrap());
    assert!(!s.delete_resource_server("p", "a").await.unwrap());
    assert_eq!(s.get_resource_server("p", "a").await.unwrap(), None);

    // Deleting a pool takes its resource servers, and only its own.
    assert!(s.delete_pool("p").await.unwrap());
    assert!(
        s.list_resource_servers("p", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.list_resource_servers("q", None, 10).await.unwrap().len(),
        1
    );
    // So does the developer reset.
    s.reset().await.unwrap();
    assert!(
        s.list_resource_servers("q", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
});

store_test!(per_pool_limit, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    assert!(
        s.insert_resource_server(&server("p", "a"), 2)
            .await
            .unwrap()
    );
    assert!(
        s.insert_resource_server(&server("p", "b"), 2)
            .await
            .unwrap()
    );
    assert!(
        !s.insert_resource_server(&server("p", "c"), 2)
            .await
            .unwrap()
    );
    assert_eq!(s.get_resource_server("p", "c").await.unwrap(), None);
    // A freed place can be taken again.
    assert!(s.delete_resource_server("p", "a").await.unwrap());
    assert!(
        s.insert_resource_server(&server("p", "c"), 2)
            .await
            .unwrap()
    );
});
