//! What a PreTokenGeneration function may change in the tokens, and how each
//! change is applied to the claims `issue.rs` builds: one copy of each rule.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html>

use serde_json::{Map, Value};

use super::GroupClaims;

/// Claims Cognito writes itself and no function can add, override or
/// suppress. The developer guide's list ("You can not modify the following
/// claims": acr, amr, aud, at_hash, auth_time, azp, cognito:username, exp,
/// iat, identities, iss, jti, nbf, nonce, origin_jti, sub, token_use —
/// awsdocs/amazon-cognito-developer-guide,
/// doc_source/user-pool-lambda-pre-token-generation.md), plus the other
/// session claims kognit writes (`event_id`, and in the access token
/// `client_id`, `username`, `device_key`, `version`), and `scope`, which
/// changes only through `scopesToAdd`/`scopesToSuppress`. The guide says
/// these cannot be modified, not that asking is an error, so a request to
/// change one is ignored and the claim keeps Cognito's value. Every other
/// `cognito:` claim is Cognito's too; the group claims change only through
/// `groupOverrideDetails` ("For group related claims, use
/// groupOverrideDetails instead"), though they can be suppressed.
const RESERVED: &[&str] = &[
    "acr",
    "amr",
    "aud",
    "at_hash",
    "auth_time",
    "azp",
    "cognito:username",
    "exp",
    "iat",
    "identities",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "origin_jti",
    "sub",
    "token_use",
    "event_id",
    "client_id",
    "username",
    "device_key",
    "version",
    "scope",
];

/// The group claims, which `groupOverrideDetails` replaces and a function
/// may suppress.
const GROUP_CLAIMS: &[&str] = &["cognito:groups", "cognito:roles", "cognito:preferred_role"];

fn reserved(name: &str) -> bool {
    RESERVED.contains(&name) || name.starts_with("cognito:")
}

/// Changes to the claims of one token.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimChanges {
    /// `claimsToAddOrOverride`.
    pub add: Map<String, Value>,
    /// `claimsToSuppress` (wins over `add`).
    pub suppress: Vec<String>,
}

impl ClaimChanges {
    /// Adds, overrides, then suppresses, leaving Cognito's own claims alone.
    fn apply(&self, claims: &mut Map<String, Value>) {
        for (name, value) in &self.add {
            if !reserved(name) {
                claims.insert(name.clone(), value.clone());
            }
        }
        for name in &self.suppress {
            if !reserved(name) || GROUP_CLAIMS.contains(&name.as_str()) {
                claims.remove(name);
            }
        }
    }
}

/// What a PreTokenGeneration function changed; the default changes nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenChanges {
    /// The ID token's claims (V1 changes only these).
    pub id: ClaimChanges,
    /// The access token's claims (V2 and V3).
    pub access: ClaimChanges,
    /// `scopesToAdd` (V2 and V3).
    pub scopes_to_add: Vec<String>,
    /// `scopesToSuppress` (V2 and V3; wins over `scopes_to_add`).
    pub scopes_to_suppress: Vec<String>,
    /// `groupOverrideDetails`: the group claims of both tokens, replaced.
    pub groups: Option<GroupClaims>,
}

impl TokenChanges {
    /// The group claims the tokens carry: the override, else the user's.
    pub fn groups<'a>(&'a self, user_groups: &'a GroupClaims) -> &'a GroupClaims {
        self.groups.as_ref().unwrap_or(user_groups)
    }

    /// Applies the changes to the ID token's claims.
    pub fn apply_id(&self, claims: &mut Map<String, Value>) {
        self.id.apply(claims);
    }

    /// Applies the changes to the access token's claims and its `scope`
    /// (left out when every scope is suppressed).
    pub fn apply_access(&self, claims: &mut Map<String, Value>) {
        self.access.apply(claims);
        if self.scopes_to_add.is_empty() && self.scopes_to_suppress.is_empty() {
            return;
        }
        let current = claims.get("scope").and_then(Value::as_str).unwrap_or("");
        let mut scopes: Vec<&str> = current.split_whitespace().collect();
        for add in &self.scopes_to_add {
            if !scopes.contains(&add.as_str()) {
                scopes.push(add);
            }
        }
        scopes.retain(|s| !self.scopes_to_suppress.iter().any(|x| x == s));
        let scope = scopes.join(" ");
        if scope.is_empty() {
            claims.remove("scope");
        } else {
            claims.insert("scope".into(), Value::String(scope));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn suppress_wins_and_reserved_claims_stay() {
        let changes = ClaimChanges {
            add: map(json!({"plan": "gold", "sub": "x", "cognito:username": "y", "both": 1})),
            suppress: vec![
                "both".into(),
                "email".into(),
                "iss".into(),
                "cognito:groups".into(),
            ],
        };
        let mut c = map(json!({
            "sub": "s", "iss": "i", "email": "e", "cognito:username": "u", "cognito:groups": ["g"]
        }));
        changes.apply(&mut c);
        assert_eq!(
            Value::Object(c),
            json!({"sub": "s", "iss": "i", "cognito:username": "u", "plan": "gold"})
        );
    }

    #[test]
    fn scopes_added_and_suppressed() {
        let changes = TokenChanges {
            scopes_to_add: vec!["a/read".into(), "b".into(), "a/read".into()],
            scopes_to_suppress: vec!["b".into(), "aws.cognito.signin.user.admin".into()],
            ..Default::default()
        };
        let mut c = map(json!({"scope": "aws.cognito.signin.user.admin"}));
        changes.apply_access(&mut c);
        assert_eq!(c["scope"], "a/read");
        let none = TokenChanges {
            scopes_to_suppress: vec!["a/read".into()],
            ..Default::default()
        };
        none.apply_access(&mut c);
        assert!(!c.contains_key("scope"));
    }
}
