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
            "PRAGMA foreign_keys = ON; ",
            busy_timeout!(),
            "; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768;"
        )
    };
}

/// The one setting before any pool: `busy_timeout` alone.
pub(crate) const BUSY_TIMEOUT: &str = busy_timeout!();

/// Switches the file to WAL, so readers read while the writer writes. Needs
/// the file to itself, so the first connection does it, once.
pub(crate) const JOURNAL_MODE: &str = "PRAGMA journal_mode = WAL";

/// A connection that writes: sqlx's single writer and the lane's writer.
///
/// wal_autocheckpoint: the writer checkpoints the WAL itself only when it
/// has grown past 100,000 pages (400 MiB). Normally the background
/// checkpointer (`engine::spawn_checkpointer`) copies the WAL back, so that
/// the copying and its fsyncs do not stall the single writer; but under a
/// steady stream of writes it never quite catches up, and SQLite starts the
/// WAL over only once all of it is copied back, so it takes the writer's
/// own checkpoint to do that: the frames since the last background pass,
/// and an fsync of each file, while every write waits. How often that
/// happens is what this sets. At 10,000 pages it came every fraction of a
/// second under load and was the p99 of every write; at 100,000 it is rare,
/// and updates are faster with a far lower p99 (BENCHMARKS.md). The price: a busy server's WAL file can reach 400 MiB
/// (SQLite reuses it rather than shrinking it until the lane empties it at
/// close), and opening after a crash reads it back once.
pub(crate) const WRITER: &str =
    concat!(every_connection!(), " PRAGMA wal_autocheckpoint = 100000;");

/// A connection that only reads: sqlx's readers and the lane's. They refuse
/// writes, so a write sent to the wrong connection fails loudly instead of
/// bypassing the single writer.
pub(crate) const READER: &str = concat!(every_connection!(), " PRAGMA query_only = ON;");

/// An in-memory database's connections, besides the above: temporary tables
/// and the sorter's spills stay in memory too, so that nothing of the
/// database ever reaches a file (`kognit dev --ephemeral`).
pub(crate) const IN_MEMORY: &str = "PRAGMA temp_store = MEMORY;";

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
