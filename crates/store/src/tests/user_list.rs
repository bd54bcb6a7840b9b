//! ListUsers: paging and every filter column, exact and prefix.

use std::sync::Arc;

use kognit_core::store::{UserColumn, UserCursor, UserFilter, UserRecord};

use super::harness::Ctx;
use super::{pool, user};
use crate::SqlStore;
use crate::args;
use crate::lite::Lane;

/// A user of pool `p` with the searchable columns given.
#[allow(clippy::too_many_arguments)]
fn person(
    key: &str,
    username: &str,
    email: Option<&str>,
    phone: Option<&str>,
    names: [Option<&str>; 4], // name, given, family, preferred
    status: &str,
    enabled: bool,
) -> UserRecord {
    let own = |v: Option<&str>| v.map(str::to_owned);
    UserRecord {
        username: username.to_owned(),
        email: own(email),
        phone_number: own(phone),
        name: own(names[0]),
        given_name: own(names[1]),
        family_name: own(names[2]),
        preferred_username: own(names[3]),
        status: status.to_owned(),
        enabled,
        ..user("p", key)
    }
}

/// Pool `p`'s users, out of key order; pool `q` gets copies of them all,
/// so any filter that forgot the pool would show doubles.
async fn populate(s: &SqlStore) {
    let c = "CONFIRMED";
    let people = [
        person(
            "b1",
            "Bob",
            Some("bob@x.com"),
            Some("+15550002"),
            [Some("Bob"), Some("Bob"), Some("Stone"), Some("bobby")],
            c,
            false,
        ),
        person(
            "a2",
            "Anna",
            Some("anna@y.com"),
            None,
            [None, Some("Anna"), None, None],
            "UNCONFIRMED",
            true,
        ),
        person(
            "a1",
            "Ann",
            Some("ann@x.com"),
            Some("+15550001"),
            [Some("Ann Lee"), Some("Ann"), Some("Lee"), Some("annie")],
            c,
            true,
        ),
        person(
            "c1",
            "Çelik",
            None,
            Some("+447000001"),
            [Some("Çelik"), None, Some("Çelik"), None],
            "FORCE_CHANGE_PASSWORD",
            true,
        ),
        person(
            "d1",
            "50%_off",
            Some("x\u{10FFFF}@z"),
            None,
            [Some("Stoneman"), None, Some("Stoneman"), Some("bob")],
            c,
            true,
        ),
    ];
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_pool(&pool("q")).await.unwrap();
    for u in people {
        let copy = UserRecord {
            pool_id: "q".into(),
            ..u.clone()
        };
        s.insert_user(&u, &[]).await.unwrap();
        s.insert_user(&copy, &[]).await.unwrap();
    }
}

/// The keys ListUsers returns for pool `p`.
async fn keys(
    s: &SqlStore,
    filter: Option<(UserColumn, bool, &str)>,
    after: Option<&str>,
    limit: u32,
) -> Vec<String> {
    let filter = filter.map(|(column, prefix, value)| UserFilter {
        column,
        prefix,
        value: value.to_owned(),
    });
    // The cursor after user `key`, with its value when the listing is by value.
    let mut cursor = after.map(|key| UserCursor {
        value: None,
        username_key: key.to_owned(),
    });
    if let (Some(c), Some(f)) = (cursor.as_mut(), filter.as_ref())
        && f.sorts_by_value()
    {
        let last = s.get_user("p", &c.username_key).await.unwrap().unwrap();
        c.value = f.column.value_of(&last).map(str::to_owned);
    }
    s.list_users("p", filter.as_ref(), cursor.as_ref(), limit)
        .await
        .unwrap()
        .into_iter()
        .map(|u| {
            assert_eq!(u.pool_id, "p");
            u.username_key
        })
        .collect()
}

store_test!(pages_in_key_order, |ctx: Ctx| async move {
    let s = &ctx.store;
    populate(s).await;
    assert_eq!(keys(s, None, None, 2).await, ["a1", "a2"]);
    assert_eq!(keys(s, None, Some("a2"), 2).await, ["b1", "c1"]);
    assert_eq!(keys(s, None, Some("c1"), 2).await, ["d1"]);
    assert!(keys(s, None, Some("d1"), 2).await.is_empty());
    assert!(keys(s, None, None, 0).await.is_empty());
    // A cursor between keys works too.
    assert_eq!(
        keys(s, None, Some("a10"), 10).await,
        ["a2", "b1", "c1", "d1"]
    );
    // Full records come back, not only keys.
    let all = s.list_users("p", None, None, 1).await.unwrap();
    assert_eq!(all[0], s.get_user("p", "a1").await.unwrap().unwrap());
    assert!(s.list_users("z", None, None, 10).await.unwrap().is_empty());
});

store_test!(every_column_exact_and_prefix, |ctx: Ctx| async move {
    use UserColumn::*;
    let s = &ctx.store;
    populate(s).await;
    let cases: &[(UserColumn, bool, &str, &[&str])] = &[
        // Username is the name as created, case-sensitive.
        (Username, false, "Ann", &["a1"]),
        (Username, false, "ann", &[]),
        (Username, true, "Ann", &["a1", "a2"]),
        (Username, true, "Ç", &["c1"]),
        (Username, true, "50%", &["d1"]), // no LIKE wildcards
        (Username, true, "5_", &[]),
        (Email, false, "bob@x.com", &["b1"]),
        (Email, true, "ann", &["a1", "a2"]),
        (Email, true, "", &["a1", "a2", "b1", "d1"]), // everyone with an email
        (Email, true, "x\u{10FFFF}", &["d1"]),        // no upper bound
        (Email, true, "x\u{10FFFF}@z", &["d1"]),
        (Email, true, "bob@x.com.", &[]),
        (PhoneNumber, false, "+15550001", &["a1"]),
        (PhoneNumber, true, "+1555", &["a1", "b1"]),
        (PhoneNumber, true, "+44", &["c1"]),
        (Name, false, "Ann Lee", &["a1"]),
        (Name, true, "Ann", &["a1"]),
        (Name, true, "Stone", &["d1"]),
        (GivenName, false, "Anna", &["a2"]),
        (GivenName, true, "Ann", &["a1", "a2"]),
        (FamilyName, false, "Çelik", &["c1"]),
        (FamilyName, true, "Stone", &["b1", "d1"]),
        (FamilyName, true, "Çe", &["c1"]),
        (PreferredUsername, false, "bob", &["d1"]),
        // A prefix search lists by value: "bob" before "bobby".
        (PreferredUsername, true, "bob", &["d1", "b1"]),
        (Sub, false, "sub-a2", &["a2"]),
        (Sub, true, "sub-a", &["a1", "a2"]),
        (Status, false, "UNCONFIRMED", &["a2"]),
        (Status, false, "CONFIRMED", &["a1", "b1", "d1"]),
        (Status, true, "CONF", &["a1", "b1", "d1"]),
        (Status, true, "F", &["c1"]),
        (Enabled, false, "Enabled", &["a1", "a2", "c1", "d1"]),
        (Enabled, false, "Disabled", &["b1"]),
        (Enabled, false, "enabled", &[]),
        (Enabled, false, "true", &[]),
        (Enabled, true, "Dis", &["b1"]),
        (Enabled, true, "E", &["a1", "a2", "c1", "d1"]),
        (Enabled, true, "", &["a1", "a2", "b1", "c1", "d1"]),
        (Enabled, true, "x", &[]),
    ];
    for (column, prefix, value, want) in cases {
        let got = keys(s, Some((*column, *prefix, value)), None, 10).await;
        assert_eq!(got, *want, "{column:?} prefix={prefix} {value:?}");
    }
});

store_test!(filtered_pages, |ctx: Ctx| async move {
    use UserColumn::*;
    let s = &ctx.store;
    populate(s).await;
    let confirmed = Some((Status, false, "CONFIRMED"));
    assert_eq!(keys(s, confirmed, None, 2).await, ["a1", "b1"]);
    assert_eq!(keys(s, confirmed, Some("b1"), 2).await, ["d1"]);
    let stone = Some((FamilyName, true, "Stone"));
    assert_eq!(keys(s, stone, None, 1).await, ["b1"]);
    assert_eq!(keys(s, stone, Some("b1"), 1).await, ["d1"]);
    assert!(keys(s, stone, Some("d1"), 1).await.is_empty());
    let open = Some((Email, true, ""));
    assert_eq!(keys(s, open, Some("a2"), 2).await, ["b1", "d1"]);
    let enabled = Some((Enabled, false, "Enabled"));
    assert_eq!(keys(s, enabled, Some("a2"), 2).await, ["c1", "d1"]);
});

store_test!(prefix_pages_in_value_order, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    // Key order and value order disagree, two users share a value, and
    // U+10FFFF sorts after every ASCII letter.
    for (key, given) in [
        ("k1", "b"),
        ("k2", "ab"),
        ("k3", "a"),
        ("k4", "a"),
        ("k5", "a\u{10FFFF}"),
    ] {
        let u = UserRecord {
            given_name: Some(given.to_owned()),
            ..user("p", key)
        };
        s.insert_user(&u, &[]).await.unwrap();
    }
    let f = UserFilter {
        column: UserColumn::GivenName,
        prefix: true,
        value: "a".to_owned(),
    };
    let page = |value: Option<&'static str>, key: &'static str, limit| {
        let f = f.clone();
        async move {
            let cursor = UserCursor {
                value: value.map(str::to_owned),
                username_key: key.to_owned(),
            };
            s.list_users("p", Some(&f), Some(&cursor), limit)
                .await
                .unwrap()
                .into_iter()
                .map(|u| u.username_key)
                .collect::<Vec<_>>()
        }
    };
    let all = s.list_users("p", Some(&f), None, 10).await.unwrap();
    let keys: Vec<_> = all.iter().map(|u| u.username_key.as_str()).collect();
    assert_eq!(keys, ["k3", "k4", "k2", "k5"]);
    // One a page, each cursor the last user's (value, key): ties on the
    // value are broken by the key.
    assert_eq!(page(Some("a"), "k3", 1).await, ["k4"]);
    assert_eq!(page(Some("a"), "k4", 1).await, ["k2"]);
    assert_eq!(page(Some("ab"), "k2", 1).await, ["k5"]);
    assert!(page(Some("a\u{10FFFF}"), "k5", 1).await.is_empty());
    // A cursor below the prefix, or without a value, starts at the prefix;
    // one past it lists nothing.
    assert_eq!(page(Some("0"), "zz", 2).await, ["k3", "k4"]);
    assert_eq!(page(None, "k9", 2).await, ["k3", "k4"]);
    assert!(page(Some("b"), "", 5).await.is_empty());
    // The open-ended prefix (no upper bound) pages the same way.
    let open = UserFilter {
        value: String::new(),
        ..f.clone()
    };
    let cursor = UserCursor {
        value: Some("a".into()),
        username_key: "k4".into(),
    };
    let rest = s
        .list_users("p", Some(&open), Some(&cursor), 10)
        .await
        .unwrap();
    let keys: Vec<_> = rest.iter().map(|u| u.username_key.as_str()).collect();
    assert_eq!(keys, ["k2", "k5", "k1"]);
});

/// Pool `p` with 150 users, `u000`…`u149`.
async fn hundred_fifty(s: &SqlStore) {
    s.insert_pool(&pool("p")).await.unwrap();
    for n in 0..150 {
        s.insert_user(&user("p", &format!("u{n:03}")), &[])
            .await
            .unwrap();
    }
}

/// Emails starting `u1`: a prefix filter.
fn u1() -> UserFilter {
    UserFilter {
        column: UserColumn::Email,
        prefix: true,
        value: "u1".into(),
    }
}

store_test!(pages_of_sixty, |ctx: Ctx| async move {
    let s = &ctx.store;
    hundred_fifty(s).await;
    let all = s.list_users("p", None, None, 60).await.unwrap();
    let some = s.list_users("p", Some(&u1()), None, 60).await.unwrap();
    assert_eq!(all.len(), 60);
    assert_eq!(all[0].username_key, "u000");
    assert_eq!(some.len(), 50);
    assert_eq!(some[0].username_key, "u100");
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_past_the_inline_budget_read_the_same() {
    // On a SQLite file the lane reads a page inline under a budget of
    // steps, and one that runs past it again on the blocking pool: both
    // give the page. A second lane on the store's file, whose budget (one
    // check of 1,000 steps) is far less than 60 users take, reads every
    // page the second way.
    super::harness::run_sqlite(|ctx: Ctx| async move {
        let s = &ctx.store;
        hundred_fifty(s).await;
        let url = crate::engine::sqlite_url(&ctx.url);
        let place = crate::engine::lane_place(crate::Engine::Sqlite, &url)
            .unwrap()
            .unwrap();
        let lane = Arc::new(Lane::open(&place, &s.db.write, None).unwrap());
        lane.set_inline_checks(1);
        let filter = u1();
        for filter in [None, Some(&filter)] {
            let (sql, args) = crate::user_list::statement("p", filter, None, 60).unwrap();
            let past = lane.list_users(sql, args::values(args)).await.unwrap();
            let inline = s.list_users("p", filter, None, 60).await.unwrap();
            assert_eq!(past, inline);
        }
    })
    .await;
}
