//! A SQLite file this process keeps to itself (`private_sqlite_url`, the
//! URL of `kognit dev`'s data folder; `sqlite::EXCLUSIVE_VFS`): the lane's
//! connections and sqlx's open it with the same VFS, the WAL index lives in
//! the process's memory, and what was written there is in the file for
//! whoever opens it next.

use std::sync::Arc;

use super::{pool, user};
use crate::{SqlStore, private_sqlite_url};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_connection_of_the_process_shares_a_private_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kognit.db");
    let url = private_sqlite_url(&path);
    assert_eq!(
        crate::engine::lane_place(crate::Engine::Sqlite, &url).unwrap(),
        Some(crate::lite::Place::File {
            path: path.clone(),
            vfs: Some("unix-excl".into())
        })
    );
    let s = Arc::new(SqlStore::open(&url).await.unwrap());
    assert!(s.lane.is_some(), "the lane runs on a private file");
    s.insert_pool(&pool("p")).await.unwrap();
    let mut tasks = Vec::new();
    for w in 0..4 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..25 {
                let key = format!("w{w}-{i}");
                s.insert_user(&user("p", &key), &[]).await.unwrap();
                // The lane's readers see the lane writer's commit at once.
                assert!(s.get_user("p", &key).await.unwrap().is_some());
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // sqlx's readers too (count_users reads on them), and they refuse writes.
    assert_eq!(s.count_users("p").await.unwrap(), 100);
    let query_only: i64 = sqlx::query_scalar("PRAGMA query_only")
        .fetch_one(&s.db.read)
        .await
        .unwrap();
    assert_eq!(query_only, 1);
    // The WAL index is in memory: no `-shm` file beside the WAL.
    assert!(dir.path().join("kognit.db-wal").exists());
    assert!(!dir.path().join("kognit.db-shm").exists());
    // A second store of this process on the same file shares it.
    let again = SqlStore::open(&url).await.unwrap();
    assert_eq!(again.count_users("p").await.unwrap(), 100);
    again.close().await;
    s.close().await;
    // Opened afterwards with the default VFS, the file has every user.
    let plain = SqlStore::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(plain.count_users("p").await.unwrap(), 100);
    assert!(plain.get_user("p", "w3-24").await.unwrap().is_some());
    plain.close().await;
}
