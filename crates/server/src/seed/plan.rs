//! From a seed file to the requests it stands for: each entry checked
//! against the service model as the API checks a request (constraints,
//! enums, types, with AWS's messages) and decoded into the request type
//! core takes. Rules beyond the model (password policy, schema, client
//! rules, uniqueness) are core's, applied when the seed is (`apply`).

use std::collections::BTreeSet;

use kognit_core::seed::{FixedKeys, MfaSeed, PoolSeed, SeedPassword, UserSeed};
use kognit_core::srp::SrpSecret;
use kognit_wire::types::{
    AttributeType, CreateGroupRequest, CreateResourceServerRequest, CreateUserPoolClientRequest,
    CreateUserPoolDomainRequest, CreateUserPoolRequest, SetUserPoolMfaConfigRequest,
    UserStatusType,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::file::{
    ClientEntry, DomainEntry, GroupEntry, MfaEntry, PoolEntry, ResourceServerEntry, SeedFile,
    UserEntry, VERSION,
};

/// One pool's requests, each with the name of its entry for messages.
#[derive(Debug)]
pub struct PoolPlan {
    /// `pools[0] (us-east-1_Example1)`.
    pub label: String,
    /// The pool.
    pub pool: PoolSeed,
    /// Its resource servers: label, request.
    pub resource_servers: Vec<(String, CreateResourceServerRequest)>,
    /// Its domains: label, request.
    pub domains: Vec<(String, CreateUserPoolDomainRequest)>,
    /// Its clients: label, id, request.
    pub clients: Vec<(String, String, CreateUserPoolClientRequest)>,
    /// Its groups: label, request.
    pub groups: Vec<(String, CreateGroupRequest)>,
    /// Its users: label, seed.
    pub users: Vec<(String, UserSeed)>,
}

/// A refusal: the entry, and the problem.
type Refusal = (String, String);

/// Checks `body` against a model shape, then decodes it.
fn request<T: DeserializeOwned>(shape: &str, body: Value) -> Result<T, String> {
    kognit_wire::validate::validate(shape, &body).map_err(|e| e.message().to_owned())?;
    serde_json::from_value(body).map_err(|e| format!("{e}"))
}

/// `settings` with kognit's own keys added; a member the entry has its own
/// key for is refused, so no value is given twice.
fn members(settings: &Map<String, Value>, own: &[(&str, &str, Value)]) -> Result<Value, String> {
    let mut body = settings.clone();
    for (member, key, value) in own {
        if body.contains_key(*member) {
            return Err(format!("give {member} as `{key}`, not in settings"));
        }
        if !value.is_null() {
            body.insert((*member).into(), value.clone());
        }
    }
    Ok(Value::Object(body))
}

fn pool_plan(i: usize, p: &PoolEntry) -> Result<PoolPlan, Refusal> {
    let label = format!("pools[{i}] ({})", p.id);
    let at = |e: String| (label.clone(), e);
    request::<Value>("DescribeUserPoolRequest", json!({ "UserPoolId": p.id }))
        .map_err(|e| at(format!("id: {e}")))?;
    let body = members(&p.settings, &[("PoolName", "name", json!(p.name))])
        .map_err(|e| at(format!("settings: {e}")))?;
    let create: CreateUserPoolRequest =
        request("CreateUserPoolRequest", body).map_err(|e| at(format!("settings: {e}")))?;
    let mfa = match &p.mfa {
        Some(m) => {
            let body = members(m, &[("UserPoolId", "id", json!(p.id))])
                .map_err(|e| at(format!("mfa: {e}")))?;
            Some(
                request::<SetUserPoolMfaConfigRequest>("SetUserPoolMfaConfigRequest", body)
                    .map_err(|e| at(format!("mfa: {e}")))?,
            )
        }
        None => None,
    };
    let mut plan = PoolPlan {
        label: label.clone(),
        pool: PoolSeed {
            id: p.id.clone(),
            request: create,
            mfa,
            signing_keys: p.signing_keys.as_ref().map(|k| FixedKeys {
                id: k.id.clone(),
                access: k.access.clone(),
            }),
        },
        resource_servers: Vec::new(),
        domains: Vec::new(),
        clients: Vec::new(),
        groups: Vec::new(),
        users: Vec::new(),
    };
    for (j, r) in p.resource_servers.iter().enumerate() {
        let label = format!("{label}, resource_servers[{j}] ({})", r.identifier);
        let req = resource_server_request(&p.id, r).map_err(|e| (label.clone(), e))?;
        plan.resource_servers.push((label, req));
    }
    for (j, d) in p.domains.iter().enumerate() {
        let label = format!("{label}, domains[{j}] ({})", d.domain);
        let req = domain_request(&p.id, d).map_err(|e| (label.clone(), e))?;
        plan.domains.push((label, req));
    }
    let mut seen = BTreeSet::new();
    for (j, c) in p.clients.iter().enumerate() {
        let label = format!("{label}, clients[{j}] ({})", c.id);
        if !seen.insert(c.id.as_str()) {
            return Err((label, "a second client with this id".into()));
        }
        let req = client_request(&p.id, c).map_err(|e| (label.clone(), e))?;
        plan.clients.push((label, c.id.clone(), req));
    }
    let mut groups = BTreeSet::new();
    for (j, g) in p.groups.iter().enumerate() {
        let label = format!("{label}, groups[{j}] ({})", g.name);
        if !groups.insert(g.name.as_str()) {
            return Err((label, "a second group with this name".into()));
        }
        let req = group_request(&p.id, g).map_err(|e| (label.clone(), e))?;
        plan.groups.push((label, req));
    }
    let mut names = BTreeSet::new();
    for (j, u) in p.users.iter().enumerate() {
        let label = format!("{label}, users[{j}] ({})", u.username);
        if !names.insert(u.username.as_str()) {
            return Err((label, "a second user with this username".into()));
        }
        if let Some(g) = u.groups.iter().find(|g| !groups.contains(g.as_str())) {
            return Err((label, format!("group {g} is not among this pool's groups")));
        }
        let seed = user_seed(&p.id, u).map_err(|e| (label.clone(), e))?;
        plan.users.push((label, seed));
    }
    Ok(plan)
}

fn client_request(pool_id: &str, c: &ClientEntry) -> Result<CreateUserPoolClientRequest, String> {
    request::<Value>(
        "DescribeUserPoolClientRequest",
        json!({ "UserPoolId": pool_id, "ClientId": c.id }),
    )
    .map_err(|e| format!("id: {e}"))?;
    if c.settings.contains_key("GenerateSecret") {
        return Err(
            "settings: give the client's secret as `secret` (GenerateSecret would \
                    make a new one at every start)"
                .into(),
        );
    }
    let body = members(
        &c.settings,
        &[
            ("UserPoolId", "the pool's id", json!(pool_id)),
            ("ClientName", "name", json!(c.name)),
            ("ClientSecret", "secret", json!(c.secret)),
        ],
    )
    .map_err(|e| format!("settings: {e}"))?;
    request("CreateUserPoolClientRequest", body).map_err(|e| format!("settings: {e}"))
}

fn resource_server_request(
    pool_id: &str,
    r: &ResourceServerEntry,
) -> Result<CreateResourceServerRequest, String> {
    let scopes: Vec<Value> = r
        .scopes
        .iter()
        .map(|s| json!({ "ScopeName": s.name, "ScopeDescription": s.description }))
        .collect();
    request(
        "CreateResourceServerRequest",
        json!({ "UserPoolId": pool_id, "Identifier": r.identifier, "Name": r.name, "Scopes": scopes }),
    )
}

fn domain_request(pool_id: &str, d: &DomainEntry) -> Result<CreateUserPoolDomainRequest, String> {
    let body = members(
        &d.settings,
        &[
            ("UserPoolId", "the pool's id", json!(pool_id)),
            ("Domain", "domain", json!(d.domain)),
        ],
    )
    .map_err(|e| format!("settings: {e}"))?;
    request("CreateUserPoolDomainRequest", body)
}

fn group_request(pool_id: &str, g: &GroupEntry) -> Result<CreateGroupRequest, String> {
    let mut body = json!({ "UserPoolId": pool_id, "GroupName": g.name });
    if let Some(o) = body.as_object_mut() {
        let optional = [
            ("Description", g.description.clone().map(Value::from)),
            ("Precedence", g.precedence.map(Value::from)),
            ("RoleArn", g.role_arn.clone().map(Value::from)),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                o.insert(k.into(), v);
            }
        }
    }
    request("CreateGroupRequest", body)
}

fn hex_bytes(what: &str, text: &str) -> Result<Vec<u8>, String> {
    hex::decode(text.trim()).map_err(|_| format!("srp.{what} is not hexadecimal"))
}

fn user_seed(pool_id: &str, u: &UserEntry) -> Result<UserSeed, String> {
    let attributes: Vec<AttributeType> = u
        .attributes
        .iter()
        .map(|(name, value)| AttributeType {
            name: name.clone(),
            value: Some(value.text()),
        })
        .collect();
    if u.attributes.contains_key("sub") {
        return Err("attributes: give the sub as `sub`, not as an attribute".into());
    }
    // The username and attributes as AdminCreateUser takes them.
    request::<Value>(
        "AdminCreateUserRequest",
        json!({ "UserPoolId": pool_id, "Username": u.username, "UserAttributes": attributes }),
    )?;
    let password = match (&u.password, &u.password_hash, &u.srp) {
        (Some(_), Some(_), _) => return Err("give either password or password_hash".into()),
        (Some(_), None, Some(_)) => return Err("srp goes with password_hash only".into()),
        (Some(p), None, None) => {
            request::<Value>(
                "AdminSetUserPasswordRequest",
                json!({ "UserPoolId": pool_id, "Username": u.username, "Password": p }),
            )
            .map_err(|e| format!("password: {e}"))?;
            Some(SeedPassword::Plain(p.clone()))
        }
        (None, Some(phc), srp) => {
            let srp = match srp {
                Some(s) => Some(SrpSecret {
                    salt: hex_bytes("salt", &s.salt)?,
                    verifier: hex_bytes("verifier", &s.verifier)?,
                }),
                None => None,
            };
            Some(SeedPassword::Hashed {
                phc: phc.clone(),
                srp,
            })
        }
        (None, None, _) => None,
    };
    let status = match &u.status {
        None => UserStatusType::Confirmed,
        Some(s) => UserStatusType::parse(s).ok_or_else(|| {
            format!(
                "status {s:?} is not one of CONFIRMED, FORCE_CHANGE_PASSWORD, UNCONFIRMED, \
                 RESET_REQUIRED"
            )
        })?,
    };
    if password.is_none() && status != UserStatusType::ResetRequired {
        return Err(
            "a password (or password_hash) is required unless the status is \
                    RESET_REQUIRED"
                .into(),
        );
    }
    let mfa = u.mfa.as_ref().map(mfa_seed).transpose()?;
    Ok(UserSeed {
        username: u.username.clone(),
        sub: u.sub.clone(),
        attributes,
        password,
        status,
        enabled: u.enabled,
        groups: u.groups.clone(),
        mfa,
    })
}

/// A user's MFA entry, checked as core checks it before applying it.
fn mfa_seed(m: &MfaEntry) -> Result<MfaSeed, String> {
    let seed = MfaSeed {
        totp_secret: m.totp_secret.clone(),
        enabled: m.enabled.clone(),
        preferred: m.preferred.clone(),
    };
    seed.check().map_err(|e| format!("mfa: {e}"))?;
    Ok(seed)
}

/// Every pool's requests; the first refusal, with its entry.
pub fn plan(file: &SeedFile) -> Result<Vec<PoolPlan>, Refusal> {
    if file.version != VERSION {
        return Err((
            "version".into(),
            format!(
                "this kognit reads seed version {VERSION}, not {}",
                file.version
            ),
        ));
    }
    let mut ids = BTreeSet::new();
    let mut out = Vec::with_capacity(file.pools.len());
    for (i, p) in file.pools.iter().enumerate() {
        if !ids.insert(p.id.as_str()) {
            return Err((
                format!("pools[{i}] ({})", p.id),
                "a second pool with this id".into(),
            ));
        }
        out.push(pool_plan(i, p)?);
    }
    Ok(out)
}
