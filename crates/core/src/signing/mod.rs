//! The pure half of token signing: RSA keys, JWT encoding, a pool's key set
//! and the per-node cache of key sets that `Service` holds. Nothing here
//! touches the store or the service; `tokens` builds on it.

mod cache;
pub mod jwt;
pub(crate) mod keys;
pub mod rsa;

pub use cache::KeyCache;
pub use keys::{PoolKeys, new_key_record};

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
