//! The admin console's user search, kognit extension `Kognit.SearchUsers`:
//! a prefix of username, email, phone_number, name or sub, each user listed
//! once, status and enabled filters, and pages that list every match once.

use std::collections::BTreeSet;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::MessageActionType;
use serde_json::{Value, json};

use crate::harness::users::{PASSWORD, attr, attr_of};
use crate::harness::{Backend, RawReply, TestServer, create_pool, on_both_backends};

on_both_backends!(
    finds_by_each_field_once,
    filters_by_status_and_enabled,
    pages_list_each_match_once,
    sparse_filters_page_in_bounded_steps,
);

async fn search(s: &TestServer, body: Value) -> RawReply {
    s.raw(Some("Kognit.SearchUsers"), body.to_string()).await
}

/// The usernames of a successful search, in the order answered.
async fn names(s: &TestServer, body: Value) -> Vec<String> {
    let r = search(s, body).await;
    assert_eq!(r.status, 200, "{}", r.json);
    r.json["Users"]
        .as_array()
        .expect("Users")
        .iter()
        .map(|u| u["Username"].as_str().expect("Username").to_owned())
        .collect()
}

/// A user created by an administrator (FORCE_CHANGE_PASSWORD), with these
/// attributes.
async fn user(c: &Client, pool: &str, name: &str, attrs: &[(&str, &str)]) {
    let mut req = c
        .admin_create_user()
        .user_pool_id(pool)
        .username(name)
        .message_action(MessageActionType::Suppress);
    for (k, v) in attrs {
        req = req.user_attributes(attr(k, v));
    }
    req.send().await.unwrap();
}

/// alice (CONFIRMED), bob (disabled) and carol, all in one pool.
async fn three_users(c: &Client) -> String {
    let pool = create_pool(c, "search").await;
    let alice = [
        ("email", "alice@example.com"),
        ("phone_number", "+15555550001"),
        ("name", "Alice Liddell"),
    ];
    user(c, &pool, "alice", &alice).await;
    let bob = [
        ("email", "robert@example.com"),
        ("phone_number", "+15555550002"),
        ("name", "Bob Builder"),
    ];
    user(c, &pool, "bob", &bob).await;
    user(c, &pool, "carol", &[("email", "carol@example.org")]).await;
    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("alice")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    c.admin_disable_user()
        .user_pool_id(&pool)
        .username("bob")
        .send()
        .await
        .unwrap();
    pool
}

async fn finds_by_each_field_once(s: TestServer) {
    let c = s.client();
    let pool = three_users(&c).await;
    let q = |query: &str| json!({"UserPoolId": pool, "Query": query});
    // alice matches "ali" by username and by email: listed once.
    assert_eq!(names(&s, q("ali")).await, ["alice"]);
    assert_eq!(names(&s, q("robert@")).await, ["bob"]);
    assert_eq!(names(&s, q("+1555555000")).await, ["alice", "bob"]);
    assert_eq!(names(&s, q("Bob B")).await, ["bob"]);
    // Case-sensitive, as ListUsers' `^=`: "Ali" is alice's name, "ALI" nothing.
    assert_eq!(names(&s, q("Ali")).await, ["alice"]);
    assert!(names(&s, q("ALI")).await.is_empty());
    let sub = attr_of(&c, &pool, "carol", "sub").await.unwrap();
    assert_eq!(names(&s, q(&sub[..13])).await, ["carol"]);
    // No query: every user, by username.
    let all = names(&s, q("")).await;
    assert_eq!(all, ["alice", "bob", "carol"]);
    assert!(names(&s, q("nobody")).await.is_empty());

    // Users as ListUsers gives them.
    let r = search(&s, q("alice@")).await;
    let listed = s
        .raw(
            Some("AWSCognitoIdentityProviderService.ListUsers"),
            json!({"UserPoolId": pool, "Filter": "username = \"alice\""}).to_string(),
        )
        .await;
    assert_eq!(r.json["Users"], listed.json["Users"]);
    assert!(r.json.get("PaginationToken").is_none(), "{}", r.json);

    // Bad input: InvalidParameterException, never a 5xx; an unknown pool as ListUsers.
    let bad = [
        json!({"UserPoolId": pool}),
        json!({"UserPoolId": pool, "Query": "", "Limit": "ten"}),
        json!({"UserPoolId": pool, "Query": "", "Limit": -1}),
        json!({"UserPoolId": pool, "Query": "", "Status": "SLEEPING"}),
        json!({"UserPoolId": pool, "Query": "", "Enabled": "yes"}),
        json!({"UserPoolId": pool, "Query": "", "Surprise": 1}),
        json!({"UserPoolId": pool, "Query": "", "PaginationToken": "bm9wZQ"}),
        json!({"UserPoolId": pool, "Query": "a\u{0}b"}),
        json!({"UserPoolId": pool, "Query": "x".repeat(257)}),
        json!({"UserPoolId": "bad pool\u{0}", "Query": ""}),
        json!({"UserPoolId": "", "Query": ""}),
        json!({"UserPoolId": 7, "Query": ""}),
    ];
    for body in bad {
        let r = search(&s, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.json);
        assert_eq!(
            r.error_type(),
            "InvalidParameterException",
            "{body}: {}",
            r.json
        );
    }
    let r = search(
        &s,
        json!({"UserPoolId": "us-east-1_nothere00", "Query": "a"}),
    )
    .await;
    assert_eq!(r.error_type(), "ResourceNotFoundException");
    // A token of one search does not continue another.
    let page = search(&s, json!({"UserPoolId": pool, "Query": "", "Limit": 1})).await;
    let token = page.json["PaginationToken"].as_str().unwrap().to_owned();
    let other = json!({"UserPoolId": pool, "Query": "a", "PaginationToken": token});
    assert_eq!(
        search(&s, other).await.error_type(),
        "InvalidParameterException"
    );
}

async fn filters_by_status_and_enabled(s: TestServer) {
    let c = s.client();
    let pool = three_users(&c).await;
    let q = |more: Value| {
        let mut body = json!({"UserPoolId": pool, "Query": ""});
        body.as_object_mut()
            .unwrap()
            .extend(more.as_object().unwrap().clone());
        body
    };
    assert_eq!(
        names(&s, q(json!({"Status": "CONFIRMED"}))).await,
        ["alice"]
    );
    assert_eq!(
        names(&s, q(json!({"Status": "FORCE_CHANGE_PASSWORD"}))).await,
        ["bob", "carol"]
    );
    assert_eq!(names(&s, q(json!({"Enabled": false}))).await, ["bob"]);
    assert_eq!(
        names(&s, q(json!({"Enabled": true}))).await,
        ["alice", "carol"]
    );
    let both = json!({"Status": "FORCE_CHANGE_PASSWORD", "Enabled": true});
    assert_eq!(names(&s, q(both)).await, ["carol"]);
    assert!(
        names(&s, q(json!({"Status": "RESET_REQUIRED"})))
            .await
            .is_empty()
    );
    // With a query: checked on what the prefix finds.
    let phones = |more: Value| {
        let mut body = q(more);
        body["Query"] = json!("+1555555");
        body
    };
    assert_eq!(names(&s, phones(json!({"Enabled": false}))).await, ["bob"]);
    assert_eq!(
        names(&s, phones(json!({"Status": "CONFIRMED"}))).await,
        ["alice"]
    );
    let none = json!({"Status": "CONFIRMED", "Enabled": false});
    assert!(names(&s, phones(none)).await.is_empty());
}

async fn pages_list_each_match_once(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "paging").await;
    // pg00…pg21 match twice (username and email); zz0…zz5 by name only;
    // other0…other2 not at all.
    for n in 0..22 {
        let email = format!("pg{n:02}@example.com");
        user(&c, &pool, &format!("pg{n:02}"), &[("email", &email)]).await;
    }
    for n in 0..6 {
        let name = format!("pgx {n}");
        user(&c, &pool, &format!("zz{n}"), &[("name", &name)]).await;
    }
    for n in 0..3 {
        user(&c, &pool, &format!("other{n}"), &[("name", "x")]).await;
    }
    c.admin_disable_user()
        .user_pool_id(&pool)
        .username("pg07")
        .send()
        .await
        .unwrap();
    for (filter, expect) in [(json!({}), 28), (json!({"Enabled": true}), 27)] {
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut body = json!({"UserPoolId": pool, "Query": "pg", "Limit": 5});
            body.as_object_mut()
                .unwrap()
                .extend(filter.as_object().unwrap().clone());
            if let Some(t) = &token {
                body["PaginationToken"] = json!(t);
            }
            let r = search(&s, body).await;
            assert_eq!(r.status, 200, "{}", r.json);
            let users = r.json["Users"].as_array().unwrap();
            assert!(users.len() <= 5);
            seen.extend(
                users
                    .iter()
                    .map(|u| u["Username"].as_str().unwrap().to_owned()),
            );
            pages += 1;
            assert!(pages < 20, "the pages never end");
            match r.json["PaginationToken"].as_str() {
                Some(t) => token = Some(t.to_owned()),
                None => break,
            }
        }
        assert!(pages > 1);
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "listed twice: {seen:?}");
        assert_eq!(seen.len(), expect, "{seen:?}");
        // By matched value: "pg00" < … < "pg21" < "pgx 0" < … < "pgx 5".
        let mut sorted_by_value = seen.clone();
        sorted_by_value.sort_by_key(|u| match u.strip_prefix("zz") {
            Some(n) => format!("pgx {n}"),
            None => u.clone(),
        });
        assert_eq!(seen, sorted_by_value);
    }
    // Without a query, every user by username; Limit is capped at 60.
    let all = names(&s, json!({"UserPoolId": pool, "Query": "", "Limit": 100})).await;
    assert_eq!(all.len(), 31);
    assert!(all.windows(2).all(|w| w[0] < w[1]), "{all:?}");
}

/// A filter few users pass: a page stops after its row budget (600 rows),
/// short or even empty but with a token, and the next page goes on from there.
async fn sparse_filters_page_in_bounded_steps(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "sparse").await;
    let mut made = tokio::task::JoinSet::new();
    for worker in 0..16 {
        let (c, pool) = (c.clone(), pool.clone());
        made.spawn(async move {
            for n in (worker..640).step_by(16) {
                user(&c, &pool, &format!("n{n:03}"), &[]).await;
            }
        });
    }
    while let Some(done) = made.join_next().await {
        done.unwrap();
    }
    for name in ["n005", "n610", "n620"] {
        c.admin_disable_user()
            .user_pool_id(&pool)
            .username(name)
            .send()
            .await
            .unwrap();
    }
    let users = |r: &RawReply| -> Vec<String> {
        r.json["Users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["Username"].as_str().unwrap().to_owned())
            .collect()
    };
    let body = json!({"UserPoolId": pool, "Query": "n", "Enabled": false});
    let first = search(&s, body.clone()).await;
    assert_eq!(first.status, 200, "{}", first.json);
    // The first 600 users in order hold one disabled user.
    assert_eq!(users(&first), ["n005"]);
    let token = first.json["PaginationToken"].as_str().expect("a token");
    let mut next = body.clone();
    next["PaginationToken"] = json!(token);
    let second = search(&s, next).await;
    assert_eq!(users(&second), ["n610", "n620"]);
    assert!(
        second.json.get("PaginationToken").is_none(),
        "{}",
        second.json
    );
    // A page that finds none still carries a token when rows are left.
    let none = json!({"UserPoolId": pool, "Query": "n", "Status": "CONFIRMED"});
    let r = search(&s, none).await;
    assert_eq!(users(&r), Vec::<String>::new());
    assert!(r.json["PaginationToken"].is_string(), "{}", r.json);
}

/// In `serve`, the search is an admin operation: unsigned, it is refused.
#[tokio::test]
async fn unsigned_search_is_refused_in_serve() {
    let s = TestServer::serve(Backend::Sqlite).await.unwrap();
    let body = json!({"UserPoolId": "us-east-1_nothere00", "Query": ""});
    let r = search(&s, body).await;
    assert_eq!(r.error_type(), "MissingAuthenticationTokenException");
}
