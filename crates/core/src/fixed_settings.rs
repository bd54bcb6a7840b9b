//! A kognit extension beyond Cognito: change what Cognito fixes at pool creation
//! (required attributes, alias or username attributes, username case
//! sensitivity). Cognito makes users create a new pool and migrate; kognit
//! checks the pool's existing users first and explains what blocks a change.
//!
//! Called as `X-Amz-Target: Kognit.ChangeUserPoolFixedSettings` (signed like an
//! admin operation); documented in the README.

use kognit_wire::types::{
    AliasAttributeType, UserPoolType, UsernameAttributeType, UsernameConfigurationType,
};
use serde::{Deserialize, Serialize};

use crate::service::{Admin, Millis, Service};
use crate::store::UserCursor;
use crate::{Error, Result, schema};

/// The request of `Kognit.ChangeUserPoolFixedSettings`; absent members stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ChangeFixedSettingsRequest {
    /// The pool.
    pub user_pool_id: String,
    /// New alias attributes (`email`, `phone_number`, `preferred_username`).
    pub alias_attributes: Option<Vec<String>>,
    /// New username attributes (`email`, `phone_number`).
    pub username_attributes: Option<Vec<String>>,
    /// New username case sensitivity.
    pub case_sensitive: Option<bool>,
    /// The standard attributes that are required from now on (replaces the set).
    pub required_attributes: Option<Vec<String>>,
}

const ALIASES: &[&str] = &["email", "phone_number", "preferred_username"];
const USERNAME_ATTRS: &[&str] = &["email", "phone_number"];

fn check_names(what: &str, names: &[String], allowed: &[&str]) -> Result<()> {
    match names.iter().find(|n| !allowed.contains(&n.as_str())) {
        Some(n) => Err(Error::invalid_parameter(format!(
            "{n} can not be one of the {what}; allowed: {}.",
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}

impl Service {
    /// Applies the change when no existing user stands in its way.
    ///
    /// Once a pool has users, an attribute can become required only if every
    /// user has it, and the alias attributes, username attributes and case
    /// sensitivity do not change: each decides the key a user is stored and
    /// found under (the username key, the alias rows), and kognit does not
    /// re-key existing users. On an empty pool every well-formed change
    /// applies.
    pub async fn change_fixed_settings(
        &self,
        _admin: &Admin,
        req: ChangeFixedSettingsRequest,
        now: Millis,
    ) -> Result<crate::records::PoolDoc> {
        if let Some(a) = &req.alias_attributes {
            check_names("AliasAttributes", a, ALIASES)?;
        }
        if let Some(u) = &req.username_attributes {
            check_names("UsernameAttributes", u, USERNAME_ATTRS)?;
        }
        if let Some(r) = &req.required_attributes
            && let Some(n) = r.iter().find(|n| !schema::is_standard(n))
        {
            return Err(Error::invalid_parameter(format!(
                "{n} is not a standard attribute; only standard attributes can be required."
            )));
        }
        if self.store.count_users(&req.user_pool_id).await? > 0 {
            let (_, current) = self.load_pool(&req.user_pool_id).await?;
            keys_unchanged(&current.pool, &req)?;
            if let Some(required) = &req.required_attributes {
                let before = required_now(&current.pool);
                let added: Vec<&str> = required
                    .iter()
                    .map(String::as_str)
                    .filter(|n| !before.contains(n))
                    .collect();
                self.every_user_has(&req.user_pool_id, &added).await?;
            }
        }
        let (doc, ()) = self
            .modify_pool(&req.user_pool_id, now, |doc| {
                let p = &mut doc.pool;
                if let Some(a) = &req.alias_attributes {
                    p.alias_attributes = Some(parsed(a, AliasAttributeType::parse));
                }
                if let Some(u) = &req.username_attributes {
                    p.username_attributes = Some(parsed(u, UsernameAttributeType::parse));
                }
                let has = |v: Option<usize>| v.is_some_and(|n| n > 0);
                if has(p.alias_attributes.as_ref().map(Vec::len))
                    && has(p.username_attributes.as_ref().map(Vec::len))
                {
                    return Err(Error::invalid_parameter(
                        "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.",
                    ));
                }
                if let Some(cs) = req.case_sensitive {
                    p.username_configuration = Some(UsernameConfigurationType {
                        case_sensitive: cs,
                    });
                }
                if let Some(required) = &req.required_attributes {
                    for a in p.schema_attributes.iter_mut().flatten() {
                        let name = a.name.clone().unwrap_or_default();
                        if name != "sub" && schema::is_standard(&name) {
                            a.required = Some(required.contains(&name));
                        }
                    }
                }
                let preferred_required = p.schema_attributes.iter().flatten().any(|a| {
                    a.name.as_deref() == Some("preferred_username") && a.required == Some(true)
                });
                if preferred_required
                    && p.alias_attributes
                        .iter()
                        .flatten()
                        .any(|a| *a == AliasAttributeType::PreferredUsername)
                {
                    return Err(Error::invalid_parameter(
                        "preferred_username can not be both an alias and a required attribute.",
                    ));
                }
                Ok(())
            })
            .await?;
        Ok(doc)
    }

    /// InvalidParameterException naming a user who lacks one of `names`.
    async fn every_user_has(&self, pool_id: &str, names: &[&str]) -> Result<()> {
        if names.is_empty() {
            return Ok(());
        }
        let mut after: Option<UserCursor> = None;
        loop {
            let page = self
                .store
                .list_users(pool_id, None, after.as_ref(), SCAN_PAGE)
                .await?;
            for user in &page {
                let attrs = crate::users::attrs_of(user)?;
                if let Some(n) = names.iter().find(|n| !attrs.contains_key(**n)) {
                    return Err(Error::invalid_parameter(format!(
                        "{n} can not become required: user {} has no {n}. Set it on every user first.",
                        user.username
                    )));
                }
            }
            match page.last() {
                Some(last) if page.len() == SCAN_PAGE as usize => {
                    after = Some(UserCursor {
                        value: None,
                        username_key: last.username_key.clone(),
                    });
                }
                _ => return Ok(()),
            }
        }
    }
}

/// Users read per page when checking a newly required attribute.
const SCAN_PAGE: u32 = 100;

/// The standard attributes the pool requires now.
fn required_now(pool: &UserPoolType) -> Vec<&str> {
    pool.schema_attributes
        .iter()
        .flatten()
        .filter(|a| a.required == Some(true))
        .filter_map(|a| a.name.as_deref())
        .collect()
}

/// The enum values of names `check_names` accepted.
fn parsed<T>(names: &[String], parse: fn(&str) -> Option<T>) -> Vec<T> {
    names.iter().filter_map(|n| parse(n)).collect()
}

/// The same names, in any order (absent counts as none).
fn same_set<'a>(now: impl Iterator<Item = &'a str>, asked: &[String]) -> bool {
    let mut a: Vec<&str> = now.collect();
    let mut b: Vec<&str> = asked.iter().map(String::as_str).collect();
    a.sort_unstable();
    a.dedup();
    b.sort_unstable();
    b.dedup();
    a == b
}

/// Refuses, for a pool with users, a change of what users are keyed by.
fn keys_unchanged(pool: &UserPoolType, req: &ChangeFixedSettingsRequest) -> Result<()> {
    let refuse = |what: &str| {
        Err(Error::invalid_parameter(format!(
            "{what} can not change while the pool has users: it decides how each user is stored and found, and kognit does not re-key existing users."
        )))
    };
    if let Some(a) = &req.alias_attributes
        && !same_set(
            pool.alias_attributes.iter().flatten().map(|a| a.as_str()),
            a,
        )
    {
        return refuse("AliasAttributes");
    }
    if let Some(u) = &req.username_attributes
        && !same_set(
            pool.username_attributes
                .iter()
                .flatten()
                .map(|a| a.as_str()),
            u,
        )
    {
        return refuse("UsernameAttributes");
    }
    let case_sensitive = pool
        .username_configuration
        .as_ref()
        .is_none_or(|c| c.case_sensitive);
    if req.case_sensitive.is_some_and(|cs| cs != case_sensitive) {
        return refuse("CaseSensitive");
    }
    Ok(())
}
