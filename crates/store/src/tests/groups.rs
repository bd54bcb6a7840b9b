//! Groups and memberships: insert, get, update, delete, list and page; the
//! name's uniqueness and the two limits (under concurrent writers in
//! `groups_concurrent`); idempotent membership; cascades from groups, users
//! and pools; reset.

use kognit_core::store::{GroupChange, GroupRecord};

use super::harness::Ctx;
use super::{conflict, named, pool, user};
use crate::SqlStore;

/// A group whose optional members all hold something, including non-ASCII.
pub(super) fn group(pool_id: &str, name: &str, precedence: Option<i64>) -> GroupRecord {
    GroupRecord {
        pool_id: pool_id.to_owned(),
        group_name: name.to_owned(),
        description: Some(format!("ünïcødé ✓ {name}")),
        role_arn: Some(format!("arn:aws:iam::000000000000:role/{name}")),
        precedence,
        created_ms: 1_700_000_000_000,
        updated_ms: 1_700_000_000_000,
    }
}

/// The names of some groups, in the order given.
fn names(groups: &[GroupRecord]) -> Vec<&str> {
    groups.iter().map(|g| g.group_name.as_str()).collect()
}

/// Rows of group_members, read directly (the trait has no count).
async fn memberships(s: &SqlStore) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM group_members")
        .fetch_one(&s.db.read)
        .await
        .unwrap()
}

store_test!(crud_and_paging, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_pool(&pool("q")).await.unwrap();
    let admins = group("p", "admins", Some(0));
    assert!(s.insert_group(&admins, 10).await.unwrap());
    assert_eq!(
        s.get_group("p", "admins").await.unwrap(),
        Some(admins.clone())
    );
    // Absent members stay absent, not empty.
    let bare = GroupRecord {
        description: None,
        role_arn: None,
        precedence: None,
        ..group("p", "bare", None)
    };
    assert!(s.insert_group(&bare, 10).await.unwrap());
    assert_eq!(s.get_group("p", "bare").await.unwrap(), Some(bare.clone()));
    // Names are unique per pool, compared bytewise.
    let dup = s.insert_group(&group("p", "admins", Some(3)), 10).await;
    assert_eq!(conflict(dup), named("user_groups_pkey"));
    assert!(
        s.insert_group(&group("p", "Admins", None), 10)
            .await
            .unwrap()
    );
    assert!(
        s.insert_group(&group("q", "admins", None), 10)
            .await
            .unwrap()
    );
    let orphan = s.insert_group(&group("missing", "g", None), 10).await;
    assert_eq!(conflict(orphan), named("user_groups_pool_id_fkey"));
    assert_eq!(s.get_group("p", "nobody").await.unwrap(), None);
    assert_eq!(s.get_group("q", "bare").await.unwrap(), None);

    // Update changes what it is given and keeps the rest.
    let change = GroupChange {
        description: Some("new".into()),
        ..Default::default()
    };
    let updated = s.update_group("p", "admins", &change, 5).await.unwrap();
    let expected = GroupRecord {
        description: Some("new".into()),
        updated_ms: 5,
        ..admins.clone()
    };
    assert_eq!(updated, Some(expected.clone()));
    let change = GroupChange {
        role_arn: Some("arn:aws:iam::000000000000:role/other".into()),
        precedence: Some(7),
        ..Default::default()
    };
    let updated = s.update_group("p", "admins", &change, 6).await.unwrap();
    let expected = GroupRecord {
        role_arn: change.role_arn.clone(),
        precedence: Some(7),
        updated_ms: 6,
        ..expected
    };
    assert_eq!(updated, Some(expected.clone()));
    assert_eq!(s.get_group("p", "admins").await.unwrap(), Some(expected));
    let gone = s.update_group("p", "nobody", &change, 7).await.unwrap();
    assert_eq!(gone, None);

    // Listed by name (bytewise: upper case first), paged after a name.
    for n in ["c", "b", "a"] {
        s.insert_group(&group("p", n, None), 10).await.unwrap();
    }
    let all = s.list_groups("p", None, 100).await.unwrap();
    assert_eq!(names(&all), ["Admins", "a", "admins", "b", "bare", "c"]);
    let first = s.list_groups("p", None, 2).await.unwrap();
    assert_eq!(names(&first), ["Admins", "a"]);
    let next = s.list_groups("p", Some("a"), 3).await.unwrap();
    assert_eq!(names(&next), ["admins", "b", "bare"]);
    assert!(s.list_groups("p", Some("c"), 3).await.unwrap().is_empty());
    assert_eq!(
        names(&s.list_groups("q", None, 9).await.unwrap()),
        ["admins"]
    );

    assert!(s.delete_group("p", "b").await.unwrap());
    assert!(!s.delete_group("p", "b").await.unwrap());
    assert_eq!(s.get_group("p", "b").await.unwrap(), None);
    assert!(s.get_group("q", "admins").await.unwrap().is_some());
});

store_test!(groups_per_pool_limit, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_pool(&pool("q")).await.unwrap();
    assert!(s.insert_group(&group("p", "a", None), 2).await.unwrap());
    assert!(s.insert_group(&group("p", "b", None), 2).await.unwrap());
    assert!(!s.insert_group(&group("p", "c", None), 2).await.unwrap());
    assert_eq!(s.get_group("p", "c").await.unwrap(), None);
    // The limit is per pool; deleting one makes room again.
    assert!(s.insert_group(&group("q", "c", None), 2).await.unwrap());
    assert!(s.delete_group("p", "a").await.unwrap());
    assert!(s.insert_group(&group("p", "c", None), 2).await.unwrap());
});

store_test!(memberships_and_paging, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    for key in ["carol", "alice", "bob"] {
        s.insert_user(&user("p", key), &[]).await.unwrap();
    }
    for (name, precedence) in [("z", Some(1)), ("y", None), ("x", Some(2))] {
        s.insert_group(&group("p", name, precedence), 10)
            .await
            .unwrap();
    }
    for key in ["carol", "alice", "bob"] {
        assert!(s.add_member("p", "z", key, 10).await.unwrap());
    }
    assert!(s.add_member("p", "x", "alice", 10).await.unwrap());
    assert!(s.add_member("p", "y", "alice", 10).await.unwrap());
    // Adding again succeeds and adds nothing.
    assert!(s.add_member("p", "z", "alice", 10).await.unwrap());
    assert_eq!(memberships(s).await, 5);

    let missing_group = s.add_member("p", "nope", "alice", 10).await;
    assert_eq!(conflict(missing_group), named("group_members_group_fkey"));
    let missing_user = s.add_member("p", "z", "nobody", 10).await;
    assert_eq!(conflict(missing_user), named("group_members_user_fkey"));

    // A user's groups by name, whole records, paged.
    let mine = s.list_user_groups("p", "alice", None, 10).await.unwrap();
    assert_eq!(names(&mine), ["x", "y", "z"]);
    assert_eq!(mine[2], group("p", "z", Some(1)));
    let page = s
        .list_user_groups("p", "alice", Some("x"), 1)
        .await
        .unwrap();
    assert_eq!(names(&page), ["y"]);
    assert!(
        s.list_user_groups("p", "nobody", None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // A group's members by username key, whole records, paged.
    let members = s.list_group_members("p", "z", None, 10).await.unwrap();
    assert_eq!(
        members,
        vec![user("p", "alice"), user("p", "bob"), user("p", "carol")]
    );
    let page = s
        .list_group_members("p", "z", Some("alice"), 1)
        .await
        .unwrap();
    assert_eq!(page, vec![user("p", "bob")]);
    assert!(
        s.list_group_members("p", "nope", None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    assert!(s.remove_member("p", "z", "bob").await.unwrap());
    assert!(!s.remove_member("p", "z", "bob").await.unwrap());
    assert!(!s.remove_member("p", "nope", "bob").await.unwrap());
    let members = s.list_group_members("p", "z", None, 10).await.unwrap();
    assert_eq!(members.len(), 2);
});

store_test!(groups_per_user_limit, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    s.insert_user(&user("p", "b"), &[]).await.unwrap();
    for n in ["g1", "g2", "g3"] {
        s.insert_group(&group("p", n, None), 10).await.unwrap();
    }
    assert!(s.add_member("p", "g1", "a", 2).await.unwrap());
    assert!(s.add_member("p", "g2", "a", 2).await.unwrap());
    assert!(!s.add_member("p", "g3", "a", 2).await.unwrap());
    // At the limit, a repeated addition is still a success, and the limit
    // is the user's: another user joins freely.
    assert!(s.add_member("p", "g2", "a", 2).await.unwrap());
    assert!(s.add_member("p", "g3", "b", 2).await.unwrap());
    assert_eq!(memberships(s).await, 3);
});

store_test!(cascades_and_reset, |ctx: Ctx| async move {
    let s = &ctx.store;
    for p in ["p", "q"] {
        s.insert_pool(&pool(p)).await.unwrap();
        for key in ["a", "b"] {
            s.insert_user(&user(p, key), &[]).await.unwrap();
        }
        for n in ["g", "h"] {
            s.insert_group(&group(p, n, None), 10).await.unwrap();
            for key in ["a", "b"] {
                s.add_member(p, n, key, 10).await.unwrap();
            }
        }
    }
    assert_eq!(memberships(s).await, 8);
    // Deleting a group ends its memberships only.
    assert!(s.delete_group("p", "g").await.unwrap());
    assert_eq!(
        names(&s.list_user_groups("p", "a", None, 10).await.unwrap()),
        ["h"]
    );
    assert_eq!(memberships(s).await, 6);
    // Deleting a user ends its memberships; the groups stay.
    assert!(s.delete_user("p", "a").await.unwrap());
    assert_eq!(
        s.list_group_members("p", "h", None, 10).await.unwrap(),
        vec![user("p", "b")]
    );
    assert_eq!(memberships(s).await, 5);
    // Deleting a pool takes its groups and memberships, not another pool's.
    assert!(s.delete_pool("p").await.unwrap());
    assert_eq!(s.get_group("p", "h").await.unwrap(), None);
    assert_eq!(memberships(s).await, 4);
    assert_eq!(s.list_groups("q", None, 10).await.unwrap().len(), 2);
    // Reset clears the rest.
    s.reset().await.unwrap();
    assert_eq!(memberships(s).await, 0);
    assert!(s.list_groups("q", None, 10).await.unwrap().is_empty());
    // The pool went with the reset too.
    let orphan = s.insert_group(&group("q", "g", None), 10).await;
    assert_eq!(conflict(orphan), named("user_groups_pool_id_fkey"));
});
