//! A shared in-memory SQLite database (`kognit dev --ephemeral`): the same
//! store code as a file, with separate readers and one writer that agree
//! through shared-cache table locks (`engine::read_pool`), and the `lite`
//! lane on it as on a file.

use std::sync::Arc;
use std::time::Duration;

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
    // The lane opens it by the name sqlx opened it with.
    let name = url
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        crate::engine::lane_place(crate::Engine::Sqlite, &url).unwrap(),
        Some(crate::lite::Place::Memory(name))
    );
    // An unnamed in-memory database has no other connections: no lane.
    assert_eq!(
        crate::engine::lane_place(crate::Engine::Sqlite, "sqlite::memory:").unwrap(),
        None
    );
    let s = SqlStore::open(&url).await.unwrap();
    assert!(
        s.lane.is_some(),
        "the lane runs on a shared in-memory database"
    );
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

#[tokio::test]
async fn a_ping_opens_no_reader_of_sqlx() {
    // A start's first `/health` answers on the lane's reader, open since
    // the store opened; sqlx's readers are opened when a read needs one.
    let s = SqlStore::open(&in_memory_url()).await.unwrap();
    s.ping().await.unwrap();
    assert_eq!(s.db.read.size(), 0, "the ping opened a sqlx reader");
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn point_reads_do_not_wait_for_the_blocking_pools_readers() {
    // On a shared in-memory database the calling threads read on a reader
    // of their own, so a ListUsers page read at length on the blocking
    // pool (here: its readers held) never holds up a point read.
    let s = SqlStore::open(&in_memory_url()).await.unwrap();
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "u"), &[]).await.unwrap();
    let lane = s.lane.clone().unwrap();
    let held = lane.hold_blocking_readers();
    assert!(!held.is_empty(), "the blocking pool has readers of its own");
    let read = tokio::time::timeout(Duration::from_secs(5), s.get_user("p", "u")).await;
    assert!(matches!(read, Ok(Ok(Some(_)))), "{read:?}");
    drop(held);
    s.close().await;
}

/// Runs `test` on a store with user `u` of pool `p`, on a runtime of one
/// thread (on a thread of its own); fails with `hung` unless it ends within
/// 20 s. A read that held its worker would hang such a runtime, not fail.
fn on_one_thread<F>(hung: &str, test: impl FnOnce(SqlStore) -> F + Send + 'static)
where
    F: std::future::Future<Output = ()>,
{
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let s = SqlStore::open(&in_memory_url()).await.unwrap();
            s.insert_pool(&pool("p")).await.unwrap();
            s.insert_user(&user("p", "u"), &[]).await.unwrap();
            test(s).await;
        });
        let _ = done.send(());
    });
    finished.recv_timeout(Duration::from_secs(20)).expect(hung);
}

#[test]
fn a_point_read_lets_its_worker_run_other_tasks_while_the_reader_is_busy() {
    // On a shared in-memory database both workers read on one reader. A
    // read that finds it held must not hold its worker meanwhile: here, on
    // a runtime of one thread, the holder is another task of that thread,
    // which lets the reader go only when it runs again, and the read must
    // then be woken. A read that waited for the reader on the thread
    // (spinning, then asleep) would wait forever, and so would one that
    // nothing wakes.
    on_one_thread(
        "the read held its worker while the reader was busy",
        |s| async move {
            let lane = s.lane.clone().unwrap();
            let held = lane.hold_inline_readers();
            assert!(!held.is_empty(), "the calling threads have a reader");
            let holder = async move {
                tokio::task::yield_now().await;
                drop(held);
            };
            let (read, ()) = tokio::join!(s.get_user("p", "u"), holder);
            assert!(matches!(read, Ok(Some(_))), "{read:?}");
            s.close().await;
        },
    );
}

#[test]
fn a_point_read_that_meets_the_writers_batch_lets_its_worker_run_other_tasks() {
    // A lane read that meets the table lock of the writer's open batch
    // waits for the batch's end and reads again. It must not hold its
    // worker meanwhile: here, on a runtime of one thread, the batch ends
    // only when another task of that thread runs. A read that waited on
    // the thread would wait out its patience (set far longer than the
    // watchdog) and then read through sqlx instead.
    on_one_thread(
        "the read held its worker while it waited for the batch",
        |s| async move {
            let lane = s.lane.clone().unwrap();
            lane.set_batch_patience(Duration::from_secs(60));
            // A write that holds its batch open until told to end it.
            let (inside, wrote) = tokio::sync::oneshot::channel();
            let mut inside = Some(inside);
            let (end, ending) = std::sync::mpsc::channel::<()>();
            let write = tokio::spawn({
                let lane = lane.clone();
                async move {
                    lane.write_in_batch(move |conn| {
                        conn.execute("UPDATE users SET name = 'in the batch'", [])
                            .unwrap();
                        if let Some(inside) = inside.take() {
                            let _ = inside.send(());
                        }
                        let _ = ending.recv();
                        Ok(())
                    })
                    .await
                }
            });
            wrote.await.unwrap();
            let sqlx_readers = s.db.read.size();
            let ender = async move {
                tokio::task::yield_now().await;
                end.send(()).unwrap();
            };
            let (read, ()) = tokio::join!(name_of(&s, "u"), ender);
            assert_eq!(read.as_deref(), Some("in the batch"));
            assert_eq!(
                s.db.read.size(),
                sqlx_readers,
                "the read went to sqlx instead of waiting for the batch"
            );
            write.await.unwrap().unwrap();
            s.close().await;
        },
    );
}

/// The name sqlx opened an in-memory store's database with.
fn memory_name(url: &str) -> String {
    match crate::engine::lane_place(crate::Engine::Sqlite, url) {
        Ok(Some(crate::lite::Place::Memory(name))) => name,
        other => panic!("not a shared in-memory database: {other:?}"),
    }
}

/// A user's name as the store reads it.
async fn name_of(s: &SqlStore, key: &str) -> Option<String> {
    s.get_user("p", key).await.unwrap().unwrap().name
}

/// A lane read that meets a table written by an open sqlx transaction must
/// neither see the uncommitted row nor wait on the async worker it runs on:
/// that transaction's task may need the same worker to commit. Here the
/// runtime has one worker, shared by the reading task and the transaction's
/// task; a read that waited there would never return (the watchdog fails
/// the test instead of letting it hang).
#[test]
fn a_read_of_a_table_an_open_transaction_wrote_waits_for_its_commit_off_the_worker() {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let s = Arc::new(SqlStore::open(&in_memory_url()).await.unwrap());
            s.insert_pool(&pool("p")).await.unwrap();
            s.insert_user(&user("p", "a"), &[]).await.unwrap();
            let (written, wrote) = tokio::sync::oneshot::channel();
            let (go, commit) = tokio::sync::oneshot::channel::<()>();
            let writer = tokio::spawn({
                let s = s.clone();
                async move {
                    let mut tx = s.db.write.begin().await.unwrap();
                    sqlx::query("UPDATE users SET name = 'new' WHERE username_key = 'a'")
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                    written.send(()).unwrap();
                    commit.await.unwrap();
                    tx.commit().await.unwrap();
                }
            });
            wrote.await.unwrap();
            let reader = tokio::spawn({
                let s = s.clone();
                async move { name_of(&s, "a").await }
            });
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert!(
                !reader.is_finished(),
                "a read saw the table before the COMMIT"
            );
            go.send(()).unwrap();
            writer.await.unwrap();
            assert_eq!(reader.await.unwrap().as_deref(), Some("new"));
            s.close().await;
        });
        done.send(()).unwrap();
    });
    finished
        .recv_timeout(Duration::from_secs(30))
        .expect("the read waited on the async worker the COMMIT needed");
}

/// A lane write that meets a reader's table lock (a statement reading
/// `users` is open on another connection) waits for it, then lands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_waits_for_a_reading_statement_then_lands() {
    let url = in_memory_url();
    let s = Arc::new(SqlStore::open(&url).await.unwrap());
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    s.insert_user(&user("p", "b"), &[]).await.unwrap();
    let (opened, open) = std::sync::mpsc::channel();
    let (close, closing) = std::sync::mpsc::channel::<()>();
    // Another connection to the database, in the middle of reading `users`.
    let name = memory_name(&url);
    let holder = std::thread::spawn(move || {
        let conn = crate::lite::open_memory(&name).unwrap();
        let mut stmt = conn.prepare("SELECT username_key FROM users").unwrap();
        let mut rows = stmt.query([]).unwrap();
        assert!(rows.next().unwrap().is_some());
        opened.send(()).unwrap();
        closing.recv().unwrap();
    });
    open.recv().unwrap();
    let before = s.get_user("p", "a").await.unwrap().unwrap();
    let mut after = before.clone();
    after.name = Some("after".into());
    after.version += 1;
    let update = tokio::spawn({
        let s = s.clone();
        async move { s.update_user(&before, &after, None).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !update.is_finished(),
        "the write did not meet the read lock"
    );
    close.send(()).unwrap();
    holder.join().unwrap();
    assert!(update.await.unwrap().unwrap());
    assert_eq!(name_of(&s, "a").await.as_deref(), Some("after"));
    s.close().await;
}
