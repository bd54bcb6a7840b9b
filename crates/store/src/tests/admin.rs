//! Access keys, reset, ping, migrations, connecting, engine details.

use std::sync::Arc;

use kognit_core::store::StoreError;

use super::harness::Ctx;
use super::{client, key, named, pool, secret, user};
use crate::{Engine, SqlStore, connect, migrate};

/// How many versions `kognit_migrations` records.
async fn recorded_migrations(s: &SqlStore) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM kognit_migrations")
        .fetch_one(&s.db.read)
        .await
        .unwrap()
}

store_test!(access_keys, |ctx: Ctx| async move {
    let s = &ctx.store;
    assert_eq!(s.count_access_keys().await.unwrap(), 0);
    assert_eq!(s.get_access_key("AKIAEXAMPLE").await.unwrap(), None);
    s.insert_access_key(&key("AKIAEXAMPLE")).await.unwrap();
    s.insert_access_key(&key("AKIAOTHER")).await.unwrap();
    assert_eq!(
        s.get_access_key("AKIAEXAMPLE").await.unwrap(),
        Some(key("AKIAEXAMPLE"))
    );
    assert_eq!(s.count_access_keys().await.unwrap(), 2);
    match s.insert_access_key(&key("AKIAOTHER")).await {
        Err(StoreError::Conflict(name)) => assert_eq!(name, named("access_keys_pkey")),
        other => panic!("expected Conflict, got {other:?}"),
    }
});

store_test!(reset_keeps_access_keys, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.ping().await.unwrap();
    s.insert_access_key(&key("AKIAKEEP")).await.unwrap();
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_client(&client("p", "c"), &[secret("p", "c", "s", 1)])
        .await
        .unwrap();
    s.reset().await.unwrap();
    assert!(s.list_pools(None, 10).await.unwrap().is_empty());
    assert!(s.list_clients("p", None, 10).await.unwrap().is_empty());
    assert!(s.list_client_secrets("p", "c").await.unwrap().is_empty());
    assert_eq!(s.count_access_keys().await.unwrap(), 1);
    // Reset twice is fine, and the store is usable again.
    s.reset().await.unwrap();
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_client(&client("p", "c"), &[secret("p", "c", "s", 1)])
        .await
        .unwrap();
});

store_test!(numbered_placeholders, |ctx: Ctx| async move {
    // `$N` out of order and repeated: SQLite binds by number, not position.
    let got: String = sqlx::query_scalar("SELECT $2 || '-' || $1 || '-' || $2")
        .bind("one")
        .bind("two")
        .fetch_one(&ctx.store.db.read)
        .await
        .unwrap();
    assert_eq!(got, "two-one-two");
});

store_test!(
    reopen_keeps_data_and_skips_migrations,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        s.insert_pool(&pool("p")).await.unwrap();
        s.insert_access_key(&key("AKIA1")).await.unwrap();
        let latest = s.db.dialect.migrations.len();
        assert_eq!(recorded_migrations(s).await, i64::try_from(latest).unwrap());
        s.close().await;

        let again = SqlStore::open(&ctx.url).await.unwrap();
        assert_eq!(again.get_pool("p").await.unwrap(), Some(pool("p")));
        assert_eq!(
            recorded_migrations(&again).await,
            i64::try_from(latest).unwrap()
        );
        // Nothing left to apply.
        assert!(
            migrate::run(&again.db.write, again.db.dialect)
                .await
                .unwrap()
                .is_empty()
        );
        again.close().await;

        let dynamic = connect(&ctx.url).await.unwrap();
        assert_eq!(dynamic.count_access_keys().await.unwrap(), 1);
    }
);

store_test!(concurrent_opens_migrate_once, |ctx: Ctx| async move {
    let url = ctx.fresh_url().await;
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { SqlStore::open(&url).await.unwrap() })
        })
        .collect();
    let mut stores = Vec::new();
    for o in opens {
        stores.push(o.await.unwrap());
    }
    let latest = i64::try_from(stores[0].db.dialect.migrations.len()).unwrap();
    assert_eq!(recorded_migrations(&stores[0]).await, latest);
    for s in stores {
        s.close().await;
    }
});

store_test!(two_stores_write_the_same_database, |ctx: Ctx| async move {
    // As two kognit processes would: separate pools, one database.
    let a = ctx.store.clone();
    let b = Arc::new(SqlStore::open(&ctx.url).await.unwrap());
    a.insert_pool(&pool("p")).await.unwrap();
    a.insert_client(&client("p", "c"), &[]).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let s = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            s.insert_pool(&pool(&format!("q{i:02}"))).await.unwrap();
            s.add_client_secret(&secret("p", "c", &format!("s{i}"), i), 3)
                .await
                .unwrap()
        }));
    }
    let mut added = 0;
    for t in tasks {
        added += usize::from(t.await.unwrap());
    }
    assert_eq!(added, 3);
    assert_eq!(b.list_pools(None, 100).await.unwrap().len(), 17);
    b.close().await;
});

#[tokio::test]
async fn sqlite_connections_are_configured() {
    let dir = tempfile::tempdir().unwrap();
    // A file that does not exist yet is created.
    let url = format!("sqlite://{}/new.db", dir.path().display());
    let s = SqlStore::open(&url).await.unwrap();
    assert_eq!(s.engine(), Engine::Sqlite);
    assert!(dir.path().join("new.db").exists());
    for (pool, query_only) in [(&s.db.read, 1), (&s.db.write, 0)] {
        let mut conn = pool.acquire().await.unwrap();
        for (pragma, want) in [
            ("PRAGMA journal_mode", "wal".to_owned()),
            ("PRAGMA foreign_keys", "1".to_owned()),
            ("PRAGMA synchronous", "1".to_owned()), // NORMAL
            ("PRAGMA busy_timeout", "5000".to_owned()),
            ("PRAGMA query_only", query_only.to_string()),
        ] {
            let row = sqlx::query(pragma).fetch_one(&mut *conn).await.unwrap();
            let got = sqlx::Row::try_get::<String, _>(&row, 0)
                .or_else(|_| sqlx::Row::try_get::<i64, _>(&row, 0).map(|n| n.to_string()))
                .unwrap();
            assert_eq!(got, want, "{pragma}");
        }
    }
    // The library is built as .cargo/config.toml asks: no global page-cache
    // group and no memory statistics, which serialize every connection, and
    // plans that do not depend on bound values (lite::tests has why).
    let options: Vec<String> = sqlx::query_scalar("PRAGMA compile_options")
        .fetch_all(&s.db.read)
        .await
        .unwrap();
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "{options:?}"
    );
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "{options:?}"
    );
    assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    assert!(
        crate::sqlite::missing_build_flags(&options).is_empty(),
        "{options:?}"
    );
    // A library built without them is named flag by flag.
    assert_eq!(
        crate::sqlite::missing_build_flags(&["ENABLE_MEMORY_MANAGEMENT".into()]),
        [
            "-DSQLITE_DEFAULT_MEMSTATUS=0",
            "-DSQLITE_ENABLE_QPSG",
            "-USQLITE_ENABLE_MEMORY_MANAGEMENT"
        ]
    );
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_store_empties_its_wal_when_it_closes() {
    // The lane's writer is the last to let go of the file: it copies the WAL
    // back and empties it, so a stopped server leaves only its database,
    // however much it wrote (the last sqlx connection may outlive it).
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/kognit.db", dir.path().display());
    let wal = dir.path().join("kognit.db-wal");
    let s = SqlStore::open(&url).await.unwrap();
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "u"), &[]).await.unwrap();
    for round in 0..200 {
        let before = s.get_user("p", "u").await.unwrap().unwrap();
        let mut after = before.clone();
        after.name = Some(format!("round {round}"));
        after.version += 1;
        assert!(s.update_user(&before, &after, None).await.unwrap());
    }
    assert!(std::fs::metadata(&wal).unwrap().len() > 0);
    drop(s);
    let left = std::fs::metadata(&wal).map_or(0, |m| m.len());
    assert_eq!(left, 0, "the WAL after closing");
    // Nothing was lost on the way.
    let s = SqlStore::open(&url).await.unwrap();
    let u = s.get_user("p", "u").await.unwrap().unwrap();
    assert_eq!(u.name.as_deref(), Some("round 199"));
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_wal_starts_over_under_steady_writes() {
    // Under a steady stream of writes, passive checkpoints never end at the
    // WAL's end, so SQLite never starts it over by itself: it only grows.
    // `checkpoint::restart_wal` copies it back while writes go on, then holds
    // them for the tail; the next write starts the WAL from its beginning,
    // and every write lands.
    use sqlx::Connection as _;
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/kognit.db", dir.path().display());
    let s = std::sync::Arc::new(SqlStore::open(&url).await.unwrap());
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "u"), &[]).await.unwrap();
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let rounds = std::sync::Arc::new(AtomicU32::new(0));
    let writer = tokio::spawn({
        let (s, stop, rounds) = (s.clone(), stop.clone(), rounds.clone());
        async move {
            while !stop.load(Ordering::Relaxed) {
                let before = s.get_user("p", "u").await.unwrap().unwrap();
                let mut after = before.clone();
                let round = rounds.fetch_add(1, Ordering::Relaxed);
                after.name = Some(format!("round {round}"));
                after.version += 1;
                assert!(s.update_user(&before, &after, None).await.unwrap());
            }
        }
    });
    let mut conn = crate::checkpoint::checkpointer_connection(&crate::engine::sqlite_url(&url))
        .await
        .unwrap();
    let grown = loop {
        let frames = crate::checkpoint::checkpoint(&mut conn, "PASSIVE")
            .await
            .unwrap();
        if frames.log >= 2_000 {
            break frames;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    };
    crate::checkpoint::restart_wal(&mut conn, &s.db.write, grown)
        .await
        .unwrap();
    let restarted_at = rounds.load(Ordering::Relaxed);
    while rounds.load(Ordering::Relaxed) < restarted_at + 20 {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    let after = crate::checkpoint::checkpoint(&mut conn, "PASSIVE")
        .await
        .unwrap();
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    assert!(
        after.log < grown.log / 2,
        "the WAL started over: {grown:?}, then {after:?}"
    );
    let last = rounds.load(Ordering::Relaxed) - 1;
    let u = s.get_user("p", "u").await.unwrap().unwrap();
    assert_eq!(u.name, Some(format!("round {last}")));
    conn.close().await.unwrap();
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wal_restart_gives_up_on_a_long_reader_and_writes_go_on() {
    // A reader of an older snapshot keeps the WAL from starting over. The
    // restart, which holds every write while it waits, waits for such a
    // reader only briefly, then lets the writes go on.
    use sqlx::Connection as _;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/kognit.db", dir.path().display());
    let file = crate::engine::sqlite_url(&url);
    let s = SqlStore::open(&url).await.unwrap();
    s.insert_pool(&pool("p")).await.unwrap();
    let mut reader = older_snapshot(&file).await;
    for i in 0..50 {
        s.insert_user(&user("p", &format!("u{i}")), &[])
            .await
            .unwrap();
    }
    let mut conn = crate::checkpoint::checkpointer_connection(&file)
        .await
        .unwrap();
    let last = crate::checkpoint::checkpoint(&mut conn, "PASSIVE")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    crate::checkpoint::restart_wal(&mut conn, &s.db.write, last)
        .await
        .unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "the restart waited {:?} for the reader",
        started.elapsed()
    );
    s.insert_user(&user("p", "after"), &[]).await.unwrap();
    assert!(s.get_user("p", "after").await.unwrap().is_some());
    sqlx::query("COMMIT").execute(&mut reader).await.unwrap();
    reader.close().await.unwrap();
    conn.close().await.unwrap();
    s.close().await;
}

/// A connection to the SQLite file `file` in a read transaction of the
/// database as it is now: until it ends, the WAL cannot start over.
async fn older_snapshot(file: &str) -> sqlx::AnyConnection {
    use sqlx::Connection as _;
    let mut reader = sqlx::AnyConnection::connect(file).await.unwrap();
    sqlx::query("BEGIN").execute(&mut reader).await.unwrap();
    sqlx::query("SELECT count(*) FROM sqlite_schema")
        .execute(&mut reader)
        .await
        .unwrap();
    reader
}

/// A checkpointer pass whose passive checkpoint ran: the store's own
/// checkpointer, copying at that moment, makes a pass answer busy with -1
/// frames, having learned nothing; such a pass is made again.
async fn pass(checkpointer: &mut crate::checkpoint::Checkpointer) -> crate::checkpoint::Pass {
    for _ in 0..50 {
        let pass = checkpointer.pass().await.unwrap();
        if !pass.frames.held_by_another() {
            return pass;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("the store's checkpointer held the WAL at every pass");
}

/// Checkpointer passes until one starts the WAL over (a few at most: one
/// answers busy when the store's own checkpointer is copying meanwhile).
async fn restart(checkpointer: &mut crate::checkpoint::Checkpointer) -> crate::checkpoint::Pass {
    for _ in 0..50 {
        let pass = pass(checkpointer).await;
        assert!(pass.restart, "a long WAL was not started over: {pass:?}");
        if !pass.frames.busy {
            return pass;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("the WAL never started over");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wal_started_over_is_not_started_over_again_before_a_write() {
    // After a RESTART checkpoint, SQLite starts the WAL over only at the
    // next write; until then `wal_checkpoint` answers the same long WAL,
    // every frame copied. The checkpointer must not take the writes' pool
    // for another RESTART at every pass while only reads come.
    use crate::checkpoint::Checkpointer;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/kognit.db", dir.path().display());
    let file = crate::engine::sqlite_url(&url);
    let s = SqlStore::open(&url).await.unwrap();
    s.insert_pool(&pool("p")).await.unwrap();
    const LONG: i64 = 100;
    let grow = |from: usize| {
        let s = &s;
        async move {
            for i in from..from + 150 {
                s.insert_user(&user("p", &format!("u{i}")), &[])
                    .await
                    .unwrap();
            }
        }
    };
    grow(0).await;
    let conn = crate::checkpoint::checkpointer_connection(&file)
        .await
        .unwrap();
    let lengths = crate::checkpoint::Lengths {
        restart: LONG,
        idle: i64::MAX,
    };
    let mut checkpointer = Checkpointer::new(conn, s.db.write.clone(), lengths);
    // The store's own checkpointer may be copying at that moment (the
    // RESTART then answers busy): passes until one starts the WAL over.
    let first = restart(&mut checkpointer).await;
    let restarted = first.frames;
    assert!(!restarted.busy && restarted.log >= LONG, "{restarted:?}");
    for _ in 0..3 {
        // Reads only: the WAL is as long as before, all of it copied.
        assert!(s.get_user("p", "u7").await.unwrap().is_some());
        let pass = pass(&mut checkpointer).await;
        assert!(
            !pass.restart,
            "started over again before any write: {pass:?}"
        );
        let f = pass.frames;
        assert_eq!((f.log, f.copied), (restarted.log, restarted.log));
    }
    // A write starts the WAL from its beginning ...
    s.insert_user(&user("p", "after"), &[]).await.unwrap();
    let pass = pass(&mut checkpointer).await;
    assert!(!pass.restart && pass.frames.log < LONG, "{pass:?}");
    // ... and once it is long again, a pass starts it over again.
    grow(1_000).await;
    restart(&mut checkpointer).await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_wal_is_truncated_once_writes_stop() {
    // SQLite writes a WAL from its start again but never shrinks the file:
    // without this, a dev folder kept the WAL of its busiest moment.
    use crate::checkpoint::{Checkpointer, Lengths};
    use sqlx::Connection as _;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/kognit.db", dir.path().display());
    let file = crate::engine::sqlite_url(&url);
    let wal = dir.path().join("kognit.db-wal");
    let wal_bytes = || std::fs::metadata(&wal).map_or(0, |m| m.len());
    let s = SqlStore::open(&url).await.unwrap();
    s.insert_pool(&pool("p")).await.unwrap();
    let conn = crate::checkpoint::checkpointer_connection(&file)
        .await
        .unwrap();
    let lengths = Lengths {
        restart: i64::MAX,
        idle: 100,
    };
    let mut checkpointer = Checkpointer::new(conn, s.db.write.clone(), lengths);
    // Short, and written to between passes: kept.
    for i in 0..3 {
        s.insert_user(&user("p", &format!("short{i}")), &[])
            .await
            .unwrap();
        let pass = pass(&mut checkpointer).await;
        assert!(!pass.truncated, "{pass:?}");
    }
    let before = pass(&mut checkpointer).await;
    assert!(!before.truncated && before.frames.log < 100, "{before:?}");
    // A reader of an older snapshot keeps SQLite from starting the WAL
    // over (as a write does once every frame was copied back): it grows.
    let mut reader = older_snapshot(&file).await;
    for i in 0..150 {
        s.insert_user(&user("p", &format!("u{i}")), &[])
            .await
            .unwrap();
        if i % 50 == 0 {
            // Long, but growing: kept.
            let pass = pass(&mut checkpointer).await;
            assert!(!pass.truncated, "{pass:?}");
        }
    }
    sqlx::query("COMMIT").execute(&mut reader).await.unwrap();
    reader.close().await.unwrap();
    let long = wal_bytes();
    assert!(long > 100 * 4096, "{long} bytes");
    // Two passes with no write between them: the second truncates (a
    // third may be needed when a reader held the WAL).
    let mut truncated = None;
    for _ in 0..10 {
        let pass = pass(&mut checkpointer).await;
        if pass.truncated {
            truncated = Some(pass);
            break;
        }
    }
    let truncated = truncated.expect("an idle long WAL was not truncated");
    assert_eq!((truncated.frames.log, truncated.frames.copied), (0, 0));
    assert_eq!(wal_bytes(), 0);
    // Nothing lost, and writing goes on.
    assert!(s.get_user("p", "u149").await.unwrap().is_some());
    s.insert_user(&user("p", "after"), &[]).await.unwrap();
    assert!(s.get_user("p", "after").await.unwrap().is_some());
    assert!(wal_bytes() > 0);
    // Short again: not truncated while idle.
    for _ in 0..3 {
        let pass = pass(&mut checkpointer).await;
        assert!(!pass.truncated, "{pass:?}");
    }
    s.close().await;
    let s = SqlStore::open(&url).await.unwrap();
    assert!(s.get_user("p", "u0").await.unwrap().is_some());
    assert!(s.get_user("p", "after").await.unwrap().is_some());
    s.close().await;
}

#[tokio::test]
async fn sqlite_in_memory_works() {
    let s = SqlStore::open("sqlite::memory:").await.unwrap();
    s.insert_pool(&pool("p")).await.unwrap();
    assert_eq!(s.get_pool("p").await.unwrap(), Some(pool("p")));
    s.close().await;
}

/// The error of opening `url`, which must fail.
async fn open_error(url: &str) -> String {
    match connect(url).await {
        Err(StoreError::Backend(msg)) => msg,
        Err(other) => panic!("expected Backend, got {other:?}"),
        Ok(_) => panic!("{url} opened"),
    }
}

#[tokio::test]
async fn connect_errors_are_one_line() {
    let msg = open_error("mysql://root@localhost/db").await;
    assert!(
        msg.contains("unsupported database URL scheme `mysql:`"),
        "{msg}"
    );

    let msg = open_error("sqlite:///nonexistent-dir-kognit/sub/x.db").await;
    assert!(
        msg.starts_with("cannot open SQLite database sqlite:///nonexistent"),
        "{msg}"
    );

    // Nothing listens on port 1: fails at once, with the reason, no password.
    let started = std::time::Instant::now();
    let msg = open_error("postgres://kognit:hunter2@127.0.0.1:1/db").await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(
        msg.starts_with("cannot open PostgreSQL database postgres://kognit@127.0.0.1:1/db: "),
        "{msg}"
    );
    assert!(!msg.contains("hunter2"), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");
}

#[test]
fn urls() {
    assert_eq!(
        crate::engine::sqlite_url("sqlite://a.db"),
        "sqlite://a.db?mode=rwc"
    );
    assert_eq!(
        crate::engine::sqlite_url("sqlite://a.db?cache=shared"),
        "sqlite://a.db?cache=shared&mode=rwc"
    );
    assert_eq!(
        crate::engine::sqlite_url("sqlite://a.db?mode=ro"),
        "sqlite://a.db?mode=ro"
    );
    assert_eq!(
        crate::engine::redact("postgresql://u:p%40ss@h:5432/db?sslmode=require"),
        "postgresql://u@h:5432/db?sslmode=require"
    );
    assert_eq!(crate::engine::redact("postgres://h/db"), "postgres://h/db");
    assert_eq!(
        Engine::from_url("postgresql://h/db").unwrap(),
        Engine::Postgres
    );
    assert_eq!(Engine::from_url("sqlite:x.db").unwrap(), Engine::Sqlite);
}
