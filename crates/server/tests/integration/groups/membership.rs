//! Memberships through the AWS SDK: AdminAddUserToGroup,
//! AdminRemoveUserFromGroup, AdminListGroupsForUser and ListUsersInGroup with
//! their errors, users named by alias, and the per-user limit.

use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, MessageActionType, UsernameAttributeType,
};

use super::{add, create_group, group_names, member_names};
use crate::harness::auth::{create_user, setup};
use crate::harness::on_both_backends;
use crate::harness::{TestServer, code, message};

on_both_backends!(membership, membership_by_alias, groups_per_user_limit);

async fn membership(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    let pool = st.pool.as_str();
    create_user(&c, pool, "quinn").await;
    for g in ["readers", "writers", "empty"] {
        create_group(&c, pool, g, None).await;
    }
    add(&c, pool, "pat", "readers").await;
    // Adding again is a success that changes nothing.
    add(&c, pool, "pat", "readers").await;
    add(&c, pool, "quinn", "readers").await;
    add(&c, pool, "pat", "writers").await;

    let e = c
        .admin_add_user_to_group()
        .user_pool_id(pool)
        .username("nobody");
    let e = e.group_name("readers").send().await.unwrap_err();
    assert_eq!(
        (code(&e), message(&e)),
        (
            "UserNotFoundException".into(),
            "User does not exist.".into()
        )
    );
    let e = c
        .admin_add_user_to_group()
        .user_pool_id(pool)
        .username("pat");
    let e = e.group_name("nope").send().await.unwrap_err();
    assert_eq!(
        (code(&e), message(&e)),
        (
            "ResourceNotFoundException".into(),
            "Group not found.".into()
        )
    );
    let e = c
        .admin_add_user_to_group()
        .user_pool_id("us-east-1_Nope00000");
    let e = e
        .username("pat")
        .group_name("readers")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");

    assert_eq!(
        group_names(&c, pool, Some("pat"), 60).await,
        ["readers", "writers"]
    );
    assert_eq!(
        group_names(&c, pool, Some("pat"), 1).await,
        ["readers", "writers"]
    );
    assert_eq!(group_names(&c, pool, Some("quinn"), 60).await, ["readers"]);
    let e = c
        .admin_list_groups_for_user()
        .user_pool_id(pool)
        .username("nobody");
    assert_eq!(code(&e.send().await.unwrap_err()), "UserNotFoundException");

    // Members as ListUsers shows them, by username, paged.
    let r = c
        .list_users_in_group()
        .user_pool_id(pool)
        .group_name("readers");
    let users = r.send().await.unwrap().users.unwrap();
    let pat = &users[0];
    assert_eq!(pat.username(), Some("pat"));
    assert_eq!(pat.user_status().map(|s| s.as_str()), Some("CONFIRMED"));
    assert!(pat.enabled());
    assert!(pat.user_create_date().is_some());
    let attrs: Vec<_> = pat.attributes().iter().map(|a| a.name()).collect();
    assert!(attrs.contains(&"sub") && attrs.contains(&"email"));
    assert_eq!(member_names(&c, pool, "readers", 1).await, ["pat", "quinn"]);
    assert!(member_names(&c, pool, "empty", 60).await.is_empty());
    let e = c
        .list_users_in_group()
        .user_pool_id(pool)
        .group_name("nope");
    let e = e.send().await.unwrap_err();
    assert_eq!(
        (code(&e), message(&e)),
        (
            "ResourceNotFoundException".into(),
            "Group not found.".into()
        )
    );

    // Removing: once, again (not a member: still a success), errors.
    for _ in 0..2 {
        let r = c.admin_remove_user_from_group().user_pool_id(pool);
        r.username("pat")
            .group_name("readers")
            .send()
            .await
            .unwrap();
    }
    assert_eq!(member_names(&c, pool, "readers", 60).await, ["quinn"]);
    let e = c
        .admin_remove_user_from_group()
        .user_pool_id(pool)
        .username("pat");
    let e = e.group_name("nope").send().await.unwrap_err();
    assert_eq!(message(&e), "Group not found.");
    let e = c
        .admin_remove_user_from_group()
        .user_pool_id(pool)
        .username("nobody");
    let e = e.group_name("readers").send().await.unwrap_err();
    assert_eq!(code(&e), "UserNotFoundException");

    // Deleting a group ends its memberships; deleting a user ends theirs.
    c.delete_group()
        .user_pool_id(pool)
        .group_name("writers")
        .send()
        .await
        .unwrap();
    assert!(group_names(&c, pool, Some("pat"), 60).await.is_empty());
    c.admin_delete_user()
        .user_pool_id(pool)
        .username("quinn")
        .send()
        .await
        .unwrap();
    assert!(member_names(&c, pool, "readers", 60).await.is_empty());
}

async fn membership_by_alias(s: TestServer) {
    // Email as username: the stored username is a UUID, and the admin
    // operations find the user by the email too.
    let c = s.client();
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("by-email")
            .username_attributes(UsernameAttributeType::Email),
    )
    .await;
    let email = AttributeType::builder()
        .name("email")
        .value("ann@example.com");
    let user = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("ann@example.com")
        .user_attributes(email.build().unwrap())
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let uuid = user.username().unwrap().to_owned();
    assert_ne!(uuid, "ann@example.com");
    create_group(&c, &pool, "staff", Some(0)).await;
    add(&c, &pool, "ANN@example.com", "staff").await;
    assert_eq!(member_names(&c, &pool, "staff", 60).await, [uuid.as_str()]);
    assert_eq!(group_names(&c, &pool, Some(&uuid), 60).await, ["staff"]);
    let r = c.admin_remove_user_from_group().user_pool_id(&pool);
    r.username("ann@example.com")
        .group_name("staff")
        .send()
        .await
        .unwrap();
    assert!(member_names(&c, &pool, "staff", 60).await.is_empty());
}

async fn groups_per_user_limit(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    for i in 0..101 {
        create_group(&c, &st.pool, &format!("g{i:03}"), None).await;
    }
    for i in 0..100 {
        add(&c, &st.pool, "pat", &format!("g{i:03}")).await;
    }
    let e = c
        .admin_add_user_to_group()
        .user_pool_id(&st.pool)
        .username("pat");
    let e = e.group_name("g100").send().await.unwrap_err();
    assert_eq!(code(&e), "LimitExceededException");
    // A group the user is already in can still be "added" at the limit.
    add(&c, &st.pool, "pat", "g000").await;
    assert_eq!(group_names(&c, &st.pool, Some("pat"), 60).await.len(), 100);
}
