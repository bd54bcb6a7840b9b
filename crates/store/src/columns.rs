//! Reading a row's columns by position, the same way from a sqlx row and
//! from a rusqlite row (the SQLite lane), so each record has one decoder.

use sqlx::Row as _;
use sqlx::any::AnyRow;

/// A row whose columns are read by position.
pub(crate) trait Columns {
    /// The driver's error.
    type Error;
    /// A TEXT column.
    fn text(&self, i: usize) -> Result<String, Self::Error>;
    /// A nullable TEXT column.
    fn opt_text(&self, i: usize) -> Result<Option<String>, Self::Error>;
    /// A BIGINT column.
    fn int(&self, i: usize) -> Result<i64, Self::Error>;
    /// A nullable BIGINT column.
    fn opt_int(&self, i: usize) -> Result<Option<i64>, Self::Error>;
    /// A BLOB/BYTEA column.
    fn blob(&self, i: usize) -> Result<Vec<u8>, Self::Error>;
    /// A nullable BLOB/BYTEA column.
    fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>, Self::Error>;
}

impl Columns for AnyRow {
    type Error = sqlx::Error;
    fn text(&self, i: usize) -> Result<String, sqlx::Error> {
        self.try_get(i)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, sqlx::Error> {
        self.try_get(i)
    }
    fn int(&self, i: usize) -> Result<i64, sqlx::Error> {
        self.try_get(i)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, sqlx::Error> {
        self.try_get(i)
    }
    fn blob(&self, i: usize) -> Result<Vec<u8>, sqlx::Error> {
        self.try_get(i)
    }
    fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>, sqlx::Error> {
        self.try_get(i)
    }
}

impl Columns for rusqlite::Row<'_> {
    type Error = rusqlite::Error;
    fn text(&self, i: usize) -> rusqlite::Result<String> {
        self.get(i)
    }
    fn opt_text(&self, i: usize) -> rusqlite::Result<Option<String>> {
        self.get(i)
    }
    fn int(&self, i: usize) -> rusqlite::Result<i64> {
        self.get(i)
    }
    fn opt_int(&self, i: usize) -> rusqlite::Result<Option<i64>> {
        self.get(i)
    }
    fn blob(&self, i: usize) -> rusqlite::Result<Vec<u8>> {
        self.get(i)
    }
    fn opt_blob(&self, i: usize) -> rusqlite::Result<Option<Vec<u8>>> {
        self.get(i)
    }
}
