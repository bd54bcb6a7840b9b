//! `kognit dev --ephemeral`: the same operations as the default mode, on an
//! in-memory store that writes nothing to disk and is gone with the server
//! (the binary's side, the files it leaves, is in `binary_ephemeral.rs`).

use crate::harness::everyday::everyday_operations;
use crate::harness::users::PASSWORD;
use crate::harness::{Backend, TestServer, create_pool};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ephemeral_serves_the_everyday_operations() {
    let s = TestServer::ephemeral(|_| {}).await;
    everyday_operations(&s.client(), &s.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_mode_serves_the_same_operations() {
    let s = TestServer::dev(Backend::Sqlite).await.unwrap();
    everyday_operations(&s.client(), &s.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ephemeral_state_lives_only_as_long_as_the_server() {
    let mut s = TestServer::ephemeral(|_| {}).await;
    let c = s.client();
    let pool = create_pool(&c, "gone").await;
    crate::harness::auth::create_user(&c, &pool, "pat").await;
    // A second ephemeral server in the same process has its own store.
    let other = TestServer::ephemeral(|_| {}).await;
    let e = other
        .client()
        .describe_user_pool()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap_err();
    assert_eq!(crate::harness::code(&e), "ResourceNotFoundException");
    // Nothing of it reached the data folder, and a restart starts empty.
    assert_eq!(std::fs::read_dir(&s.cfg.data_dir).unwrap().count(), 0);
    s.restart().await;
    let pools = s
        .client()
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .unwrap();
    assert!(pools.user_pools.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ephemeral_reads_and_writes_run_side_by_side() {
    // Many sign-ins (reads and writes: refresh tokens, auth events) and
    // admin reads at once, on the in-memory store's readers and writer.
    let s = TestServer::ephemeral(|_| {}).await;
    let c = s.client();
    let st = crate::harness::auth::setup(&c).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (c, pool, client) = (c.clone(), st.pool.clone(), st.client.clone());
        tasks.push(tokio::spawn(async move {
            let name = format!("user{i}");
            crate::harness::auth::create_user(&c, &pool, &name).await;
            let st = crate::harness::auth::Setup { pool, client };
            for _ in 0..3 {
                crate::harness::auth::password_login(&c, &st, &name, PASSWORD).await;
                c.admin_get_user()
                    .user_pool_id(&st.pool)
                    .username("pat")
                    .send()
                    .await
                    .unwrap();
                c.list_users().user_pool_id(&st.pool).send().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let all = c.list_users().user_pool_id(&st.pool).send().await.unwrap();
    assert_eq!(all.users.unwrap().len(), 9);
}
