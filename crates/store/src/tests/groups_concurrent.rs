//! The group limits under concurrent writers: counted and written under a
//! lock of the parent row, so racing additions never overshoot.

use std::sync::Arc;

use tokio::sync::Barrier;

use super::groups::group;
use super::harness::Ctx;
use super::{pool, user};
use crate::SqlStore;

store_test!(limits_hold_under_concurrency, |ctx: Ctx| async move {
    let s: Arc<SqlStore> = ctx.store.clone();
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    // Twelve writers, released together, race for five places: for groups
    // in a pool, then for memberships of a user.
    let barrier = Arc::new(Barrier::new(12));
    let creates: Vec<_> = (0..12)
        .map(|i| {
            let (s, barrier) = (s.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                s.insert_group(&group("p", &format!("g{i:02}"), None), 5)
                    .await
            })
        })
        .collect();
    let mut created = 0;
    for t in creates {
        created += usize::from(t.await.unwrap().unwrap());
    }
    assert_eq!(created, 5);
    assert_eq!(s.list_groups("p", None, 60).await.unwrap().len(), 5);
    for i in 5..12 {
        // Room for the memberships race: twelve groups in all.
        s.insert_group(&group("p", &format!("h{i:02}"), None), 100)
            .await
            .unwrap();
    }
    let all = s.list_groups("p", None, 60).await.unwrap();
    let adds: Vec<_> = all
        .iter()
        .map(|g| {
            let (s, barrier) = (s.clone(), barrier.clone());
            let name = g.group_name.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                s.add_member("p", &name, "a", 5).await
            })
        })
        .collect();
    let mut added = 0;
    for t in adds {
        added += usize::from(t.await.unwrap().unwrap());
    }
    assert_eq!(added, 5);
    assert_eq!(
        s.list_user_groups("p", "a", None, 60).await.unwrap().len(),
        5
    );
});
