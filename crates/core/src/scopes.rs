//! OAuth 2.0 scopes: the standard ones every pool has, custom ones from
//! resource servers (`<identifier>/<name>`), and what the OIDC scopes let
//! the ID token and the userInfo endpoint say about the user.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html>

use serde_json::{Map, Value};

/// `openid`: the ID token, `sub`, and the other OIDC scopes.
pub const OPENID: &str = "openid";
/// `email`: `email` and `email_verified`.
pub const EMAIL: &str = "email";
/// `phone`: `phone_number` and `phone_number_verified`.
pub const PHONE: &str = "phone";
/// `profile`: every attribute the client may read.
pub const PROFILE: &str = "profile";
/// The scope of tokens from API sign-in (InitiateAuth and friends), required
/// by the operations that take an access token (GetUser, ChangePassword, …).
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html>
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// Scopes every pool has without a resource server.
pub const STANDARD: &[&str] = &[PHONE, EMAIL, OPENID, PROFILE, ADMIN_SCOPE];

/// Whether this is one of the standard scopes.
pub fn is_standard(scope: &str) -> bool {
    STANDARD.contains(&scope)
}

/// The scopes of a request's `scope` parameter (space-separated), each once,
/// in the order given.
pub fn parse(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in text.split_whitespace() {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    out
}

/// Whether a space-separated scope list holds `scope`.
pub fn has(scopes: &str, scope: &str) -> bool {
    scopes.split_whitespace().any(|s| s == scope)
}

/// Keeps the user-attribute claims the OIDC scopes of `scopes` allow. With
/// `openid` alone (or with `profile`) every attribute the client may read
/// stays; with `email` or `phone` but not `profile`, only theirs, as Cognito
/// limits the ID token and the userInfo answer to the constraints of the
/// further scopes. `sub` is not an attribute here (the caller adds it).
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html#cognito-user-pools-define-resource-servers-about-scopes>
pub fn retain_claims(claims: &mut Map<String, Value>, scopes: &str) {
    if has(scopes, PROFILE) {
        return;
    }
    let email = has(scopes, EMAIL);
    let phone = has(scopes, PHONE);
    if !email && !phone {
        return;
    }
    claims.retain(|name, _| match name.as_str() {
        "email" | "email_verified" => email,
        "phone_number" | "phone_number_verified" => phone,
        _ => false,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attrs() -> Map<String, Value> {
        json!({"email": "a@example.com", "email_verified": true, "phone_number": "+15555550100",
               "phone_number_verified": false, "name": "A", "custom:tier": "gold"})
        .as_object()
        .cloned()
        .unwrap_or_default()
    }

    fn kept(scopes: &str) -> Vec<String> {
        let mut c = attrs();
        retain_claims(&mut c, scopes);
        c.keys().cloned().collect()
    }

    #[test]
    fn oidc_scopes_limit_the_attributes() {
        assert_eq!(kept("openid").len(), 6);
        assert_eq!(kept("openid profile email").len(), 6);
        assert_eq!(kept("openid email"), ["email", "email_verified"]);
        assert_eq!(
            kept("openid phone"),
            ["phone_number", "phone_number_verified"]
        );
        assert_eq!(kept("openid email phone").len(), 4);
    }

    #[test]
    fn parse_keeps_order_and_drops_repeats() {
        assert_eq!(parse(" openid  email openid "), ["openid", "email"]);
        assert!(parse("").is_empty());
        assert!(has("openid email", "email"));
        assert!(!has("openid emails", "email"));
    }
}
