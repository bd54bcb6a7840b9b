//! PreTokenGeneration: the event Cognito sends before it signs a user's ID
//! and access tokens (versions 1, 2 and 3), and the function's answer read
//! into [`TokenChanges`], which `tokens::issue_customized` applies.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html>
//!
//! Version 3 also runs for machine-to-machine tokens (the client_credentials
//! grant, `TokenGeneration_ClientCredentials`); kognit has no OAuth 2.0
//! token endpoint yet, so only user sign-ins invoke it. The managed login
//! source (`TokenGeneration_HostedAuth`) waits for the same.

use serde_json::{Map, Value, json};

use super::auth::token_event_version;
use super::sign_up::user_attributes;
use super::{Event, Trigger, text, unrecognizable};
use crate::Result;
use crate::records::AppClient;
use crate::records::Pool;
use crate::service::Service;
use crate::store::UserRecord;
use crate::tokens::{ClaimChanges, GroupClaims, TokenChanges};

/// What is about to issue tokens, as `triggerSource` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenSource {
    /// A sign-in completed (password or SRP, with or without MFA).
    Authentication,
    /// NEW_PASSWORD_REQUIRED was answered and tokens follow at once.
    NewPasswordChallenge,
    /// A sign-in that proved a remembered device.
    AuthenticateDevice,
    /// REFRESH_TOKEN_AUTH or GetTokensFromRefreshToken.
    RefreshTokens,
    /// The token endpoint or an implicit grant, after a hosted sign-in.
    HostedAuth,
}

impl TokenSource {
    fn trigger_source(self) -> &'static str {
        match self {
            TokenSource::Authentication => "TokenGeneration_Authentication",
            TokenSource::NewPasswordChallenge => "TokenGeneration_NewPasswordChallenge",
            TokenSource::AuthenticateDevice => "TokenGeneration_AuthenticateDevice",
            TokenSource::RefreshTokens => "TokenGeneration_RefreshTokens",
            TokenSource::HostedAuth => "TokenGeneration_HostedAuth",
        }
    }
}

impl Service {
    /// Runs PreTokenGeneration for tokens about to be issued to `rec` with
    /// these groups and scopes (space-separated), and returns what the
    /// function changes: nothing when the pool has no such trigger (no
    /// event is built then). A function that throws fails the sign-in or
    /// refresh; an answer of the wrong shape is InvalidLambdaResponseException.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn pre_token_generation(
        &self,
        pool: &Pool,
        client: &AppClient,
        rec: &UserRecord,
        groups: &GroupClaims,
        scope: &str,
        source: TokenSource,
        metadata: Option<&std::collections::BTreeMap<String, String>>,
    ) -> Result<TokenChanges> {
        if !Self::has_trigger(pool, Trigger::PreTokenGeneration) {
            return Ok(TokenChanges::default());
        }
        let v1 = token_event_version(pool) == "1";
        let mut request = json!({
            "userAttributes": user_attributes(rec)?,
            "groupConfiguration": {
                "groupsToOverride": groups.groups,
                "iamRolesToOverride": groups.roles,
                "preferredRole": groups.preferred_role,
            },
            // ClientMetadata reaches this trigger only from
            // (Admin)RespondToAuthChallenge, as in Cognito.
            "clientMetadata": super::metadata(metadata),
        });
        let details = if v1 {
            "claimsOverrideDetails"
        } else {
            request["scopes"] = json!(scope.split_whitespace().collect::<Vec<_>>());
            "claimsAndScopeOverrideDetails"
        };
        let event = Event {
            pool,
            source: source.trigger_source(),
            username: &rec.username,
            client_id: Some(client.id()),
            request,
            response: Value::Object(Map::from_iter([(details.to_owned(), Value::Null)])),
        };
        let Some(response) = self.run_trigger(Trigger::PreTokenGeneration, event).await? else {
            return Ok(TokenChanges::default());
        };
        match object(&response, details)? {
            None => Ok(TokenChanges::default()),
            Some(d) if v1 => read_v1(d),
            Some(d) => read_v2(d),
        }
    }
}

/// `claimsOverrideDetails`: claims of the ID token only (string values),
/// and the groups of both tokens.
fn read_v1(details: &Map<String, Value>) -> Result<TokenChanges> {
    Ok(TokenChanges {
        id: claim_changes(details, true)?,
        groups: group_override(details)?,
        ..Default::default()
    })
}

/// `claimsAndScopeOverrideDetails`: claims of both tokens (any JSON
/// value), the access token's scopes, and the groups of both tokens.
fn read_v2(details: &Map<String, Value>) -> Result<TokenChanges> {
    let mut changes = TokenChanges {
        groups: group_override(details)?,
        ..Default::default()
    };
    if let Some(id) = object(details, "idTokenGeneration")? {
        changes.id = claim_changes(id, false)?;
    }
    if let Some(access) = object(details, "accessTokenGeneration")? {
        changes.access = claim_changes(access, false)?;
        changes.scopes_to_add = scopes(access, "scopesToAdd")?;
        changes.scopes_to_suppress = scopes(access, "scopesToSuppress")?;
    }
    Ok(changes)
}

fn claim_changes(m: &Map<String, Value>, strings_only: bool) -> Result<ClaimChanges> {
    let add = object(m, "claimsToAddOrOverride")?
        .cloned()
        .unwrap_or_default();
    if strings_only && add.values().any(|v| !v.is_string()) {
        return Err(unrecognizable());
    }
    Ok(ClaimChanges {
        add,
        suppress: strings(m, "claimsToSuppress")?,
    })
}

/// `groupOverrideDetails`: absent or null leaves the groups; an object
/// replaces them, so `{}` removes them ("If you provide an empty or null
/// object in the response, then the groups are suppressed"; a JSON null
/// cannot be told from an absent member).
fn group_override(m: &Map<String, Value>) -> Result<Option<GroupClaims>> {
    let Some(g) = object(m, "groupOverrideDetails")? else {
        return Ok(None);
    };
    Ok(Some(GroupClaims {
        groups: strings(g, "groupsToOverride")?,
        roles: strings(g, "iamRolesToOverride")?,
        preferred_role: text(g, "preferredRole")?.map(str::to_owned),
    }))
}

/// Scopes are single words: a value with a space is not a scope.
fn scopes(m: &Map<String, Value>, name: &str) -> Result<Vec<String>> {
    let list = strings(m, name)?;
    if list
        .iter()
        .any(|s| s.is_empty() || s.contains(char::is_whitespace))
    {
        return Err(unrecognizable());
    }
    Ok(list)
}

/// An object member: absent or null is None.
fn object<'a>(m: &'a Map<String, Value>, name: &str) -> Result<Option<&'a Map<String, Value>>> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(unrecognizable()),
    }
}

/// A list of strings: absent or null is empty.
fn strings(m: &Map<String, Value>, name: &str) -> Result<Vec<String>> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(unrecognizable))
            .collect(),
        Some(_) => Err(unrecognizable()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn v1_reads_id_claims_and_groups() {
        let c = read_v1(&map(json!({
            "claimsToAddOrOverride": {"plan": "gold"},
            "claimsToSuppress": ["email"],
            "groupOverrideDetails": {"groupsToOverride": ["x"], "preferredRole": null},
        })))
        .unwrap();
        assert_eq!(c.id.add, map(json!({"plan": "gold"})));
        assert_eq!(c.id.suppress, vec!["email"]);
        assert_eq!(c.access, ClaimChanges::default());
        let groups = c.groups.unwrap();
        assert_eq!(groups.groups, vec!["x"]);
        assert!(groups.roles.is_empty() && groups.preferred_role.is_none());
        // V1 values are strings; no override leaves the groups.
        assert!(read_v1(&map(json!({"claimsToAddOrOverride": {"n": 1}}))).is_err());
        assert_eq!(read_v1(&map(json!({}))).unwrap(), TokenChanges::default());
    }

    #[test]
    fn v2_reads_both_tokens_and_scopes() {
        let c = read_v2(&map(json!({
            "idTokenGeneration": {"claimsToAddOrOverride": {"n": 1, "o": {"a": [true]}}},
            "accessTokenGeneration": {
                "claimsToSuppress": ["x"], "scopesToAdd": ["a/b"], "scopesToSuppress": ["c"]
            },
            "groupOverrideDetails": {},
        })))
        .unwrap();
        assert_eq!(c.id.add["o"], json!({"a": [true]}));
        assert_eq!(c.access.suppress, vec!["x"]);
        assert_eq!(c.scopes_to_add, vec!["a/b"]);
        assert_eq!(c.scopes_to_suppress, vec!["c"]);
        assert_eq!(c.groups, Some(GroupClaims::default()));
    }

    #[test]
    fn malformed_answers_are_unrecognizable() {
        for bad in [
            json!({"idTokenGeneration": []}),
            json!({"idTokenGeneration": {"claimsToSuppress": "email"}}),
            json!({"idTokenGeneration": {"claimsToSuppress": [1]}}),
            json!({"accessTokenGeneration": {"scopesToAdd": ["a b"]}}),
            json!({"groupOverrideDetails": {"groupsToOverride": "admins"}}),
            json!({"groupOverrideDetails": {"preferredRole": 7}}),
        ] {
            let e = read_v2(&map(bad.clone())).unwrap_err();
            assert_eq!(e.message, "Unrecognizable lambda output", "{bad}");
        }
    }
}
