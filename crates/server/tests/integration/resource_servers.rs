//! Resource servers through the AWS SDK, on both stores: the life of one
//! (create, describe, update, list, delete), the errors, paging, and their
//! end with their pool and with the developer reset.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::ResourceServerScopeType;

use crate::harness::on_both_backends;
use crate::harness::{TestServer, code, message};

on_both_backends!(
    resource_server_life,
    resource_server_errors,
    resource_servers_page_and_go_with_their_pool
);

const NO_POOL: &str = "us-east-1_Nope00000";

/// A new pool with default settings.
async fn new_pool(c: &Client) -> String {
    let p = c
        .create_user_pool()
        .pool_name("resource-servers")
        .send()
        .await;
    p.unwrap().user_pool.unwrap().id.unwrap()
}

/// A scope with this name and description.
fn scope(name: &str, description: &str) -> ResourceServerScopeType {
    ResourceServerScopeType::builder()
        .scope_name(name)
        .scope_description(description)
        .build()
        .unwrap()
}

/// Creates a resource server with one scope `read`.
async fn create(c: &Client, pool: &str, identifier: &str) {
    c.create_resource_server()
        .user_pool_id(pool)
        .identifier(identifier)
        .name("api")
        .scopes(scope("read", "Read"))
        .send()
        .await
        .unwrap();
}

/// Every identifier of a ListResourceServers, fetched `max` at a time; also
/// how many pages that took.
async fn identifiers(c: &Client, pool: &str, max: i32) -> (Vec<String>, usize) {
    let (mut ids, mut token, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let r = c
            .list_resource_servers()
            .user_pool_id(pool)
            .max_results(max);
        let r = r.set_next_token(token).send().await.unwrap();
        pages += 1;
        let servers = r.resource_servers;
        assert!(servers.len() <= max as usize);
        ids.extend(servers.into_iter().map(|s| s.identifier.unwrap()));
        match r.next_token {
            Some(t) => token = Some(t),
            None => return (ids, pages),
        }
    }
}

async fn resource_server_life(s: TestServer) {
    let c = s.client();
    let pool = new_pool(&c).await;
    let id = "https://api.example.com/v1";
    let scopes = vec![scope("app:write", "Write"), scope("*", "Everything")];
    let created = c
        .create_resource_server()
        .user_pool_id(&pool)
        .identifier(id)
        .name("Solar system data")
        .set_scopes(Some(scopes.clone()))
        .send()
        .await
        .unwrap()
        .resource_server
        .unwrap();
    assert_eq!(created.user_pool_id(), Some(pool.as_str()));
    assert_eq!(created.identifier(), Some(id));
    assert_eq!(created.name(), Some("Solar system data"));
    assert_eq!(created.scopes(), scopes.as_slice());
    let described = c
        .describe_resource_server()
        .user_pool_id(&pool)
        .identifier(id);
    let described = described.send().await.unwrap().resource_server.unwrap();
    assert_eq!(described, created);

    // Without scopes: none, and no Scopes member at all (as moto answers).
    let bare = c.create_resource_server().user_pool_id(&pool);
    let bare = bare.identifier("bare").name("Bare").send().await.unwrap();
    assert_eq!(bare.resource_server.unwrap().scopes, None);

    // UpdateResourceServer replaces the name and the scopes.
    let updated = c
        .update_resource_server()
        .user_pool_id(&pool)
        .identifier(id)
        .name("Renamed")
        .scopes(scope("read", "Read"))
        .send()
        .await
        .unwrap()
        .resource_server
        .unwrap();
    assert_eq!(updated.name(), Some("Renamed"));
    assert_eq!(updated.scopes(), [scope("read", "Read")]);
    let described = c
        .describe_resource_server()
        .user_pool_id(&pool)
        .identifier(id);
    let described = described.send().await.unwrap().resource_server.unwrap();
    assert_eq!(described, updated);
    // Scopes left out become none.
    let u = c
        .update_resource_server()
        .user_pool_id(&pool)
        .identifier(id);
    let u = u
        .name("Renamed")
        .send()
        .await
        .unwrap()
        .resource_server
        .unwrap();
    assert_eq!(u.scopes, None);

    // Listed by identifier.
    let listed = c
        .list_resource_servers()
        .user_pool_id(&pool)
        .max_results(10);
    let listed = listed.send().await.unwrap();
    assert_eq!(listed.next_token, None);
    let listed = listed.resource_servers;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].identifier(), Some("bare"));
    assert_eq!(listed[1], u);

    // Deleted once.
    let d = c
        .delete_resource_server()
        .user_pool_id(&pool)
        .identifier(id);
    d.send().await.unwrap();
    let e = c
        .describe_resource_server()
        .user_pool_id(&pool)
        .identifier(id);
    let e = e.send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    let e = c
        .delete_resource_server()
        .user_pool_id(&pool)
        .identifier(id);
    let e = e.send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    assert_eq!(message(&e), format!("Resource server {id} does not exist."));
    // The identifier is free again.
    create(&c, &pool, id).await;
}

async fn resource_server_errors(s: TestServer) {
    let c = s.client();
    let pool = new_pool(&c).await;
    create(&c, &pool, "api").await;

    // A taken identifier: InvalidParameterException (the model gives
    // CreateResourceServer no "exists" exception); another pool's is free,
    // and identifiers are case-sensitive.
    let e = c
        .create_resource_server()
        .user_pool_id(&pool)
        .identifier("api");
    let e = e.name("again").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert_eq!(
        message(&e),
        format!("api already exists in user pool {pool}.")
    );
    create(&c, &pool, "API").await;
    let other = new_pool(&c).await;
    create(&c, &other, "api").await;

    // Unknown identifiers.
    for missing in ["nope", "Api"] {
        let want = format!("Resource server {missing} does not exist.");
        let e = c.describe_resource_server().user_pool_id(&pool);
        let e = e.identifier(missing).send().await.unwrap_err();
        assert_eq!(
            (code(&e), message(&e)),
            ("ResourceNotFoundException".into(), want.clone())
        );
        let e = c.update_resource_server().user_pool_id(&pool);
        let e = e.identifier(missing).name("n").send().await.unwrap_err();
        assert_eq!(
            (code(&e), message(&e)),
            ("ResourceNotFoundException".into(), want.clone())
        );
        let e = c.delete_resource_server().user_pool_id(&pool);
        let e = e.identifier(missing).send().await.unwrap_err();
        assert_eq!(
            (code(&e), message(&e)),
            ("ResourceNotFoundException".into(), want)
        );
    }

    // Unknown pool, on every operation.
    let want = format!("User pool {NO_POOL} does not exist.");
    let e = c
        .create_resource_server()
        .user_pool_id(NO_POOL)
        .identifier("api");
    let e = e.name("n").send().await.unwrap_err();
    let mut seen = vec![(code(&e), message(&e))];
    let e = c
        .describe_resource_server()
        .user_pool_id(NO_POOL)
        .identifier("api");
    let e = e.send().await.unwrap_err();
    seen.push((code(&e), message(&e)));
    let e = c
        .update_resource_server()
        .user_pool_id(NO_POOL)
        .identifier("api");
    let e = e.name("n").send().await.unwrap_err();
    seen.push((code(&e), message(&e)));
    let e = c
        .delete_resource_server()
        .user_pool_id(NO_POOL)
        .identifier("api");
    let e = e.send().await.unwrap_err();
    seen.push((code(&e), message(&e)));
    let e = c
        .list_resource_servers()
        .user_pool_id(NO_POOL)
        .max_results(5);
    let e = e.send().await.unwrap_err();
    seen.push((code(&e), message(&e)));
    for got in seen {
        assert_eq!(got, ("ResourceNotFoundException".to_owned(), want.clone()));
    }

    // What the model refuses, the validator refuses before anything runs:
    // a scope name with "/", a space or a double quote, an empty
    // description, an identifier with a space or a backslash, a name with
    // "{", more than 100 scopes, a page of 51.
    for bad in ["a/b", "a b", "a\"b"] {
        let e = c
            .create_resource_server()
            .user_pool_id(&pool)
            .identifier("bad");
        let e = e
            .name("n")
            .scopes(scope(bad, "d"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "InvalidParameterException", "{bad}");
    }
    let e = c
        .create_resource_server()
        .user_pool_id(&pool)
        .identifier("bad");
    let e = e
        .name("n")
        .scopes(scope("ok", ""))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    for bad in ["a b", "a\\b"] {
        let e = c
            .create_resource_server()
            .user_pool_id(&pool)
            .identifier(bad);
        let e = e.name("n").send().await.unwrap_err();
        assert_eq!(code(&e), "InvalidParameterException", "{bad}");
    }
    let e = c
        .create_resource_server()
        .user_pool_id(&pool)
        .identifier("bad");
    let e = e.name("server{n}").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let many: Vec<_> = (0..101).map(|i| scope(&format!("s{i}"), "d")).collect();
    let e = c
        .update_resource_server()
        .user_pool_id(&pool)
        .identifier("api");
    let e = e.name("n").set_scopes(Some(many)).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e = c
        .list_resource_servers()
        .user_pool_id(&pool)
        .max_results(51);
    assert_eq!(
        code(&e.send().await.unwrap_err()),
        "InvalidParameterException"
    );
    let e = c
        .list_resource_servers()
        .user_pool_id(&pool)
        .next_token("not a token!");
    assert_eq!(
        code(&e.send().await.unwrap_err()),
        "InvalidParameterException"
    );
    // Nothing of it was stored.
    let e = c
        .describe_resource_server()
        .user_pool_id(&pool)
        .identifier("bad");
    assert_eq!(
        code(&e.send().await.unwrap_err()),
        "ResourceNotFoundException"
    );

    // Exactly 100 scopes, with every character the model allows in a name.
    let mut hundred: Vec<_> = (0..99).map(|i| scope(&format!("s{i}"), "d")).collect();
    hundred.push(scope("!#$%&'()*+,-.:;<=>?@[]^_`{|}~", "punctuation"));
    let u = c
        .update_resource_server()
        .user_pool_id(&pool)
        .identifier("api");
    let u = u
        .name("n")
        .set_scopes(Some(hundred.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(u.resource_server.unwrap().scopes(), hundred.as_slice());
}

async fn resource_servers_page_and_go_with_their_pool(s: TestServer) {
    let c = s.client();
    let pool = new_pool(&c).await;
    let empty = c
        .list_resource_servers()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    assert_eq!(empty.resource_servers.len(), 0);
    assert_eq!(empty.next_token, None);

    let mut all: Vec<String> = (0..12).map(|i| format!("server{i}")).collect();
    for id in all.iter().rev() {
        create(&c, &pool, id).await;
    }
    all.sort();
    assert_eq!(identifiers(&c, &pool, 50).await, (all.clone(), 1));
    assert_eq!(identifiers(&c, &pool, 5).await, (all.clone(), 3));
    // A page that ends exactly at the last one gives no token.
    assert_eq!(identifiers(&c, &pool, 4).await, (all.clone(), 3));
    assert_eq!(identifiers(&c, &pool, 1).await, (all.clone(), 12));
    // Without MaxResults, a page of up to 50.
    let r = c
        .list_resource_servers()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    assert_eq!(r.resource_servers.len(), 12);

    // Deleting the pool takes them; a new pool starts with none.
    let keep = new_pool(&c).await;
    create(&c, &keep, "kept").await;
    c.delete_user_pool()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let e = c.list_resource_servers().user_pool_id(&pool).send().await;
    assert_eq!(code(&e.unwrap_err()), "ResourceNotFoundException");
    assert_eq!(identifiers(&c, &keep, 50).await.0, ["kept"]);

    // So does the developer reset.
    let r = reqwest::Client::new().post(format!("{}/_dev/reset", s.url));
    assert_eq!(r.send().await.unwrap().status(), 200);
    let fresh = new_pool(&c).await;
    assert!(identifiers(&c, &fresh, 50).await.0.is_empty());
    let e = c
        .describe_resource_server()
        .user_pool_id(&keep)
        .identifier("kept");
    assert_eq!(
        code(&e.send().await.unwrap_err()),
        "ResourceNotFoundException"
    );
}
