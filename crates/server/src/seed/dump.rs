//! The current state as a seed file (`kognit dev --dump-seed`,
//! `Kognit.ExportSeed`): core's export, written in the seed's format, so
//! that feeding it back makes the same pools with the same ids.

use kognit_core::seed::{PoolState, SeedPassword, UserState};
use kognit_core::{Admin, Error, Service};

use super::Format;
use kognit_wire::types::CreateUserPoolDomainRequest;

use super::file::{
    AttributeValue, ClientEntry, DomainEntry, GroupEntry, KeysEntry, MfaEntry, PoolEntry,
    ResourceServerEntry, ScopeEntry, SeedFile, SrpEntry, UserEntry, VERSION,
};

fn user_entry(u: UserState) -> UserEntry {
    let (password_hash, srp) = match u.password {
        Some(SeedPassword::Hashed { phc, srp }) => (
            Some(phc),
            srp.map(|s| SrpEntry {
                salt: hex::encode(s.salt),
                verifier: hex::encode(s.verifier),
            }),
        ),
        // Core exports what the store keeps, never a plain password.
        Some(SeedPassword::Plain(_)) | None => (None, None),
    };
    UserEntry {
        username: u.username,
        sub: Some(u.sub),
        password: None,
        password_hash,
        srp,
        status: Some(u.status.as_str().to_owned()),
        enabled: u.enabled,
        attributes: u
            .attributes
            .into_iter()
            .map(|(k, v)| (k, AttributeValue::Text(v)))
            .collect(),
        groups: u.groups,
        mfa: u.mfa.map(|m| MfaEntry {
            totp_secret: m.totp_secret,
            enabled: m.enabled,
            preferred: m.preferred,
        }),
    }
}

/// A domain: its name, and CreateUserPoolDomain's other members.
fn domain_entry(d: CreateUserPoolDomainRequest) -> DomainEntry {
    let mut settings = match serde_json::to_value(&d) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    settings.remove("Domain");
    settings.remove("UserPoolId");
    DomainEntry {
        domain: d.domain,
        settings,
    }
}

fn pool_entry(p: PoolState) -> PoolEntry {
    PoolEntry {
        id: p.id,
        name: p.name,
        settings: p.settings,
        mfa: p.mfa,
        signing_keys: p.signing_keys.map(|k| KeysEntry {
            id: k.id,
            access: k.access,
        }),
        resource_servers: p
            .resource_servers
            .into_iter()
            .map(|r| ResourceServerEntry {
                identifier: r.identifier.unwrap_or_default(),
                name: r.name.unwrap_or_default(),
                scopes: r
                    .scopes
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| ScopeEntry {
                        name: s.scope_name,
                        description: s.scope_description,
                    })
                    .collect(),
            })
            .collect(),
        domains: p.domains.into_iter().map(domain_entry).collect(),
        clients: p
            .clients
            .into_iter()
            .map(|c| ClientEntry {
                id: c.id,
                name: c.name,
                secret: c.secret,
                settings: c.settings,
            })
            .collect(),
        groups: p
            .groups
            .into_iter()
            .map(|g| GroupEntry {
                name: g.group_name.unwrap_or_default(),
                description: g.description,
                precedence: g.precedence,
                role_arn: g.role_arn,
            })
            .collect(),
        users: p.users.into_iter().map(user_entry).collect(),
    }
}

/// Every pool of the service's store as a seed file's text, and how many
/// pools it holds.
pub async fn export(
    service: &Service,
    admin: &Admin,
    format: Format,
) -> Result<(String, usize), Error> {
    let pools = service.export_state(admin).await?;
    let file = SeedFile {
        version: VERSION,
        pools: pools.into_iter().map(pool_entry).collect(),
    };
    let text = file.render(format).map_err(Error::internal)?;
    Ok((text, file.pools.len()))
}
