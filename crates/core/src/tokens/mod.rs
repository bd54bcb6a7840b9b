//! Tokens: the RS256 JWTs Cognito issues (ID and access tokens), the per-pool
//! signing keys and their rotation, verification of access tokens for the
//! operations that take one, and opaque refresh tokens.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html>
//!
//! The pure parts (`rsa`, `jwt`, claim building and checking) are testable on
//! their own; the `Service` methods add the store (keys, revocations) on top.

mod issue;
pub mod jwt;
mod keyring;
mod keys;
mod refresh;
pub mod rsa;
mod verify;

pub use issue::{GroupClaims, IssuedTokens, SignIn, access_claims, id_claims, issue_with_keys};
pub use keyring::KeyCache;
pub use keys::{PoolKeys, new_key_record};
pub use refresh::{new_refresh_token, refresh_token_hash};
pub(crate) use verify::revoked;
pub use verify::{AccessClaims, check_access_token};

/// The scope of tokens from API sign-in (InitiateAuth and friends), required
/// by the operations that take an access token (GetUser, ChangePassword, …).
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html>
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// How long a retired signing key still verifies and stays in the JWKS: the
/// longest ID/access token lifetime (1 day) plus the key cache's lifetime, so
/// a token signed by a node that had not yet seen a rotation still verifies
/// until it expires.
pub const RETIRED_KEY_RETENTION_MS: i64 = 86_400_000 + 5 * 60_000;

/// The two kinds of tokens, each signed with its own key: Cognito's ID and
/// access tokens carry different `kid`s.
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html>
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenUse {
    /// The ID token (`token_use: "id"`).
    Id,
    /// The access token (`token_use: "access"`).
    Access,
}

impl TokenUse {
    /// Both kinds.
    pub const ALL: [TokenUse; 2] = [TokenUse::Id, TokenUse::Access];

    /// The `token_use` claim value, also stored with each key.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenUse::Id => "id",
            TokenUse::Access => "access",
        }
    }

    /// Parses a `token_use` value.
    pub fn parse(s: &str) -> Option<TokenUse> {
        match s {
            "id" => Some(TokenUse::Id),
            "access" => Some(TokenUse::Access),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_claims;
#[cfg(test)]
mod tests_verify;
