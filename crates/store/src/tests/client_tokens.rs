//! Ending every session of one app client (`revoke_client_refresh_tokens`):
//! which tokens and origins it touches, and what it counts.

use kognit_core::store::RefreshTokenRecord;

use super::harness::Ctx;
use super::{pool, refresh, user};
use crate::SqlStore;

const A: &str = "clientaaaaaaaaaaaaaaaaaaaa";
const B: &str = "clientbbbbbbbbbbbbbbbbbbbb";
/// Now, for the call under test: before `refresh`'s expiry.
const NOW: i64 = 1_700_000_001_000;

/// Token `n` of `key` in session `origin`, issued to `client`.
fn token(pool_id: &str, key: &str, origin: &str, n: u8, client: &str) -> RefreshTokenRecord {
    RefreshTokenRecord {
        client_id: client.to_owned(),
        ..refresh(pool_id, key, origin, n)
    }
}

/// The stored `revoked_ms` of token `n`.
async fn revoked(s: &SqlStore, n: u8) -> Option<i64> {
    let hash = refresh("", "", "", n).token_hash;
    let t = s.get_refresh_token(&hash).await.unwrap();
    t.expect("token kept").revoked_ms
}

/// The stored expiry of a revoked origin.
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

store_test!(
    revoke_client_ends_only_its_sessions,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        for p in ["p", "q"] {
            s.insert_pool(&pool(p)).await.unwrap();
            s.insert_user(&user(p, "a"), &[]).await.unwrap();
        }
        s.insert_user(&user("p", "b"), &[]).await.unwrap();
        let tokens = [
            // Session o1 of a through A: a rotated-away token and its live successor.
            RefreshTokenRecord {
                revoked_ms: Some(100),
                ..token("p", "a", "o1", 1, A)
            },
            token("p", "a", "o1", 2, A),
            // b through A: a live session, one whose token expired, one ended earlier.
            token("p", "b", "o2", 3, A),
            RefreshTokenRecord {
                expires_ms: NOW - 1,
                ..token("p", "b", "o3", 4, A)
            },
            token("p", "b", "o6", 7, A),
            // a through B, and a through A's id in another pool.
            token("p", "a", "o4", 5, B),
            token("q", "a", "o5", 6, A),
        ];
        for t in &tokens {
            s.insert_refresh_token(t).await.unwrap();
        }
        s.revoke_origin("p", "o6", 5_000, 300).await.unwrap();

        let n = s
            .revoke_client_refresh_tokens("p", A, NOW + 86_400_000, NOW)
            .await
            .unwrap();
        // o1 and o2; o3 had expired and o6 was ended before.
        assert_eq!(n, 2);
        assert_eq!(revoked(s, 1).await, Some(100), "a rotation keeps its time");
        assert_eq!(revoked(s, 2).await, Some(NOW));
        assert_eq!(revoked(s, 3).await, Some(NOW));
        assert_eq!(revoked(s, 4).await, Some(NOW));
        assert_eq!(revoked(s, 7).await, Some(300));
        assert_eq!(revoked(s, 5).await, None, "another client");
        assert_eq!(revoked(s, 6).await, None, "another pool");
        // Access and ID tokens of every session not ended yet are refused,
        // the expired one's too (they may outlive its refresh token).
        for o in ["o1", "o2", "o3"] {
            assert_eq!(
                origin_expiry(s, "p", o).await,
                Some(NOW + 86_400_000),
                "{o}"
            );
        }
        assert_eq!(origin_expiry(s, "p", "o6").await, Some(5_000));
        assert!(!s.is_origin_revoked("p", "o4").await.unwrap());
        assert!(!s.is_origin_revoked("q", "o5").await.unwrap());

        // Nothing is left to end; an unknown client has nothing.
        let again = s.revoke_client_refresh_tokens("p", A, NOW + 90_000_000, NOW + 1);
        assert_eq!(again.await.unwrap(), 0);
        assert_eq!(origin_expiry(s, "p", "o1").await, Some(NOW + 86_400_000));
        let none = s.revoke_client_refresh_tokens("p", "nosuchclient", NOW, NOW);
        assert_eq!(none.await.unwrap(), 0);
        // The other client's session is still whole.
        let n = s.revoke_client_refresh_tokens("p", B, NOW + 10, NOW);
        assert_eq!(n.await.unwrap(), 1);
        assert!(s.is_origin_revoked("p", "o4").await.unwrap());
    }
);
