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
//! produce (`kognit_migrations` included), stored with each page's
//! trailing zeros cut off ([`encode`]), since a page of a new table or
//! index is mostly empty. It is not trusted to be current: the store reads
//! the versions it recorded, `migrate::run` applies whatever migration of
//! this build they lack (it is not run when none is missing: its check
//! costs a round trip through sqlx's connection thread at start), and
//! the test `tests::schema_image::the_image_is_the_migrated_schema` fails
//! when the image's schema differs from the migrations' (it writes a new
//! image when `KOGNIT_WRITE_SCHEMA_IMAGE` is set).

use kognit_core::store::{StoreError, StoreResult};
use rusqlite::{Connection, MAIN_DB};

/// The encoded image (see the module docs).
const IMAGE: &[u8] = include_bytes!("../migrations/sqlite/schema.image");

/// The page size of the image: SQLite's default, which an in-memory
/// database copied into must share.
pub(crate) const PAGE: usize = 4096;

/// Each page as a little-endian u16 count of its bytes up to the last
/// non-zero one, then those bytes. Err if `db` is not whole pages. (Used
/// by the test that writes the image.)
#[cfg(test)]
pub(crate) fn encode(db: &[u8]) -> Result<Vec<u8>, String> {
    if db.is_empty() || !db.len().is_multiple_of(PAGE) {
        return Err(format!("{} bytes are not whole pages", db.len()));
    }
    let mut out = Vec::new();
    for page in db.chunks(PAGE) {
        let used = page.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
        let len = u16::try_from(used).map_err(|e| e.to_string())?;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&page[..used]);
    }
    Ok(out)
}

/// The stored bytes of each page of an [`encode`]d image, in order; a
/// None item, and then the end, where the image is malformed (a length past
/// a page, or fewer bytes than it says).
struct Pages<'a>(&'a [u8]);

impl<'a> Iterator for Pages<'a> {
    type Item = Option<&'a [u8]>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let page = self.0.split_first_chunk::<2>().and_then(|(len, tail)| {
            let len = usize::from(u16::from_le_bytes(*len));
            (len <= PAGE && tail.len() >= len).then(|| tail.split_at(len))
        });
        let (bytes, rest) = page.map_or((None, &[][..]), |(b, r)| (Some(b), r));
        self.0 = rest;
        Some(bytes)
    }
}

/// The size of the database file of an [`encode`]d image; None if it is
/// malformed.
fn decoded_len(image: &[u8]) -> Option<usize> {
    let mut pages = 0;
    for page in Pages(image) {
        page?;
        pages += 1;
    }
    (pages > 0).then_some(pages * PAGE)
}

/// Reads an [`encode`]d image as its database file, a page at a time, so
/// the file is built only where SQLite keeps it; fails where the image is
/// malformed.
struct Decoder<'a> {
    /// The pages not begun.
    pages: Pages<'a>,
    /// What is left of the page begun: its stored bytes, then zeros.
    bytes: &'a [u8],
    zeros: usize,
}

impl std::io::Read for Decoder<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if !self.bytes.is_empty() {
                let n = buf.len().min(self.bytes.len());
                buf[..n].copy_from_slice(&self.bytes[..n]);
                self.bytes = &self.bytes[n..];
                return Ok(n);
            }
            if self.zeros > 0 {
                let n = buf.len().min(self.zeros);
                buf[..n].fill(0);
                self.zeros -= n;
                return Ok(n);
            }
            match self.pages.next() {
                None => return Ok(0),
                Some(None) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "a malformed schema image",
                    ));
                }
                Some(Some(bytes)) => (self.bytes, self.zeros) = (bytes, PAGE - bytes.len()),
            }
        }
    }
}

fn decoder(image: &[u8]) -> Decoder<'_> {
    Decoder {
        pages: Pages(image),
        bytes: &[],
        zeros: 0,
    }
}

/// The database file of an [`encode`]d image; None if it is malformed.
#[cfg(test)]
pub(crate) fn decode(image: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let len = decoded_len(image)?;
    let mut db = Vec::with_capacity(len);
    decoder(image).read_to_end(&mut db).ok()?;
    Some(db)
}

/// Copies `image` into the shared in-memory database `name` if that
/// database is still empty; answers the migration versions the copy
/// recorded as applied, or None if the database was not empty. The
/// database's other connections see the schema at their next statement.
pub(crate) fn restore(name: &str, image: &[u8]) -> StoreResult<Option<Vec<i64>>> {
    let fail = |e: rusqlite::Error| StoreError::Backend(format!("schema image: {e}"));
    let len =
        decoded_len(image).ok_or_else(|| StoreError::Backend("schema image: malformed".into()))?;
    let mut to = crate::lite::open_memory(name).map_err(fail)?;
    let objects: i64 = to
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(fail)?;
    if objects > 0 {
        return Ok(None);
    }
    let mut from = Connection::open_in_memory().map_err(fail)?;
    from.deserialize_read_exact(MAIN_DB, decoder(image), len, true)
        .map_err(fail)?;
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
    // The versions are recorded as applied now, as the migrations would.
    to.execute(
        "UPDATE kognit_migrations SET applied_at = ?1",
        [crate::migrate::now_ms()],
    )
    .map_err(fail)?;
    let mut versions = to
        .prepare("SELECT version FROM kognit_migrations")
        .map_err(fail)?;
    let versions = versions
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(fail)?;
    Ok(Some(versions))
}

/// [`restore`] of the image built into kognit.
pub(crate) fn restore_built_in(name: &str) -> StoreResult<Option<Vec<i64>>> {
    restore(name, IMAGE)
}
