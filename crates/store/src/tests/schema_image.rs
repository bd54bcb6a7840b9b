//! The built-in image of the migrated schema (`schema_image`): what a new
//! in-memory database starts from must be what the migrations make.

use rusqlite::{Connection, MAIN_DB};
use sqlx::AnyPool;

use crate::schema_image::restore_built_in;
use crate::{Engine, StoreOptions, engine, in_memory_url, lite, migrate};

/// Where the image lives in the repository.
const IMAGE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite/schema.db");

/// A new shared in-memory database: its write pool (which opens its
/// connection at the first write) and its name. It lives while a
/// connection to it is open.
async fn new_database() -> (AnyPool, String) {
    sqlx::any::install_default_drivers();
    let url = engine::sqlite_url(&in_memory_url());
    let pool = engine::write_pool(Engine::Sqlite, &url, &StoreOptions::default())
        .await
        .unwrap();
    match engine::lane_place(Engine::Sqlite, &url).unwrap() {
        Some(lite::Place::Memory(name)) => (pool, name),
        other => panic!("not a shared in-memory database: {other:?}"),
    }
}

fn connect(name: &str) -> Connection {
    lite::open_memory(name).unwrap()
}

/// The schema's objects and the recorded migrations, in a fixed order.
fn schema(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare(
            "SELECT type || ' ' || name || ' ' || tbl_name || ' ' || coalesce(sql, '') \
             FROM sqlite_schema ORDER BY type, name",
        )
        .unwrap();
    let mut rows: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut stmt = conn
        .prepare("SELECT version || ' ' || description FROM kognit_migrations ORDER BY version")
        .unwrap();
    rows.extend(
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap(),
    );
    rows
}

/// The file of a database migrated the usual way (`migrate::run`), with
/// the migrations' times set to 0 and the latest as its `user_version`.
async fn migrated() -> (Vec<u8>, Vec<String>) {
    let (pool, name) = new_database().await;
    migrate::run(&pool, Engine::Sqlite.dialect()).await.unwrap();
    let conn = connect(&name);
    conn.execute("UPDATE kognit_migrations SET applied_at = 0", [])
        .unwrap();
    let latest = migrate::latest(Engine::Sqlite.dialect());
    conn.execute_batch(&format!("PRAGMA user_version = {latest}"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schema.db");
    conn.backup(MAIN_DB, &file, None).unwrap();
    (std::fs::read(&file).unwrap(), schema(&conn))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_image_is_the_migrated_schema() {
    let (file, expected) = migrated().await;
    if std::env::var_os("KOGNIT_WRITE_SCHEMA_IMAGE").is_some() {
        std::fs::write(IMAGE_PATH, &file).unwrap();
    }
    let (_pool, name) = new_database().await;
    let restored = restore_built_in(&name).unwrap();
    assert_eq!(
        restored.version,
        Some(migrate::latest(Engine::Sqlite.dialect())),
        "the image's version is the latest migration"
    );
    let conn = connect(&name);
    assert_eq!(
        schema(&conn),
        expected,
        "the schema image is not the migrated schema: after changing a migration, run \
         `KOGNIT_WRITE_SCHEMA_IMAGE=1 cargo nextest run -p kognit-store -E \
         'test(the_image_is_the_migrated_schema)'` and rebuild"
    );
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_image_goes_only_into_an_empty_database() {
    let (_pool, name) = new_database().await;
    let conn = connect(&name);
    conn.execute_batch("CREATE TABLE mine (a INTEGER)").unwrap();
    assert_eq!(restore_built_in(&name).unwrap().version, None);
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 1, "the database was left as it was");
}

/// A new in-memory store starts from the image and is whole: the lane and
/// sqlx see the same schema, and writes land.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_in_memory_store_starts_from_the_image() {
    let s = crate::SqlStore::open(&in_memory_url()).await.unwrap();
    s.insert_pool(&super::pool("p")).await.unwrap();
    s.insert_user(&super::user("p", "a"), &[]).await.unwrap();
    assert!(s.get_user("p", "a").await.unwrap().is_some());
    let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM kognit_migrations")
        .fetch_all(&s.db.read)
        .await
        .unwrap();
    let all: Vec<i64> = Engine::Sqlite
        .dialect()
        .migrations
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(versions, all);
    s.close().await;
}
