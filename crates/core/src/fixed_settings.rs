//! A kognit extension beyond Cognito: change what Cognito fixes at pool creation
//! (required attributes, alias or username attributes, username case
//! sensitivity). Cognito makes users create a new pool and migrate; kognit
//! checks the pool's existing users first and explains what blocks a change.
//!
//! Called as `X-Amz-Target: Kognit.ChangeUserPoolFixedSettings` (signed like an
//! admin operation); documented in the README.

use kognit_wire::types::UsernameConfigurationType;
use serde::{Deserialize, Serialize};

use crate::service::{Admin, Millis, Service};
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
    /// What blocks a change, once a pool has users: a newly required attribute
    /// some user lacks; a newly case-insensitive pool where two usernames differ
    /// only in case; new alias or username attributes whose verified values are
    /// not unique. The pool store has no users yet (they arrive with the users
    /// feature), so today every well-formed change passes those checks.
    pub async fn change_fixed_settings(
        &self,
        _admin: &Admin,
        req: ChangeFixedSettingsRequest,
        now: Millis,
    ) -> Result<crate::pools::PoolDoc> {
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
        let (doc, ()) = self
            .modify_pool(&req.user_pool_id, now, |doc| {
                let p = &mut doc.pool;
                if let Some(a) = &req.alias_attributes {
                    p.alias_attributes = Some(a.clone());
                }
                if let Some(u) = &req.username_attributes {
                    p.username_attributes = Some(u.clone());
                }
                let has = |v: &Option<Vec<String>>| v.as_ref().is_some_and(|v| !v.is_empty());
                if has(&p.alias_attributes) && has(&p.username_attributes) {
                    return Err(Error::invalid_parameter(
                        "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.",
                    ));
                }
                if let Some(cs) = req.case_sensitive {
                    p.username_configuration = Some(UsernameConfigurationType {
                        case_sensitive: Some(cs),
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
                    && p.alias_attributes.iter().flatten().any(|a| a == "preferred_username")
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
}
