//! Verification of AWS Signature Version 4 on incoming requests, and signing of
//! the requests kognit itself sends to AWS (the Lambda Invoke API, [`sign`]).
//!
//! Clients sign each call with the header form
//! `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/cognito-idp/aws4_request,
//! SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=<hex>`, as described in
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>.
//! The query-string (presigned) form is not supported.
//!
//! Verification comes in two steps so that the caller can look the access key up
//! asynchronously in between: [`parse`] checks everything that needs no secret and yields
//! the access key id, then [`ParsedAuth::check`] recomputes the signature with the secret.
//! [`verify`] chains both for callers with a synchronous lookup.
//!
//! Failures are reported in the order AWS's own front end reports them (missing header,
//! incomplete header, date format and clock skew, host not signed, algorithm, credential
//! format, credential scope, unknown key, signature), with the same error names and texts;
//! see [`SigError::code`] and [`SigError::message`].
//!
//! The canonical request matches what the AWS SDKs (`aws-sigv4` with default settings)
//! compute for non-S3 services: the path is normalized (dot segments and empty segments
//! removed) and percent-encoded once more on top of its wire encoding, query parameters are
//! decoded then re-encoded and sorted, and the payload hash is always that of the body.

use aws_lc_rs::{constant_time, digest, hmac};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

#[path = "sigv4_sign.rs"]
mod sign;
pub use sign::{Credentials, sign};

/// The only signing algorithm accepted.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The last element of every SigV4 credential scope.
const TERMINATOR: &str = "aws4_request";

/// ISO-8601 basic format, `YYYYMMDD'T'HHMMSS'Z'`, as SigV4 writes dates.
const BASIC: &[BorrowedFormatItem<'_>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// The clock skew AWS tolerates between a request's date and the server's clock.
pub const DEFAULT_MAX_SKEW: time::Duration = time::Duration::minutes(5);

/// What the verifier needs from a request, independent of any HTTP library.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The HTTP method, e.g. `"POST"`.
    pub method: &'a str,
    /// The raw path as received (still percent-encoded), e.g. `"/"`.
    pub path: &'a str,
    /// The raw query string without the leading `'?'`, if any.
    pub query: Option<&'a str>,
    /// Every header as received: names in any case, values untouched; a name may repeat.
    /// Over HTTP/2 the caller must add `host` from the request's authority, since clients
    /// sign `host` but HTTP/2 carries it as the `:authority` pseudo-header.
    pub headers: &'a [(String, String)],
    /// The complete request body.
    pub body: &'a [u8],
}

/// What the server expects of a signature: its scope and how fresh it must be.
#[derive(Debug, Clone, Copy)]
pub struct Expectation<'a> {
    /// The region the credential must be scoped to, e.g. `"us-east-1"`.
    pub region: &'a str,
    /// The service the credential must be scoped to, e.g. `"cognito-idp"`.
    pub service: &'a str,
    /// The server's current time.
    pub now: OffsetDateTime,
    /// How far the request's date may be from `now`, either way (AWS: [`DEFAULT_MAX_SKEW`]).
    pub max_skew: time::Duration,
}

/// Why a request's signature was refused; each variant maps to AWS's error name and text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}", self.code(), self.message())]
pub enum SigError {
    /// No SigV4 `Authorization` header at all.
    Missing,
    /// A malformed `Authorization` header or request date; holds AWS's message.
    Incomplete(String),
    /// The request date is too far from the server's clock; holds AWS's message.
    Expired(String),
    /// `host` is not among the signed headers.
    HostNotSigned,
    /// The credential scope names another region, service, terminator or date; holds AWS's message.
    WrongScope(String),
    /// The access key id is not known.
    UnknownKey,
    /// The signature differs from the one computed with the key's secret.
    Mismatch,
}

impl SigError {
    /// The AWS error name (the `__type` of an AWS JSON error body).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "MissingAuthenticationTokenException",
            Self::Incomplete(_) => "IncompleteSignatureException",
            Self::UnknownKey => "UnrecognizedClientException",
            Self::Expired(_) | Self::HostNotSigned | Self::WrongScope(_) | Self::Mismatch => {
                "InvalidSignatureException"
            }
        }
    }

    /// The message AWS sends with the error.
    pub fn message(&self) -> String {
        match self {
            Self::Missing => "Missing Authentication Token".to_owned(),
            Self::Incomplete(m) | Self::Expired(m) | Self::WrongScope(m) => m.clone(),
            Self::HostNotSigned => {
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
                    .to_owned()
            }
            Self::UnknownKey => "The security token included in the request is invalid.".to_owned(),
            Self::Mismatch => "The request signature we calculated does not match the signature \
                you provided. Check your AWS Secret Access Key and signing method. Consult the \
                service documentation for details."
                .to_owned(),
        }
    }
}

/// A well-formed, fresh and correctly scoped `Authorization` header, not yet checked
/// against a secret. Obtained from [`parse`].
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedAuth {
    key_id: String,
    session_token: Option<String>,
    /// The request date in ISO-8601 basic format, as it enters the string to sign.
    amz_date: String,
    scope_date: String,
    region: String,
    service: String,
    /// Signed header names, lowercased, in the order the client listed them.
    signed_headers: Vec<String>,
    signature: String,
}

impl std::fmt::Debug for ParsedAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedAuth")
            .field("key_id", &self.key_id)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("amz_date", &self.amz_date)
            .field("scope", &self.scope())
            .field("signed_headers", &self.signed_headers)
            .finish_non_exhaustive()
    }
}

impl ParsedAuth {
    /// The access key id named in the credential, to look the secret up with.
    pub fn access_key_id(&self) -> &str {
        &self.key_id
    }

    /// The `X-Amz-Security-Token` header, if the client sent session credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// Recomputes the signature of `req` (the request [`parse`] was given) with `secret`
    /// and compares it with the client's in constant time.
    pub fn check(&self, req: &SignedRequest<'_>, secret: &str) -> Result<(), SigError> {
        let given = hex::decode(&self.signature).map_err(|_| SigError::Mismatch)?;
        let expected = self.expected_signature(req, secret);
        constant_time::verify_slices_are_equal(expected.as_ref(), &given)
            .map_err(|_| SigError::Mismatch)
    }

    /// The signature of `req` under this header's date, scope and signed headers.
    fn expected_signature(&self, req: &SignedRequest<'_>, secret: &str) -> hmac::Tag {
        let creq = canonical_request(req, &self.signed_headers);
        let to_sign = format!(
            "{ALGORITHM}\n{}\n{}\n{}",
            self.amz_date,
            self.scope(),
            hex::encode(digest::digest(&digest::SHA256, creq.as_bytes()))
        );
        let mut key = hmac_sha256(
            format!("AWS4{secret}").as_bytes(),
            self.scope_date.as_bytes(),
        );
        for part in [&self.region, &self.service, TERMINATOR] {
            key = hmac_sha256(key.as_ref(), part.as_bytes());
        }
        hmac_sha256(key.as_ref(), to_sign.as_bytes())
    }

    fn scope(&self) -> String {
        format!(
            "{}/{}/{}/{TERMINATOR}",
            self.scope_date, self.region, self.service
        )
    }
}

/// Verifies `req` in one go: [`parse`], look the key up with `secret_for`, then
/// [`ParsedAuth::check`]. Returns the access key id on success.
pub fn verify(
    req: &SignedRequest<'_>,
    exp: &Expectation<'_>,
    secret_for: impl FnOnce(&str) -> Option<String>,
) -> Result<String, SigError> {
    let auth = parse(req, exp)?;
    let secret = secret_for(&auth.key_id).ok_or(SigError::UnknownKey)?;
    auth.check(req, &secret)?;
    Ok(auth.key_id)
}

/// Checks everything about a request's signature that needs no secret: the header's shape,
/// the request date and its freshness, that `host` is signed, the algorithm, and the
/// credential scope against `exp`. The access key is looked up afterwards, as AWS does.
pub fn parse(req: &SignedRequest<'_>, exp: &Expectation<'_>) -> Result<ParsedAuth, SigError> {
    let raw = header(req, "authorization").ok_or(SigError::Missing)?;
    let auth = raw.trim();
    if !auth.starts_with("AWS4-") {
        return Err(SigError::Missing);
    }
    let (algorithm, params) = auth
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((auth, ""));

    let (mut credential, mut signature, mut signed_headers) = (None, None, None);
    // AWS accepts commas, whitespace or both between parameters; the last of a name wins.
    for item in params.split(|c: char| c == ',' || c.is_ascii_whitespace()) {
        if item.is_empty() {
            continue;
        }
        let Some((name, value)) = item.split_once('=') else {
            return Err(SigError::Incomplete(format!(
                "'{item}' not a valid key=value pair (missing equal-sign) in Authorization \
                 header: '{auth}'."
            )));
        };
        match name {
            "Credential" => credential = Some(value).filter(|v| !v.is_empty()),
            "Signature" => signature = Some(value).filter(|v| !v.is_empty()),
            "SignedHeaders" => signed_headers = Some(value),
            _ => {}
        }
    }
    let date = header(req, "x-amz-date").or_else(|| header(req, "date"));
    let (Some(credential), Some(signature), Some(signed_headers), Some(date)) =
        (credential, signature, signed_headers, date)
    else {
        let mut msg = String::new();
        let params = [
            ("Credential", credential),
            ("Signature", signature),
            ("SignedHeaders", signed_headers),
        ];
        for (name, value) in params {
            if value.is_none() {
                msg.push_str(&format!(
                    "Authorization header requires '{name}' parameter. "
                ));
            }
        }
        if date.is_none() {
            msg.push_str(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' \
                 header. ",
            );
        }
        return Err(SigError::Incomplete(format!("{msg}Authorization={raw}")));
    };

    let when = parse_date(date).ok_or_else(|| {
        SigError::Incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{date}'. See \
                 http://en.wikipedia.org/wiki/ISO_8601"
        ))
    })?;
    let amz_date = basic(when);
    check_skew(when, &amz_date, exp)?;

    let signed_headers: Vec<String> = signed_headers
        .split(';')
        .map(str::to_ascii_lowercase)
        .collect();
    if !signed_headers
        .iter()
        .any(|h| h == "host" || h == ":authority")
    {
        return Err(SigError::HostNotSigned);
    }
    if algorithm != ALGORITHM {
        return Err(SigError::Incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}' (only {ALGORITHM} for now). "
        )));
    }

    // Trailing slashes are ignored, as AWS does.
    let parts: Vec<&str> = credential.trim_end_matches('/').split('/').collect();
    let [key_id, scope_date, region, service, terminator] = parts[..] else {
        return Err(SigError::Incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. \
             keyid/date/region/service/term, got '{credential}'"
        )));
    };
    // AWS lists every scope problem at once, each sentence followed by a space.
    let mut wrong = String::new();
    if region != exp.region {
        wrong.push_str(&format!(
            "Credential should be scoped to a valid region, not '{region}'. "
        ));
    }
    if service != exp.service {
        wrong.push_str(&format!(
            "Credential should be scoped to correct service: '{}'. ",
            exp.service
        ));
    }
    if terminator != TERMINATOR {
        wrong.push_str(&format!(
            "Credential should be scoped with a valid terminator: '{TERMINATOR}', not \
             '{terminator}'. "
        ));
    }
    let day = amz_date.get(..8).unwrap_or_default();
    if scope_date != day {
        wrong.push_str(&format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
             from HTTP: '{scope_date}' != '{day}', from '{amz_date}'."
        ));
    }
    if !wrong.is_empty() {
        return Err(SigError::WrongScope(wrong));
    }

    Ok(ParsedAuth {
        key_id: key_id.to_owned(),
        session_token: header(req, "x-amz-security-token").map(str::to_owned),
        amz_date,
        scope_date: scope_date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers,
        signature: signature.to_owned(),
    })
}

/// Refuses a request date more than `exp.max_skew` away from `exp.now`.
fn check_skew(when: OffsetDateTime, amz_date: &str, exp: &Expectation<'_>) -> Result<(), SigError> {
    let now = basic(exp.now);
    let secs = exp.max_skew.whole_seconds();
    let skew = if secs % 60 == 0 {
        format!("{} min.", secs / 60)
    } else {
        format!("{secs} sec.")
    };
    if let Some(earliest) = exp.now.checked_sub(exp.max_skew)
        && when < earliest
    {
        let earliest = basic(earliest);
        return Err(SigError::Expired(format!(
            "Signature expired: {amz_date} is now earlier than {earliest} ({now} - {skew})"
        )));
    }
    if let Some(latest) = exp.now.checked_add(exp.max_skew)
        && when > latest
    {
        let latest = basic(latest);
        return Err(SigError::Expired(format!(
            "Signature not yet current: {amz_date} is still later than {latest} ({now} + {skew})"
        )));
    }
    Ok(())
}

/// The first value of a header, looked up case-insensitively.
fn header<'r>(req: &SignedRequest<'r>, name: &str) -> Option<&'r str> {
    req.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> hmac::Tag {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data)
}

/// The canonical request of `req` for the given (lowercased) signed header names.
fn canonical_request(req: &SignedRequest<'_>, signed_headers: &[String]) -> String {
    let mut out = format!(
        "{}\n{}\n{}\n",
        req.method,
        canonical_uri(req.path),
        canonical_query(req.query.unwrap_or_default())
    );
    for name in signed_headers {
        let values: Vec<String> = req
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| normalize_value(v))
            .collect();
        // A signed header the request lacks contributes no line, as in AWS's canonicalizer.
        if !values.is_empty() {
            out.push_str(&format!("{name}:{}\n", values.join(",")));
        }
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(&hex::encode(digest::digest(&digest::SHA256, req.body)));
    out
}

/// A header value with surrounding whitespace trimmed and runs of spaces collapsed.
fn normalize_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.trim_matches([' ', '\t']).chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

/// The canonical URI: the normalized raw path, percent-encoded once more (so the wire's
/// `%3D` becomes `%253D`), `/` left as is.
fn canonical_uri(path: &str) -> String {
    uri_encode(&normalize_path(path), true)
}

/// Removes dot segments and empty segments (RFC 3986 §5.2.4), keeping a trailing slash.
fn normalize_path(path: &str) -> String {
    let path = format!("/{}", path.strip_prefix('/').unwrap_or(path));
    if !path.contains('.') && !path.contains("//") {
        return path;
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = format!("/{}", segments.join("/"));
    let trailing = ["/", "/.", "/./", "/..", "/../"]
        .iter()
        .any(|end| path.ends_with(end));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// The canonical query: parameters decoded as a form, re-encoded, sorted by key then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode(&form_decode(k), false),
                uri_encode(&form_decode(v), false),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes every byte outside RFC 3986's unreserved set (and `/` if asked to).
pub fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, malformed escapes
/// stay literal, invalid UTF-8 becomes U+FFFD.
fn form_decode(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s.as_bytes();
    while let [b, tail @ ..] = rest {
        rest = tail;
        match (*b, tail) {
            (b'%', [h, l, more @ ..]) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                out.push(nibble(*h) << 4 | nibble(*l));
                rest = more;
            }
            (b'+', _) => out.push(b' '),
            (b, _) => out.push(b),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of one hexadecimal digit (0 for anything else).
fn nibble(c: u8) -> u8 {
    char::from(c)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
        .unwrap_or(0)
}

/// Parses a request date: ISO-8601 basic format, or an RFC 1123 HTTP date such as
/// `Sun, 30 Aug 2015 12:36:00 GMT` (what a `Date` header carries).
fn parse_date(s: &str) -> Option<OffsetDateTime> {
    let http = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    PrimitiveDateTime::parse(s, BASIC)
        .or_else(|_| PrimitiveDateTime::parse(s, http))
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// Formats a time in UTC as ISO-8601 basic format.
fn basic(t: OffsetDateTime) -> String {
    let t = t.checked_to_offset(UtcOffset::UTC).unwrap_or(t);
    t.format(BASIC).unwrap_or_default()
}

#[cfg(test)]
#[path = "sigv4_tests.rs"]
mod tests;
