//! Refresh tokens and revoked origins: insert, get, revoke (one token, a
//! session, a user), cascades from users, reset.

use kognit_core::store::RefreshTokenRecord;

use super::harness::Ctx;
use super::{conflict, named, pool, refresh, signing_key, user};
use crate::SqlStore;

/// The stored `revoked_ms` of the token `refresh(.., n)`; panics if gone.
async fn revoked(s: &SqlStore, n: u8) -> Option<i64> {
    let hash = refresh("", "", "", n).token_hash;
    let t = s.get_refresh_token(&hash).await.unwrap();
    t.expect("token gone").revoked_ms
}

/// The stored expiry of a revoked origin, read directly (the trait only
/// answers yes or no).
async fn origin_expiry(s: &SqlStore, pool_id: &str, origin_jti: &str) -> Option<i64> {
    sqlx::query_scalar(
        "SELECT expires_ms FROM revoked_origins WHERE pool_id = $1 AND origin_jti = $2",
    )
    .bind(pool_id)
    .bind(origin_jti)
    .fetch_optional(&s.db.read)
    .await
    .unwrap()
}

/// Rows in `table`.
async fn rows(s: &SqlStore, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(&s.db.read)
        .await
        .unwrap()
}

store_test!(insert_get_revoke, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    let t = RefreshTokenRecord {
        device_key: Some("us-east-1_dev-ünï".into()),
        scope: Some("openid email https://api.example.com/read".into()),
        ..refresh("p", "a", "o1", 1)
    };
    assert_eq!(s.get_refresh_token(&t.token_hash).await.unwrap(), None);
    s.insert_refresh_token(&t).await.unwrap();
    assert_eq!(
        s.get_refresh_token(&t.token_hash).await.unwrap(),
        Some(t.clone())
    );
    // Hashes differing in the last byte only are different tokens.
    let other = refresh("p", "a", "o1", 2);
    assert_eq!(s.get_refresh_token(&other.token_hash).await.unwrap(), None);

    let dup = s.insert_refresh_token(&refresh("p", "a", "o9", 1)).await;
    assert_eq!(conflict(dup), named("refresh_tokens_pkey"));
    let orphan = s
        .insert_refresh_token(&refresh("p", "nobody", "o1", 3))
        .await;
    assert_eq!(conflict(orphan), named("refresh_tokens_user_fkey"));

    assert!(s.revoke_refresh_token(&t.token_hash, 500).await.unwrap());
    // The second revocation changes nothing, not even the time.
    assert!(!s.revoke_refresh_token(&t.token_hash, 600).await.unwrap());
    let stored = s.get_refresh_token(&t.token_hash).await.unwrap();
    assert_eq!(
        stored,
        Some(RefreshTokenRecord {
            revoked_ms: Some(500),
            ..t.clone()
        })
    );
    assert!(!s.revoke_refresh_token(&[7; 32], 600).await.unwrap());
    assert!(!s.revoke_refresh_token(&[], 600).await.unwrap());
});

store_test!(revoke_origin_ends_one_session, |ctx: Ctx| async move {
    let s = &ctx.store;
    for p in ["p", "q"] {
        s.insert_pool(&pool(p)).await.unwrap();
        s.insert_user(&user(p, "a"), &[]).await.unwrap();
    }
    // Session o1 of a: two tokens, the first already rotated away at 50.
    s.insert_refresh_token(&RefreshTokenRecord {
        revoked_ms: Some(50),
        ..refresh("p", "a", "o1", 1)
    })
    .await
    .unwrap();
    s.insert_refresh_token(&refresh("p", "a", "o1", 2))
        .await
        .unwrap();
    // Another session of a, and the same origin id in another pool.
    s.insert_refresh_token(&refresh("p", "a", "o2", 3))
        .await
        .unwrap();
    s.insert_refresh_token(&refresh("q", "a", "o1", 4))
        .await
        .unwrap();
    assert!(!s.is_origin_revoked("p", "o1").await.unwrap());

    s.revoke_origin("p", "o1", 9_000, 100).await.unwrap();
    assert_eq!(revoked(s, 1).await, Some(50));
    assert_eq!(revoked(s, 2).await, Some(100));
    assert_eq!(revoked(s, 3).await, None);
    assert_eq!(revoked(s, 4).await, None);
    assert!(s.is_origin_revoked("p", "o1").await.unwrap());
    assert!(!s.is_origin_revoked("p", "o2").await.unwrap());
    assert!(!s.is_origin_revoked("q", "o1").await.unwrap());
    assert_eq!(origin_expiry(s, "p", "o1").await, Some(9_000));

    // Revoking again keeps the later expiry and the first revocation time.
    s.revoke_origin("p", "o1", 8_000, 200).await.unwrap();
    assert_eq!(origin_expiry(s, "p", "o1").await, Some(9_000));
    s.revoke_origin("p", "o1", 9_500, 300).await.unwrap();
    assert_eq!(origin_expiry(s, "p", "o1").await, Some(9_500));
    assert_eq!(revoked(s, 2).await, Some(100));

    // An origin without refresh tokens (they were never issued or are
    // gone) is still recorded: its access and ID tokens must be refused.
    s.revoke_origin("p", "o3", 1, 1).await.unwrap();
    assert!(s.is_origin_revoked("p", "o3").await.unwrap());
    // A missing pool is refused, naming the foreign key, and records nothing.
    let orphan = s.revoke_origin("missing", "o1", 1, 1).await;
    assert_eq!(conflict(orphan), named("revoked_origins_pool_id_fkey"));
    assert!(!s.is_origin_revoked("missing", "o1").await.unwrap());
});

store_test!(revoke_user_counts, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    s.insert_user(&user("p", "b"), &[]).await.unwrap();
    for (n, origin) in [(1, "o1"), (2, "o1"), (3, "o2")] {
        s.insert_refresh_token(&refresh("p", "a", origin, n))
            .await
            .unwrap();
    }
    s.insert_refresh_token(&refresh("p", "b", "o3", 4))
        .await
        .unwrap();
    assert!(
        s.revoke_refresh_token(&refresh("", "", "", 1).token_hash, 10)
            .await
            .unwrap()
    );

    // Counts only what this call revoked.
    assert_eq!(
        s.revoke_user_refresh_tokens("p", "a", 1_000_000, 20)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        s.revoke_user_refresh_tokens("p", "a", 1_000_000, 30)
            .await
            .unwrap(),
        0
    );
    // Every session of the user is revoked; another user's is not.
    assert!(s.is_origin_revoked("p", "o1").await.unwrap());
    assert!(s.is_origin_revoked("p", "o2").await.unwrap());
    assert!(!s.is_origin_revoked("p", "o3").await.unwrap());
    assert_eq!(
        [
            revoked(s, 1).await,
            revoked(s, 2).await,
            revoked(s, 3).await
        ],
        [Some(10), Some(20), Some(20)]
    );
    assert_eq!(revoked(s, 4).await, None);
    let none = s
        .revoke_user_refresh_tokens("p", "nobody", 1_000_000, 1)
        .await;
    assert_eq!(none.unwrap(), 0);
    assert_eq!(
        s.revoke_user_refresh_tokens("q", "b", 1_000_000, 1)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        s.revoke_user_refresh_tokens("p", "b", 1_000_000, 40)
            .await
            .unwrap(),
        1
    );
});

store_test!(delete_user_ends_its_sessions, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    s.insert_user(&user("p", "b"), &[]).await.unwrap();
    s.insert_refresh_token(&refresh("p", "a", "o1", 1))
        .await
        .unwrap();
    s.insert_refresh_token(&refresh("p", "a", "o2", 2))
        .await
        .unwrap();
    s.insert_refresh_token(&refresh("p", "b", "o3", 3))
        .await
        .unwrap();
    assert!(s.delete_user("p", "a").await.unwrap());
    for n in [1, 2] {
        let hash = refresh("", "", "", n).token_hash;
        assert_eq!(s.get_refresh_token(&hash).await.unwrap(), None, "{n}");
    }
    assert_eq!(revoked(s, 3).await, None);
    // A user recreated under the same name has no sessions of the old one.
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    assert_eq!(
        s.revoke_user_refresh_tokens("p", "a", 1_000_000, 1)
            .await
            .unwrap(),
        0
    );
});

store_test!(reset_clears_keys_and_tokens, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    s.insert_signing_key(&signing_key("p", "k", "id", 1))
        .await
        .unwrap();
    s.insert_refresh_token(&refresh("p", "a", "o1", 1))
        .await
        .unwrap();
    s.revoke_origin("p", "o2", 10, 1).await.unwrap();
    s.reset().await.unwrap();
    for table in ["signing_keys", "refresh_tokens", "revoked_origins"] {
        assert_eq!(rows(s, table).await, 0, "{table}");
    }
    assert!(!s.is_origin_revoked("p", "o2").await.unwrap());
    // Everything can be made again under the same names.
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    s.insert_signing_key(&signing_key("p", "k", "id", 1))
        .await
        .unwrap();
    s.insert_refresh_token(&refresh("p", "a", "o1", 1))
        .await
        .unwrap();
    s.revoke_origin("p", "o2", 10, 1).await.unwrap();
    assert!(s.is_origin_revoked("p", "o2").await.unwrap());
});

store_test!(user_by_sub_with_its_session_state, |ctx: Ctx| async move {
    let s = &ctx.store;
    for p in ["p", "q"] {
        s.insert_pool(&pool(p)).await.unwrap();
        s.insert_user(&user(p, "a"), &[]).await.unwrap();
    }
    let a = user("p", "a");
    let live = s
        .get_user_by_sub_for_origin("p", &a.sub, "o1")
        .await
        .unwrap();
    assert_eq!(live, Some((a.clone(), false)));
    // Revoked in another pool only: still live here.
    s.revoke_origin("q", "o1", 10_000, 1).await.unwrap();
    let (_, revoked) = s
        .get_user_by_sub_for_origin("p", &a.sub, "o1")
        .await
        .unwrap()
        .unwrap();
    assert!(!revoked);
    s.revoke_origin("p", "o1", 10_000, 1).await.unwrap();
    assert_eq!(
        s.get_user_by_sub_for_origin("p", &a.sub, "o1")
            .await
            .unwrap(),
        Some((a.clone(), true))
    );
    // Another session of the same user is unaffected; no such user is None.
    let (_, other) = s
        .get_user_by_sub_for_origin("p", &a.sub, "o2")
        .await
        .unwrap()
        .unwrap();
    assert!(!other);
    assert_eq!(
        s.get_user_by_sub_for_origin("p", "no-such-sub", "o1")
            .await
            .unwrap(),
        None
    );
});
