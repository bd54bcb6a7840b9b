//! Mapping of sqlx errors onto [`StoreError`].
//!
//! Unique and foreign-key violations become [`StoreError::Conflict`] naming
//! what clashed ([`Conflict`]); everything else is [`StoreError::Backend`]
//! with a one-line message. PostgreSQL names the violated constraint itself;
//! SQLite does not, so its messages are translated to the same names (the
//! schemas spell them identically), and [`conflict_of`] maps the names onto
//! [`Conflict`] in this one place, so both engines answer alike and no SQL
//! name leaves this crate.

use kognit_core::store::{Conflict, StoreError};
use sqlx::error::{DatabaseError, ErrorKind};

/// Unique constraints as SQLite reports them (`UNIQUE constraint failed:
/// <columns>`) and the name the PostgreSQL schema gives the same constraint.
/// Extend this when a migration adds a unique index.
const SQLITE_UNIQUE: &[(&str, &str)] = &[
    ("user_pools.id", "user_pools_pkey"),
    (
        "user_pool_clients.pool_id, user_pool_clients.client_id",
        "user_pool_clients_pkey",
    ),
    (
        "client_secrets.pool_id, client_secrets.client_id, client_secrets.secret_id",
        "client_secrets_pkey",
    ),
    ("access_keys.id", "access_keys_pkey"),
    ("users.pool_id, users.username_key", "users_pkey"),
    ("users.pool_id, users.sub", "users_sub_key"),
    (
        "user_aliases.pool_id, user_aliases.kind, user_aliases.value_key",
        "user_aliases_pkey",
    ),
    (
        "user_codes.pool_id, user_codes.username_key, user_codes.purpose",
        "user_codes_pkey",
    ),
    (
        "signing_keys.pool_id, signing_keys.kid",
        "signing_keys_pkey",
    ),
    ("refresh_tokens.token_hash", "refresh_tokens_pkey"),
    (
        "revoked_origins.pool_id, revoked_origins.origin_jti",
        "revoked_origins_pkey",
    ),
    (
        "user_groups.pool_id, user_groups.group_name",
        "user_groups_pkey",
    ),
    (
        "group_members.pool_id, group_members.group_name, group_members.username_key",
        "group_members_pkey",
    ),
    (
        "resource_servers.pool_id, resource_servers.identifier",
        "resource_servers_pkey",
    ),
    (
        "devices.pool_id, devices.username_key, devices.device_key",
        "devices_pkey",
    ),
    (
        "token_sessions.pool_id, token_sessions.session_id",
        "token_sessions_pkey",
    ),
    (
        "auth_events.pool_id, auth_events.event_id",
        "auth_events_event_key",
    ),
    ("user_pool_domains.domain", "user_pool_domains_pkey"),
    (
        "user_pool_domains.pool_id, user_pool_domains.custom",
        "user_pool_domains_pool_kind_key",
    ),
    ("ui_customizations.pool_id", "ui_customizations_pool_key"),
    (
        "ui_customizations.pool_id, ui_customizations.client_id",
        "ui_customizations_client_key",
    ),
    (
        "managed_login_brandings.pool_id, managed_login_brandings.branding_id",
        "managed_login_brandings_pkey",
    ),
    (
        "managed_login_brandings.pool_id, managed_login_brandings.client_id",
        "managed_login_brandings_client_key",
    ),
    (
        "managed_login_assets.pool_id, managed_login_assets.branding_id, \
         managed_login_assets.category, managed_login_assets.color_mode",
        "managed_login_assets_pkey",
    ),
    ("kognit_migrations.version", "kognit_migrations_pkey"),
];

/// What the constraint `name` (as the PostgreSQL schema names it) guards.
/// Extend this when a migration adds a constraint.
pub(crate) fn conflict_of(name: &str) -> Conflict {
    match name {
        "user_pools_pkey" => Conflict::Pool,
        "user_pool_clients_pkey" => Conflict::Client,
        "client_secrets_pkey" => Conflict::ClientSecret,
        "access_keys_pkey" => Conflict::AccessKey,
        "users_pkey" => Conflict::Username,
        "users_sub_key" => Conflict::Sub,
        "user_aliases_pkey" => Conflict::Alias,
        "user_codes_pkey" => Conflict::Code,
        "signing_keys_pkey" => Conflict::SigningKey,
        "refresh_tokens_pkey" => Conflict::RefreshToken,
        "revoked_origins_pkey" => Conflict::RevokedOrigin,
        "user_groups_pkey" => Conflict::Group,
        "group_members_pkey" => Conflict::GroupMember,
        "resource_servers_pkey" => Conflict::ResourceServer,
        "devices_pkey" => Conflict::Device,
        "token_sessions_pkey" => Conflict::TokenSession,
        "auth_events_event_key" => Conflict::AuthEvent,
        "user_pool_domains_pkey" => Conflict::Domain,
        "user_pool_domains_pool_kind_key" => Conflict::PoolDomain,
        "managed_login_brandings_pkey" => Conflict::ManagedLoginBrandingId,
        "managed_login_brandings_client_key" => Conflict::ManagedLoginBranding,
        "kognit_migrations_pkey" => Conflict::Migration,
        "client_secrets_client_fkey" => Conflict::MissingClient,
        "ui_customizations_client_fkey" => Conflict::MissingClient,
        "managed_login_brandings_client_fkey" => Conflict::MissingClient,
        "group_members_group_fkey" => Conflict::MissingGroup,
        n if n.ends_with("_pool_id_fkey") => Conflict::MissingPool,
        n if n.ends_with("_user_fkey") => Conflict::MissingUser,
        other => Conflict::Other(other.to_owned()),
    }
}

/// Maps an error of a statement that cannot violate a foreign key (or whose
/// foreign key SQLite need not name).
pub(crate) fn db(e: sqlx::Error) -> StoreError {
    map(e, None)
}

/// Maps an error of a statement that can violate the foreign key `fk`:
/// SQLite only says "FOREIGN KEY constraint failed", never which one, so the
/// call site names it.
pub(crate) fn fk(fk: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| map(e, Some(fk))
}

fn map(e: sqlx::Error, fk: Option<&'static str>) -> StoreError {
    if let sqlx::Error::Database(d) = &e
        && let Some(name) = conflict_name(d.as_ref(), fk)
    {
        return StoreError::Conflict(conflict_of(&name));
    }
    StoreError::Backend(one_line(&e))
}

/// The constraint name of a unique/foreign-key violation; None for other errors.
fn conflict_name(d: &dyn DatabaseError, fk: Option<&'static str>) -> Option<String> {
    let kind = d.kind();
    if !matches!(
        kind,
        ErrorKind::UniqueViolation | ErrorKind::ForeignKeyViolation
    ) {
        return None;
    }
    if let Some(name) = d.constraint() {
        return Some(name.to_owned()); // PostgreSQL
    }
    Some(match kind {
        ErrorKind::UniqueViolation => sqlite_unique(d.message()),
        _ => fk.map_or_else(|| d.message().to_owned(), str::to_owned),
    })
}

/// The constraint name of a SQLite unique violation's message (`UNIQUE
/// constraint failed: <columns>`). Unknown constraint: the driver's own
/// short description still tells a human what went wrong.
pub(crate) fn sqlite_unique(message: &str) -> String {
    message
        .strip_prefix("UNIQUE constraint failed: ")
        .and_then(|cols| SQLITE_UNIQUE.iter().find(|(c, _)| *c == cols))
        .map_or_else(|| message.to_owned(), |(_, name)| (*name).to_owned())
}

/// The error's message on one line (the binary prints it as a single line).
pub(crate) fn one_line(e: &dyn std::fmt::Display) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
