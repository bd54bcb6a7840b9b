//! Groups through the AWS SDK, on both stores: CreateGroup, GetGroup,
//! UpdateGroup, DeleteGroup and ListGroups here, with the helpers the other
//! group tests share; memberships in `membership`; the group claims of tokens
//! in `tokens`.

mod membership;
mod tokens;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::GroupType;

use crate::harness::on_both_backends;
use crate::harness::{TestServer, code, message};

on_both_backends!(group_crud_and_listing);

/// A role ARN matching the model's ArnType.
pub fn role(name: &str) -> String {
    format!("arn:aws:iam::123456789012:role/{name}")
}

/// A new pool with default settings.
async fn new_pool(c: &Client) -> String {
    let p = c.create_user_pool().pool_name("groups").send().await;
    p.unwrap().user_pool.unwrap().id.unwrap()
}

/// A new group; one with a precedence also gets the role `role(name)`.
pub async fn create_group(
    c: &Client,
    pool: &str,
    name: &str,
    precedence: Option<i32>,
) -> GroupType {
    let mut req = c.create_group().user_pool_id(pool).group_name(name);
    if let Some(p) = precedence {
        req = req.precedence(p).role_arn(role(name));
    }
    req.send().await.unwrap().group.unwrap()
}

/// Adds a user to a group, expecting success.
pub async fn add(c: &Client, pool: &str, user: &str, group: &str) {
    c.admin_add_user_to_group()
        .user_pool_id(pool)
        .username(user)
        .group_name(group)
        .send()
        .await
        .unwrap();
}

/// The names of every group of a ListGroups (pool) or AdminListGroupsForUser
/// (user), fetched `limit` at a time through NextToken.
pub async fn group_names(c: &Client, pool: &str, user: Option<&str>, limit: i32) -> Vec<String> {
    let (mut names, mut token) = (Vec::new(), None::<String>);
    loop {
        let (groups, next) = match user {
            None => {
                let r = c.list_groups().user_pool_id(pool).limit(limit);
                let r = r.set_next_token(token).send().await.unwrap();
                (r.groups.unwrap_or_default(), r.next_token)
            }
            Some(u) => {
                let r = c.admin_list_groups_for_user().user_pool_id(pool);
                let r = r.username(u).limit(limit).set_next_token(token);
                let r = r.send().await.unwrap();
                (r.groups.unwrap_or_default(), r.next_token)
            }
        };
        assert!(groups.len() <= limit as usize);
        names.extend(groups.into_iter().map(|g| g.group_name.unwrap()));
        match next {
            Some(t) => token = Some(t),
            None => return names,
        }
    }
}

/// The usernames of a ListUsersInGroup, fetched `limit` at a time.
pub async fn member_names(c: &Client, pool: &str, group: &str, limit: i32) -> Vec<String> {
    let (mut names, mut token) = (Vec::new(), None::<String>);
    loop {
        let r = c.list_users_in_group().user_pool_id(pool).group_name(group);
        let r = r.limit(limit).set_next_token(token).send().await.unwrap();
        names.extend(r.users().iter().map(|u| u.username().unwrap().to_owned()));
        match r.next_token {
            Some(t) => token = Some(t),
            None => return names,
        }
    }
}

async fn group_crud_and_listing(s: TestServer) {
    let c = s.client();
    let pool = new_pool(&c).await;
    let g = c
        .create_group()
        .user_pool_id(&pool)
        .group_name("admins")
        .description("The admins")
        .role_arn(role("admins"))
        .precedence(1)
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(g.group_name(), Some("admins"));
    assert_eq!(g.user_pool_id(), Some(pool.as_str()));
    assert_eq!(g.description(), Some("The admins"));
    assert_eq!(g.role_arn(), Some(role("admins").as_str()));
    assert_eq!(g.precedence(), Some(1));
    assert!(g.creation_date().is_some() && g.last_modified_date().is_some());
    let got = c.get_group().user_pool_id(&pool).group_name("admins");
    assert_eq!(got.send().await.unwrap().group.unwrap(), g);

    // Names are unique per pool, and case-sensitive.
    let e = c.create_group().user_pool_id(&pool).group_name("admins");
    let e = e.send().await.unwrap_err();
    assert_eq!(code(&e), "GroupExistsException");
    assert_eq!(message(&e), "A group with the name admins already exists.");
    let upper = create_group(&c, &pool, "Admins", None).await;
    assert_eq!(upper.precedence(), None);
    assert_eq!(upper.role_arn(), None);
    let e = c
        .create_group()
        .user_pool_id(&pool)
        .group_name("g")
        .precedence(-1);
    assert_eq!(
        code(&e.send().await.unwrap_err()),
        "InvalidParameterException"
    );
    let e = c.create_group().user_pool_id("us-east-1_Nope00000");
    let e = e.group_name("g").send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    assert_eq!(message(&e), "User pool us-east-1_Nope00000 does not exist.");

    // UpdateGroup keeps what it is not given.
    let u = c.update_group().user_pool_id(&pool).group_name("admins");
    let u = u
        .description("Renamed")
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(u.description(), Some("Renamed"));
    assert_eq!(
        (u.precedence(), u.role_arn()),
        (Some(1), Some(role("admins").as_str()))
    );
    assert_eq!(u.creation_date(), g.creation_date());
    let u = c.update_group().user_pool_id(&pool).group_name("admins");
    let u = u
        .precedence(4)
        .role_arn(role("other"))
        .send()
        .await
        .unwrap();
    let u = u.group.unwrap();
    assert_eq!(u.description(), Some("Renamed"));
    assert_eq!(
        (u.precedence(), u.role_arn()),
        (Some(4), Some(role("other").as_str()))
    );
    let got = c.get_group().user_pool_id(&pool).group_name("admins");
    assert_eq!(got.send().await.unwrap().group.unwrap(), u);

    for missing in ["nope", "ADMINS"] {
        let e = c.get_group().user_pool_id(&pool).group_name(missing);
        let e = e.send().await.unwrap_err();
        assert_eq!(
            (code(&e), message(&e)),
            (
                "ResourceNotFoundException".into(),
                "Group not found.".into()
            )
        );
        let e = c.update_group().user_pool_id(&pool).group_name(missing);
        let e = e.description("x").send().await.unwrap_err();
        assert_eq!(message(&e), "Group not found.");
        let e = c.delete_group().user_pool_id(&pool).group_name(missing);
        let e = e.send().await.unwrap_err();
        assert_eq!(message(&e), "Group not found.");
    }

    // ListGroups: by name (bytewise), every page within its limit.
    for n in ["delta", "charlie", "bravo", "alpha"] {
        create_group(&c, &pool, n, None).await;
    }
    let all = ["Admins", "admins", "alpha", "bravo", "charlie", "delta"];
    assert_eq!(group_names(&c, &pool, None, 60).await, all);
    assert_eq!(group_names(&c, &pool, None, 4).await, all);
    assert_eq!(group_names(&c, &pool, None, 1).await, all);
    let e = c
        .list_groups()
        .user_pool_id("us-east-1_Nope00000")
        .send()
        .await;
    assert_eq!(code(&e.unwrap_err()), "ResourceNotFoundException");
    let e = c
        .list_groups()
        .user_pool_id(&pool)
        .next_token("%%%")
        .send()
        .await;
    assert_eq!(code(&e.unwrap_err()), "InvalidParameterException");

    c.delete_group()
        .user_pool_id(&pool)
        .group_name("admins")
        .send()
        .await
        .unwrap();
    let e = c
        .get_group()
        .user_pool_id(&pool)
        .group_name("admins")
        .send()
        .await;
    assert_eq!(code(&e.unwrap_err()), "ResourceNotFoundException");
    assert_eq!(group_names(&c, &pool, None, 60).await.len(), 5);
}
