//! The state of a store in a seed's terms (`kognit dev --dump-seed`,
//! `Kognit.ExportSeed`): each pool with the settings that differ from a new
//! pool's, its MFA configuration and active signing keys, its app clients
//! (with their first secret), groups and users (with what the store keeps
//! of their passwords: the Argon2id hash and the SRP verifier). Fed back as
//! a seed, it makes the same pools with the same ids, and the users sign in
//! with the same passwords.

use kognit_wire::types::*;
use serde_json::{Map, Value};

use super::{FixedKeys, MfaSeed, SeedPassword};
use crate::records::PoolDoc;
use crate::service::{Admin, Service};
use crate::signing::TokenUse;
use crate::signing::keys::{newest_active, open_private_key};
use crate::srp::SrpSecret;
use crate::store::{UserCursor, UserRecord};
use crate::users::attrs_of;
use crate::{Error, Result};

/// Rows read per store call.
const PAGE: u32 = 60;

/// One pool as a seed declares it.
#[derive(Debug, Clone)]
pub struct PoolState {
    /// The pool id.
    pub id: String,
    /// The pool name.
    pub name: String,
    /// CreateUserPool's members (without `PoolName` and `MfaConfiguration`)
    /// where the pool differs from a new one; `Schema` lists the custom
    /// attributes and the standard ones that were changed.
    pub settings: Map<String, Value>,
    /// SetUserPoolMfaConfig's members (without `UserPoolId`), when the pool
    /// has any MFA configured.
    pub mfa: Option<Map<String, Value>>,
    /// The keys that sign the pool's tokens now, if it has any yet.
    pub signing_keys: Option<FixedKeys>,
    /// Resource servers (custom OAuth scopes), by identifier.
    pub resource_servers: Vec<ResourceServerType>,
    /// Domains: CreateUserPoolDomain's requests (`UserPoolId` set).
    pub domains: Vec<CreateUserPoolDomainRequest>,
    /// App clients, by client id.
    pub clients: Vec<ClientState>,
    /// Groups, by name.
    pub groups: Vec<GroupType>,
    /// Users, by username.
    pub users: Vec<UserState>,
}

/// One app client as a seed declares it.
#[derive(Debug, Clone)]
pub struct ClientState {
    /// The client id.
    pub id: String,
    /// The client name.
    pub name: String,
    /// Its (first) secret.
    pub secret: Option<String>,
    /// CreateUserPoolClient's members (without `UserPoolId`, `ClientName`,
    /// `GenerateSecret`, `ClientSecret`) where it differs from a new client's.
    pub settings: Map<String, Value>,
}

/// One user as a seed declares it.
#[derive(Debug, Clone)]
pub struct UserState {
    /// The name to create the user with: the username, or in a pool whose
    /// usernames are email addresses or phone numbers, the user's.
    pub username: String,
    /// The `sub`.
    pub sub: String,
    /// Every attribute but `sub`, by name.
    pub attributes: Vec<(String, String)>,
    /// The status.
    pub status: UserStatusType,
    /// False when disabled.
    pub enabled: bool,
    /// The stored password (hash and SRP verifier); None without one.
    pub password: Option<SeedPassword>,
    /// The user's groups, by name.
    pub groups: Vec<String>,
    /// The user's MFA (the authenticator's secret in base32); None when
    /// there is none.
    pub mfa: Option<MfaSeed>,
}

/// A request type's JSON members for the members a stored type shares with
/// it (`extra` fills the request's required members the stored type
/// lacks), without those `skip` names.
fn request_members<S: serde::Serialize, R: serde::Serialize + serde::de::DeserializeOwned>(
    stored: &S,
    extra: &[(&str, &str)],
    skip: &[&str],
) -> Result<Map<String, Value>> {
    let mut v = serde_json::to_value(stored).map_err(Error::internal)?;
    if let Some(o) = v.as_object_mut() {
        for (k, x) in extra {
            o.insert((*k).into(), Value::String((*x).into()));
        }
    }
    let req: R = serde_json::from_value(v).map_err(Error::internal)?;
    let Value::Object(mut members) = serde_json::to_value(&req).map_err(Error::internal)? else {
        return Err(Error::internal("a request did not encode as an object"));
    };
    for k in skip {
        members.remove(*k);
    }
    Ok(members)
}

/// The members of `mine` that differ from `base`'s.
fn differing(mine: Map<String, Value>, base: &Map<String, Value>) -> Map<String, Value> {
    mine.into_iter()
        .filter(|(k, v)| base.get(k) != Some(v))
        .collect()
}

/// The pool's CreateUserPool members that differ from a new pool's.
fn pool_settings(pool: &UserPoolType) -> Result<Map<String, Value>> {
    let name = pool.name.clone().unwrap_or_default();
    let fresh = crate::pools::new_pool(
        &CreateUserPoolRequest {
            pool_name: name.clone(),
            ..Default::default()
        },
        0,
    )?;
    let skip = ["PoolName", "Schema", "MfaConfiguration"];
    let members = |p: &UserPoolType| {
        request_members::<_, CreateUserPoolRequest>(p, &[("PoolName", &name)], &skip)
    };
    let mut out = differing(members(pool)?, &members(&fresh)?);
    // Derived from the password policy's TemporaryPasswordValidityDays
    // (pool_defaults), so left to be derived again.
    if let Some(Value::Object(acu)) = out.get_mut("AdminCreateUserConfig") {
        acu.remove("UnusedAccountValidityDays");
    }
    // The legacy message members repeat VerificationMessageTemplate's.
    if out.contains_key("VerificationMessageTemplate") {
        for k in [
            "EmailVerificationMessage",
            "EmailVerificationSubject",
            "SmsVerificationMessage",
        ] {
            out.remove(k);
        }
    }
    let schema = schema_entries(pool, &fresh);
    if !schema.is_empty() {
        out.insert(
            "Schema".into(),
            serde_json::to_value(schema).map_err(Error::internal)?,
        );
    }
    Ok(out)
}

/// The schema entries CreateUserPool needs to make this pool's schema: the
/// standard attributes that differ from a new pool's, and the custom ones
/// under their bare names.
fn schema_entries(pool: &UserPoolType, fresh: &UserPoolType) -> Vec<SchemaAttributeType> {
    let standard = fresh.schema_attributes.as_deref().unwrap_or_default();
    let mut out = Vec::new();
    for a in pool.schema_attributes.as_deref().unwrap_or_default() {
        let name = a.name.as_deref().unwrap_or_default();
        match standard.iter().find(|s| s.name.as_deref() == Some(name)) {
            Some(s) if s == a => {}
            Some(_) => out.push(a.clone()),
            None => {
                let (bare, dev_only) = match name.strip_prefix("dev:custom:") {
                    Some(bare) => (bare, true),
                    None => (name.strip_prefix("custom:").unwrap_or(name), false),
                };
                out.push(SchemaAttributeType {
                    name: Some(bare.to_owned()),
                    developer_only_attribute: dev_only.then_some(true),
                    required: None,
                    ..a.clone()
                });
            }
        }
    }
    out
}

/// SetUserPoolMfaConfig's members for the pool, when it has MFA set up.
fn mfa_settings(doc: &PoolDoc) -> Result<Option<Map<String, Value>>> {
    let mode = doc.pool.mfa_configuration.unwrap_or(UserPoolMfaType::Off);
    let m = &doc.mfa;
    if mode == UserPoolMfaType::Off
        && m.sms.is_none()
        && m.software_token.is_none()
        && m.email.is_none()
        && m.web_authn.is_none()
    {
        return Ok(None);
    }
    let req = SetUserPoolMfaConfigRequest {
        user_pool_id: String::new(),
        sms_mfa_configuration: m.sms.clone(),
        software_token_mfa_configuration: m.software_token.clone(),
        email_mfa_configuration: m.email.clone(),
        web_authn_configuration: m.web_authn.clone(),
        mfa_configuration: Some(mode),
    };
    let Value::Object(mut members) = serde_json::to_value(req).map_err(Error::internal)? else {
        return Err(Error::internal("a request did not encode as an object"));
    };
    members.remove("UserPoolId");
    Ok(Some(members))
}

impl Service {
    /// What the store keeps of a user's password, in a seed's terms.
    fn password_of(&self, pool_id: &str, rec: &UserRecord) -> Option<SeedPassword> {
        let phc = rec.password_hash.clone()?;
        let srp = rec.srp_sealed.as_ref().and_then(|sealed| {
            self.secrets
                .open(sealed, &Self::srp_aad(pool_id, &rec.username_key))
                .and_then(|b| SrpSecret::from_bytes(&b))
        });
        Some(SeedPassword::Hashed { phc, srp })
    }

    /// The stored password of the user `username` names in the pool (as a
    /// seed names it), so that applying the seed again can skip hashing a
    /// password it hashed before; None without such a user or password.
    pub async fn seeded_password(
        &self,
        pool_id: &str,
        username: &str,
    ) -> Result<Option<SeedPassword>> {
        let pool = self.pool(pool_id).await?;
        Ok(self
            .find_user(&pool, username)
            .await?
            .and_then(|rec| self.password_of(pool_id, &rec)))
    }

    /// Every pool of the store, by id, as a seed declares it.
    pub async fn export_state(&self, admin: &Admin) -> Result<Vec<PoolState>> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let recs = self.store.list_pools(after.as_deref(), PAGE).await?;
            let Some(last) = recs.last() else { break };
            after = Some(last.id.clone());
            for rec in &recs {
                out.push(self.export_pool(admin, &rec.id).await?);
            }
        }
        Ok(out)
    }

    async fn export_pool(&self, admin: &Admin, pool_id: &str) -> Result<PoolState> {
        let (_, doc) = self.load_pool(pool_id).await?;
        Ok(PoolState {
            id: pool_id.to_owned(),
            name: doc.pool.name.clone().unwrap_or_default(),
            settings: pool_settings(&doc.pool)?,
            mfa: mfa_settings(&doc)?,
            signing_keys: self.export_keys(pool_id).await?,
            resource_servers: self.export_resource_servers(admin, pool_id).await?,
            domains: self.export_domains(admin, pool_id).await?,
            clients: self.export_clients(admin, pool_id).await?,
            groups: self.export_groups(pool_id).await?,
            users: self.export_users(pool_id).await?,
        })
    }

    /// The keys that sign the pool's tokens now, as PEM.
    async fn export_keys(&self, pool_id: &str) -> Result<Option<FixedKeys>> {
        let records = self.store.list_signing_keys(pool_id).await?;
        let pem = |token_use: TokenUse| -> Result<Option<String>> {
            newest_active(&records, token_use)
                .map(|r| open_private_key(r, &self.secrets)?.to_pem())
                .transpose()
        };
        Ok(match (pem(TokenUse::Id)?, pem(TokenUse::Access)?) {
            (Some(id), Some(access)) => Some(FixedKeys { id, access }),
            _ => None,
        })
    }

    async fn export_clients(&self, _admin: &Admin, pool_id: &str) -> Result<Vec<ClientState>> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let recs = self
                .store
                .list_clients(pool_id, after.as_deref(), PAGE)
                .await?;
            let Some(last) = recs.last() else { break };
            after = Some(last.client_id.clone());
            for rec in recs {
                let c: UserPoolClientType =
                    serde_json::from_str(&rec.config).map_err(Error::internal)?;
                let secret = self
                    .client_secrets(pool_id, &rec.client_id)
                    .await?
                    .into_iter()
                    .next();
                let fresh = self
                    .new_client(
                        &CreateUserPoolClientRequest {
                            user_pool_id: pool_id.to_owned(),
                            client_name: rec.name.clone(),
                            client_secret: secret.clone(),
                            ..Default::default()
                        },
                        0,
                    )
                    .await?
                    .client;
                let extra = [("UserPoolId", pool_id), ("ClientName", rec.name.as_str())];
                let skip = ["UserPoolId", "ClientName", "GenerateSecret", "ClientSecret"];
                let members = |c: &UserPoolClientType| {
                    request_members::<_, CreateUserPoolClientRequest>(c, &extra, &skip)
                };
                out.push(ClientState {
                    settings: differing(members(&c)?, &members(&fresh)?),
                    id: rec.client_id,
                    name: rec.name,
                    secret,
                });
            }
        }
        Ok(out)
    }

    async fn export_resource_servers(
        &self,
        admin: &Admin,
        pool_id: &str,
    ) -> Result<Vec<ResourceServerType>> {
        let mut out = Vec::new();
        let mut next_token = None;
        loop {
            let page = self
                .list_resource_servers(
                    admin,
                    ListResourceServersRequest {
                        user_pool_id: pool_id.to_owned(),
                        max_results: Some(50),
                        next_token,
                    },
                )
                .await?;
            out.extend(page.resource_servers.unwrap_or_default());
            next_token = page.next_token;
            if next_token.is_none() {
                return Ok(out);
            }
        }
    }

    async fn export_domains(
        &self,
        admin: &Admin,
        pool_id: &str,
    ) -> Result<Vec<CreateUserPoolDomainRequest>> {
        let (prefix, custom) = self.pool_domains(pool_id).await?;
        let mut out = Vec::new();
        for domain in prefix.into_iter().chain(custom) {
            let d = self
                .describe_user_pool_domain(
                    admin,
                    DescribeUserPoolDomainRequest {
                        domain: domain.clone(),
                    },
                )
                .await?
                .domain_description
                .unwrap_or_default();
            out.push(CreateUserPoolDomainRequest {
                domain,
                user_pool_id: pool_id.to_owned(),
                custom_domain_config: d.custom_domain_config,
                managed_login_version: d.managed_login_version,
                routing: d.routing,
            });
        }
        Ok(out)
    }

    async fn export_groups(&self, pool_id: &str) -> Result<Vec<GroupType>> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let recs = self
                .store
                .list_groups(pool_id, after.as_deref(), PAGE)
                .await?;
            let Some(last) = recs.last() else { break };
            after = Some(last.group_name.clone());
            out.extend(recs.into_iter().map(|g| GroupType {
                group_name: Some(g.group_name),
                user_pool_id: Some(g.pool_id),
                description: g.description,
                role_arn: g.role_arn,
                precedence: g.precedence.and_then(|p| i32::try_from(p).ok()),
                ..Default::default()
            }));
        }
        Ok(out)
    }

    async fn export_users(&self, pool_id: &str) -> Result<Vec<UserState>> {
        let pool = self.pool(pool_id).await?;
        let by_attribute = pool.username_attributes();
        let mut out = Vec::new();
        let mut after: Option<UserCursor> = None;
        loop {
            let recs = self
                .store
                .list_users(pool_id, None, after.as_ref(), PAGE)
                .await?;
            let Some(last) = recs.last() else { break };
            after = Some(UserCursor {
                value: None,
                username_key: last.username_key.clone(),
            });
            for rec in &recs {
                match self.export_user(&pool.id, &by_attribute, rec).await? {
                    Some(u) => out.push(u),
                    None => tracing::warn!(
                        pool_id,
                        username = %rec.username,
                        status = %rec.status,
                        "left out of the export: a seed cannot declare this user"
                    ),
                }
            }
        }
        Ok(out)
    }

    /// One user; None for one a seed cannot declare (a status other than
    /// the four, or no password where one is needed).
    async fn export_user(
        &self,
        pool_id: &str,
        by_attribute: &[String],
        rec: &UserRecord,
    ) -> Result<Option<UserState>> {
        let status = UserStatusType::parse(&rec.status);
        let Some(
            status @ (UserStatusType::Confirmed
            | UserStatusType::ForceChangePassword
            | UserStatusType::Unconfirmed
            | UserStatusType::ResetRequired),
        ) = status
        else {
            return Ok(None);
        };
        let attrs = attrs_of(rec)?;
        let username = if by_attribute.is_empty() {
            Some(rec.username.clone())
        } else {
            // Created by its email address or phone number (the username
            // itself is the sub).
            by_attribute.iter().find_map(|a| attrs.get(a).cloned())
        };
        let Some(username) = username else {
            return Ok(None);
        };
        let password = match self.password_of(pool_id, rec) {
            Some(p) => Some(p),
            None if status == UserStatusType::ResetRequired => None,
            None => return Ok(None),
        };
        let mut groups = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let recs = self
                .store
                .list_user_groups(pool_id, &rec.username_key, after.as_deref(), PAGE)
                .await?;
            let Some(last) = recs.last() else { break };
            after = Some(last.group_name.clone());
            groups.extend(recs.into_iter().map(|g| g.group_name));
        }
        Ok(Some(UserState {
            username,
            sub: rec.sub.clone(),
            attributes: attrs.into_iter().collect(),
            status,
            enabled: rec.enabled,
            password,
            groups,
            mfa: self.mfa_of(rec)?,
        }))
    }

    /// A user's MFA in a seed's terms; None when nothing is set.
    fn mfa_of(&self, rec: &UserRecord) -> Result<Option<MfaSeed>> {
        let state = crate::users::mfa_state::UserMfa::of(rec);
        let totp_secret = state
            .totp_secret
            .as_deref()
            .map(|sealed| {
                self.open_totp(sealed)
                    .map(|s| crate::totp::base32_encode(&s))
            })
            .transpose()?;
        let mfa = MfaSeed {
            totp_secret,
            enabled: state.enabled().into_iter().map(str::to_owned).collect(),
            preferred: state.preferred.clone(),
        };
        Ok((mfa != MfaSeed::default()).then_some(mfa))
    }
}
