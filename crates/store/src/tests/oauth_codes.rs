//! Authorization codes: stored and read back whole, redeemed once (also
//! under sixteen racing redeemers on two stores), gone with their user, and
//! purged when expired.

use std::sync::Arc;

use kognit_core::store::{OAuthCodeRecord, PurgeCut};
use tokio::sync::Barrier;

use super::harness::Ctx;
use super::{pool, user};
use crate::SqlStore;

fn code(n: u8, expires_ms: i64) -> OAuthCodeRecord {
    OAuthCodeRecord {
        code_hash: vec![n; 32],
        pool_id: "p".into(),
        username_key: "a".into(),
        client_id: "client0000000000000000000a".into(),
        redirect_uri: "https://app.example.com/callback?x=ü".into(),
        scope: "openid email https://api.example.com/read".into(),
        nonce: Some("n-0S6_WzA2Mj".into()),
        code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
        origin_jti: format!("origin-{n}"),
        auth_time: 1_700_000_000,
        created_ms: 1_700_000_000_000,
        expires_ms,
    }
}

store_test!(codes_are_redeemed_once, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    let c = OAuthCodeRecord {
        nonce: None,
        code_challenge: None,
        ..code(1, 1_700_000_300_000)
    };
    s.insert_oauth_code(&c).await.unwrap();
    s.insert_oauth_code(&code(2, 1_700_000_300_000))
        .await
        .unwrap();
    assert_eq!(
        s.take_oauth_code(&c.code_hash).await.unwrap(),
        Some(c.clone())
    );
    assert_eq!(s.take_oauth_code(&c.code_hash).await.unwrap(), None);
    assert_eq!(s.take_oauth_code(&[9; 32]).await.unwrap(), None);
    // The other code is untouched, with its optional members.
    assert_eq!(
        s.take_oauth_code(&[2; 32]).await.unwrap(),
        Some(code(2, 1_700_000_300_000))
    );
});

store_test!(
    a_code_needs_its_user_and_goes_with_it,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        s.insert_pool(&pool("p")).await.unwrap();
        let missing = s.insert_oauth_code(&code(1, 1)).await.unwrap_err();
        assert!(
            matches!(
                missing,
                kognit_core::store::StoreError::Conflict(kognit_core::store::Conflict::MissingUser)
            ),
            "{missing:?}"
        );
        s.insert_user(&user("p", "a"), &[]).await.unwrap();
        s.insert_oauth_code(&code(1, 1)).await.unwrap();
        assert!(s.delete_user("p", "a").await.unwrap());
        assert_eq!(s.take_oauth_code(&[1; 32]).await.unwrap(), None);
    }
);

store_test!(expired_codes_are_purged, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    s.insert_oauth_code(&code(1, 1_000)).await.unwrap();
    s.insert_oauth_code(&code(2, 3_000)).await.unwrap();
    let cut = PurgeCut {
        now_ms: 2_000,
        outbox_before_ms: 0,
        events_before_ms: 0,
    };
    assert!(s.purge(&cut).await.unwrap() >= 1);
    assert_eq!(s.take_oauth_code(&[1; 32]).await.unwrap(), None);
    assert!(s.take_oauth_code(&[2; 32]).await.unwrap().is_some());
});

store_test!(one_redeemer_wins, |ctx: Ctx| async move {
    let a = ctx.store.clone();
    a.insert_pool(&pool("p")).await.unwrap();
    a.insert_user(&user("p", "a"), &[]).await.unwrap();
    a.insert_oauth_code(&code(7, 1_700_000_300_000))
        .await
        .unwrap();
    let b = Arc::new(SqlStore::open(&ctx.url).await.unwrap());
    let barrier = Arc::new(Barrier::new(16));
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let s = if i % 2 == 0 { a.clone() } else { b.clone() };
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                s.take_oauth_code(&[7; 32]).await
            })
        })
        .collect();
    let mut winners = 0;
    for t in tasks {
        if t.await.unwrap().unwrap().is_some() {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
    b.close().await;
});
