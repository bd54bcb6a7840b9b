//! [`ConsoleStore`]: the admin console's `console_sessions` and `audit_log`.

use async_trait::async_trait;
use kognit_core::store::{
    AuditFilter, AuditRecord, ConsoleSessionRecord, ConsoleStore, StoreResult,
};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use crate::backend::Backend;
use crate::{Sql, errors};

const GET_SESSION: &str = "SELECT token_hash, principal, created_ms, seen_ms, expires_ms \
     FROM console_sessions WHERE token_hash = $1";

fn session(row: &AnyRow) -> Result<ConsoleSessionRecord, sqlx::Error> {
    Ok(ConsoleSessionRecord {
        token_hash: row.try_get(0)?,
        principal: row.try_get(1)?,
        created_ms: row.try_get(2)?,
        seen_ms: row.try_get(3)?,
        expires_ms: row.try_get(4)?,
    })
}

fn audit(row: &AnyRow) -> Result<AuditRecord, sqlx::Error> {
    Ok(AuditRecord {
        id: row.try_get(0)?,
        at_ms: row.try_get(1)?,
        actor: row.try_get(2)?,
        action: row.try_get(3)?,
        pool_id: row.try_get(4)?,
        target: row.try_get(5)?,
        outcome: row.try_get(6)?,
        ip: row.try_get(7)?,
    })
}

/// The text of one filter combination, and its arguments in order. One text
/// per combination (at most 32), not `($n IS NULL OR …)`, so each gets a plan
/// that uses its index.
fn audit_query(filter: &AuditFilter, before: Option<i64>) -> (String, Vec<AuditArg<'_>>) {
    let mut sql = String::from(
        "SELECT id, at_ms, actor, action, pool_id, target, outcome, ip FROM audit_log WHERE 1 = 1",
    );
    let mut args = Vec::new();
    for (column, value) in [
        ("pool_id", &filter.pool_id),
        ("target", &filter.target),
        ("actor", &filter.actor),
        ("action", &filter.action),
    ] {
        if let Some(v) = value {
            args.push(AuditArg::Text(v));
            sql.push_str(&format!(" AND {column} = ${}", args.len()));
        }
    }
    match filter.succeeded {
        Some(true) => sql.push_str(" AND outcome = 'ok'"),
        Some(false) => sql.push_str(" AND outcome <> 'ok'"),
        None => {}
    }
    if let Some(b) = before {
        args.push(AuditArg::Int(b));
        sql.push_str(&format!(" AND id < ${}", args.len()));
    }
    sql.push_str(&format!(" ORDER BY id DESC LIMIT ${}", args.len() + 1));
    (sql, args)
}

/// An argument of [`audit_query`].
enum AuditArg<'a> {
    Text(&'a str),
    Int(i64),
}

#[async_trait]
impl<B: Backend> ConsoleStore for Sql<B> {
    async fn insert_console_session(&self, s: &ConsoleSessionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO console_sessions (token_hash, principal, created_ms, seen_ms, \
             expires_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(s.token_hash.as_slice())
        .bind(s.principal.as_str())
        .bind(s.created_ms)
        .bind(s.seen_ms)
        .bind(s.expires_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(())
    }

    async fn get_console_session(
        &self,
        token_hash: &[u8],
    ) -> StoreResult<Option<ConsoleSessionRecord>> {
        let row = sqlx::query(GET_SESSION)
            .bind(token_hash)
            .fetch_optional(&self.db.read)
            .await
            .map_err(errors::db)?;
        row.as_ref().map(session).transpose().map_err(errors::db)
    }

    async fn touch_console_session(&self, token_hash: &[u8], seen_ms: i64) -> StoreResult<()> {
        sqlx::query("UPDATE console_sessions SET seen_ms = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(seen_ms)
            .execute(&self.db.write)
            .await
            .map_err(errors::db)?;
        Ok(())
    }

    async fn delete_console_session(&self, token_hash: &[u8]) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM console_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.db.write)
            .await
            .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn insert_audit(&self, e: &AuditRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (at_ms, actor, action, pool_id, target, outcome, ip) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(e.at_ms)
        .bind(e.actor.as_str())
        .bind(e.action.as_str())
        .bind(e.pool_id.as_deref())
        .bind(e.target.as_deref())
        .bind(e.outcome.as_str())
        .bind(e.ip.as_deref())
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(())
    }

    async fn list_audit(
        &self,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<AuditRecord>> {
        let (sql, args) = audit_query(filter, before);
        // Built from fixed column names only; every value is bound.
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for a in args {
            query = match a {
                AuditArg::Text(t) => query.bind(t),
                AuditArg::Int(i) => query.bind(i),
            };
        }
        let rows = query
            .bind(i64::from(limit))
            .fetch_all(&self.db.read)
            .await
            .map_err(errors::db)?;
        rows.iter()
            .map(audit)
            .collect::<Result<_, _>>()
            .map_err(errors::db)
    }
}
