//! The periodic purge: what has expired (or is older than its retention)
//! goes, everything else stays, in batches larger than one.

use kognit_core::store::{AuthEventRecord, PurgeCut, TokenSessionRecord};

use super::harness::Ctx;
use super::{code, message, pool, refresh, user};
use crate::SqlStore;

const NOW: i64 = 1_800_000_000_000;
const HOUR: i64 = 3_600_000;

async fn count(s: &SqlStore, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(&s.db.read)
        .await
        .unwrap()
}

fn session(n: i64, expires_ms: i64) -> TokenSessionRecord {
    TokenSessionRecord {
        pool_id: "p".into(),
        session_id: format!("tkn{n:0>25}"),
        origin_jti: format!("o-{n}"),
        username_key: "u".into(),
        client_id: "client0000000000000000000a".into(),
        created_ms: NOW - 10 * HOUR,
        last_active_ms: NOW - 10 * HOUR,
        expires_ms,
        last_ip: None,
        device_type: None,
    }
}

fn event(n: u32, created_ms: i64) -> AuthEventRecord {
    AuthEventRecord {
        pool_id: "p".into(),
        username_key: "u".into(),
        event_id: format!("ev-{n}"),
        event_type: "SignIn".into(),
        created_ms,
        response: "Pass".into(),
        challenges: "[]".into(),
        ip: None,
        device_name: None,
        feedback_value: None,
        feedback_provider: None,
        feedback_ms: None,
    }
}

store_test!(
    purge_deletes_only_what_outlived_its_use,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        s.insert_pool(&pool("p")).await.unwrap();
        s.insert_user(&user("p", "u"), &[]).await.unwrap();
        // Refresh tokens: 1,203 expired (more than one batch), 2 live.
        for n in 0..1205u32 {
            let mut t = refresh("p", "u", &format!("o-{n}"), 0);
            t.token_hash = n.to_be_bytes().repeat(8);
            t.expires_ms = if n < 1203 { NOW - 1 } else { NOW + HOUR };
            s.insert_refresh_token(&t).await.unwrap();
        }
        s.revoke_origin("p", "gone", NOW - 1, NOW - HOUR)
            .await
            .unwrap();
        s.revoke_origin("p", "kept", NOW + HOUR, NOW - HOUR)
            .await
            .unwrap();
        s.insert_token_session(&session(1, NOW - 1), 100, NOW)
            .await
            .unwrap();
        s.insert_token_session(&session(2, NOW + HOUR), 100, NOW)
            .await
            .unwrap();
        // Codes: expired with its send window over, expired within the window
        // (its resend count still matters), and live.
        for (purpose, expires, window) in [
            ("OLD", NOW - 1, NOW - 2 * HOUR),
            ("RECENT", NOW - 1, NOW - HOUR / 2),
            ("LIVE", NOW + HOUR, NOW - 2 * HOUR),
        ] {
            let mut c = code("p", "u", purpose);
            c.expires_ms = expires;
            c.window_start_ms = window;
            s.put_code(&c).await.unwrap();
        }
        for created in [NOW - 2 * HOUR, NOW - 1] {
            let mut m = message("p", "u");
            m.created_ms = created;
            s.add_message(&m).await.unwrap();
        }
        s.insert_auth_event(&event(1, NOW - 100 * 24 * HOUR))
            .await
            .unwrap();
        s.insert_auth_event(&event(2, NOW - HOUR)).await.unwrap();

        let cut = PurgeCut {
            now_ms: NOW,
            outbox_before_ms: NOW - HOUR,
            events_before_ms: NOW - 90 * 24 * HOUR,
        };
        assert_eq!(s.purge(&cut).await.unwrap(), 1203 + 1 + 1 + 1 + 1 + 1);
        assert_eq!(count(s, "refresh_tokens").await, 2);
        assert!(!s.is_origin_revoked("p", "gone").await.unwrap());
        assert!(s.is_origin_revoked("p", "kept").await.unwrap());
        assert_eq!(count(s, "token_sessions").await, 1);
        assert!(s.get_code("p", "u", "OLD").await.unwrap().is_none());
        assert!(s.get_code("p", "u", "RECENT").await.unwrap().is_some());
        assert!(s.get_code("p", "u", "LIVE").await.unwrap().is_some());
        assert_eq!(count(s, "outbox").await, 1);
        assert_eq!(count(s, "auth_events").await, 1);
        // Nothing left to purge: a second run deletes nothing.
        assert_eq!(s.purge(&cut).await.unwrap(), 0);
    }
);
