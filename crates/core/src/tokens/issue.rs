//! Issuing Cognito's ID and access tokens: their claims, exactly as Cognito
//! writes them, and their validities from the app client.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html>
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html>

use kognit_wire::types::{TimeUnitsType, UserPoolClientType};
use serde_json::{Map, Value, json};

use super::{PoolKeys, TokenChanges, TokenUse};
use crate::client_rules::validity_seconds;
use crate::service::Service;
use crate::store::UserRecord;
use crate::{Error, Result};

/// Validity of ID and access tokens when the client names none: one hour.
const DEFAULT_VALIDITY_S: i64 = 3600;

/// What a sign-in established, shared by every token of its session (the
/// refresh flow re-issues with the same `auth_time` and `origin_jti`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignIn {
    /// When the user authenticated, seconds since the epoch.
    pub auth_time: i64,
    /// The session's id: revoking it revokes every token refreshed from it.
    pub origin_jti: String,
    /// The id of this authentication event (a UUID).
    pub event_id: String,
    /// The remembered device, when device tracking is in use.
    pub device_key: Option<String>,
    /// The access token's scopes, space-separated: `aws.cognito.signin.user.admin`
    /// for API sign-in.
    pub scope: String,
    /// Whether the session was begun at the OAuth authorization server
    /// (hosted login): its tokens carry `version: 2`, its ID token an
    /// `at_hash`, and the ID token's attributes follow the OIDC scopes.
    pub oauth: bool,
    /// The authorization request's `nonce`, echoed in the ID token.
    pub nonce: Option<String>,
}

/// The group claims of a user's tokens, already in Cognito's order (see
/// `crate::groups`); empty when the user belongs to no group.
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html>
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupClaims {
    /// `cognito:groups` (both tokens): the names of the user's groups.
    pub groups: Vec<String>,
    /// `cognito:roles` (ID token): the role ARNs of those groups.
    pub roles: Vec<String>,
    /// `cognito:preferred_role` (ID token): the role of the group that takes
    /// precedence, when there is one.
    pub preferred_role: Option<String>,
}

/// An ID and access token pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTokens {
    /// The ID token.
    pub id_token: String,
    /// The access token.
    pub access_token: String,
    /// The access token's validity in seconds (`ExpiresIn`).
    pub expires_in: i32,
}

/// Everything one pair of tokens is made from.
#[derive(Debug, Clone, Copy)]
pub struct TokenInput<'a> {
    /// The app client the user signs in through.
    pub client: &'a UserPoolClientType,
    /// The user.
    pub user: &'a UserRecord,
    /// The user's group claims, as stored.
    pub groups: &'a GroupClaims,
    /// The sign-in the tokens belong to.
    pub sign_in: &'a SignIn,
    /// What a PreTokenGeneration function changed (nothing by default).
    pub changes: &'a TokenChanges,
}

impl Service {
    /// The issuer (`iss`) of a pool's tokens: `<issuer_base>/<poolId>`.
    pub fn issuer(&self, pool_id: &str) -> String {
        format!("{}/{pool_id}", self.settings.issuer_base)
    }

    /// Signs an ID and an access token with the pool's current keys.
    pub async fn issue_tokens(
        &self,
        pool_id: &str,
        input: &TokenInput<'_>,
        now_ms: i64,
    ) -> Result<IssuedTokens> {
        let keys = self.pool_keys(pool_id, now_ms).await?;
        let iss = self.issuer(pool_id);
        issue_customized(&keys, &iss, input, now_ms)
    }
}

/// Signs both tokens with `keys`, unchanged by any trigger (the pure part of
/// [`Service::issue_tokens`]).
pub fn issue_with_keys(
    keys: &PoolKeys,
    iss: &str,
    client: &UserPoolClientType,
    user: &UserRecord,
    groups: &GroupClaims,
    sign_in: &SignIn,
    now_ms: i64,
) -> Result<IssuedTokens> {
    let input = TokenInput {
        client,
        user,
        groups,
        sign_in,
        changes: &TokenChanges::default(),
    };
    issue_customized(keys, iss, &input, now_ms)
}

/// Signs both tokens with `keys`: Cognito's claims, with a
/// PreTokenGeneration function's group override, then its other changes.
pub fn issue_customized(
    keys: &PoolKeys,
    iss: &str,
    input: &TokenInput<'_>,
    now_ms: i64,
) -> Result<IssuedTokens> {
    let TokenInput {
        client,
        user,
        sign_in,
        changes,
        ..
    } = *input;
    let groups = changes.groups(input.groups);
    let mut access = access_claims(iss, client, user, groups, sign_in, now_ms)?;
    changes.apply_access(&mut access);
    let access_token = keys.sign(TokenUse::Access, &access)?;
    let mut id = id_claims(iss, client, user, groups, sign_in, now_ms)?;
    changes.apply_id(&mut id);
    if sign_in.oauth {
        // Not a claim a PreTokenGeneration function may change.
        id.insert("at_hash".into(), json!(at_hash(&access_token)));
    }
    let (validity, unit) = access_validity(client);
    Ok(IssuedTokens {
        id_token: keys.sign(TokenUse::Id, &id)?,
        access_token,
        expires_in: i32::try_from(validity_s(validity, unit)).map_err(Error::internal)?,
    })
}

/// OIDC's `at_hash`: the left half of the access token's SHA-256, base64url
/// without padding (the ID token's algorithm is RS256).
/// <https://openid.net/specs/openid-connect-core-1_0.html#CodeIDToken>
pub fn at_hash(access_token: &str) -> String {
    use base64::Engine as _;
    let digest = crate::crypto::sha256(access_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
}

/// The ID token's claims: the user's readable attributes, then Cognito's own
/// claims (which win over any attribute of the same name).
pub fn id_claims(
    iss: &str,
    client: &UserPoolClientType,
    user: &UserRecord,
    groups: &GroupClaims,
    sign_in: &SignIn,
    now_ms: i64,
) -> Result<Map<String, Value>> {
    let client_id = client_id(client)?;
    let units = client.token_validity_units.as_ref();
    let validity = validity_s(client.id_token_validity, units.and_then(|u| u.id_token));
    let mut c = readable_attributes(client, user)?;
    if sign_in.oauth {
        crate::scopes::retain_claims(&mut c, &sign_in.scope);
    }
    c.insert("sub".into(), json!(user.sub));
    // Absent, not empty, when there is nothing to say (as Cognito does).
    if !groups.groups.is_empty() {
        c.insert("cognito:groups".into(), json!(groups.groups));
    }
    if !groups.roles.is_empty() {
        c.insert("cognito:roles".into(), json!(groups.roles));
    }
    if let Some(role) = &groups.preferred_role {
        c.insert("cognito:preferred_role".into(), json!(role));
    }
    c.insert("iss".into(), json!(iss));
    c.insert("cognito:username".into(), json!(user.username));
    c.insert("origin_jti".into(), json!(sign_in.origin_jti));
    c.insert("aud".into(), json!(client_id));
    c.insert("event_id".into(), json!(sign_in.event_id));
    c.insert("token_use".into(), json!(TokenUse::Id.as_str()));
    if let Some(nonce) = &sign_in.nonce {
        c.insert("nonce".into(), json!(nonce));
    }
    times(&mut c, sign_in, now_ms, validity);
    Ok(c)
}

/// The access token's claims. It has `client_id` and `username` but no `aud`
/// and no attributes.
pub fn access_claims(
    iss: &str,
    client: &UserPoolClientType,
    user: &UserRecord,
    groups: &GroupClaims,
    sign_in: &SignIn,
    now_ms: i64,
) -> Result<Map<String, Value>> {
    let client_id = client_id(client)?;
    let (validity, unit) = access_validity(client);
    let mut c = Map::new();
    c.insert("sub".into(), json!(user.sub));
    // Only the groups: roles are for identity pools, which take ID tokens.
    if !groups.groups.is_empty() {
        c.insert("cognito:groups".into(), json!(groups.groups));
    }
    if let Some(device_key) = &sign_in.device_key {
        c.insert("device_key".into(), json!(device_key));
    }
    c.insert("iss".into(), json!(iss));
    c.insert("client_id".into(), json!(client_id));
    c.insert("origin_jti".into(), json!(sign_in.origin_jti));
    c.insert("event_id".into(), json!(sign_in.event_id));
    c.insert("token_use".into(), json!(TokenUse::Access.as_str()));
    c.insert("scope".into(), json!(sign_in.scope));
    times(&mut c, sign_in, now_ms, validity_s(validity, unit));
    if sign_in.oauth {
        // Tokens of the authorization server are of the second version.
        c.insert("version".into(), json!(2));
    }
    c.insert("username".into(), json!(user.username));
    Ok(c)
}

/// `auth_time`, `exp`, `iat` (seconds) and a fresh `jti`.
fn times(c: &mut Map<String, Value>, sign_in: &SignIn, now_ms: i64, validity_s: i64) {
    let iat = now_ms.div_euclid(1000);
    c.insert("auth_time".into(), json!(sign_in.auth_time));
    c.insert("exp".into(), json!(iat + validity_s));
    c.insert("iat".into(), json!(iat));
    c.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
}

fn client_id(client: &UserPoolClientType) -> Result<&str> {
    client
        .client_id
        .as_deref()
        .ok_or_else(|| Error::internal("app client without ClientId"))
}

/// The access token's validity in seconds for this client.
pub fn access_validity_s(client: &UserPoolClientType) -> i64 {
    let (validity, unit) = access_validity(client);
    validity_s(validity, unit)
}

fn access_validity(client: &UserPoolClientType) -> (Option<i32>, Option<TimeUnitsType>) {
    let unit = client
        .token_validity_units
        .as_ref()
        .and_then(|u| u.access_token);
    (client.access_token_validity, unit)
}

/// A validity in seconds; an absent value is Cognito's default of one hour,
/// an absent unit Cognito's API default of hours.
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html>
fn validity_s(value: Option<i32>, unit: Option<TimeUnitsType>) -> i64 {
    match value {
        Some(v) if v > 0 => validity_seconds(v, unit.unwrap_or(TimeUnitsType::Hours)),
        _ => DEFAULT_VALIDITY_S,
    }
}

/// The user's attributes the client may read (all when ReadAttributes is
/// unset), typed as Cognito types them in the ID token: the verified flags are
/// booleans, `updated_at` a number, `address` an OIDC address object
/// (`{"formatted": …}`); everything else, `custom:*` included, a string.
fn readable_attributes(
    client: &UserPoolClientType,
    user: &UserRecord,
) -> Result<Map<String, Value>> {
    let attrs: Map<String, Value> =
        serde_json::from_str(&user.attributes).map_err(Error::internal)?;
    let readable = |name: &str| match &client.read_attributes {
        Some(list) if !list.is_empty() => list.iter().any(|a| a == name),
        _ => true,
    };
    let mut out = Map::new();
    for (name, value) in attrs {
        if !readable(&name) {
            continue;
        }
        let text = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        let typed = match name.as_str() {
            "email_verified" | "phone_number_verified" => json!(text.eq_ignore_ascii_case("true")),
            "updated_at" => text
                .parse::<i64>()
                .map_or_else(|_| json!(text), |n| json!(n)),
            "address" => json!({ "formatted": text }),
            _ => Value::String(text),
        };
        out.insert(name, typed);
    }
    Ok(out)
}
