//! Refresh tokens: opaque random strings, stored only as SHA-256 hashes so a
//! copy of the database cannot be replayed.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html>

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;

use crate::crypto::{random_bytes, sha256};

/// The protected header of Cognito's refresh tokens, which are JWEs
/// (`RSA-OAEP`, `A256GCM`); kognit's are opaque but keep the same shape, so
/// code that logs or size-checks them sees what it would see with Cognito.
const JWE_HEADER: &str = r#"{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}"#;

/// A new refresh token and the hash to store for it. The token is a five-part
/// JWE-shaped string whose parts after the header are random (3,000+ bits);
/// nothing in it is meaningful, the stored hash is the only link to the session.
pub fn new_refresh_token() -> (String, Vec<u8>) {
    // Part sizes of a JWE with a 2048-bit RSA-OAEP key: encrypted key,
    // 96-bit IV, ciphertext, 128-bit tag.
    let parts = [256, 12, 48, 16].map(|n| B64URL.encode(random_bytes(n)));
    let token = format!("{}.{}", B64URL.encode(JWE_HEADER), parts.join("."));
    let hash = refresh_token_hash(&token);
    (token, hash)
}

/// The stored form of a refresh token: its SHA-256.
pub fn refresh_token_hash(token: &str) -> Vec<u8> {
    sha256(token.as_bytes()).to_vec()
}
