//! The seed file as written: TOML or JSON (by the file's extension), with
//! kognit's own keys in snake_case and, under `settings` and `mfa`, the
//! members of CreateUserPool, CreateUserPoolClient and SetUserPoolMfaConfig
//! spelled as the API spells them. README.md, "Seed files", documents it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The format version this kognit reads and writes.
pub const VERSION: u32 = 1;

fn version() -> u32 {
    VERSION
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// A whole seed file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    /// The format version (1).
    #[serde(default = "version")]
    pub version: u32,
    /// The pools.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<PoolEntry>,
}

/// A user pool.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolEntry {
    /// The pool id, e.g. `us-east-1_Example1`.
    pub id: String,
    /// The pool name (CreateUserPool's `PoolName`).
    pub name: String,
    /// CreateUserPool's other members, as the API spells them.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub settings: Map<String, Value>,
    /// SetUserPoolMfaConfig's members but `UserPoolId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa: Option<Map<String, Value>>,
    /// Fixed signing keys (PEM RSA private keys), so tokens signed in one
    /// run verify in the next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_keys: Option<KeysEntry>,
    /// Resource servers: custom OAuth scopes, which clients may then name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_servers: Vec<ResourceServerEntry>,
    /// Domains (a prefix domain, and a custom one), where the pool's hosted
    /// login and OAuth endpoints are served.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<DomainEntry>,
    /// App clients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<ClientEntry>,
    /// Groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupEntry>,
    /// Users.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserEntry>,
}

/// A pool's signing keys.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysEntry {
    /// The key that signs ID tokens.
    pub id: String,
    /// The key that signs access tokens (another key).
    pub access: String,
}

/// A resource server.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceServerEntry {
    /// The identifier (`Identifier`), e.g. `https://api.example.com`.
    pub identifier: String,
    /// Its name.
    pub name: String,
    /// Its scopes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<ScopeEntry>,
}

/// A resource server's scope.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeEntry {
    /// `ScopeName`: clients ask for `<identifier>/<name>`.
    pub name: String,
    /// `ScopeDescription`.
    pub description: String,
}

/// A user pool domain.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainEntry {
    /// The prefix (`example` for `example.auth.<region>.amazoncognito.com`),
    /// or a custom domain's name.
    pub domain: String,
    /// CreateUserPoolDomain's other members (`CustomDomainConfig`,
    /// `ManagedLoginVersion`), as the API spells them.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub settings: Map<String, Value>,
}

/// An app client.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientEntry {
    /// The client id.
    pub id: String,
    /// The client name (`ClientName`).
    pub name: String,
    /// The client secret (`ClientSecret`), if the client has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// CreateUserPoolClient's other members, as the API spells them.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub settings: Map<String, Value>,
}

/// A group.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupEntry {
    /// The group name.
    pub name: String,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its precedence (lower wins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precedence: Option<i32>,
    /// Its IAM role ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
}

/// A user.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEntry {
    /// The username (an email address or phone number in pools whose
    /// usernames are those).
    pub username: String,
    /// The `sub`; derived from the pool id and username when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The password, held to the pool's policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Instead of `password`: an Argon2id hash in PHC form (from `kognit
    /// hash-password` or an export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    /// With `password_hash`: the SRP salt and verifier (from an export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srp: Option<SrpEntry>,
    /// CONFIRMED (the default), FORCE_CHANGE_PASSWORD, UNCONFIRMED or
    /// RESET_REQUIRED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// False for a disabled user.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
    /// Attributes by name; values are strings (`true`, `false` and numbers
    /// are taken as their text).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, AttributeValue>,
    /// Groups of the same pool the user belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// The user's MFA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa: Option<MfaEntry>,
}

/// A user's MFA: an authenticator with a known secret, the factors on and
/// the preferred one (AdminSetUserMFAPreference's rules).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MfaEntry {
    /// A TOTP secret in base32 (at least 16 characters), registered as the
    /// user's authenticator, so a test can compute the user's codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
    /// `SMS_MFA`, `SOFTWARE_TOKEN_MFA` (needs `totp_secret`), `EMAIL_OTP`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enabled: Vec<String>,
    /// One of `enabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred: Option<String>,
}

/// An SRP salt and verifier in hex.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrpEntry {
    /// The salt.
    pub salt: String,
    /// The verifier.
    pub verifier: String,
}

/// An attribute value: Cognito's are strings, but `email_verified = true`
/// reads better in a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttributeValue {
    /// Text.
    Text(String),
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
}

impl AttributeValue {
    /// The value as Cognito keeps it.
    pub fn text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Bool(b) => b.to_string(),
            Self::Int(n) => n.to_string(),
        }
    }
}

/// The two formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.toml`.
    Toml,
    /// `.json`.
    Json,
}

impl Format {
    /// The format a file's extension names.
    pub fn of(path: &Path) -> Result<Self, String> {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("toml") => Ok(Self::Toml),
            Some(e) if e.eq_ignore_ascii_case("json") => Ok(Self::Json),
            _ => Err("the file name must end in .toml or .json".into()),
        }
    }

    /// The format named `toml` or `json`.
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "toml" => Some(Self::Toml),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// A TOML error on one line (toml's own text quotes the source over
/// several): where, then what.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let Some(span) = e.span() else {
        return e.message().to_owned();
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("line {line}, column {column}: {}", e.message())
}

impl SeedFile {
    /// Reads a seed's text.
    pub fn parse(text: &str, format: Format) -> Result<Self, String> {
        match format {
            Format::Toml => toml::from_str(text).map_err(|e| toml_error(text, &e)),
            Format::Json => serde_json::from_str(text).map_err(|e| e.to_string()),
        }
    }

    /// The seed's text.
    pub fn render(&self, format: Format) -> Result<String, String> {
        match format {
            Format::Toml => toml::to_string_pretty(self).map_err(|e| e.to_string()),
            Format::Json => serde_json::to_string_pretty(self)
                .map(|mut s| {
                    s.push('\n');
                    s
                })
                .map_err(|e| e.to_string()),
        }
    }
}
