//! Signing keys: insert, list, rotation, clean-up, conflicts; and what a
//! pool's deletion takes with it.

use kognit_core::store::SigningKeyRecord;

use super::harness::Ctx;
use super::{conflict, named, pool, refresh, signing_key, user};
use crate::SqlStore;

/// The kids of a pool's keys with their retirement, in list order.
async fn kids(s: &SqlStore, pool_id: &str) -> Vec<(String, Option<i64>)> {
    let keys = s.list_signing_keys(pool_id).await.unwrap();
    keys.into_iter().map(|k| (k.kid, k.retired_ms)).collect()
}

/// `(kid, retired_ms)` pairs, for comparing with [`kids`].
fn want(pairs: &[(&str, Option<i64>)]) -> Vec<(String, Option<i64>)> {
    pairs.iter().map(|(k, r)| ((*k).to_owned(), *r)).collect()
}

store_test!(insert_list_retire_delete, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_pool(&pool("q")).await.unwrap();
    assert!(s.list_signing_keys("p").await.unwrap().is_empty());

    // Inserted out of order: the list is oldest first, ties broken by kid.
    let id1 = signing_key("p", "k-id-1", "id", 100);
    s.insert_signing_key(&signing_key("p", "k-acc-1", "access", 100))
        .await
        .unwrap();
    s.insert_signing_key(&signing_key("p", "k-id-2", "id", 200))
        .await
        .unwrap();
    s.insert_signing_key(&id1).await.unwrap();
    // A key inserted already retired keeps its time.
    let old = SigningKeyRecord {
        retired_ms: Some(40),
        ..signing_key("p", "k-id-0", "id", 10)
    };
    s.insert_signing_key(&old).await.unwrap();
    // Another pool's keys are its own, even under the same kid.
    s.insert_signing_key(&signing_key("q", "k-id-1", "id", 100))
        .await
        .unwrap();

    let listed = s.list_signing_keys("p").await.unwrap();
    assert_eq!(listed.len(), 4);
    assert_eq!(listed[0], old);
    assert_eq!(listed[2], id1); // every field, the binary one too
    assert_eq!(
        kids(s, "p").await,
        want(&[
            ("k-id-0", Some(40)),
            ("k-acc-1", None),
            ("k-id-1", None),
            ("k-id-2", None)
        ])
    );

    // Rotation of the id keys to k-id-2: only unretired id keys but the kept
    // one change; the access key and the other pool are untouched.
    s.retire_signing_keys("p", "id", "k-id-2", 300)
        .await
        .unwrap();
    let after = want(&[
        ("k-id-0", Some(40)),
        ("k-acc-1", None),
        ("k-id-1", Some(300)),
        ("k-id-2", None),
    ]);
    assert_eq!(kids(s, "p").await, after);
    assert_eq!(kids(s, "q").await, want(&[("k-id-1", None)]));
    // Again, later: nothing left to retire, and earlier times stay.
    s.retire_signing_keys("p", "id", "k-id-2", 400)
        .await
        .unwrap();
    assert_eq!(kids(s, "p").await, after);

    // Strictly before: a key retired at 300 survives a cut at 300.
    assert_eq!(s.delete_retired_keys("p", 40).await.unwrap(), 0);
    assert_eq!(s.delete_retired_keys("p", 300).await.unwrap(), 1);
    assert_eq!(s.delete_retired_keys("p", 301).await.unwrap(), 1);
    assert_eq!(s.delete_retired_keys("p", i64::MAX).await.unwrap(), 0);
    assert_eq!(
        kids(s, "p").await,
        want(&[("k-acc-1", None), ("k-id-2", None)])
    );
    assert_eq!(s.delete_retired_keys("q", i64::MAX).await.unwrap(), 0);
    assert_eq!(s.delete_retired_keys("missing", i64::MAX).await.unwrap(), 0);
});

store_test!(duplicate_kid_and_missing_pool, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_signing_key(&signing_key("p", "k", "id", 1))
        .await
        .unwrap();
    // Same kid, any other field: refused, and the first key stays.
    let again = s
        .insert_signing_key(&signing_key("p", "k", "access", 2))
        .await;
    assert_eq!(conflict(again), named("signing_keys_pkey"));
    assert_eq!(
        s.list_signing_keys("p").await.unwrap(),
        vec![signing_key("p", "k", "id", 1)]
    );
    let orphan = s
        .insert_signing_key(&signing_key("missing", "k", "id", 1))
        .await;
    assert_eq!(conflict(orphan), named("signing_keys_pool_id_fkey"));
    // token_use is `id` or `access`, nothing else.
    let odd = signing_key("p", "k2", "refresh", 1);
    assert!(s.insert_signing_key(&odd).await.is_err());
});

store_test!(pool_delete_cascades, |ctx: Ctx| async move {
    let s = &ctx.store;
    for p in ["p", "q"] {
        s.insert_pool(&pool(p)).await.unwrap();
        s.insert_user(&user(p, "a"), &[]).await.unwrap();
        s.insert_signing_key(&signing_key(p, "k", "id", 1))
            .await
            .unwrap();
        s.revoke_origin(p, "o", 10, 1).await.unwrap();
    }
    s.insert_refresh_token(&refresh("p", "a", "o", 1))
        .await
        .unwrap();
    s.insert_refresh_token(&refresh("q", "a", "o", 2))
        .await
        .unwrap();

    assert!(s.delete_pool("p").await.unwrap());
    assert!(s.list_signing_keys("p").await.unwrap().is_empty());
    let gone = refresh("p", "a", "o", 1).token_hash;
    assert_eq!(s.get_refresh_token(&gone).await.unwrap(), None);
    assert!(!s.is_origin_revoked("p", "o").await.unwrap());
    // The other pool keeps all of its own.
    assert_eq!(s.list_signing_keys("q").await.unwrap().len(), 1);
    let kept = refresh("q", "a", "o", 2);
    assert_eq!(
        s.get_refresh_token(&kept.token_hash).await.unwrap(),
        Some(kept)
    );
    assert!(s.is_origin_revoked("q", "o").await.unwrap());
    // A recreated pool starts clean.
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_signing_key(&signing_key("p", "k", "id", 1))
        .await
        .unwrap();
});
