//! [`AdminStore::purge`](kognit_core::store::AdminStore::purge): deleting
//! what has outlived its use, in batches so no statement holds the writer
//! long, each served by an index (migration 8).

use kognit_core::store::{PurgeCut, StoreResult};

use crate::backend::Backend;
use crate::{Sql, errors};

/// Rows per DELETE.
const BATCH: i64 = 1000;

/// Each table's batch: `$1` is its cut-off, `$2` the batch size (`$3`, for
/// codes, the end of the send window).
const STATEMENTS: &[(&str, Cut)] = &[
    (
        "DELETE FROM refresh_tokens WHERE token_hash IN \
         (SELECT token_hash FROM refresh_tokens WHERE expires_ms < $1 LIMIT $2)",
        Cut::Now,
    ),
    (
        "DELETE FROM revoked_origins WHERE (pool_id, origin_jti) IN \
         (SELECT pool_id, origin_jti FROM revoked_origins WHERE expires_ms < $1 LIMIT $2)",
        Cut::Now,
    ),
    (
        "DELETE FROM token_sessions WHERE (pool_id, session_id) IN \
         (SELECT pool_id, session_id FROM token_sessions WHERE expires_ms < $1 LIMIT $2)",
        Cut::Now,
    ),
    (
        "DELETE FROM user_codes WHERE (pool_id, username_key, purpose) IN \
         (SELECT pool_id, username_key, purpose FROM user_codes \
          WHERE expires_ms < $1 AND window_start_ms < $3 LIMIT $2)",
        Cut::Codes,
    ),
    (
        "DELETE FROM oauth_codes WHERE code_hash IN \
         (SELECT code_hash FROM oauth_codes WHERE expires_ms < $1 LIMIT $2)",
        Cut::Now,
    ),
    (
        "DELETE FROM console_sessions WHERE token_hash IN \
         (SELECT token_hash FROM console_sessions WHERE expires_ms < $1 LIMIT $2)",
        Cut::Now,
    ),
    (
        "DELETE FROM outbox WHERE id IN \
         (SELECT id FROM outbox WHERE created_ms < $1 LIMIT $2)",
        Cut::Outbox,
    ),
    (
        "DELETE FROM auth_events WHERE (pool_id, event_id) IN \
         (SELECT pool_id, event_id FROM auth_events WHERE created_ms < $1 LIMIT $2)",
        Cut::Events,
    ),
];

/// Which moment a statement cuts at.
#[derive(Debug, Clone, Copy)]
enum Cut {
    Now,
    Codes,
    Outbox,
    Events,
}

/// A code's resend counter lives for an hour after its window opened.
const SEND_WINDOW_MS: i64 = 3_600_000;

impl<B: Backend> Sql<B> {
    pub(crate) async fn purge_expired(&self, cut: &PurgeCut) -> StoreResult<u64> {
        let mut total = 0;
        for (sql, which) in STATEMENTS {
            let before = match which {
                Cut::Now | Cut::Codes => cut.now_ms,
                Cut::Outbox => cut.outbox_before_ms,
                Cut::Events => cut.events_before_ms,
            };
            loop {
                let mut q = sqlx::query(*sql).bind(before).bind(BATCH);
                if matches!(which, Cut::Codes) {
                    q = q.bind(cut.now_ms - SEND_WINDOW_MS);
                }
                let gone = q
                    .execute(&self.db.write)
                    .await
                    .map_err(errors::db)?
                    .rows_affected();
                total += gone;
                if gone < BATCH as u64 {
                    break;
                }
            }
        }
        Ok(total)
    }
}
