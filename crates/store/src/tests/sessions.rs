//! Token sessions and auth events: insert, list (live only, paged), touch,
//! revoke, MaxPerUser eviction, feedback, cascades from users, reset.

use kognit_core::store::{AuthEventRecord, EventFeedback, SessionActivity, TokenSessionRecord};

use super::harness::Ctx;
use super::{conflict, named, pool, refresh, user};
use crate::SqlStore;

/// Session `n` of user `key`, begun at `n` ms past the base time.
fn session(key: &str, n: i64) -> TokenSessionRecord {
    TokenSessionRecord {
        pool_id: "p".into(),
        session_id: format!("tkn{key}{n:0>24}"),
        origin_jti: format!("o-{key}-{n}"),
        username_key: key.to_owned(),
        client_id: "client0000000000000000000a".into(),
        created_ms: 1_700_000_000_000 + n,
        last_active_ms: 1_700_000_000_000 + n,
        expires_ms: 1_800_000_000_000,
        last_ip: Some("2001:db8::1".into()),
        device_type: Some("Chrome 120, Windows 10 ✓".into()),
    }
}

/// Event `n` of user `key`.
fn event(key: &str, n: u32, response: &str) -> AuthEventRecord {
    AuthEventRecord {
        pool_id: "p".into(),
        username_key: key.to_owned(),
        event_id: format!("ev-{key}-{n}"),
        event_type: "SignIn".into(),
        created_ms: 1_700_000_000_000,
        response: response.to_owned(),
        challenges: r#"[["Password","Success"]]"#.into(),
        ip: Some("192.0.2.1".into()),
        device_name: Some("ünïcødé".into()),
        feedback_value: None,
        feedback_provider: None,
        feedback_ms: None,
    }
}

const NOW: i64 = 1_700_000_100_000;

/// The stored `revoked_ms` of the token `refresh(.., n)`; panics if gone.
async fn revoked(s: &SqlStore, n: u8) -> Option<i64> {
    let hash = refresh("", "", "", n).token_hash;
    let t = s.get_refresh_token(&hash).await.unwrap();
    t.expect("token gone").revoked_ms
}

/// The ids of a user's live sessions.
async fn live(s: &SqlStore, key: &str) -> Vec<String> {
    s.list_token_sessions("p", key, NOW, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.session_id)
        .collect()
}

async fn setup(s: &SqlStore) {
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    s.insert_user(&user("p", "b"), &[]).await.unwrap();
}

store_test!(sessions_insert_list_touch_revoke, |ctx: Ctx| async move {
    let s = &ctx.store;
    setup(s).await;
    let (s1, s2) = (session("a", 1), session("a", 2));
    assert_eq!(s.insert_token_session(&s1, 20, NOW).await.unwrap(), 0);
    assert_eq!(s.insert_token_session(&s2, 20, NOW).await.unwrap(), 0);
    s.insert_token_session(&session("b", 1), 20, NOW)
        .await
        .unwrap();
    assert_eq!(
        s.get_token_session("p", &s1.session_id).await.unwrap(),
        Some(s1.clone())
    );
    assert_eq!(
        live(s, "a").await,
        [s1.session_id.clone(), s2.session_id.clone()]
    );
    // Keyset pages.
    let page = s
        .list_token_sessions("p", "a", NOW, Some(&s1.session_id), 1)
        .await
        .unwrap();
    assert_eq!(page, std::slice::from_ref(&s2));
    let dup = s.insert_token_session(&s1, 20, NOW).await;
    assert_eq!(conflict(dup), named("token_sessions_pkey"));
    let orphan = s.insert_token_session(&session("zed", 1), 20, NOW).await;
    assert_eq!(conflict(orphan), named("token_sessions_user_fkey"));

    let activity = SessionActivity {
        at_ms: NOW,
        ip: None,
        device_type: Some("curl 8".into()),
        expires_ms: None,
    };
    assert!(
        s.touch_token_session("p", &s1.session_id, &activity)
            .await
            .unwrap()
    );
    let t = s
        .get_token_session("p", &s1.session_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            t.last_active_ms,
            t.last_ip,
            t.device_type.as_deref(),
            t.expires_ms
        ),
        (NOW, None, Some("curl 8"), s1.expires_ms)
    );
    let rotated = SessionActivity {
        expires_ms: Some(1_900_000_000_000),
        ..activity
    };
    assert!(
        s.touch_token_session("p", &s1.session_id, &rotated)
            .await
            .unwrap()
    );
    let t = s
        .get_token_session("p", &s1.session_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.expires_ms, 1_900_000_000_000);
    assert!(
        !s.touch_token_session("p", "tknnone", &rotated)
            .await
            .unwrap()
    );

    // Revoking one session ends its tokens, origin and record, nothing else.
    s.insert_refresh_token(&refresh("p", "a", &s2.origin_jti, 1))
        .await
        .unwrap();
    s.insert_refresh_token(&refresh("p", "a", &s1.origin_jti, 2))
        .await
        .unwrap();
    assert!(
        s.revoke_token_session("p", &s2.session_id, NOW + 5, NOW)
            .await
            .unwrap()
    );
    assert!(
        !s.revoke_token_session("p", &s2.session_id, NOW + 5, NOW)
            .await
            .unwrap()
    );
    assert!(s.is_origin_revoked("p", &s2.origin_jti).await.unwrap());
    assert!(!s.is_origin_revoked("p", &s1.origin_jti).await.unwrap());
    assert_eq!(revoked(s, 1).await, Some(NOW));
    assert_eq!(revoked(s, 2).await, None);
    assert_eq!(
        s.get_token_session("p", &s2.session_id).await.unwrap(),
        None
    );
    assert_eq!(live(s, "a").await, std::slice::from_ref(&s1.session_id));

    // A revoked origin or an expiry hides a session whose record remains.
    s.revoke_origin("p", &s1.origin_jti, NOW + 5, NOW)
        .await
        .unwrap();
    assert!(live(s, "a").await.is_empty());
    let old = TokenSessionRecord {
        expires_ms: NOW,
        ..session("b", 2)
    };
    s.insert_token_session(&old, 20, NOW).await.unwrap();
    assert_eq!(live(s, "b").await, [session("b", 1).session_id]);

    // Deleting a user takes its sessions; reset takes everyone's.
    assert!(s.delete_user("p", "a").await.unwrap());
    assert_eq!(
        s.get_token_session("p", &s1.session_id).await.unwrap(),
        None
    );
    s.reset().await.unwrap();
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "b"), &[]).await.unwrap();
    assert!(live(s, "b").await.is_empty());
});

store_test!(
    sessions_evict_least_recently_active,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        setup(s).await;
        for n in 1..=3 {
            let rec = session("a", n);
            s.insert_refresh_token(&refresh("p", "a", &rec.origin_jti, n as u8))
                .await
                .unwrap();
            s.insert_token_session(&rec, 3, NOW).await.unwrap();
        }
        s.insert_token_session(&session("b", 1), 3, NOW)
            .await
            .unwrap();
        // Session 1 was active last, so 2 and then 3 are the least recent.
        let activity = SessionActivity {
            at_ms: NOW - 1,
            ip: None,
            device_type: None,
            expires_ms: None,
        };
        s.touch_token_session("p", &session("a", 1).session_id, &activity)
            .await
            .unwrap();
        // A limit lowered to 2: the next sign-in makes room for itself.
        let ended = s
            .insert_token_session(&session("a", 4), 2, NOW + 9)
            .await
            .unwrap();
        assert_eq!(ended, 2);
        let ids = |ns: &[i64]| -> Vec<String> {
            ns.iter().map(|n| session("a", *n).session_id).collect()
        };
        assert_eq!(live(s, "a").await, ids(&[1, 4]));
        for n in [2, 3] {
            let origin = session("a", n).origin_jti;
            assert!(s.is_origin_revoked("p", &origin).await.unwrap());
            assert_eq!(revoked(s, n as u8).await, Some(session("a", 4).created_ms));
        }
        assert_eq!(revoked(s, 1).await, None);
        // Other users keep theirs.
        assert_eq!(live(s, "b").await, [session("b", 1).session_id]);
    }
);

store_test!(
    auth_events_newest_first_and_feedback,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        setup(s).await;
        for n in 0..5 {
            let response = if n % 2 == 0 { "Pass" } else { "Fail" };
            s.insert_auth_event(&event("a", n, response)).await.unwrap();
        }
        s.insert_auth_event(&event("b", 0, "Pass")).await.unwrap();
        let dup = s.insert_auth_event(&event("a", 1, "Pass")).await;
        assert_eq!(conflict(dup), named("auth_events_event_key"));
        let orphan = s.insert_auth_event(&event("zed", 0, "Pass")).await;
        assert_eq!(conflict(orphan), named("auth_events_user_fkey"));

        let all = s.list_auth_events("p", "a", None, 10).await.unwrap();
        let ids: Vec<&str> = all.iter().map(|(_, e)| e.event_id.as_str()).collect();
        assert_eq!(ids, ["ev-a-4", "ev-a-3", "ev-a-2", "ev-a-1", "ev-a-0"]);
        assert_eq!(all[4].1, event("a", 0, "Pass"));
        let first = s.list_auth_events("p", "a", None, 2).await.unwrap();
        let rest = s
            .list_auth_events("p", "a", Some(first[1].0), 10)
            .await
            .unwrap();
        assert_eq!([first, rest].concat(), all);

        let fb = EventFeedback {
            value: "Invalid",
            provider: "Admin",
            at_ms: NOW,
        };
        assert!(
            s.set_auth_event_feedback("p", "a", "ev-a-3", &fb)
                .await
                .unwrap()
        );
        // Another user's event, or none, is not found.
        assert!(
            !s.set_auth_event_feedback("p", "b", "ev-a-3", &fb)
                .await
                .unwrap()
        );
        assert!(
            !s.set_auth_event_feedback("p", "a", "ev-none", &fb)
                .await
                .unwrap()
        );
        let (_, e) = &s.list_auth_events("p", "a", None, 2).await.unwrap()[1];
        assert_eq!(
            (
                e.feedback_value.as_deref(),
                e.feedback_provider.as_deref(),
                e.feedback_ms
            ),
            (Some("Invalid"), Some("Admin"), Some(NOW))
        );

        assert!(s.delete_user("p", "a").await.unwrap());
        assert!(
            s.list_auth_events("p", "a", None, 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            s.list_auth_events("p", "b", None, 10).await.unwrap().len(),
            1
        );
        s.reset().await.unwrap();
        s.insert_pool(&pool("p")).await.unwrap();
        s.insert_user(&user("p", "b"), &[]).await.unwrap();
        assert!(
            s.list_auth_events("p", "b", None, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
);
