//! Statement values, bound the same way through sqlx (both engines) and
//! through the SQLite lane's rusqlite: each statement's values are listed
//! once, as a `Vec<Arg>`, whichever way it runs.

use rusqlite::types::Value;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, SqlSafeStr};

/// One value of a statement, as its column's type.
#[derive(Debug, Clone)]
pub(crate) enum Arg<'a> {
    /// TEXT.
    Text(&'a str),
    /// TEXT, owned.
    Owned(String),
    /// Nullable TEXT.
    OptText(Option<&'a str>),
    /// A flag stored as a 32-bit INTEGER (PostgreSQL's column is INTEGER,
    /// and an exact type match keeps its indexes trivially usable).
    Flag(i32),
    /// BIGINT.
    Int(i64),
    /// Nullable BIGINT.
    OptInt(Option<i64>),
    /// Nullable BLOB/BYTEA.
    Bytes(Option<&'a [u8]>),
}

impl Arg<'_> {
    /// The value as rusqlite binds it (owned: the lane's writer runs the
    /// statement on another thread).
    pub(crate) fn into_value(self) -> Value {
        let text = |t: &str| Value::Text(t.to_owned());
        match self {
            Arg::Text(t) => text(t),
            Arg::Owned(t) => Value::Text(t),
            Arg::OptText(t) => t.map_or(Value::Null, text),
            Arg::Flag(f) => Value::Integer(i64::from(f)),
            Arg::Int(i) => Value::Integer(i),
            Arg::OptInt(i) => i.map_or(Value::Null, Value::Integer),
            Arg::Bytes(b) => b.map_or(Value::Null, |b| Value::Blob(b.to_vec())),
        }
    }
}

/// The values as rusqlite binds them.
pub(crate) fn values(args: Vec<Arg<'_>>) -> Vec<Value> {
    args.into_iter().map(Arg::into_value).collect()
}

/// `sql` with `args` bound in order, for sqlx.
pub(crate) fn bind<'q>(sql: impl SqlSafeStr, args: Vec<Arg<'q>>) -> Query<'q, Any, AnyArguments> {
    args.into_iter().fold(sqlx::query(sql), |q, arg| match arg {
        Arg::Text(v) => q.bind(v),
        Arg::Owned(v) => q.bind(v),
        Arg::OptText(v) => q.bind(v),
        Arg::Flag(v) => q.bind(v),
        Arg::Int(v) => q.bind(v),
        Arg::OptInt(v) => q.bind(v),
        Arg::Bytes(v) => q.bind(v),
    })
}
