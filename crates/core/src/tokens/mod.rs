//! Tokens: the RS256 JWTs Cognito issues (ID and access tokens), the per-pool
//! signing keys and their rotation, verification of access tokens for the
//! operations that take one, and opaque refresh tokens.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html>
//!
//! The pure parts (`rsa`, `jwt`, claim building and checking) are testable on
//! their own; the `Service` methods add the store (keys, revocations) on top.

mod customize;
mod issue;
mod keyring;
mod refresh;
mod verify;

pub use crate::signing::{
    KeyCache, PoolKeys, RETIRED_KEY_RETENTION_MS, TokenUse, jwt, new_key_record, rsa,
};
pub use customize::{ClaimChanges, TokenChanges};
pub use issue::{
    GroupClaims, IssuedTokens, SignIn, TokenInput, access_claims, access_validity_s, at_hash,
    id_claims, issue_customized, issue_with_keys,
};
pub use refresh::{new_refresh_token, refresh_token_hash};
pub(crate) use verify::revoked;
pub use verify::{AccessClaims, check_access_token};

pub use crate::scopes::ADMIN_SCOPE;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_claims;
#[cfg(test)]
mod tests_verify;
