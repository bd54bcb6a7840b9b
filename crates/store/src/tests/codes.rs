//! One-time codes (incl. single use under concurrency) and the outbox.

use kognit_core::store::{CodeRecord, OutboxRecord};

use super::harness::Ctx;
use super::{code, conflict, message, named, pool, user};

store_test!(put_get_replace_take, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    assert_eq!(s.get_code("p", "a", "SIGNUP").await.unwrap(), None);
    let c = CodeRecord {
        code_hash: vec![0, 0xff, 7],
        expires_ms: 1_700_000_600_000,
        attempts: 2,
        sends: 3,
        window_start_ms: 1_700_000_000_000,
        ..code("p", "a", "SIGNUP")
    };
    s.put_code(&c).await.unwrap();
    assert_eq!(
        s.get_code("p", "a", "SIGNUP").await.unwrap(),
        Some(c.clone())
    );
    // Purposes are separate codes.
    assert_eq!(s.get_code("p", "a", "FORGOT").await.unwrap(), None);
    s.put_code(&code("p", "a", "VERIFY:email")).await.unwrap();

    // put_code replaces every field.
    let c2 = CodeRecord {
        code_hash: vec![9; 32],
        expires_ms: 5,
        attempts: 0,
        sends: 4,
        window_start_ms: 6,
        ..c.clone()
    };
    s.put_code(&c2).await.unwrap();
    assert_eq!(
        s.get_code("p", "a", "SIGNUP").await.unwrap(),
        Some(c2.clone())
    );

    assert_eq!(s.add_code_attempt("p", "a", "SIGNUP").await.unwrap(), 1);
    assert_eq!(s.add_code_attempt("p", "a", "SIGNUP").await.unwrap(), 2);
    assert_eq!(s.add_code_attempt("p", "a", "FORGOT").await.unwrap(), 0);
    assert_eq!(
        s.add_code_attempt("p", "nobody", "SIGNUP").await.unwrap(),
        0
    );
    assert_eq!(
        s.get_code("p", "a", "SIGNUP")
            .await
            .unwrap()
            .unwrap()
            .attempts,
        2
    );

    // Only the current hash redeems, once.
    assert!(!s.take_code("p", "a", "SIGNUP", &c.code_hash).await.unwrap());
    assert!(
        s.take_code("p", "a", "SIGNUP", &c2.code_hash)
            .await
            .unwrap()
    );
    assert!(
        !s.take_code("p", "a", "SIGNUP", &c2.code_hash)
            .await
            .unwrap()
    );
    assert_eq!(s.get_code("p", "a", "SIGNUP").await.unwrap(), None);
    assert!(
        s.get_code("p", "a", "VERIFY:email")
            .await
            .unwrap()
            .is_some()
    );

    // A code needs its user.
    let name = conflict(s.put_code(&code("p", "ghost", "SIGNUP")).await);
    assert_eq!(name, named("user_codes_user_fkey"));
});

store_test!(single_use_under_concurrency, |ctx: Ctx| async move {
    let s = ctx.store.clone();
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    // Several rounds: a lucky interleaving must not hide a double redemption.
    for round in 0..10 {
        let c = CodeRecord {
            code_hash: vec![round; 32],
            ..code("p", "a", "FORGOT")
        };
        s.put_code(&c).await.unwrap();
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let takes: Vec<_> = (0..2)
            .map(|_| {
                let (s, hash, barrier) = (s.clone(), c.code_hash.clone(), barrier.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    s.take_code("p", "a", "FORGOT", &hash).await.unwrap()
                })
            })
            .collect();
        let mut won = 0;
        for t in takes {
            won += usize::from(t.await.unwrap());
        }
        assert_eq!(won, 1, "round {round}");
    }

    // 16 concurrent failed attempts: each sees its own count, none is lost.
    s.put_code(&code("p", "a", "SIGNUP")).await.unwrap();
    let adds: Vec<_> = (0..16)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { s.add_code_attempt("p", "a", "SIGNUP").await.unwrap() })
        })
        .collect();
    let mut seen = Vec::new();
    for a in adds {
        seen.push(a.await.unwrap());
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=16).collect::<Vec<i64>>());
    let stored = s.get_code("p", "a", "SIGNUP").await.unwrap().unwrap();
    assert_eq!(stored.attempts, 16);
});

store_test!(outbox_newest_first, |ctx: Ctx| async move {
    let s = &ctx.store;
    assert!(
        s.list_messages(None, None, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let sms = OutboxRecord {
        channel: "SMS".into(),
        destination: "+15550100".into(),
        subject: None,
        body: "Your code is 123456 ✓".into(),
        code: Some("123456".into()),
        created_ms: 7,
        ..message("p", "alice")
    };
    let email = OutboxRecord {
        subject: Some("Welcome".into()),
        ..message("p", "bob")
    };
    // Messages need no pool or user: the outbox is a log.
    for m in [&sms, &email, &message("q", "alice"), &message("p", "alice")] {
        s.add_message(m).await.unwrap();
    }
    let all = s.list_messages(None, None, None, 10).await.unwrap();
    let ids: Vec<i64> = all.iter().map(|m| m.id).collect();
    assert_eq!(all.len(), 4);
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    let strip = |m: &OutboxRecord| OutboxRecord { id: 0, ..m.clone() };
    assert_eq!(strip(&all[3]), sms);
    assert_eq!(strip(&all[2]), email);

    let names = |ms: Vec<OutboxRecord>| -> Vec<(String, String, i64)> {
        ms.into_iter()
            .map(|m| (m.pool_id, m.username, m.id))
            .collect()
    };
    let (a0, a1, a2, a3) = (ids[3], ids[2], ids[1], ids[0]);
    let got = names(
        s.list_messages(Some("p"), Some("alice"), None, 10)
            .await
            .unwrap(),
    );
    assert_eq!(
        got,
        [
            ("p".into(), "alice".into(), a3),
            ("p".into(), "alice".into(), a0)
        ]
    );
    let got = names(s.list_messages(Some("p"), None, None, 10).await.unwrap());
    assert_eq!(got.iter().map(|g| g.2).collect::<Vec<_>>(), [a3, a1, a0]);
    let got = names(
        s.list_messages(None, Some("alice"), None, 10)
            .await
            .unwrap(),
    );
    assert_eq!(got.iter().map(|g| g.2).collect::<Vec<_>>(), [a3, a2, a0]);
    // The limit keeps the newest.
    let got = names(
        s.list_messages(Some("p"), Some("alice"), None, 1)
            .await
            .unwrap(),
    );
    assert_eq!(got, [("p".into(), "alice".into(), a3)]);
    assert!(
        s.list_messages(Some("z"), None, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.list_messages(None, None, None, 0)
            .await
            .unwrap()
            .is_empty()
    );
    // Pages: the next one starts below the last id of the one before, under
    // every combination of filters.
    let got = names(s.list_messages(None, None, Some(a2), 10).await.unwrap());
    assert_eq!(got.iter().map(|g| g.2).collect::<Vec<_>>(), [a1, a0]);
    let got = names(s.list_messages(Some("p"), None, Some(a3), 1).await.unwrap());
    assert_eq!(got.iter().map(|g| g.2).collect::<Vec<_>>(), [a1]);
    let got = names(
        s.list_messages(None, Some("alice"), Some(a2), 10)
            .await
            .unwrap(),
    );
    assert_eq!(got.iter().map(|g| g.2).collect::<Vec<_>>(), [a0]);
    let got = names(
        s.list_messages(Some("p"), Some("alice"), Some(a3), 10)
            .await
            .unwrap(),
    );
    assert_eq!(got.iter().map(|g| g.2).collect::<Vec<_>>(), [a0]);
    assert!(
        s.list_messages(None, None, Some(a0), 10)
            .await
            .unwrap()
            .is_empty()
    );
});
