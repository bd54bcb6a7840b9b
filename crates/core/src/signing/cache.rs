//! The per-node cache of pools' key sets.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::PoolKeys;

/// How long a node trusts its cached copy of a pool's keys: verification stays
/// cheap, and a rotation made on another node is seen within this time (a
/// token with an unknown `kid` forces a reload at once anyway).
const CACHE_TTL: Duration = Duration::from_secs(30);

/// Cached pools beyond which stale entries are swept on insert.
const CACHE_SWEEP_AT: usize = 1024;

/// The per-node cache of pools' keys (held by `Service`).
#[derive(Default)]
pub struct KeyCache {
    entries: RwLock<HashMap<String, (Arc<PoolKeys>, Instant)>>,
    /// Serialises key creation on this node, so a burst of first sign-ins to a
    /// new pool makes one key pair, not one per request.
    pub(crate) creating: tokio::sync::Mutex<()>,
}

impl KeyCache {
    pub(crate) fn get(&self, pool_id: &str) -> Option<Arc<PoolKeys>> {
        // A poisoned lock only means a panic elsewhere; the map is still whole.
        let map = self.entries.read().unwrap_or_else(|e| e.into_inner());
        map.get(pool_id)
            .filter(|(_, at)| at.elapsed() < CACHE_TTL)
            .map(|(k, _)| Arc::clone(k))
    }

    pub(crate) fn put(&self, keys: Arc<PoolKeys>) {
        let mut map = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= CACHE_SWEEP_AT {
            map.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
        }
        map.insert(keys.pool_id.clone(), (keys, Instant::now()));
    }

    pub(crate) fn forget_all(&self) {
        let mut map = self.entries.write().unwrap_or_else(|e| e.into_inner());
        map.clear();
    }

    pub(crate) fn forget(&self, pool_id: &str) {
        let mut map = self.entries.write().unwrap_or_else(|e| e.into_inner());
        map.remove(pool_id);
    }
}
