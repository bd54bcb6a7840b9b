//! User pools: create, describe, update, delete, list, custom attributes, the
//! pool's MFA configuration and tags.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html>

use crate::records::{MfaDoc, PoolDoc};
use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use crate::pool_defaults::{fill_defaults, from_request, sync_messages};
use crate::service::{Admin, Millis, Service, epoch_seconds};
use crate::store::PoolRecord;
use crate::{Error, Result, ids, schema};

/// How often an update is retried when another writer changed the pool meanwhile.
const UPDATE_RETRIES: usize = 8;

/// Cognito's answer for a pool id that names no pool.
pub(crate) fn no_pool(id: &str) -> Error {
    Error::not_found(format!("User pool {id} does not exist."))
}

fn decode_doc(rec: &PoolRecord) -> Result<PoolDoc> {
    serde_json::from_str(&rec.config).map_err(Error::internal)
}

fn encode_doc(doc: &PoolDoc) -> Result<String> {
    serde_json::to_string(doc).map_err(Error::internal)
}

impl Service {
    /// The ARN of a pool.
    pub fn pool_arn(&self, pool_id: &str) -> String {
        format!(
            "arn:aws:cognito-idp:{}:{}:userpool/{pool_id}",
            self.settings.region, self.settings.account_id
        )
    }

    /// Loads a pool or answers ResourceNotFoundException.
    pub async fn load_pool(&self, pool_id: &str) -> Result<(PoolRecord, PoolDoc)> {
        let rec = self
            .store
            .get_pool(pool_id)
            .await?
            .ok_or_else(|| no_pool(pool_id))?;
        let doc = decode_doc(&rec)?;
        Ok((rec, doc))
    }

    /// Applies `change` to a pool and stores it, retrying when a concurrent
    /// writer got there first (optimistic concurrency on the record's version).
    pub async fn modify_pool<T>(
        &self,
        pool_id: &str,
        now: Millis,
        mut change: impl FnMut(&mut PoolDoc) -> Result<T>,
    ) -> Result<(PoolDoc, T)> {
        for _ in 0..UPDATE_RETRIES {
            let (mut rec, mut doc) = self.load_pool(pool_id).await?;
            let out = change(&mut doc)?;
            doc.pool.last_modified_date = Some(epoch_seconds(now));
            rec.name = doc.pool.name.clone().unwrap_or_default();
            rec.config = encode_doc(&doc)?;
            rec.version += 1;
            if self.store.update_pool(&rec).await? {
                self.pool_docs.forget(pool_id);
                return Ok((doc, out));
            }
        }
        Err(Error::new(
            ErrorCode::ConcurrentModificationException,
            "The user pool was modified concurrently; try again.",
        ))
    }

    /// CreateUserPool.
    pub async fn create_user_pool(
        &self,
        _admin: &Admin,
        req: CreateUserPoolRequest,
        now: Millis,
    ) -> Result<CreateUserPoolResponse> {
        let mut pool = new_pool(&req, now)?;
        // A pool id is random; a collision with an existing id is retried.
        for _ in 0..UPDATE_RETRIES {
            let id = ids::pool_id(&self.settings.region);
            if let Some(doc) = self.insert_new_pool(&mut pool, &id, now).await? {
                return Ok(CreateUserPoolResponse {
                    user_pool: Some(self.present(doc).await?.pool),
                });
            }
        }
        Err(Error::internal("could not find a free user pool id"))
    }

    /// Stores a pool made by [`new_pool`] under `id`; None when that id is
    /// taken.
    pub(crate) async fn insert_new_pool(
        &self,
        pool: &mut UserPoolType,
        id: &str,
        now: Millis,
    ) -> Result<Option<PoolDoc>> {
        pool.id = Some(id.to_owned());
        pool.arn = Some(self.pool_arn(id));
        let doc = PoolDoc {
            pool: pool.clone(),
            mfa: MfaDoc::default(),
            sessions: Default::default(),
        };
        let rec = PoolRecord {
            id: id.to_owned(),
            name: pool.name.clone().unwrap_or_default(),
            config: encode_doc(&doc)?,
            created_ms: now,
            version: 1,
        };
        match self.store.insert_pool(&rec).await {
            Ok(()) => Ok(Some(doc)),
            Err(crate::store::StoreError::Conflict(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Fills what is computed at read time (the user estimate).
    async fn present(&self, doc: PoolDoc) -> Result<PoolDoc> {
        let mut doc = doc;
        let id = doc.pool.id.clone().unwrap_or_default();
        let users = self.store.count_users(&id).await?;
        doc.pool.estimated_number_of_users = Some(i32::try_from(users).unwrap_or(i32::MAX));
        // The domains live in their own table (unique across pools), so the
        // pool document never holds them.
        let (domain, custom_domain) = self.pool_domains(&id).await?;
        doc.pool.domain = domain;
        doc.pool.custom_domain = custom_domain;
        Ok(doc)
    }

    /// DescribeUserPool.
    pub async fn describe_user_pool(
        &self,
        _admin: &Admin,
        req: DescribeUserPoolRequest,
    ) -> Result<DescribeUserPoolResponse> {
        let (_, doc) = self.load_pool(&req.user_pool_id).await?;
        Ok(DescribeUserPoolResponse {
            user_pool: Some(self.present(doc).await?.pool),
        })
    }

    /// UpdateUserPool. As in Cognito, settings the request leaves out return to
    /// their defaults; what Cognito fixes at creation (schema, alias and username
    /// attributes, case sensitivity) is kept.
    pub async fn update_user_pool(
        &self,
        _admin: &Admin,
        req: UpdateUserPoolRequest,
        now: Millis,
    ) -> Result<UpdateUserPoolResponse> {
        let id = req.user_pool_id.clone();
        let mut fresh: UserPoolType = from_request(&req)?;
        self.modify_pool(&id, now, |doc| {
            let old = &doc.pool;
            fresh.id = old.id.clone();
            fresh.arn = old.arn.clone();
            fresh.name = req.pool_name.clone().or_else(|| old.name.clone());
            fresh.schema_attributes = old.schema_attributes.clone();
            fresh.alias_attributes = old.alias_attributes.clone();
            fresh.username_attributes = old.username_attributes.clone();
            fresh.username_configuration = old.username_configuration.clone();
            fresh.creation_date = old.creation_date;
            if fresh.user_pool_tags.is_none() {
                fresh.user_pool_tags = old.user_pool_tags.clone();
            }
            let mut pool = fresh.clone();
            fill_defaults(&mut pool);
            sync_messages(&mut pool);
            check_pool(&pool)?;
            doc.pool = pool;
            Ok(())
        })
        .await?;
        Ok(UpdateUserPoolResponse {})
    }

    /// DeleteUserPool; refused while deletion protection is active, and
    /// while the pool has a domain, as Cognito refuses it ("User pool cannot
    /// be deleted. It has a domain configured that should be deleted
    /// first.", hashicorp/terraform-provider-aws#16479, rebuy-de/aws-nuke#330).
    /// A domain created meanwhile goes with the pool (ON DELETE CASCADE).
    pub async fn delete_user_pool(&self, _admin: &Admin, req: DeleteUserPoolRequest) -> Result<()> {
        let id = req.user_pool_id;
        let (_, doc) = self.load_pool(&id).await?;
        if doc.pool.deletion_protection == Some(DeletionProtectionType::Active) {
            return Err(Error::invalid_parameter(
                "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.",
            ));
        }
        if !self.store.list_pool_domains(&id).await?.is_empty() {
            return Err(Error::invalid_parameter(
                "User pool cannot be deleted. It has a domain configured that should be deleted first.",
            ));
        }
        let deleted = self.store.delete_pool(&id).await?;
        self.pool_docs.forget(&id);
        self.app_clients.forget_where(|c| c.pool_id == id);
        if !deleted {
            return Err(no_pool(&id));
        }
        Ok(())
    }

    /// ListUserPools, ordered by id; `NextToken` is opaque to the caller.
    pub async fn list_user_pools(
        &self,
        _admin: &Admin,
        req: ListUserPoolsRequest,
    ) -> Result<ListUserPoolsResponse> {
        let limit = req.max_results.clamp(1, 60) as u32;
        let after = match &req.next_token {
            Some(t) => Some(crate::page_token::decode(t)?),
            None => None,
        };
        let mut recs = self.store.list_pools(after.as_deref(), limit + 1).await?;
        let more = recs.len() > limit as usize;
        recs.truncate(limit as usize);
        let next_token = if more {
            recs.last().map(|r| crate::page_token::encode(&r.id))
        } else {
            None
        };
        let mut pools = Vec::with_capacity(recs.len());
        for rec in &recs {
            let p = decode_doc(rec)?.pool;
            pools.push(UserPoolDescriptionType {
                id: p.id,
                name: p.name,
                lambda_config: p.lambda_config,
                status: None,
                last_modified_date: p.last_modified_date,
                creation_date: p.creation_date,
                replica_regions: None,
            });
        }
        Ok(ListUserPoolsResponse {
            user_pools: Some(pools),
            next_token,
        })
    }

    /// AddCustomAttributes (append-only, as in Cognito).
    pub async fn add_custom_attributes(
        &self,
        _admin: &Admin,
        req: AddCustomAttributesRequest,
        now: Millis,
    ) -> Result<()> {
        let id = req.user_pool_id;
        let attrs = req.custom_attributes;
        self.modify_pool(&id, now, |doc| {
            let mut schema = doc.pool.schema_attributes.clone().unwrap_or_default();
            schema::add_custom(&mut schema, &attrs)?;
            doc.pool.schema_attributes = Some(schema);
            Ok(())
        })
        .await?;
        Ok(())
    }
}

/// A new pool as CreateUserPool makes it from `req` (no id yet), with every
/// rule of CreateUserPool checked.
pub(crate) fn new_pool(req: &CreateUserPoolRequest, now: Millis) -> Result<UserPoolType> {
    if req.alias_attributes.as_ref().is_some_and(|a| !a.is_empty())
        && req
            .username_attributes
            .as_ref()
            .is_some_and(|a| !a.is_empty())
    {
        return Err(Error::invalid_parameter(
            "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.",
        ));
    }
    let requested_schema = req.schema.clone().unwrap_or_default();
    let mut pool: UserPoolType = from_request(req)?;
    pool.name = Some(req.pool_name.clone());
    pool.schema_attributes = Some(schema::initial_schema(&requested_schema)?);
    pool.creation_date = Some(epoch_seconds(now));
    pool.last_modified_date = Some(epoch_seconds(now));
    fill_defaults(&mut pool);
    sync_messages(&mut pool);
    check_pool(&pool)?;
    Ok(pool)
}

/// Checks the rules that span several members of a pool's configuration.
fn check_pool(pool: &UserPoolType) -> Result<()> {
    let aliases = pool.alias_attributes.clone().unwrap_or_default();
    let schema = pool.schema_attributes.clone().unwrap_or_default();
    if aliases.contains(&AliasAttributeType::PreferredUsername)
        && schema
            .iter()
            .any(|a| a.name.as_deref() == Some("preferred_username") && a.required == Some(true))
    {
        return Err(Error::invalid_parameter(
            "preferred_username can not be both an alias and a required attribute.",
        ));
    }
    let auto = pool.auto_verified_attributes.clone().unwrap_or_default();
    let before_update = pool
        .user_attribute_update_settings
        .as_ref()
        .and_then(|s| s.attributes_require_verification_before_update.clone())
        .unwrap_or_default();
    if let Some(a) = before_update.iter().find(|a| !auto.contains(a)) {
        return Err(Error::invalid_parameter(format!(
            "The attribute {a} in AttributesRequireVerificationBeforeUpdate must also be in AutoVerifiedAttributes."
        )));
    }
    if pool.user_pool_tags.as_ref().is_some_and(|t| t.len() > 50) {
        return Err(Error::invalid_parameter(
            "A user pool can have at most 50 tags.",
        ));
    }
    if let Some(r) = &pool.account_recovery_setting {
        let mechs = r.recovery_mechanisms.clone().unwrap_or_default();
        let mut prios: Vec<_> = mechs.iter().map(|m| m.priority).collect();
        prios.sort();
        prios.dedup();
        if prios.len() != mechs.len() {
            return Err(Error::invalid_parameter(
                "Priorities of recovery mechanisms must be unique.",
            ));
        }
        if mechs.len() > 1
            && mechs
                .iter()
                .any(|m| m.name == RecoveryOptionNameType::AdminOnly)
        {
            return Err(Error::invalid_parameter(
                "admin_only can not be combined with another recovery mechanism.",
            ));
        }
    }
    Ok(())
}
