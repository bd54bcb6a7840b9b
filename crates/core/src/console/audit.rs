//! The audit log: one entry per console action (who, what, which pool and
//! user, when, outcome), kept in the store and listed newest first.

use crate::Result;
use crate::error::ErrorCode;
use crate::service::{Admin, Millis, Service};
use crate::store::{AuditFilter, AuditRecord};

/// What an administrator did, before it is stamped with who and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The operation, e.g. `AdminDisableUser`.
    pub action: String,
    /// The pool, if the action concerned one.
    pub pool_id: Option<String>,
    /// The user, group or client, if the action concerned one.
    pub target: Option<String>,
    /// `ok`, or the error code it failed with.
    pub outcome: String,
}

impl AuditEntry {
    /// A successful action.
    pub fn new(action: impl Into<String>) -> Self {
        Self {
            action: action.into(),
            pool_id: None,
            target: None,
            outcome: "ok".into(),
        }
    }

    /// On this pool.
    pub fn pool(mut self, pool_id: Option<&str>) -> Self {
        self.pool_id = pool_id.map(str::to_owned);
        self
    }

    /// On this user, group or client.
    pub fn target(mut self, target: Option<&str>) -> Self {
        self.target = target.map(str::to_owned);
        self
    }

    /// That failed with this error.
    pub fn failed(mut self, code: ErrorCode) -> Self {
        self.outcome = code.as_str().to_owned();
        self
    }
}

/// One page of the log.
#[derive(Debug, Clone)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditRecord>,
    /// The cursor of the next (older) page, if there is one.
    pub before: Option<i64>,
}

impl Service {
    /// Writes an administrator's action to the audit log.
    pub async fn audit(&self, admin: &Admin, entry: AuditEntry, ip: Option<&str>, now: Millis) {
        self.record_audit(&admin.access_key_id, entry, ip, now)
            .await;
    }

    /// Writes an entry; a failure to write is logged, not returned, so it
    /// never turns a done action into an error.
    pub(crate) async fn record_audit(
        &self,
        actor: &str,
        entry: AuditEntry,
        ip: Option<&str>,
        now: Millis,
    ) {
        let rec = AuditRecord {
            id: 0,
            at_ms: now,
            actor: actor.to_owned(),
            action: entry.action,
            pool_id: entry.pool_id,
            target: entry.target,
            outcome: entry.outcome,
            ip: ip.map(str::to_owned),
        };
        if let Err(e) = self.store.insert_audit(&rec).await {
            tracing::error!(error = %e, action = %rec.action, "the audit log could not be written");
        }
    }

    /// A page of the audit log, newest first.
    pub async fn audit_log(
        &self,
        _admin: &Admin,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: u32,
    ) -> Result<AuditPage> {
        let limit = limit.clamp(1, 200);
        let mut entries = self.store.list_audit(filter, before, limit + 1).await?;
        let more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        let before = more.then(|| entries.last().map(|e| e.id)).flatten();
        Ok(AuditPage { entries, before })
    }
}
