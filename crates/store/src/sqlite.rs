//! The settings of every SQLite connection, in one place: the sqlx pools
//! (`engine.rs`) and the rusqlite lane (`lite`) open connections to the same
//! file and must agree on them (a writer with a lower `wal_autocheckpoint`
//! than the other would checkpoint after every commit once the WAL is past
//! its mark), so both take their PRAGMA text from here.

/// Waits up to 5 s for another connection's lock instead of failing at once
/// with "database is locked". A macro so that `concat!` can build the
/// texts below from it; also run alone by the first connection, before it
/// switches the file to WAL ([`JOURNAL_MODE`]).
macro_rules! busy_timeout {
    () => {
        "PRAGMA busy_timeout = 5000"
    };
}

/// The settings of every connection, reader or writer. foreign_keys is off
/// by default in SQLite (sqlx turns it on, but the schema relies on it, so
/// say it).
///
/// synchronous=NORMAL in WAL mode: a commit is durable against a crash of
/// kognit (it is in the WAL file, which the OS keeps), and the database can
/// never be corrupted, but the WAL is fsynced only at checkpoints, so a power
/// loss or OS crash may lose the transactions of the last moments (those
/// since the last checkpoint). FULL would fsync every commit; for a
/// single-file dev and small-deployment store NORMAL is the usual choice,
/// and PostgreSQL is the store for deployments that need more.
///
/// cache_size: 32 MiB of page cache per connection (SQLite's default is
/// 2 MiB): with a million users the file is over a gigabyte and the default
/// re-read the same index pages with a system call each (48 `pread64` per
/// update, BENCHMARKS.md). Five connections of sqlx and five of the `lite`
/// lane: at most 320 MiB. (Not memory-mapped reads: SQLite remaps the whole
/// file whenever its size changed since the last read, and under writes the
/// munmap's TLB shootdowns cost more than the reads they spare.)
macro_rules! every_connection {
    () => {
        concat!(
            keys_and_locks!(),
            " PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768;"
        )
    };
}

/// What every connection has, on a file or in memory: foreign keys
/// enforced, and [`busy_timeout`].
macro_rules! keys_and_locks {
    () => {
        concat!("PRAGMA foreign_keys = ON; ", busy_timeout!(), ";")
    };
}

/// What makes a connection a reader: it refuses writes.
macro_rules! query_only {
    () => {
        " PRAGMA query_only = ON;"
    };
}

/// The one setting before any pool: `busy_timeout` alone.
pub(crate) const BUSY_TIMEOUT: &str = busy_timeout!();

/// How long the first connection to a file kept by one process
/// ([`EXCLUSIVE_VFS`]) waits for another process that has it: one that is
/// exiting lets go within this; a running one never does.
pub(crate) const EXCLUSIVE_PATIENCE: &str = "PRAGMA busy_timeout = 2000";

/// Switches the file to WAL, so readers read while the writer writes. Needs
/// the file to itself, so the first connection does it, once.
pub(crate) const JOURNAL_MODE: &str = "PRAGMA journal_mode = WAL";

/// A connection that writes: sqlx's single writer and the lane's writer.
///
/// wal_autocheckpoint: the writer checkpoints the WAL itself only when it
/// has grown past 100,000 pages (400 MiB), which should not happen: the
/// background checkpointer (`checkpoint::spawn_checkpointer`) copies the WAL
/// back every 100 ms, so that the copying and its fsyncs do not stall the
/// single writer, and starts it over once it passes 40,000 pages
/// (`checkpoint::restart_wal`; under a steady stream of writes SQLite never
/// does that by itself). It is the net under them: a writer that did
/// checkpoint at a lower mark (10,000 pages) did so every fraction of a
/// second under load, which was the p99 of every write (BENCHMARKS.md).
/// SQLite reuses a WAL file rather than shrinking it: the checkpointer
/// truncates one that grew long once writes stop (`checkpoint::Lengths`),
/// and opening after a crash reads it back once.
pub(crate) const WRITER: &str =
    concat!(every_connection!(), " PRAGMA wal_autocheckpoint = 100000;");

/// A connection that only reads: sqlx's readers and the lane's. They refuse
/// writes, so a write sent to the wrong connection fails loudly instead of
/// bypassing the single writer.
pub(crate) const READER: &str = concat!(every_connection!(), query_only!());

/// The VFS of a SQLite file that one process keeps to itself (`vfs=` in its
/// URL; `kognit dev`'s data folder, [`crate::private_sqlite_url`]). SQLite's
/// `unix-excl` takes an exclusive lock on the file once, at the first
/// connection, and coordinates the process's connections in memory from
/// then on, with the WAL index in the heap instead of a `-shm` file. On the
/// default VFS every read transaction takes and releases a lock on the
/// `-shm` file with `fcntl` (1.7 system calls per AdminGetUser, and ~10%
/// of its throughput: BENCHMARKS.md). The price: no other process may open
/// the file while this one has it (the `sqlite3` shell, a backup tool, a
/// second kognit).
pub(crate) const EXCLUSIVE_VFS: &str = "unix-excl";

/// The settings of a connection to an in-memory database
/// (`kognit dev --ephemeral`) instead of the above: temporary tables and
/// the sorter's spills stay in memory too, so that nothing of the database
/// ever reaches a file. Without `synchronous` (nothing is synced) and
/// `cache_size` (the pages of an in-memory database are never evicted,
/// whatever the cache's size): both read the schema, which on a new
/// database is parsed at the first statement that needs it, a quarter of a
/// millisecond that would otherwise be spent before the server answers.
macro_rules! in_memory {
    () => {
        concat!(keys_and_locks!(), " PRAGMA temp_store = MEMORY;")
    };
}

/// The settings of a connection that writes (`write`) or reads, to a file
/// or in memory: [`WRITER`], [`READER`] or their in-memory forms.
pub(crate) const fn settings(write: bool, in_memory: bool) -> &'static str {
    match (write, in_memory) {
        (true, false) => WRITER,
        (false, false) => READER,
        (true, true) => in_memory!(),
        (false, true) => concat!(in_memory!(), query_only!()),
    }
}

/// What `.cargo/config.toml` builds SQLite with (`LIBSQLITE3_FLAGS`), as
/// `PRAGMA compile_options` shows it: (option, whether it must be listed).
const BUILD_FLAGS: &[(&str, bool)] = &[
    ("DEFAULT_MEMSTATUS=0", true),
    ("ENABLE_QPSG", true),
    ("ENABLE_MEMORY_MANAGEMENT", false),
];

/// The build flags `PRAGMA compile_options` shows are missing, as
/// `LIBSQLITE3_FLAGS` spells them; empty for a build like the repository's.
pub(crate) fn missing_build_flags(options: &[String]) -> Vec<String> {
    BUILD_FLAGS
        .iter()
        .filter(|(flag, wanted)| options.iter().any(|o| o == flag) != *wanted)
        .map(|(flag, wanted)| format!("{}SQLITE_{flag}", if *wanted { "-D" } else { "-U" }))
        .collect()
}
