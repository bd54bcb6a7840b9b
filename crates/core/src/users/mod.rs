//! Users: sign-up and confirmation, password recovery, admin user management
//! and ListUsers, with Cognito's attribute rules, aliases and user states.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-manage-user-accounts.html>

mod admin;
mod admin_attributes;
pub(crate) mod attributes;
pub(crate) mod codes;
mod credentials;
mod list;
pub(crate) mod lockout;
pub(crate) mod messages;
pub(crate) mod mfa_state;
mod migration;
mod password_policy;
mod pending;
mod recovery;
mod search;
mod self_service;
pub(crate) use migration::{Migrated, Migration};
pub use password_policy::ClientPasswordPolicy;
pub use search::{UserSearch, UserSearchPage};
pub use self_service::SignedInUser;
pub(crate) mod signup;

use kognit_wire::error::ErrorCode;
use kognit_wire::types::{AttributeType, UserType};

pub(crate) use crate::records::{Attrs, Pool, attrs_of};
use crate::service::{Millis, Service, epoch_seconds};
use crate::store::{AliasRecord, Conflict, StoreError, UserRecord};
use crate::{Error, Result};

/// User states, as Cognito names them.
pub(crate) mod status {
    pub const UNCONFIRMED: &str = "UNCONFIRMED";
    pub const CONFIRMED: &str = "CONFIRMED";
    pub const FORCE_CHANGE_PASSWORD: &str = "FORCE_CHANGE_PASSWORD";
    pub const RESET_REQUIRED: &str = "RESET_REQUIRED";
}

impl Service {
    /// Runs a read-modify-write of the user named `name`: queued behind this
    /// node's other writes of that user, and run again (after a short pause)
    /// when another node changed the user in between, so callers never see a
    /// conflict Cognito would not answer.
    async fn write_user<T, F, Fut>(&self, pool_id: &str, name: &str, mut attempt: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (pool_id, name.to_lowercase()).hash(&mut h);
        let stripe = (h.finish() % self.user_locks.len() as u64) as usize;
        let _queued = match self.user_locks.get(stripe) {
            Some(m) => Some(m.lock().await),
            None => None,
        };
        let mut tries: u32 = 0;
        loop {
            match attempt().await {
                Err(e) if e.code == ErrorCode::ConcurrentModificationException && tries < 8 => {
                    tries += 1;
                    let jitter = crate::crypto::random_bytes(1)[0] as u64 % 4;
                    tokio::time::sleep(std::time::Duration::from_millis(
                        (1 << tries.min(5)) + jitter,
                    ))
                    .await;
                }
                other => return other,
            }
        }
    }
}

/// The user a [`Service::modify_user`] starts from.
pub(crate) enum Target<'a> {
    /// The user as the caller already read it (a token's or a public call's
    /// user): the first attempt changes it without another read.
    Read(Box<UserRecord>),
    /// A name an administrator gave (username or alias): read once this
    /// node's queue for the user is reached, so queued writers do not start
    /// from a stale copy.
    Named(&'a str),
    /// The user's stored key (`username_key`), read in the queue likewise.
    Key(&'a str),
}

impl Target<'_> {
    /// [`Target::Read`] of a record.
    pub(crate) fn read(rec: UserRecord) -> Self {
        Target::Read(Box::new(rec))
    }
}

impl Service {
    /// The one path by which a stored user changes. `change` is applied to
    /// the user and the result saved; when another writer changed the user in
    /// between, it is applied again to a fresh read, behind this node's queue
    /// for the user (see [`Service::write_user`]), so no caller sees a
    /// conflict Cognito would not answer. `change` gets the record and its
    /// attribute map (saved from the map) and may refuse; costly or one-time
    /// work (hashing a password, redeeming a code) belongs before it, since
    /// it may run more than once. Returns the saved user and what `change`
    /// returned.
    pub(crate) async fn modify_user<T>(
        &self,
        pool: &Pool,
        target: Target<'_>,
        force_alias: bool,
        now: Millis,
        change: impl Fn(&mut UserRecord, &mut Attrs) -> Result<T>,
    ) -> Result<(UserRecord, T)> {
        // The queue is chosen by the stored key where it is known.
        let (name, key, first): (String, Option<String>, Option<UserRecord>) = match target {
            Target::Read(rec) => (
                rec.username_key.clone(),
                Some(rec.username_key.clone()),
                Some(*rec),
            ),
            Target::Named(name) => (name.to_owned(), None, None),
            Target::Key(key) => (key.to_owned(), Some(key.to_owned()), None),
        };
        let slot = std::sync::Mutex::new(first);
        self.write_user(&pool.id, &name, || async {
            let taken = slot.lock().ok().and_then(|mut s| s.take());
            let mut rec = match (taken, &key) {
                (Some(rec), _) => rec,
                (None, Some(key)) => self
                    .store
                    .get_user(&pool.id, key)
                    .await?
                    .ok_or_else(user_not_found)?,
                (None, None) => self.user(pool, &name).await?,
            };
            let before = rec.clone();
            let mut attrs = attrs_of(&rec)?;
            let out = change(&mut rec, &mut attrs)?;
            self.save_user(pool, &before, &mut rec, &attrs, force_alias, now)
                .await?;
            Ok((rec, out))
        })
        .await
    }
}

/// A user's `extra` document (other per-user state: lockout counters, MFA,
/// pending attribute values); an empty object when unreadable.
pub(crate) fn extra_of(rec: &UserRecord) -> serde_json::Value {
    match serde_json::from_str::<serde_json::Value>(&rec.extra) {
        Ok(v) if v.is_object() => v,
        _ => serde_json::json!({}),
    }
}

/// Sets (Some) or removes (None) one member of a user's `extra` document.
pub(crate) fn set_extra(rec: &mut UserRecord, key: &str, value: Option<serde_json::Value>) {
    let mut extra = extra_of(rec);
    if let Some(o) = extra.as_object_mut() {
        match value {
            Some(v) => o.insert(key.to_owned(), v),
            None => o.remove(key),
        };
    }
    rec.extra = extra.to_string();
}

/// Writes a user's attribute map and the searchable copies of it.
pub(crate) fn set_attrs(rec: &mut UserRecord, attrs: &Attrs) -> Result<()> {
    rec.attributes = serde_json::to_string(attrs).map_err(Error::internal)?;
    let get = |k: &str| attrs.get(k).cloned();
    rec.email = get("email");
    rec.phone_number = get("phone_number");
    rec.name = get("name");
    rec.given_name = get("given_name");
    rec.family_name = get("family_name");
    rec.preferred_username = get("preferred_username");
    Ok(())
}

/// The attribute list Cognito returns: `sub` first, then the rest by name.
pub(crate) fn attribute_list(
    rec: &UserRecord,
    only: Option<&[String]>,
) -> Result<Vec<AttributeType>> {
    let wanted = |n: &str| only.is_none_or(|o| o.iter().any(|w| w == n));
    let mut out = Vec::new();
    if wanted("sub") {
        out.push(AttributeType {
            name: "sub".into(),
            value: Some(rec.sub.clone()),
        });
    }
    for (k, v) in attrs_of(rec)? {
        if wanted(&k) {
            out.push(AttributeType {
                name: k,
                value: Some(v),
            });
        }
    }
    Ok(out)
}

/// The UserType of AdminCreateUser and ListUsers.
pub(crate) fn user_type(rec: &UserRecord, only: Option<&[String]>) -> Result<UserType> {
    Ok(UserType {
        username: Some(rec.username.clone()),
        attributes: Some(attribute_list(rec, only)?),
        user_create_date: Some(epoch_seconds(rec.created_ms)),
        user_last_modified_date: Some(epoch_seconds(rec.updated_ms)),
        enabled: Some(rec.enabled),
        user_status: Some(rec.status.clone()),
        mfa_options: None,
    })
}

pub(crate) fn user_not_found() -> Error {
    Error::new(ErrorCode::UserNotFoundException, "User does not exist.")
}

/// The Cognito error for a refused insert of a new user; `alias_kind` names
/// the alias that clashed (see [`Service::clashing_alias`]).
fn conflict_error(pool: &Pool, conflict: &Conflict, alias_kind: &str) -> Error {
    match conflict {
        Conflict::Alias if pool.username_attributes().iter().any(|a| a == alias_kind) => {
            Error::new(
                ErrorCode::UsernameExistsException,
                format!("An account with the given {alias_kind} already exists."),
            )
        }
        Conflict::Alias => Error::new(
            ErrorCode::AliasExistsException,
            "An account with the given email or phone number already exists.",
        ),
        Conflict::MissingPool => Error::new(
            ErrorCode::ResourceNotFoundException,
            format!("User pool {} does not exist.", pool.id),
        ),
        _ => Error::new(
            ErrorCode::UsernameExistsException,
            "User account already exists",
        ),
    }
}

impl Service {
    /// Loads the pool a user operation works in, from this node's cache of
    /// parsed pool documents when fresh (see `node_cache`).
    pub(crate) async fn pool(&self, pool_id: &str) -> Result<Pool> {
        let doc = match self.pool_docs.get(pool_id) {
            Some(doc) => doc,
            None => {
                let ticket = self.pool_docs.ticket();
                let (_, doc) = self.load_pool(pool_id).await?;
                let doc = std::sync::Arc::new(doc);
                self.pool_docs
                    .put(pool_id, std::sync::Arc::clone(&doc), ticket);
                doc
            }
        };
        Ok(Pool {
            id: pool_id.to_owned(),
            doc,
        })
    }

    /// Finds a user by the name a caller gave: the username, or in alias and
    /// username-attribute pools an email, phone number or preferred username.
    pub(crate) async fn find_user(&self, pool: &Pool, name: &str) -> Result<Option<UserRecord>> {
        if let Some(u) = self
            .store
            .get_user(&pool.id, &pool.username_key(name))
            .await?
        {
            return Ok(Some(u));
        }
        let by_alias =
            !pool.username_attributes().is_empty() || !pool.alias_attributes().is_empty();
        if by_alias {
            for kind in ["email", "phone_number", "preferred_username"] {
                let key = pool.alias_key(kind, name);
                if let Some(u) = self.store.get_user_by_alias(&pool.id, kind, &key).await? {
                    return Ok(Some(u));
                }
            }
        }
        Ok(None)
    }

    /// The pool and user an admin request names (UserPoolId, Username).
    pub(crate) async fn admin_user(
        &self,
        pool_id: &str,
        username: &str,
    ) -> Result<(Pool, UserRecord)> {
        let pool = self.pool(pool_id).await?;
        let user = self.user(&pool, username).await?;
        Ok((pool, user))
    }

    /// Like [`Service::find_user`], answering UserNotFoundException.
    pub(crate) async fn user(&self, pool: &Pool, name: &str) -> Result<UserRecord> {
        self.find_user(pool, name).await?.ok_or_else(user_not_found)
    }

    /// The kind of the first of `aliases` that another user of the pool
    /// holds: what a [`Conflict::Alias`] clashed with (`email` when the
    /// holder is gone by now).
    pub(crate) async fn clashing_alias(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        aliases: &[AliasRecord],
    ) -> Result<String> {
        for a in aliases {
            if let Some(holder) = self
                .store
                .get_user_by_alias(&pool.id, &a.kind, &a.value_key)
                .await?
                && holder.username_key != rec.username_key
            {
                return Ok(a.kind.clone());
            }
        }
        Ok("email".into())
    }

    /// The Cognito error for a refused insert of `rec` (see [`conflict_error`]).
    pub(crate) async fn insert_conflict(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        aliases: &[AliasRecord],
        conflict: Conflict,
    ) -> Error {
        let kind = match conflict {
            Conflict::Alias => match self.clashing_alias(pool, rec, aliases).await {
                Ok(kind) => kind,
                Err(e) => return e,
            },
            _ => String::new(),
        };
        conflict_error(pool, &conflict, &kind)
    }

    /// Stores a changed user (version bumped here). `before` is the user as
    /// read from the store, before the caller changed `rec`: only what differs
    /// from it is written, and the alias set is replaced only when it changed.
    /// With `force_alias`, an alias another user holds moves to this user,
    /// as Cognito's ForceAliasCreation does; otherwise AliasExistsException.
    async fn save_user(
        &self,
        pool: &Pool,
        before: &UserRecord,
        rec: &mut UserRecord,
        attrs: &Attrs,
        force_alias: bool,
        now: i64,
    ) -> Result<()> {
        set_attrs(rec, attrs)?;
        rec.updated_ms = now;
        rec.version = before.version + 1;
        let aliases = pool.aliases(attrs);
        // The stored alias set is always `pool.aliases` of the stored
        // attributes (every write goes through here or release_aliases), so
        // an unchanged set needs no delete and re-insert, and the write is
        // one statement instead of a transaction of four.
        let old_aliases = if before.attributes == rec.attributes {
            None
        } else {
            Some(pool.aliases(&attrs_of(before)?))
        };
        let replace = old_aliases.is_some_and(|old| old != aliases);
        for attempt in 0..3 {
            let set = replace.then_some(aliases.as_slice());
            match self.store.update_user(before, rec, set).await {
                Ok(true) => return Ok(()),
                Ok(false) => {
                    return Err(Error::new(
                        ErrorCode::ConcurrentModificationException,
                        "The user was modified concurrently; try again.",
                    ));
                }
                Err(StoreError::Conflict(Conflict::Alias)) => {
                    if !force_alias || attempt == 2 {
                        // Cognito names the attribute that clashed (moto's
                        // test_use_existing_email__when_email_is_login).
                        let kind = self.clashing_alias(pool, rec, &aliases).await?;
                        return Err(Error::new(
                            ErrorCode::AliasExistsException,
                            format!("An account with the given {kind} already exists."),
                        ));
                    }
                    self.release_aliases(pool, rec, &aliases, now).await?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::internal("alias move did not settle"))
    }

    /// Takes these aliases away from whichever other users hold them: their
    /// attribute stays but is no longer verified, so it is no longer an alias.
    pub(crate) async fn release_aliases(
        &self,
        pool: &Pool,
        me: &UserRecord,
        aliases: &[AliasRecord],
        now: i64,
    ) -> Result<()> {
        for a in aliases {
            let Some(mut other) = self
                .store
                .get_user_by_alias(&pool.id, &a.kind, &a.value_key)
                .await?
            else {
                continue;
            };
            if other.username_key == me.username_key {
                continue;
            }
            let before = other.clone();
            let mut attrs = attrs_of(&other)?;
            attrs.insert(format!("{}_verified", a.kind), "false".into());
            if a.kind == "preferred_username" {
                attrs.remove("preferred_username");
            }
            set_attrs(&mut other, &attrs)?;
            other.updated_ms = now;
            other.version += 1;
            let remaining = pool.aliases(&attrs);
            self.store
                .update_user(&before, &other, Some(&remaining))
                .await?;
        }
        Ok(())
    }
}

impl Service {
    /// The stored username of the user a caller names by username or alias
    /// (for the developer outbox); None when there is no such user or pool.
    async fn resolve_username(&self, pool_id: &str, name: &str) -> Result<Option<String>> {
        let Some(rec) = self.store.get_pool(pool_id).await? else {
            return Ok(None);
        };
        let pool = Pool {
            id: pool_id.to_owned(),
            doc: std::sync::Arc::new(serde_json::from_str(&rec.config).map_err(Error::internal)?),
        };
        Ok(self.find_user(&pool, name).await?.map(|u| u.username))
    }

    /// The developer outbox, newest first, for the JSON endpoints and the
    /// console: optionally one pool's, and one user's, named by username or
    /// by alias (the email in an email-as-username pool) when the pool is
    /// given; `before_id` pages on from a page's last message.
    pub async fn outbox_messages(
        &self,
        pool_id: Option<&str>,
        username: Option<&str>,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<crate::store::OutboxRecord>> {
        let mut username = username.map(str::to_owned);
        if let (Some(pool), Some(name)) = (pool_id, &username)
            && let Some(stored) = self.resolve_username(pool, name).await?
        {
            username = Some(stored);
        }
        Ok(self
            .store
            .list_messages(pool_id, username.as_deref(), before_id, limit)
            .await?)
    }
}
