//! A shared in-memory SQLite database (`kognit dev --ephemeral`): the same
//! store code as a file, with separate readers and one writer that agree
//! through shared-cache table locks (`engine::read_pool`).

use std::sync::Arc;

use super::{pool, user};
use crate::{SqlStore, in_memory_url};

/// One value of a pragma on one connection of `pool`.
async fn pragma(pool: &sqlx::AnyPool, name: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("PRAGMA {name}")))
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_and_the_writer_share_one_database() {
    let url = in_memory_url();
    assert!(
        crate::engine::sqlite_file(crate::Engine::Sqlite, &url)
            .unwrap()
            .is_none()
    );
    let s = SqlStore::open(&url).await.unwrap();
    // Separate read-only readers; nothing of the database in a temporary file.
    assert_eq!(pragma(&s.db.read, "query_only").await, 1);
    assert_eq!(pragma(&s.db.write, "query_only").await, 0);
    assert_eq!(pragma(&s.db.read, "temp_store").await, 2);
    assert_eq!(pragma(&s.db.write, "temp_store").await, 2);
    // What the writer commits, the readers see at once.
    s.insert_pool(&pool("p")).await.unwrap();
    assert_eq!(s.get_pool("p").await.unwrap(), Some(pool("p")));
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_and_writes_all_succeed() {
    let s = Arc::new(SqlStore::open(&in_memory_url()).await.unwrap());
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "shared"), &[]).await.unwrap();
    let mut tasks = Vec::new();
    // Writers: new users, and updates of one user others keep reading.
    for w in 0..4 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..40 {
                let key = format!("w{w}-{i}");
                s.insert_user(&user("p", &key), &[]).await.unwrap();
                assert!(s.get_user("p", &key).await.unwrap().is_some());
                let before = s.get_user("p", "shared").await.unwrap().unwrap();
                let mut after = before.clone();
                after.name = Some(key.clone());
                after.version += 1;
                // Another writer may have got there first; either way no error.
                s.update_user(&before, &after, None).await.unwrap();
            }
        }));
    }
    // Readers: point reads and pages, each seeing a whole committed state.
    for _ in 0..4 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..80 {
                let u = s.get_user("p", "shared").await.unwrap().unwrap();
                assert_eq!(u.status, "CONFIRMED");
                let n = s.count_users("p").await.unwrap();
                assert!((1..=161).contains(&n), "{n}");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(s.count_users("p").await.unwrap(), 161);
    s.reset().await.unwrap();
    assert_eq!(s.get_pool("p").await.unwrap(), None);
    s.close().await;
}

#[tokio::test]
async fn each_in_memory_store_is_its_own_and_ends_with_it() {
    let url = in_memory_url();
    let a = SqlStore::open(&url).await.unwrap();
    let b = SqlStore::open(&in_memory_url()).await.unwrap();
    a.insert_pool(&pool("p")).await.unwrap();
    assert_eq!(b.get_pool("p").await.unwrap(), None);
    a.close().await;
    // Its last connection closed, the database is gone: the same name opens
    // a new, empty one.
    let again = SqlStore::open(&url).await.unwrap();
    assert_eq!(again.get_pool("p").await.unwrap(), None);
    again.close().await;
    b.close().await;
}
