//! App clients and their secrets.

use kognit_core::store::StoreError;

use super::harness::Ctx;
use super::{client, named, pool, secret};

/// The Conflict, or a panic.
fn conflict<T: std::fmt::Debug>(r: Result<T, StoreError>) -> kognit_core::store::Conflict {
    match r {
        Err(StoreError::Conflict(name)) => name,
        other => panic!("expected Conflict, got {other:?}"),
    }
}

store_test!(insert_get_update_delete, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    let c = client("p", "c1");
    // Secrets inserted in any order come back oldest first.
    let secrets = [secret("p", "c1", "s2", 20), secret("p", "c1", "s1", 10)];
    s.insert_client(&c, &secrets).await.unwrap();
    assert_eq!(s.get_client("p", "c1").await.unwrap(), Some(c.clone()));
    assert_eq!(s.get_client("p", "nope").await.unwrap(), None);
    assert_eq!(s.get_client("other", "c1").await.unwrap(), None);
    let listed = s.list_client_secrets("p", "c1").await.unwrap();
    assert_eq!(listed, [secrets[1].clone(), secrets[0].clone()]);

    let mut v2 = c.clone();
    v2.name = "renamed".into();
    v2.version = 2;
    assert!(s.update_client(&v2).await.unwrap());
    assert!(
        !s.update_client(&v2).await.unwrap(),
        "stored is 2 now, not 1"
    );
    assert_eq!(s.get_client("p", "c1").await.unwrap(), Some(v2));

    assert!(s.delete_client_secret("p", "c1", "s1").await.unwrap());
    assert!(!s.delete_client_secret("p", "c1", "s1").await.unwrap());
    assert_eq!(
        s.list_client_secrets("p", "c1").await.unwrap(),
        [secrets[0].clone()]
    );

    assert!(s.delete_client("p", "c1").await.unwrap());
    assert!(!s.delete_client("p", "c1").await.unwrap());
    assert!(s.list_client_secrets("p", "c1").await.unwrap().is_empty());
    // The secrets went with the client: the same ids can be used again.
    s.insert_client(&c, &secrets).await.unwrap();
});

store_test!(list_pages_by_client_id, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p1")).await.unwrap();
    s.insert_pool(&pool("p2")).await.unwrap();
    for id in ["c3", "c1", "c5", "c2", "c4"] {
        s.insert_client(&client("p1", id), &[]).await.unwrap();
    }
    s.insert_client(&client("p2", "c0"), &[]).await.unwrap();
    let page = s.list_clients("p1", None, 2).await.unwrap();
    assert_eq!(page, [client("p1", "c1"), client("p1", "c2")]);
    let page = s.list_clients("p1", Some("c2"), 2).await.unwrap();
    assert_eq!(page, [client("p1", "c3"), client("p1", "c4")]);
    let page = s.list_clients("p1", Some("c4"), 2).await.unwrap();
    assert_eq!(page, [client("p1", "c5")]);
    assert!(
        s.list_clients("p1", Some("c5"), 2)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.list_clients("p2", None, 10).await.unwrap(),
        [client("p2", "c0")]
    );
    assert!(s.list_clients("p3", None, 10).await.unwrap().is_empty());
});

store_test!(conflicts_roll_back, |ctx: Ctx| async move {
    let s = &ctx.store;
    // No such pool: the foreign key refuses.
    let name = conflict(s.insert_client(&client("missing", "c"), &[]).await);
    assert_eq!(name, named("user_pool_clients_pool_id_fkey"));

    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_client(&client("p", "c"), &[]).await.unwrap();
    let name = conflict(s.insert_client(&client("p", "c"), &[]).await);
    assert_eq!(name, named("user_pool_clients_pkey"));

    // A failing secret undoes the whole insert, client included.
    let dup = [secret("p", "d", "s", 1), secret("p", "d", "s", 2)];
    let name = conflict(s.insert_client(&client("p", "d"), &dup).await);
    assert_eq!(name, named("client_secrets_pkey"));
    assert_eq!(s.get_client("p", "d").await.unwrap(), None);

    // A secret of some other (missing) client.
    let stray = [secret("p", "elsewhere", "s", 1)];
    let name = conflict(s.insert_client(&client("p", "e"), &stray).await);
    assert_eq!(name, named("client_secrets_client_fkey"));
    assert_eq!(s.get_client("p", "e").await.unwrap(), None);

    // add_client_secret with a taken id.
    assert!(
        s.add_client_secret(&secret("p", "c", "x", 1), 5)
            .await
            .unwrap()
    );
    let name = conflict(s.add_client_secret(&secret("p", "c", "x", 2), 5).await);
    assert_eq!(name, named("client_secrets_pkey"));
    assert_eq!(s.list_client_secrets("p", "c").await.unwrap().len(), 1);
});

store_test!(delete_pool_cascades, |ctx: Ctx| async move {
    let s = &ctx.store;
    for p in ["p", "keep"] {
        s.insert_pool(&pool(p)).await.unwrap();
        for c in ["c1", "c2"] {
            let secrets = [secret(p, c, "s1", 1), secret(p, c, "s2", 2)];
            s.insert_client(&client(p, c), &secrets).await.unwrap();
        }
    }
    assert!(s.delete_pool("p").await.unwrap());
    assert!(s.list_clients("p", None, 10).await.unwrap().is_empty());
    assert!(s.list_client_secrets("p", "c1").await.unwrap().is_empty());
    assert_eq!(s.list_clients("keep", None, 10).await.unwrap().len(), 2);
    assert_eq!(s.list_client_secrets("keep", "c2").await.unwrap().len(), 2);
    // Nothing orphaned: the same ids can be created again.
    s.insert_pool(&pool("p")).await.unwrap();
    let secrets = [secret("p", "c1", "s1", 1)];
    s.insert_client(&client("p", "c1"), &secrets).await.unwrap();
});

store_test!(
    secret_limit_holds_under_concurrency,
    |ctx: Ctx| async move {
        let s = ctx.store.clone();
        s.insert_pool(&pool("p")).await.unwrap();
        s.insert_client(&client("p", "c"), &[]).await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..8 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                s.add_client_secret(&secret("p", "c", &format!("s{i}"), i), 2)
                    .await
                    .unwrap()
            }));
        }
        let mut added = 0;
        for t in tasks {
            added += usize::from(t.await.unwrap());
        }
        assert_eq!(added, 2);
        assert_eq!(s.list_client_secrets("p", "c").await.unwrap().len(), 2);
        assert!(
            !s.add_client_secret(&secret("p", "c", "late", 9), 2)
                .await
                .unwrap()
        );
        // A missing client (or pool) is a plain false.
        assert!(
            !s.add_client_secret(&secret("p", "gone", "s", 1), 2)
                .await
                .unwrap()
        );
        assert!(
            !s.add_client_secret(&secret("gone", "c", "s", 1), 2)
                .await
                .unwrap()
        );
        // max 0 refuses even the first.
        s.insert_client(&client("p", "z"), &[]).await.unwrap();
        assert!(
            !s.add_client_secret(&secret("p", "z", "s", 1), 0)
                .await
                .unwrap()
        );
    }
);

store_test!(find_client_without_its_pool, |ctx: Ctx| async move {
    let s = &ctx.store;
    for p in ["p1", "p2"] {
        s.insert_pool(&pool(p)).await.unwrap();
    }
    s.insert_client(&client("p1", "c1"), &[]).await.unwrap();
    s.insert_client(&client("p2", "c2"), &[]).await.unwrap();
    assert_eq!(s.find_client("c2").await.unwrap(), Some(client("p2", "c2")));
    assert_eq!(s.find_client("c1").await.unwrap(), Some(client("p1", "c1")));
    assert_eq!(s.find_client("nope").await.unwrap(), None);
    assert!(s.delete_client("p2", "c2").await.unwrap());
    assert_eq!(s.find_client("c2").await.unwrap(), None);
});
