//! Signing of the requests kognit itself sends to AWS (the Lambda Invoke
//! API), with the canonical request and key derivation of the verifier.

use time::OffsetDateTime;

use super::{ALGORITHM, ParsedAuth, SignedRequest, basic};

/// The credentials kognit signs its own AWS calls with.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token of temporary credentials.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// Signs `req` as the AWS SDKs do for a non-S3 service: every header of
/// `req` (which must include `host`) is signed, with the `x-amz-date` (and
/// `x-amz-security-token`) this adds. Returns the headers to send besides
/// those of `req`: `x-amz-date`, the session token if any, and
/// `authorization`. [`verify`] accepts what this makes.
pub fn sign(
    req: &SignedRequest<'_>,
    credentials: &Credentials,
    region: &str,
    service: &str,
    when: OffsetDateTime,
) -> Vec<(String, String)> {
    let amz_date = basic(when);
    let mut added = vec![("x-amz-date".to_owned(), amz_date.clone())];
    if let Some(token) = &credentials.session_token {
        added.push(("x-amz-security-token".to_owned(), token.clone()));
    }
    let mut headers: Vec<(String, String)> = req.headers.to_vec();
    headers.extend(added.iter().cloned());
    let mut signed_headers: Vec<String> = headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    signed_headers.sort();
    signed_headers.dedup();
    let auth = ParsedAuth {
        key_id: credentials.access_key_id.clone(),
        session_token: credentials.session_token.clone(),
        scope_date: amz_date.get(..8).unwrap_or_default().to_owned(),
        amz_date,
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers,
        signature: String::new(),
    };
    let full = SignedRequest {
        headers: &headers,
        ..*req
    };
    let signature = auth.expected_signature(&full, &credentials.secret_access_key);
    added.push((
        "authorization".to_owned(),
        format!(
            "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={}",
            auth.key_id,
            auth.scope(),
            auth.signed_headers.join(";"),
            hex::encode(signature.as_ref())
        ),
    ));
    added
}
