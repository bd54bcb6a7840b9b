//! A new in-memory database starts from a copy of the migrated schema
//! (`kognit dev --ephemeral`, `POST /_dev/reset` aside) instead of running
//! the migrations' ~85 statements.
//!
//! Why: parsing and running that DDL was a third of an ephemeral server's
//! start-up CPU (each CREATE is prepared, run and written to
//! `sqlite_schema`, through sqlx's worker thread); copying the ~80 pages
//! of an already migrated database with SQLite's backup API takes a small
//! fraction of that (BENCHMARKS.md, "Start-up and idle memory").
//!
//! The copy is [`IMAGE`]: the database file that the SQLite migrations
//! produce (`kognit_migrations` included), built into the executable as it
//! is, page-aligned, so that SQLite reads its pages where they lie (a
//! read-only deserialized database, memory-mapped): no copy of it is made
//! on the heap, whose fresh pages each cost a page fault. Its header's
//! `user_version` is the latest migration it records (`migrate::latest`).
//! It is not trusted to be current: when that version is not this build's
//! latest, `migrate::run` applies the migrations the copy lacks (it is not
//! run otherwise: its check costs a round trip through sqlx's connection
//! thread, and a parse of the schema, at start); and the test
//! `tests::schema_image::the_image_is_the_migrated_schema` fails when the
//! image's schema or version differs from the migrations' (it writes a new
//! image when `KOGNIT_WRITE_SCHEMA_IMAGE` is set). The copy's migrations
//! keep the time the image records for them, 0 (so that writing the image
//! again from the same migrations gives the same file): nothing reads it,
//! and an in-memory database is gone at exit. (Setting it to the start's
//! time was the first statement to need the schema parsed, before the
//! server could answer.)

use kognit_core::store::{StoreError, StoreResult};
use rusqlite::{Connection, MAIN_DB};

/// Bytes aligned to a memory page.
#[repr(C, align(4096))]
struct Aligned<B: ?Sized>(B);

/// The image (see the module docs).
static IMAGE: &Aligned<[u8]> = &Aligned(*include_bytes!("../migrations/sqlite/schema.db"));

/// A restored database: the connection that restored it, which keeps the
/// shared in-memory database alive (it is gone when its last connection
/// closes), and the image's schema version, or None if the database was
/// not empty and nothing was copied.
pub(crate) struct Restored {
    pub(crate) conn: Connection,
    pub(crate) version: Option<i64>,
}

/// Copies [`IMAGE`] into the shared in-memory database `name` if that
/// database is still empty (see [`Restored`]). The database's other
/// connections see the schema at their next statement.
pub(crate) fn restore_built_in(name: &str) -> StoreResult<Restored> {
    let fail = |e: rusqlite::Error| StoreError::Backend(format!("schema image: {e}"));
    let mut to = crate::lite::open_memory(name).map_err(fail)?;
    let objects: i64 = to
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(fail)?;
    if objects > 0 {
        return Ok(Restored {
            conn: to,
            version: None,
        });
    }
    let mut from = Connection::open_in_memory().map_err(fail)?;
    from.deserialize_bytes(MAIN_DB, &IMAGE.0).map_err(fail)?;
    // The copy reads the pages where they are (xFetch) instead of into a
    // page cache of this short-lived connection.
    from.execute_batch("PRAGMA mmap_size = 1073741824")
        .map_err(fail)?;
    // All pages in one step; the database is new, so nothing holds it.
    let step = rusqlite::backup::Backup::new(&from, &mut to)
        .and_then(|b| b.step(-1))
        .map_err(fail)?;
    if step != rusqlite::backup::StepResult::Done {
        return Err(StoreError::Backend(format!(
            "schema image: the copy stopped ({step:?})"
        )));
    }
    // The version from the database's header: a table's rows would need
    // the schema parsed first, which no statement until the first request
    // needs (a quarter of a millisecond; `sqlite::settings` says more).
    let version = to
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(fail)?;
    Ok(Restored {
        conn: to,
        version: Some(version),
    })
}
