//! Users and their aliases: CRUD, conflicts, cascades, reset.

use kognit_core::store::UserRecord;

use super::harness::Ctx;
use super::{alias, code, conflict, message, named, pool, user};

store_test!(insert_get_update_delete, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    let u = user("p", "alice");
    let aliases = [
        alias("email", "alice@example.com"),
        alias("phone_number", "+15550100"),
    ];
    s.insert_user(&u, &aliases).await.unwrap();
    // Every column round-trips, binary and NULLs included.
    assert_eq!(s.get_user("p", "alice").await.unwrap(), Some(u.clone()));
    assert_eq!(s.get_user("p", "ALICE").await.unwrap(), None);
    assert_eq!(s.get_user("other", "alice").await.unwrap(), None);
    assert_eq!(
        s.get_user_by_sub("p", "sub-alice").await.unwrap(),
        Some(u.clone())
    );
    assert_eq!(s.get_user_by_sub("p", "nope").await.unwrap(), None);
    let by = |kind: &'static str, value: &'static str| {
        let s = s.clone();
        async move { s.get_user_by_alias("p", kind, value).await.unwrap() }
    };
    assert_eq!(by("email", "alice@example.com").await, Some(u.clone()));
    assert_eq!(by("phone_number", "+15550100").await, Some(u.clone()));
    assert_eq!(by("phone_number", "alice@example.com").await, None);
    assert_eq!(by("email", "nobody@example.com").await, None);

    // Every non-key column replaced, the alias set replaced.
    let v2 = UserRecord {
        username: "Alice".into(),
        sub: "sub-2".into(),
        status: "FORCE_CHANGE_PASSWORD".into(),
        enabled: false,
        attributes: r#"{"given_name":"A"}"#.into(),
        email: None,
        phone_number: Some("+15550199".into()),
        name: None,
        given_name: Some("A".into()),
        family_name: Some("B".into()),
        preferred_username: Some("al".into()),
        password_hash: None,
        srp_sealed: None,
        temp_password_expires_ms: Some(i64::MAX),
        extra: r#"{"mfa":[]}"#.into(),
        created_ms: 5,
        updated_ms: 6,
        version: 2,
        ..u.clone()
    };
    let new_aliases = [alias("preferred_username", "al")];
    assert!(s.update_user(&u, &v2, Some(&new_aliases)).await.unwrap());
    assert_eq!(s.get_user("p", "alice").await.unwrap(), Some(v2.clone()));
    assert_eq!(by("email", "alice@example.com").await, None);
    assert_eq!(by("phone_number", "+15550100").await, None);
    assert_eq!(by("preferred_username", "al").await, Some(v2.clone()));

    // Stored version is 2 now: an update made from version 1 loses.
    let stale = UserRecord {
        status: "RESET_REQUIRED".into(),
        ..v2.clone()
    };
    assert!(!s.update_user(&u, &stale, None).await.unwrap());
    assert!(!s.update_user(&u, &stale, Some(&[])).await.unwrap());
    assert_eq!(s.get_user("p", "alice").await.unwrap(), Some(v2.clone()));
    assert_eq!(by("preferred_username", "al").await, Some(v2.clone()));

    // None keeps the aliases; Some(&[]) clears them.
    let v3 = UserRecord {
        version: 3,
        ..v2.clone()
    };
    assert!(s.update_user(&v2, &v3, None).await.unwrap());
    assert_eq!(by("preferred_username", "al").await, Some(v3.clone()));
    let v4 = UserRecord {
        version: 4,
        ..v3.clone()
    };
    assert!(s.update_user(&v3, &v4, Some(&[])).await.unwrap());
    assert_eq!(by("preferred_username", "al").await, None);
    assert_eq!(s.get_user("p", "alice").await.unwrap(), Some(v4));

    assert!(s.delete_user("p", "alice").await.unwrap());
    assert!(!s.delete_user("p", "alice").await.unwrap());
    assert_eq!(s.get_user("p", "alice").await.unwrap(), None);
    // A missing user updates nothing.
    assert!(!s.update_user(&u, &v2, None).await.unwrap());
    assert!(!s.update_user(&u, &v2, Some(&aliases)).await.unwrap());
});

store_test!(conflicts_change_nothing, |ctx: Ctx| async move {
    let s = &ctx.store;
    // No such pool.
    let name = conflict(s.insert_user(&user("missing", "a"), &[]).await);
    assert_eq!(name, named("users_pool_id_fkey"));
    let with_alias = [alias("email", "x")];
    let name = conflict(s.insert_user(&user("missing", "a"), &with_alias).await);
    assert_eq!(name, named("users_pool_id_fkey"));

    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_pool(&pool("q")).await.unwrap();
    let a = user("p", "a");
    s.insert_user(&a, &[alias("email", "a@x")]).await.unwrap();
    let name = conflict(s.insert_user(&user("p", "a"), &[]).await);
    assert_eq!(name, named("users_pkey"));
    let same_sub = UserRecord {
        sub: a.sub.clone(),
        ..user("p", "b")
    };
    let name = conflict(s.insert_user(&same_sub, &[]).await);
    assert_eq!(name, named("users_sub_key"));

    // A taken alias rolls the new user back.
    let name = conflict(
        s.insert_user(&user("p", "b"), &[alias("email", "a@x")])
            .await,
    );
    assert_eq!(name, named("user_aliases_pkey"));
    assert_eq!(s.get_user("p", "b").await.unwrap(), None);
    // Two aliases of one kind in one insert: the second collides.
    let dup = [alias("email", "b@x"), alias("email", "b@x")];
    assert_eq!(
        conflict(s.insert_user(&user("p", "b"), &dup).await),
        named("user_aliases_pkey")
    );
    assert_eq!(s.get_user("p", "b").await.unwrap(), None);
    // Same key, sub and alias in another pool are fine.
    let a_in_q = UserRecord {
        pool_id: "q".into(),
        ..a.clone()
    };
    s.insert_user(&a_in_q, &[alias("email", "a@x")])
        .await
        .unwrap();

    // An update claiming a taken alias changes neither row nor aliases.
    let b = user("p", "b");
    s.insert_user(&b, &[alias("email", "b@x")]).await.unwrap();
    let b2 = UserRecord {
        status: "CHANGED".into(),
        version: 2,
        ..b.clone()
    };
    let claim = [alias("phone_number", "+1"), alias("email", "a@x")];
    let name = conflict(s.update_user(&b, &b2, Some(&claim)).await);
    assert_eq!(name, named("user_aliases_pkey"));
    assert_eq!(s.get_user("p", "b").await.unwrap(), Some(b.clone()));
    let holder = |kind: &'static str, v: &'static str| {
        let s = s.clone();
        async move {
            s.get_user_by_alias("p", kind, v)
                .await
                .unwrap()
                .map(|u| u.username_key)
        }
    };
    assert_eq!(holder("email", "b@x").await.as_deref(), Some("b"));
    assert_eq!(holder("email", "a@x").await.as_deref(), Some("a"));
    assert_eq!(holder("phone_number", "+1").await, None);
    // The store is still usable, and the same update without the taken alias lands.
    assert!(
        s.update_user(&b, &b2, Some(&[alias("phone_number", "+1")]))
            .await
            .unwrap()
    );
    assert_eq!(holder("phone_number", "+1").await.as_deref(), Some("b"));
    assert_eq!(holder("email", "b@x").await, None);
    // Updating to another user's sub is refused too.
    let b3 = UserRecord {
        sub: a.sub.clone(),
        version: 3,
        ..b2.clone()
    };
    assert_eq!(
        conflict(s.update_user(&b2, &b3, None).await),
        named("users_sub_key")
    );
    assert_eq!(s.get_user("p", "b").await.unwrap(), Some(b2));
});

store_test!(deletes_cascade, |ctx: Ctx| async move {
    let s = &ctx.store;
    for p in ["p", "keep"] {
        s.insert_pool(&pool(p)).await.unwrap();
        for k in ["a", "b"] {
            let aliases = [alias("email", &format!("{k}@x"))];
            s.insert_user(&user(p, k), &aliases).await.unwrap();
            s.put_code(&code(p, k, "SIGNUP")).await.unwrap();
        }
    }
    // delete_user takes the user's aliases and codes, nobody else's.
    assert!(s.delete_user("p", "a").await.unwrap());
    assert_eq!(s.get_code("p", "a", "SIGNUP").await.unwrap(), None);
    assert!(s.get_code("p", "b", "SIGNUP").await.unwrap().is_some());
    assert_eq!(
        s.get_user_by_alias("p", "email", "a@x").await.unwrap(),
        None
    );
    // The alias is free again.
    s.insert_user(&user("p", "c"), &[alias("email", "a@x")])
        .await
        .unwrap();

    // delete_pool takes users, aliases and codes of that pool only.
    assert!(s.delete_pool("p").await.unwrap());
    assert_eq!(s.count_users("p").await.unwrap(), 0);
    assert_eq!(s.get_code("p", "b", "SIGNUP").await.unwrap(), None);
    assert_eq!(s.count_users("keep").await.unwrap(), 2);
    assert!(s.get_code("keep", "a", "SIGNUP").await.unwrap().is_some());
    assert!(
        s.get_user_by_alias("keep", "email", "a@x")
            .await
            .unwrap()
            .is_some()
    );
    // Nothing orphaned: the same keys, subs and aliases can be used again.
    s.insert_pool(&pool("p")).await.unwrap();
    for k in ["a", "b", "c"] {
        let aliases = [alias("email", &format!("{k}@x"))];
        s.insert_user(&user("p", k), &aliases).await.unwrap();
        s.put_code(&code("p", k, "SIGNUP")).await.unwrap();
    }
    assert_eq!(s.count_users("p").await.unwrap(), 3);
    assert_eq!(s.count_users("nope").await.unwrap(), 0);
});

store_test!(reset_removes_users_codes_outbox, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[alias("email", "a@x")])
        .await
        .unwrap();
    s.put_code(&code("p", "a", "SIGNUP")).await.unwrap();
    s.add_message(&message("p", "A")).await.unwrap();
    s.reset().await.unwrap();
    assert_eq!(s.count_users("p").await.unwrap(), 0);
    assert_eq!(s.get_code("p", "a", "SIGNUP").await.unwrap(), None);
    assert!(
        s.list_messages(None, None, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Everything can be created again under the same names.
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[alias("email", "a@x")])
        .await
        .unwrap();
    s.put_code(&code("p", "a", "SIGNUP")).await.unwrap();
});

store_test!(update_writes_only_changed_columns, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    let stored = UserRecord {
        given_name: Some("Stored".into()),
        ..user("p", "u")
    };
    s.insert_user(&stored, &[]).await.unwrap();
    // A `before` that disagrees with the row on given_name (at the same
    // version), and an `after` that leaves given_name as `before` has it:
    // only name, attributes and the version are written, so the stored
    // given_name survives. The service always passes the row as read.
    let before = UserRecord {
        given_name: Some("Other".into()),
        ..stored.clone()
    };
    let after = UserRecord {
        name: Some("New".into()),
        attributes: r#"{"name":"New"}"#.into(),
        version: 2,
        ..before.clone()
    };
    assert!(s.update_user(&before, &after, None).await.unwrap());
    let got = s.get_user("p", "u").await.unwrap().unwrap();
    assert_eq!(
        got,
        UserRecord {
            given_name: Some("Stored".into()),
            ..after.clone()
        }
    );
    // Nothing but the version changed: still one row, version bumped.
    let v3 = UserRecord {
        version: 3,
        ..got.clone()
    };
    assert!(s.update_user(&got, &v3, None).await.unwrap());
    assert_eq!(s.get_user("p", "u").await.unwrap(), Some(v3));
    // Every nullable column back to NULL, binary included.
    let cleared = UserRecord {
        email: None,
        phone_number: None,
        name: None,
        given_name: None,
        family_name: None,
        preferred_username: None,
        password_hash: None,
        srp_sealed: None,
        temp_password_expires_ms: None,
        version: 4,
        ..stored.clone()
    };
    let v3 = s.get_user("p", "u").await.unwrap().unwrap();
    assert!(s.update_user(&v3, &cleared, None).await.unwrap());
    assert_eq!(s.get_user("p", "u").await.unwrap(), Some(cleared));
});
