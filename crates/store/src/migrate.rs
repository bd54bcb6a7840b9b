//! Versioned schema migrations, run at connect.
//!
//! Each engine has its own ordered list of SQL scripts (the DDL differs:
//! BLOB/BYTEA, STRICT, collations). Applied versions are recorded in
//! `kognit_migrations`; each pending migration runs in one transaction
//! together with its version row, so a failed migration leaves nothing
//! behind. To add one, write `000N_<name>.sql` for
//! both engines and append it to both lists with the same version, then
//! write SQLite's schema image again (`schema_image`: a new in-memory
//! database starts from it; the test `the_image_is_the_migrated_schema`
//! says how, and fails until it is done).

use std::time::{SystemTime, UNIX_EPOCH};

use kognit_core::store::StoreError;
use sqlx::AnyPool;

use crate::engine::Dialect;
use crate::errors;

/// One schema change.
#[derive(Debug)]
pub(crate) struct Migration {
    /// Strictly increasing, identical across engines for the same change.
    pub(crate) version: i64,
    /// A short name, recorded alongside the version.
    pub(crate) description: &'static str,
    /// The script; may hold several statements.
    pub(crate) sql: &'static str,
}

/// SQLite's migrations, oldest first.
pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        description: "init",
        sql: include_str!("../migrations/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        description: "users",
        sql: include_str!("../migrations/sqlite/0002_users.sql"),
    },
    Migration {
        version: 3,
        description: "tokens",
        sql: include_str!("../migrations/sqlite/0003_tokens.sql"),
    },
    Migration {
        version: 4,
        description: "groups",
        sql: include_str!("../migrations/sqlite/0004_groups.sql"),
    },
    Migration {
        version: 5,
        description: "sessions",
        sql: include_str!("../migrations/sqlite/0005_sessions.sql"),
    },
    Migration {
        version: 7,
        description: "devices",
        sql: include_str!("../migrations/sqlite/0007_devices.sql"),
    },
    Migration {
        version: 8,
        description: "purge indexes",
        sql: include_str!("../migrations/sqlite/0008_purge.sql"),
    },
    Migration {
        version: 9,
        description: "client token index",
        sql: include_str!("../migrations/sqlite/0009_client_tokens.sql"),
    },
    Migration {
        version: 10,
        description: "console",
        sql: include_str!("../migrations/sqlite/0010_console.sql"),
    },
    Migration {
        version: 11,
        description: "resource servers",
        sql: include_str!("../migrations/sqlite/0011_resource_servers.sql"),
    },
    Migration {
        version: 12,
        description: "user pool domains",
        sql: include_str!("../migrations/sqlite/0012_domains.sql"),
    },
    Migration {
        version: 13,
        description: "oauth codes and refresh-token scopes",
        sql: include_str!("../migrations/sqlite/0013_oauth.sql"),
    },
    Migration {
        version: 14,
        description: "ui customizations",
        sql: include_str!("../migrations/sqlite/0014_ui_customizations.sql"),
    },
    Migration {
        version: 16,
        description: "managed login brandings",
        sql: include_str!("../migrations/sqlite/0016_managed_login_brandings.sql"),
    },
];

/// PostgreSQL's migrations, oldest first.
pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        description: "init",
        sql: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        description: "users",
        sql: include_str!("../migrations/postgres/0002_users.sql"),
    },
    Migration {
        version: 3,
        description: "tokens",
        sql: include_str!("../migrations/postgres/0003_tokens.sql"),
    },
    Migration {
        version: 4,
        description: "groups",
        sql: include_str!("../migrations/postgres/0004_groups.sql"),
    },
    Migration {
        version: 5,
        description: "sessions",
        sql: include_str!("../migrations/postgres/0005_sessions.sql"),
    },
    Migration {
        version: 7,
        description: "devices",
        sql: include_str!("../migrations/postgres/0007_devices.sql"),
    },
    Migration {
        version: 8,
        description: "purge indexes",
        sql: include_str!("../migrations/postgres/0008_purge.sql"),
    },
    Migration {
        version: 9,
        description: "client token index",
        sql: include_str!("../migrations/postgres/0009_client_tokens.sql"),
    },
    Migration {
        version: 10,
        description: "console",
        sql: include_str!("../migrations/postgres/0010_console.sql"),
    },
    Migration {
        version: 11,
        description: "resource servers",
        sql: include_str!("../migrations/postgres/0011_resource_servers.sql"),
    },
    Migration {
        version: 12,
        description: "user pool domains",
        sql: include_str!("../migrations/postgres/0012_domains.sql"),
    },
    Migration {
        version: 13,
        description: "oauth codes and refresh-token scopes",
        sql: include_str!("../migrations/postgres/0013_oauth.sql"),
    },
    Migration {
        version: 14,
        description: "ui customizations",
        sql: include_str!("../migrations/postgres/0014_ui_customizations.sql"),
    },
    Migration {
        version: 16,
        description: "managed login brandings",
        sql: include_str!("../migrations/postgres/0016_managed_login_brandings.sql"),
    },
];

/// The bookkeeping table; the same text is valid on both engines.
const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS kognit_migrations (\
     version BIGINT NOT NULL, \
     description TEXT NOT NULL, \
     applied_at BIGINT NOT NULL, \
     CONSTRAINT kognit_migrations_pkey PRIMARY KEY (version))";

/// Whether `versions` (a database's recorded migrations) hold every
/// migration of this build.
fn all_recorded(dialect: &Dialect, versions: &[i64]) -> bool {
    dialect
        .migrations
        .iter()
        .all(|m| versions.contains(&m.version))
}

/// The latest migration of this build: the schema version of a database
/// migrated by it (the schema image records it as its `user_version`).
pub(crate) fn latest(dialect: &Dialect) -> i64 {
    dialect
        .migrations
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// Applies the migrations the store lacks and answers their versions.
///
/// A store that has them all (every start but the first) costs one read,
/// without a transaction or lock. Otherwise every pending migration is
/// applied in one write transaction — under PostgreSQL's advisory lock, with
/// the recorded versions read again inside it, so two processes migrating
/// one database at once apply each migration once — and a failure leaves
/// none of them applied.
pub(crate) async fn run(pool: &AnyPool, dialect: &Dialect) -> Result<Vec<i64>, StoreError> {
    if let Some(done) = recorded(pool).await
        && all_recorded(dialect, &done)
    {
        warn_if_newer(pool, dialect).await?;
        return Ok(Vec::new());
    }
    let mut tx = pool
        .begin_with(dialect.begin_write)
        .await
        .map_err(errors::db)?;
    for sql in [dialect.migration_no_timeout, dialect.migration_lock]
        .into_iter()
        .flatten()
    {
        sqlx::query(sql)
            .execute(&mut *tx)
            .await
            .map_err(errors::db)?;
    }
    // Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can
    // still collide on PostgreSQL's catalog.
    sqlx::raw_sql(CREATE_TABLE)
        .execute(&mut *tx)
        .await
        .map_err(errors::db)?;
    let done: Vec<i64> = sqlx::query_scalar("SELECT version FROM kognit_migrations")
        .fetch_all(&mut *tx)
        .await
        .map_err(errors::db)?;
    let mut applied = Vec::new();
    for m in dialect.migrations {
        if done.contains(&m.version) {
            continue;
        }
        sqlx::raw_sql(m.sql).execute(&mut *tx).await.map_err(|e| {
            StoreError::Backend(format!(
                "migration {} ({}) failed: {}",
                m.version,
                m.description,
                errors::one_line(&e)
            ))
        })?;
        sqlx::query(
            "INSERT INTO kognit_migrations (version, description, applied_at) \
             VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.description)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(errors::db)?;
        applied.push(m);
    }
    tx.commit().await.map_err(errors::db)?;
    for m in &applied {
        tracing::debug!(
            version = m.version,
            description = m.description,
            "applied migration"
        );
    }
    warn_if_newer(pool, dialect).await?;
    Ok(applied.iter().map(|m| m.version).collect())
}

/// The versions recorded, or None when there is no record yet (a new store)
/// or it cannot be read.
async fn recorded(pool: &AnyPool) -> Option<Vec<i64>> {
    sqlx::query_scalar("SELECT version FROM kognit_migrations")
        .fetch_all(pool)
        .await
        .ok()
}

/// A database migrated by a newer kognit may hold columns this one ignores;
/// it is allowed to run, but say so.
async fn warn_if_newer(pool: &AnyPool, dialect: &Dialect) -> Result<(), StoreError> {
    let latest = dialect.migrations.last().map_or(0, |m| m.version);
    // In a transaction of its own only to lift the statement timeout, as
    // for the migrations.
    let mut tx = pool.begin().await.map_err(errors::db)?;
    if let Some(sql) = dialect.migration_no_timeout {
        sqlx::query(sql)
            .execute(&mut *tx)
            .await
            .map_err(errors::db)?;
    }
    let stored: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM kognit_migrations")
        .fetch_one(&mut *tx)
        .await
        .map_err(errors::db)?;
    tx.rollback().await.map_err(errors::db)?;
    if let Some(stored) = stored.filter(|v| *v > latest) {
        tracing::warn!(
            stored,
            latest,
            "database schema is newer than this kognit; consider upgrading"
        );
    }
    Ok(())
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
