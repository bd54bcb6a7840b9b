//! Revocation under concurrent writers, from two stores on one database (as
//! two kognit processes would be).

use std::sync::Arc;

use kognit_core::store::StoreResult;
use tokio::sync::Barrier;

use super::harness::Ctx;
use super::{pool, refresh, user};
use crate::SqlStore;

/// Runs `f(store, i)` for i in 0..16 at once (released together by a
/// barrier), alternating between `a` and a second store opened on `url`,
/// and returns the results in order of i.
async fn sixteen<F, Fut, T>(a: &Arc<SqlStore>, url: &str, f: F) -> Vec<StoreResult<T>>
where
    F: Fn(Arc<SqlStore>, i64) -> Fut,
    Fut: Future<Output = StoreResult<T>> + Send + 'static,
    T: Send + 'static,
{
    let b = Arc::new(SqlStore::open(url).await.unwrap());
    let barrier = Arc::new(Barrier::new(16));
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let s = if i % 2 == 0 { a.clone() } else { b.clone() };
            let work = f(s, i);
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
    b.close().await;
    out
}

store_test!(one_rotation_wins, |ctx: Ctx| async move {
    let s = ctx.store.clone();
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    let t = refresh("p", "a", "o1", 1);
    s.insert_refresh_token(&t).await.unwrap();
    let hash = t.token_hash.clone();
    let results = sixteen(&s, &ctx.url, move |s, i| {
        let hash = hash.clone();
        async move { s.revoke_refresh_token(&hash, 1_000 + i).await }
    })
    .await;
    let winners: Vec<i64> = (0..16)
        .zip(results)
        .filter_map(|(i, r)| r.unwrap().then_some(i))
        .collect();
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    // The stored time is the winner's: no loser overwrote it.
    let stored = s.get_refresh_token(&t.token_hash).await.unwrap().unwrap();
    assert_eq!(stored.revoked_ms, Some(1_000 + winners[0]));
});

store_test!(revocations_of_one_session_race, |ctx: Ctx| async move {
    // Session revocation, global sign-out and single rotations over the same
    // rows at once: every call succeeds (no deadlock on PostgreSQL), each
    // token is revoked once, and the latest expiry is the one kept.
    let s = ctx.store.clone();
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    for n in 0..8 {
        s.insert_refresh_token(&refresh("p", "a", "o1", n))
            .await
            .unwrap();
    }
    let results = sixteen(&s, &ctx.url, |s, i| async move {
        match i % 3 {
            0 => s.revoke_origin("p", "o1", 5_000 + i, i).await.map(|()| 0),
            1 => s.revoke_user_refresh_tokens("p", "a", 4_000 + i, i).await,
            _ => {
                let hash = refresh("", "", "", u8::try_from(i % 8).unwrap()).token_hash;
                s.revoke_refresh_token(&hash, i).await.map(u64::from)
            }
        }
    })
    .await;
    for (i, r) in results.into_iter().enumerate() {
        r.unwrap_or_else(|e| panic!("call {i}: {e}"));
    }
    for n in 0..8 {
        let hash = refresh("", "", "", n).token_hash;
        let t = s.get_refresh_token(&hash).await.unwrap().unwrap();
        assert!(t.revoked_ms.is_some(), "token {n}");
    }
    assert!(s.is_origin_revoked("p", "o1").await.unwrap());
    let expiry: i64 = sqlx::query_scalar(
        "SELECT expires_ms FROM revoked_origins WHERE pool_id = 'p' AND origin_jti = 'o1'",
    )
    .fetch_one(&s.db.read)
    .await
    .unwrap();
    assert_eq!(expiry, 5_015);
});
