//! User pools: CRUD, paging, conflicts, concurrency.

use kognit_core::store::StoreError;

use super::harness::Ctx;
use super::{named, pool};

store_test!(insert_get_update_delete, |ctx: Ctx| async move {
    let s = &ctx.store;
    let p = pool("us-east-1_aaaaaaaaa");
    s.insert_pool(&p).await.unwrap();
    assert_eq!(s.get_pool(&p.id).await.unwrap(), Some(p.clone()));
    assert_eq!(s.get_pool("us-east-1_missing").await.unwrap(), None);

    let mut v2 = p.clone();
    v2.name = "renamed".into();
    v2.config = r#"{"changed":true}"#.into();
    v2.version = 2;
    assert!(s.update_pool(&v2).await.unwrap());
    assert_eq!(s.get_pool(&p.id).await.unwrap(), Some(v2.clone()));

    // A writer that still holds version 1 loses: stored is 2, not 2 - 1.
    let mut stale = p.clone();
    stale.version = 2;
    stale.name = "stale".into();
    assert!(!s.update_pool(&stale).await.unwrap());
    // Skipping a version is refused too.
    let mut skip = v2.clone();
    skip.version = 4;
    assert!(!s.update_pool(&skip).await.unwrap());
    assert_eq!(s.get_pool(&p.id).await.unwrap(), Some(v2.clone()));
    // Updating a pool that does not exist changes nothing.
    let mut ghost = pool("us-east-1_ghost");
    ghost.version = 2;
    assert!(!s.update_pool(&ghost).await.unwrap());
    assert_eq!(s.get_pool(&ghost.id).await.unwrap(), None);

    assert!(s.delete_pool(&p.id).await.unwrap());
    assert!(!s.delete_pool(&p.id).await.unwrap());
    assert_eq!(s.get_pool(&p.id).await.unwrap(), None);
});

store_test!(duplicate_id_is_conflict, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("eu-west-1_dup")).await.unwrap();
    let mut other = pool("eu-west-1_dup");
    other.name = "other".into();
    match s.insert_pool(&other).await {
        Err(StoreError::Conflict(name)) => assert_eq!(name, named("user_pools_pkey")),
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert_eq!(
        s.get_pool("eu-west-1_dup").await.unwrap().unwrap().name,
        "name of eu-west-1_dup"
    );
});

store_test!(list_pages_by_id, |ctx: Ctx| async move {
    let s = &ctx.store;
    assert!(s.list_pools(None, 10).await.unwrap().is_empty());
    // Inserted out of order, with mixed case: ids sort bytewise on both
    // engines ("B" < "a"), whatever PostgreSQL's locale.
    let ids = ["r_c", "r_a", "r_B", "r_e", "r_d", "r_b"];
    for id in ids {
        s.insert_pool(&pool(id)).await.unwrap();
    }
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    assert_eq!(sorted, ["r_B", "r_a", "r_b", "r_c", "r_d", "r_e"]);

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = s.list_pools(after.as_deref(), 4).await.unwrap();
        assert!(page.len() <= 4);
        if page.is_empty() {
            break;
        }
        after = page.last().map(|p| p.id.clone());
        seen.extend(page.into_iter().map(|p| p.id));
    }
    assert_eq!(seen, sorted);
    assert_eq!(s.list_pools(None, 2).await.unwrap().len(), 2);
    assert_eq!(s.list_pools(Some("r_d"), 10).await.unwrap()[0], pool("r_e"));
    assert!(s.list_pools(None, 0).await.unwrap().is_empty());
    assert!(s.list_pools(Some("zzz"), 10).await.unwrap().is_empty());
});

store_test!(racing_updates_one_wins, |ctx: Ctx| async move {
    let s = ctx.store.clone();
    s.insert_pool(&pool("race")).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut p = pool("race");
            p.name = format!("writer {i}");
            p.version = 2;
            s.update_pool(&p).await.unwrap()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        wins += usize::from(t.await.unwrap());
    }
    assert_eq!(wins, 1);
    assert_eq!(s.get_pool("race").await.unwrap().unwrap().version, 2);
});

store_test!(concurrent_writers_do_not_fail, |ctx: Ctx| async move {
    // Many writers at once, reading as they go: no "database is locked".
    let s = ctx.store.clone();
    let mut tasks = Vec::new();
    for i in 0..32 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut p = pool(&format!("w_{i:02}"));
            s.insert_pool(&p).await.unwrap();
            p.version = 2;
            assert!(s.update_pool(&p).await.unwrap());
            assert_eq!(s.get_pool(&p.id).await.unwrap().unwrap().version, 2);
            s.list_pools(None, 5).await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(s.list_pools(None, 100).await.unwrap().len(), 32);
});
