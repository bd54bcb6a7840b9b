//! Console sessions and the audit log.

use kognit_core::store::{AuditFilter, AuditRecord, ConsoleSessionRecord, PurgeCut};

use super::harness::Ctx;

fn session(hash: u8, expires_ms: i64) -> ConsoleSessionRecord {
    ConsoleSessionRecord {
        token_hash: vec![hash; 32],
        principal: "AKIAEXAMPLE".into(),
        created_ms: 1_000,
        seen_ms: 1_000,
        expires_ms,
    }
}

fn entry(
    actor: &str,
    action: &str,
    pool: Option<&str>,
    target: Option<&str>,
    ok: bool,
) -> AuditRecord {
    AuditRecord {
        id: 0,
        at_ms: 5_000,
        actor: actor.into(),
        action: action.into(),
        pool_id: pool.map(str::to_owned),
        target: target.map(str::to_owned),
        outcome: if ok { "ok" } else { "UserNotFoundException" }.into(),
        ip: Some("127.0.0.1".into()),
    }
}

store_test!(console_sessions, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_console_session(&session(1, 10_000)).await.unwrap();
    s.insert_console_session(&session(2, 90_000)).await.unwrap();
    assert_eq!(
        s.get_console_session(&[1; 32]).await.unwrap(),
        Some(session(1, 10_000))
    );
    s.touch_console_session(&[1; 32], 7_000).await.unwrap();
    assert_eq!(
        s.get_console_session(&[1; 32])
            .await
            .unwrap()
            .map(|r| r.seen_ms),
        Some(7_000)
    );
    assert!(s.delete_console_session(&[1; 32]).await.unwrap());
    assert!(!s.delete_console_session(&[1; 32]).await.unwrap());
    assert_eq!(s.get_console_session(&[1; 32]).await.unwrap(), None);
    // The purge takes sessions past their absolute expiry only.
    s.insert_console_session(&session(3, 20_000)).await.unwrap();
    let cut = PurgeCut {
        now_ms: 50_000,
        outbox_before_ms: 0,
        events_before_ms: 0,
    };
    s.purge(&cut).await.unwrap();
    assert_eq!(s.get_console_session(&[3; 32]).await.unwrap(), None);
    assert!(s.get_console_session(&[2; 32]).await.unwrap().is_some());
});

store_test!(audit_log_filters_and_pages, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_audit(&entry(
        "AKIA1",
        "CreateUserPool",
        Some("p1"),
        Some("pool"),
        true,
    ))
    .await
    .unwrap();
    s.insert_audit(&entry(
        "AKIA1",
        "AdminDisableUser",
        Some("p1"),
        Some("alice"),
        true,
    ))
    .await
    .unwrap();
    s.insert_audit(&entry(
        "console:ops",
        "AdminDisableUser",
        Some("p2"),
        Some("bob"),
        false,
    ))
    .await
    .unwrap();
    s.insert_audit(&entry("AKIA1", "ConsoleSignIn", None, None, true))
        .await
        .unwrap();
    let all = s
        .list_audit(&AuditFilter::default(), None, 10)
        .await
        .unwrap();
    let actions: Vec<&str> = all.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "ConsoleSignIn",
            "AdminDisableUser",
            "AdminDisableUser",
            "CreateUserPool"
        ],
        "newest first"
    );
    assert!(all.windows(2).all(|w| w[0].id > w[1].id));
    assert_eq!(all[3].ip.as_deref(), Some("127.0.0.1"));

    let by = |f: AuditFilter| async move { s.list_audit(&f, None, 10).await.unwrap().len() };
    let pool = |p: &str| Some(p.to_owned());
    assert_eq!(
        by(AuditFilter {
            pool_id: pool("p1"),
            ..Default::default()
        })
        .await,
        2
    );
    assert_eq!(
        by(AuditFilter {
            pool_id: pool("p1"),
            target: pool("alice"),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        by(AuditFilter {
            actor: pool("console:ops"),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        by(AuditFilter {
            action: pool("AdminDisableUser"),
            ..Default::default()
        })
        .await,
        2
    );
    assert_eq!(
        by(AuditFilter {
            succeeded: Some(false),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        by(AuditFilter {
            succeeded: Some(true),
            ..Default::default()
        })
        .await,
        3
    );

    // Pages: below the last id of the previous page.
    let first = s
        .list_audit(&AuditFilter::default(), None, 2)
        .await
        .unwrap();
    let rest = s
        .list_audit(&AuditFilter::default(), Some(first[1].id), 10)
        .await
        .unwrap();
    assert_eq!(first.len() + rest.len(), 4);
    assert_eq!(rest[0].action, "AdminDisableUser");
    assert_eq!(rest[1].action, "CreateUserPool");
});
