//! A short-lived per-node cache of parsed pool documents and app clients.
//!
//! Nearly every user operation starts by reading its pool's configuration
//! (or, for public operations, its app client's) and parsing that JSON
//! document: a store round trip and a parse per request, for data that
//! changes rarely. This node keeps each parsed document for [`TTL`].
//!
//! Consistency: a change made through this node (UpdateUserPool and the
//! other pool settings, DeleteUserPool, UpdateUserPoolClient,
//! DeleteUserPoolClient, the developer reset) drops the entry at once, so a
//! node always reads its own writes. A change made through *another* node
//! is seen here within [`TTL`] (1 s); until then this node may apply the
//! previous settings, as Cognito's own eventually consistent configuration
//! reads may. Nothing that must be exact is cached: users, codes, tokens,
//! keys and client secrets are read from the store every time, and pool
//! updates themselves read the stored version (optimistic concurrency).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long an entry is served without asking the store.
pub(crate) const TTL: Duration = Duration::from_secs(1);
/// Expired entries are swept when the map reaches this size.
const SWEEP_AT: usize = 1024;

/// Parsed documents by id, each with the time it was read.
pub(crate) struct TtlCache<V> {
    entries: RwLock<Entries<V>>,
}

/// The map, and how many times anything was forgotten: a read that began
/// before a change was forgotten must not put its older result back.
struct Entries<V> {
    map: HashMap<String, (Arc<V>, Instant)>,
    generation: u64,
}

/// Taken before reading the store; see [`TtlCache::ticket`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ticket(u64);

impl<V> Default for TtlCache<V> {
    fn default() -> Self {
        Self {
            entries: RwLock::new(Entries {
                map: HashMap::new(),
                generation: 0,
            }),
        }
    }
}

impl<V> TtlCache<V> {
    /// The entry for `id` if it was read less than [`TTL`] ago.
    pub(crate) fn get(&self, id: &str) -> Option<Arc<V>> {
        // A poisoned lock only means a panic elsewhere; the map is still whole.
        let e = self.entries.read().unwrap_or_else(|e| e.into_inner());
        e.map
            .get(id)
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(v, _)| Arc::clone(v))
    }

    /// Take before reading the store, and hand to [`TtlCache::put`].
    pub(crate) fn ticket(&self) -> Ticket {
        let e = self.entries.read().unwrap_or_else(|e| e.into_inner());
        Ticket(e.generation)
    }

    /// Keeps `value`, read after `ticket` was taken — unless something was
    /// forgotten since, which may have been this very entry (a change this
    /// node made while the read ran); the next read fills it then.
    pub(crate) fn put(&self, id: &str, value: Arc<V>, ticket: Ticket) {
        let mut e = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if e.generation != ticket.0 {
            return;
        }
        if e.map.len() >= SWEEP_AT {
            e.map.retain(|_, (_, at)| at.elapsed() < TTL);
        }
        e.map.insert(id.to_owned(), (value, Instant::now()));
    }

    /// Drops the entry for `id`.
    pub(crate) fn forget(&self, id: &str) {
        let mut e = self.entries.write().unwrap_or_else(|e| e.into_inner());
        e.generation += 1;
        e.map.remove(id);
    }

    /// Drops every entry `gone` picks.
    pub(crate) fn forget_where(&self, gone: impl Fn(&V) -> bool) {
        let mut e = self.entries.write().unwrap_or_else(|e| e.into_inner());
        e.generation += 1;
        e.map.retain(|_, (v, _)| !gone(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_fresh_entries_and_forgets() {
        let c = TtlCache::<u32>::default();
        assert!(c.get("a").is_none());
        c.put("a", Arc::new(1), c.ticket());
        c.put("b", Arc::new(2), c.ticket());
        assert_eq!(c.get("a").as_deref(), Some(&1));
        c.forget("a");
        assert!(c.get("a").is_none());
        c.forget_where(|v| *v == 2);
        assert!(c.get("b").is_none());
    }

    #[test]
    fn a_read_older_than_a_forget_is_not_kept() {
        let c = TtlCache::<u32>::default();
        let before_change = c.ticket();
        c.forget("a");
        c.put("a", Arc::new(1), before_change);
        assert!(c.get("a").is_none());
        c.put("a", Arc::new(2), c.ticket());
        assert_eq!(c.get("a").as_deref(), Some(&2));
    }
}
