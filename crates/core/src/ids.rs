//! Identifiers shaped like Cognito's.

use crate::crypto::random_string;

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A user pool id: `<region>_<9 alphanumerics>`, e.g. `us-east-1_AbC123xYz`.
pub fn pool_id(region: &str) -> String {
    format!("{region}_{}", random_string(9, ALNUM))
}

/// An app client id: 26 lowercase alphanumerics.
pub fn client_id() -> String {
    random_string(26, LOWER_ALNUM)
}

/// An app client secret: 51 lowercase alphanumerics.
pub fn client_secret() -> String {
    random_string(51, LOWER_ALNUM)
}

/// The id of one client secret (Cognito's `ClientSecretId`).
pub fn client_secret_id(client_id: &str) -> String {
    format!("{client_id}--{}", random_string(12, LOWER_ALNUM))
}

/// An access key id in AWS's shape: `AKIA` and 16 upper-case alphanumerics.
pub fn access_key_id() -> String {
    format!("AKIA{}", random_string(16, UPPER_ALNUM))
}

/// A secret access key: 40 characters of AWS's alphabet.
pub fn secret_access_key() -> String {
    random_string(40, ALNUM)
}

/// A device key: `<region>_<uuid>`, as Cognito's (pattern `[\w-]+_[0-9a-f-]+`).
pub fn device_key(region: &str) -> String {
    format!("{region}_{}", uuid::Uuid::new_v4())
}

/// A device group key shaped like Cognito's (`-` and 9 alphanumerics), drawn
/// from the bytes of `seed` (at least 9 of them).
pub fn device_group_key(seed: &[u8]) -> String {
    let chars = seed
        .iter()
        .take(9)
        .map(|b| ALNUM[usize::from(*b) % ALNUM.len()] as char);
    std::iter::once('-').chain(chars).collect()
}

/// A short reference code for log correlation of internal errors.
pub fn short_code() -> String {
    random_string(10, LOWER_ALNUM)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let p = pool_id("us-east-1");
        assert!(p.starts_with("us-east-1_") && p.len() == "us-east-1_".len() + 9);
        let c = client_id();
        assert!(
            c.len() == 26
                && c.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
        assert_eq!(client_secret().len(), 51);
        assert_eq!(access_key_id().len(), 20);
        let d = device_key("eu-west-1");
        let (region, id) = d.split_once('_').unwrap();
        assert_eq!(region, "eu-west-1");
        assert!(id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
        let g = device_group_key(&[0, 61, 62, 255, 1, 2, 3, 4, 5, 6]);
        assert_eq!(g, "-A9AHBCDEF");
    }
}
