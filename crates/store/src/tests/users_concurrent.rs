//! Uniqueness of usernames and aliases under concurrent writers.

use std::sync::Arc;

use kognit_core::store::{Conflict, StoreResult, UserRecord};
use tokio::sync::Barrier;

use super::harness::Ctx;
use super::{alias, conflict, named, pool, user};
use crate::SqlStore;

/// Runs `f(i)` for i in 0..16 at once (released together by a barrier) and
/// returns the results in order of i.
async fn sixteen<F, Fut, T>(s: &Arc<SqlStore>, f: F) -> Vec<StoreResult<T>>
where
    F: Fn(Arc<SqlStore>, usize) -> Fut,
    Fut: Future<Output = StoreResult<T>> + Send + 'static,
    T: Send + 'static,
{
    let barrier = Arc::new(Barrier::new(16));
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let work = f(s.clone(), i);
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                work.await
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Asserts exactly one Ok, every other result Conflict(`name`), and
/// returns the index of the winner.
fn one_winner<T: std::fmt::Debug>(results: Vec<StoreResult<T>>, name: Conflict) -> usize {
    let mut winner = None;
    for (i, r) in results.into_iter().enumerate() {
        if r.is_ok() {
            assert_eq!(winner, None, "two winners: {winner:?} and {i}");
            winner = Some(i);
        } else {
            assert_eq!(conflict(r), name.clone());
        }
    }
    winner.expect("no winner")
}

store_test!(one_username_one_winner, |ctx: Ctx| async move {
    let s = ctx.store.clone();
    s.insert_pool(&pool("p")).await.unwrap();
    // Same key, distinct subs and aliases: only the key can collide.
    let results = sixteen(&s, |s, i| async move {
        let u = UserRecord {
            sub: format!("sub-{i}"),
            ..user("p", "same")
        };
        s.insert_user(&u, &[alias("email", &format!("{i}@x"))])
            .await
    })
    .await;
    let winner = one_winner(results, named("users_pkey"));
    let stored = s.get_user("p", "same").await.unwrap().unwrap();
    assert_eq!(stored.sub, format!("sub-{winner}"));
    assert_eq!(s.count_users("p").await.unwrap(), 1);
    // The losers' aliases were rolled back with them.
    for i in 0..16 {
        let held = s
            .get_user_by_alias("p", "email", &format!("{i}@x"))
            .await
            .unwrap();
        assert_eq!(held.is_some(), i == winner, "alias of {i}");
    }
});

store_test!(one_alias_one_holder_on_insert, |ctx: Ctx| async move {
    let s = ctx.store.clone();
    s.insert_pool(&pool("p")).await.unwrap();
    let results = sixteen(&s, |s, i| async move {
        let aliases = [
            alias("preferred_username", &format!("own{i}")),
            alias("email", "shared@x"),
        ];
        s.insert_user(&user("p", &format!("u{i:02}")), &aliases)
            .await
    })
    .await;
    let winner = one_winner(results, named("user_aliases_pkey"));
    let holder = s.get_user_by_alias("p", "email", "shared@x").await.unwrap();
    assert_eq!(holder.unwrap().username_key, format!("u{winner:02}"));
    // Losing users were not created at all.
    assert_eq!(s.count_users("p").await.unwrap(), 1);
});

store_test!(one_alias_one_holder_on_update, |ctx: Ctx| async move {
    let s = ctx.store.clone();
    s.insert_pool(&pool("p")).await.unwrap();
    for i in 0..16 {
        let aliases = [alias("email", &format!("{i}@x"))];
        s.insert_user(&user("p", &format!("u{i:02}")), &aliases)
            .await
            .unwrap();
    }
    // Each user tries to swap its own email for the shared one.
    let results = sixteen(&s, |s, i| async move {
        let before = user("p", &format!("u{i:02}"));
        let u = UserRecord {
            status: "CHANGED".into(),
            version: 2,
            ..before.clone()
        };
        s.update_user(&before, &u, Some(&[alias("email", "shared@x")]))
            .await
    })
    .await;
    let mut winner = None;
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(true) => {
                assert_eq!(winner, None);
                winner = Some(i);
            }
            other => assert_eq!(conflict(other), named("user_aliases_pkey")),
        }
    }
    let winner = winner.expect("no winner");
    let holder = s.get_user_by_alias("p", "email", "shared@x").await.unwrap();
    assert_eq!(holder.unwrap().username_key, format!("u{winner:02}"));
    // Every loser kept its row and its own alias.
    for i in (0..16).filter(|i| *i != winner) {
        let key = format!("u{i:02}");
        let u = s.get_user("p", &key).await.unwrap().unwrap();
        assert_eq!((u.version, u.status.as_str()), (1, "CONFIRMED"));
        let own = s
            .get_user_by_alias("p", "email", &format!("{i}@x"))
            .await
            .unwrap();
        assert_eq!(own.unwrap().username_key, key);
    }
});

store_test!(
    concurrent_updates_each_land_or_fail_alone,
    |ctx: Ctx| async move {
        // Sixteen writes at once (on SQLite, committed together by the lane's
        // writer): even i updates its own user, odd i writes on a stale version
        // and must change nothing, i = 14 would take an alias user 1 holds
        // and must fail whole (a write of several statements), and i = 12
        // would take user 3's sub (one statement, which fails by itself).
        // Each outcome is its own; the others of its batch still land.
        let s = ctx.store.clone();
        s.insert_pool(&pool("p")).await.unwrap();
        for i in 0..16 {
            let u = user("p", &format!("u{i}"));
            s.insert_user(&u, &[alias("email", &format!("u{i}@x"))])
                .await
                .unwrap();
        }
        let results = sixteen(&s, |s, i| async move {
            let before = s.get_user("p", &format!("u{i}")).await?.unwrap();
            let mut after = before.clone();
            after.name = Some(format!("renamed {i}"));
            after.version += 1;
            if i == 12 {
                after.sub = s.get_user("p", "u3").await?.unwrap().sub;
            }
            let mut read = before.clone();
            if i % 2 == 1 {
                read.version -= 1; // stale
            }
            let aliases = (i == 14).then(|| vec![alias("email", "u1@x")]);
            s.update_user(&read, &after, aliases.as_deref()).await
        })
        .await;
        for (i, r) in results.into_iter().enumerate() {
            let stored = s.get_user("p", &format!("u{i}")).await.unwrap().unwrap();
            match (i, r) {
                (14, r) => {
                    assert_eq!(conflict(r), named("user_aliases_pkey"));
                    assert_eq!(stored.name.as_deref(), Some("ünïcødé ✓"), "u14 unchanged");
                    assert_eq!(stored.version, 1);
                }
                (12, r) => {
                    assert_eq!(conflict(r), named("users_sub_key"));
                    assert_eq!(stored.name.as_deref(), Some("ünïcødé ✓"), "u12 unchanged");
                    assert_eq!(stored.version, 1);
                }
                (i, r) if i % 2 == 1 => {
                    assert!(!r.unwrap(), "stale write of u{i} refused");
                    assert_eq!(stored.version, 1);
                }
                (i, r) => {
                    assert!(r.unwrap(), "u{i} updated");
                    assert_eq!(stored.name, Some(format!("renamed {i}")));
                    assert_eq!(stored.version, 2);
                }
            }
        }
        // u14's own alias survived its failed replacement.
        let holder = s.get_user_by_alias("p", "email", "u14@x").await.unwrap();
        assert_eq!(holder.unwrap().username_key, "u14");
    }
);

store_test!(lane_and_sqlx_writers_take_turns, |ctx: Ctx| async move {
    // On SQLite, user updates go through the lane's writer and group
    // memberships through sqlx's (a transaction that counts, then inserts).
    // Interleaved from 16 tasks, every write lands, none fails on the
    // other's lock and neither waits for the other forever: the lane holds
    // the sqlx writer while it writes.
    let s = ctx.store.clone();
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_group(&crate::tests::groups::group("p", "g", None), 100)
        .await
        .unwrap();
    for i in 0..16 {
        s.insert_user(&user("p", &format!("u{i}")), &[])
            .await
            .unwrap();
    }
    let results = sixteen(&s, |s, i| async move {
        let key = format!("u{i}");
        for round in 0..10 {
            let before = s.get_user("p", &key).await?.unwrap();
            let mut after = before.clone();
            after.name = Some(format!("round {round}"));
            after.version += 1;
            assert!(s.update_user(&before, &after, None).await?);
            if round == 5 {
                assert!(s.add_member("p", "g", &key, 100).await?);
            }
        }
        Ok(())
    })
    .await;
    for r in results {
        r.unwrap();
    }
    let members = s.list_group_members("p", "g", None, 60).await.unwrap();
    assert_eq!(members.len(), 16);
    for i in 0..16 {
        let u = s.get_user("p", &format!("u{i}")).await.unwrap().unwrap();
        assert_eq!((u.name.as_deref(), u.version), (Some("round 9"), 11));
    }
});
