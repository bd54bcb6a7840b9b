//! Seed files (`kognit dev --seed FILE`): pools, app clients, groups and
//! users with fixed ids, applied at start and after every developer reset,
//! and the export of the current state in the same format
//! (`kognit dev --dump-seed FILE`, `Kognit.ExportSeed`).
//!
//! Like `protocol/`, this is a front end to the service: a file's entries
//! are checked against the service model as requests are (`plan`), then
//! applied by core's `seed_*` methods, which create through the same code
//! and rules as the API's create operations; nothing here writes to the
//! store.

mod dump;
pub mod file;
mod plan;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use kognit_core::seed::{SeedPassword, Seeded};
use kognit_core::{Admin, AdminCheck, Millis, Service};

pub use dump::export;
pub use file::Format;

/// A seed file, read and checked against the model.
#[derive(Debug)]
pub struct Seed {
    path: PathBuf,
    pools: Vec<plan::PoolPlan>,
    /// What the store made of each plain password the first time (its hash
    /// and SRP verifier), by pool and username: a reset applies those, so
    /// it does not hash every password again (one Argon2id hash and one
    /// 3072-bit exponentiation per user).
    hashed: Mutex<HashMap<(String, String), SeedPassword>>,
}

/// What applying a seed did: entries created, and entries that existed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Entries created.
    pub created: usize,
    /// Entries that existed already and were left as they are.
    pub existed: usize,
}

impl Applied {
    fn count(&mut self, s: Seeded) {
        match s {
            Seeded::Created => self.created += 1,
            Seeded::Existed => self.existed += 1,
        }
    }
}

impl Seed {
    /// Reads and checks the seed file at `path`. The error is one line
    /// naming the file, the entry and the problem.
    pub fn load(path: &Path) -> Result<Self, String> {
        let fail = |e: String| format!("seed file {}: {e}", path.display());
        let format = Format::of(path).map_err(fail)?;
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let parsed = file::SeedFile::parse(&text, format).map_err(fail)?;
        let pools = plan::plan(&parsed).map_err(|(entry, e)| fail(format!("{entry}: {e}")))?;
        Ok(Self {
            path: path.to_owned(),
            pools,
            hashed: Mutex::default(),
        })
    }

    /// The file it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates what the seed declares and the store lacks, in order: each
    /// pool, then its clients, groups and users. The first refusal stops
    /// it, named like [`Seed::load`]'s.
    pub async fn apply(&self, service: &Service, now: Millis) -> Result<Applied, String> {
        let admin = seed_admin(service).await?;
        let mut applied = Applied::default();
        for p in &self.pools {
            let fail = |entry: &str, e: kognit_core::Error| {
                format!(
                    "seed file {}: {entry}: {}: {}",
                    self.path.display(),
                    e.code.as_str(),
                    e.message
                )
            };
            let seeded = service
                .seed_user_pool(&admin, p.pool.clone(), now)
                .await
                .map_err(|e| fail(&p.label, e))?;
            applied.count(seeded);
            for (label, req) in &p.resource_servers {
                let s = service
                    .seed_resource_server(&admin, req.clone(), now)
                    .await
                    .map_err(|e| fail(label, e))?;
                applied.count(s);
            }
            for (label, req) in &p.domains {
                let s = service
                    .seed_domain(&admin, req.clone(), now)
                    .await
                    .map_err(|e| fail(label, e))?;
                applied.count(s);
            }
            for (label, id, req) in &p.clients {
                let s = service
                    .seed_user_pool_client(&admin, id, req.clone(), now)
                    .await
                    .map_err(|e| fail(label, e))?;
                applied.count(s);
            }
            for (label, req) in &p.groups {
                let s = service
                    .seed_group(&admin, req.clone(), now)
                    .await
                    .map_err(|e| fail(label, e))?;
                applied.count(s);
            }
            for (label, user) in &p.users {
                let key = (p.pool.id.clone(), user.username.clone());
                let mut user = user.clone();
                let plain = matches!(user.password, Some(SeedPassword::Plain(_)));
                if let Some(known) = self.hashed().get(&key) {
                    user.password = Some(known.clone());
                }
                let s = service
                    .seed_user(&admin, &p.pool.id, user, now)
                    .await
                    .map_err(|e| fail(label, e))?;
                if plain && s == Seeded::Created && !self.hashed().contains_key(&key) {
                    let stored = service
                        .seeded_password(&key.0, &key.1)
                        .await
                        .map_err(|e| fail(label, e))?;
                    if let Some(stored) = stored {
                        self.hashed().insert(key, stored);
                    }
                }
                applied.count(s);
            }
        }
        Ok(applied)
    }
}

impl Seed {
    /// The remembered hashes (a poisoned lock still holds whole entries).
    fn hashed(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), SeedPassword>> {
        self.hashed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The administrator a seed acts as (`kognit dev` admits any caller).
pub async fn seed_admin(service: &Service) -> Result<Admin, String> {
    service
        .authenticate_admin(AdminCheck::AnyCaller {
            claimed_key: "kognit-seed",
        })
        .await
        .map_err(|e| e.message)
}

#[cfg(test)]
mod tests;
