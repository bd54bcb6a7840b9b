//! The `NextToken`/`PaginationToken` of the list operations: the key of the
//! last row of a page, base64url-encoded, so the next page starts after it.
//! A leaf every listing imports.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;

use crate::{Error, Result};

/// The token that continues a listing after the row with this key.
pub(crate) fn encode(key: &str) -> String {
    B64URL.encode(key.as_bytes())
}

/// The key a token made by [`encode`] holds; Cognito's error for any other.
pub(crate) fn decode(token: &str) -> Result<String> {
    B64URL
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| Error::invalid_parameter("Invalid pagination token."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusal() {
        assert_eq!(decode(&encode("g/é|1")).unwrap(), "g/é|1");
        assert!(decode("not base64!").is_err());
    }
}
