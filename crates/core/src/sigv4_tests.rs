//! Tests of the SigV4 verifier: AWS's published vectors, a cross-check against the
//! `aws-sigv4` signer the SDKs use, every error AWS reports, and fuzzing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use proptest::prelude::*;
use std::time::SystemTime;
use time::macros::datetime;

const SUITE_KEY: &str = "AKIDEXAMPLE";
const SUITE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SUITE_TIME: OffsetDateTime = datetime!(2015-08-30 12:36:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-11-26 12:00:00 UTC);
const HOST: &str = "cognito-idp.us-east-1.amazonaws.com";

/// An owned request, to build [`SignedRequest`]s from.
#[derive(Debug, Clone)]
struct Req {
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    fn view(&self) -> SignedRequest<'_> {
        SignedRequest {
            method: &self.method,
            path: &self.path,
            query: self.query.as_deref(),
            headers: &self.headers,
            body: &self.body,
        }
    }

    /// Replaces (or adds) a header.
    fn set(&mut self, name: &str, value: &str) -> &mut Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn without(&mut self, name: &str) -> &mut Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }
}

fn expect(
    region: &'static str,
    service: &'static str,
    now: OffsetDateTime,
) -> Expectation<'static> {
    Expectation {
        region,
        service,
        now,
        max_skew: DEFAULT_MAX_SKEW,
    }
}

fn lookup(key: &'static str, secret: &'static str) -> impl Fn(&str) -> Option<String> {
    move |k| (k == key).then(|| secret.to_owned())
}

/// Parses a raw HTTP/1.1 request as the test suite writes them.
fn parse_raw(text: &str) -> Req {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let line = lines.next().unwrap();
    let (method, rest) = line.split_once(' ').unwrap();
    let target = rest.strip_suffix(" HTTP/1.1").unwrap_or(rest);
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q.to_owned())),
        None => (target, None),
    };
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_owned(), v.to_owned())
        })
        .collect();
    Req {
        method: method.to_owned(),
        path: path.to_owned(),
        query,
        headers,
        body: body.as_bytes().to_vec(),
    }
}

/// Signs a request the way the AWS SDK for Rust does, returning all its headers.
#[allow(clippy::too_many_arguments)]
fn sdk_sign(
    key_id: &str,
    secret: &str,
    token: Option<&str>,
    at: OffsetDateTime,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Req {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let identity = aws_credential_types::Credentials::new(
        key_id,
        secret,
        token.map(str::to_owned),
        None,
        "test",
    )
    .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("cognito-idp")
        .time(SystemTime::from(at))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("https://{HOST}{target}");
    let signable = SignableRequest::new(
        method,
        url,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut all: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    all.extend(
        instructions
            .headers()
            .map(|(n, v)| (n.to_owned(), v.to_owned())),
    );
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q.to_owned())),
        None => (target, None),
    };
    Req {
        method: method.to_owned(),
        path: path.to_owned(),
        query,
        headers: all,
        body: body.to_vec(),
    }
}

/// A Cognito call signed by the SDK signer at [`NOW`] with key `AKIDKOGNIT`.
fn cognito_call(token: Option<&str>) -> Req {
    sdk_sign(
        "AKIDKOGNIT",
        "kognit-secret",
        token,
        NOW,
        "POST",
        "/",
        &[
            ("content-type", "application/x-amz-json-1.1"),
            (
                "x-amz-target",
                "AWSCognitoIdentityProviderService.ListUserPools",
            ),
            ("host", HOST),
            ("user-agent", "aws-sdk-rust/1.0"),
        ],
        br#"{"MaxResults":10}"#,
    )
}

fn cognito_verify(req: &Req, now: OffsetDateTime) -> Result<String, SigError> {
    verify(
        &req.view(),
        &expect("us-east-1", "cognito-idp", now),
        lookup("AKIDKOGNIT", "kognit-secret"),
    )
}

/// A request with the given `Authorization` header and date, everything else valid.
fn with_auth(auth: &str, date: &str) -> Req {
    let mut req = cognito_call(None);
    req.set("authorization", auth).set("x-amz-date", date);
    req
}

fn err_of(req: &Req, now: OffsetDateTime) -> SigError {
    cognito_verify(req, now).unwrap_err()
}

#[test]
fn get_vanilla_published_vector() {
    let mut req = Req {
        method: "GET".into(),
        path: "/".into(),
        query: None,
        headers: vec![],
        body: vec![],
    };
    req.set("Host", "example.amazonaws.com")
        .set("X-Amz-Date", "20150830T123600Z")
        .set(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        );
    let exp = expect("us-east-1", "service", SUITE_TIME);
    let auth = parse(&req.view(), &exp).unwrap();
    assert_eq!(auth.access_key_id(), SUITE_KEY);
    assert_eq!(auth.session_token(), None);
    assert_eq!(
        canonical_request(&req.view(), &auth.signed_headers),
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(auth.check(&req.view(), SUITE_SECRET), Ok(()));
    assert_eq!(
        verify(&req.view(), &exp, lookup(SUITE_KEY, SUITE_SECRET)),
        Ok(SUITE_KEY.into())
    );
    assert_eq!(
        auth.check(&req.view(), "another secret"),
        Err(SigError::Mismatch)
    );
}

#[test]
fn aws_signing_test_suite() {
    let exp = expect("us-east-1", "service", SUITE_TIME);
    for (name, text) in SUITE {
        let req = parse_raw(text);
        let got = verify(&req.view(), &exp, lookup(SUITE_KEY, SUITE_SECRET));
        assert_eq!(got, Ok(SUITE_KEY.to_owned()), "{name}");
        let mut tampered = req.clone();
        tampered.method.push('X');
        assert_eq!(
            verify(&tampered.view(), &exp, lookup(SUITE_KEY, SUITE_SECRET)),
            Err(SigError::Mismatch),
            "{name}"
        );
    }
}

#[test]
fn session_token_is_read_whether_signed_or_not() {
    let exp = expect("us-east-1", "service", SUITE_TIME);
    for (name, signed) in [
        ("post-sts-header-before", true),
        ("post-sts-header-after", false),
    ] {
        let (_, text) = SUITE.iter().find(|(n, _)| *n == name).unwrap();
        let req = parse_raw(text);
        let auth = parse(&req.view(), &exp).unwrap();
        assert!(auth.session_token().unwrap().starts_with("AQoDYXdzEPT//"));
        assert_eq!(
            auth.signed_headers
                .iter()
                .any(|h| h == "x-amz-security-token"),
            signed
        );
        assert_eq!(auth.check(&req.view(), SUITE_SECRET), Ok(()));
    }
}

#[test]
fn canonical_uri_is_double_encoded_like_the_sdks() {
    // `double-url-encode` from the AWS signing test suite (a Lambda invocation).
    let req = Req {
        method: "POST".into(),
        path: "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A892717189312%3Afunction%3Amy-rusty-fun/invocations".into(),
        query: None,
        headers: vec![
            ("Host".into(), "lambda.us-east-2.amazonaws.com".into()),
            ("X-Amz-Date".into(), "20210511T154045Z".into()),
        ],
        body: vec![],
    };
    let signed = ["host".to_owned(), "x-amz-date".to_owned()];
    assert_eq!(
        canonical_request(&req.view(), &signed),
        "POST\n/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-west-2%253A892717189312%253Afunction%253Amy-rusty-fun/invocations\n\n\
         host:lambda.us-east-2.amazonaws.com\nx-amz-date:20210511T154045Z\n\nhost;x-amz-date\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(normalize_path(""), "/");
    assert_eq!(normalize_path("a/b"), "/a/b");
    assert_eq!(normalize_path("/a/../../b/./c/."), "/b/c/");
    assert_eq!(normalize_path("/a//b/"), "/a/b/");
    assert_eq!(canonical_query("b=2&a=3&a=1&&c"), "a=1&a=3&b=2&c=");
    assert_eq!(
        canonical_query("k=a+b%2x%41%e2%82%ac"),
        "k=a%20b%252xA%E2%82%AC"
    );
}

#[test]
fn sdk_signed_cognito_calls_verify() {
    let req = cognito_call(None);
    assert_eq!(cognito_verify(&req, NOW), Ok("AKIDKOGNIT".to_owned()));
    let exp = expect("us-east-1", "cognito-idp", NOW);
    assert_eq!(parse(&req.view(), &exp).unwrap().session_token(), None);

    let req = cognito_call(Some("session/token+=="));
    assert_eq!(cognito_verify(&req, NOW), Ok("AKIDKOGNIT".to_owned()));
    let auth = parse(&req.view(), &exp).unwrap();
    assert_eq!(auth.session_token(), Some("session/token+=="));
    assert!(
        auth.signed_headers
            .contains(&"x-amz-security-token".to_owned())
    );

    // Headers in another case and order, and an unsigned header added by a proxy.
    let mut shuffled = req.clone();
    shuffled.headers.reverse();
    for (name, _) in &mut shuffled.headers {
        *name = name.to_ascii_uppercase();
    }
    shuffled.set("x-forwarded-for", "10.0.0.1");
    assert_eq!(cognito_verify(&shuffled, NOW), Ok("AKIDKOGNIT".to_owned()));
}

#[test]
fn sdk_signed_paths_and_queries_verify() {
    for target in [
        "/a%3Db/./c//d/",
        "/x/../y%20z?b=2&a=1&c=x+y&d=%41&e&a=0",
        "/caf%C3%A9?%E2%82%AC=%2F&z=~-._",
    ] {
        let req = sdk_sign(
            "AKIDKOGNIT",
            "kognit-secret",
            None,
            NOW,
            "GET",
            target,
            &[("host", HOST), ("x-custom", "  a   b  ")],
            b"",
        );
        assert_eq!(
            cognito_verify(&req, NOW),
            Ok("AKIDKOGNIT".to_owned()),
            "{target}"
        );
    }
}

#[test]
fn date_header_may_replace_x_amz_date() {
    let mut req = Req {
        method: "POST".into(),
        path: "/".into(),
        query: None,
        headers: vec![],
        body: b"{}".to_vec(),
    };
    req.set("Host", HOST)
        .set("Date", "Thu, 26 Nov 2026 12:00:00 GMT");
    let auth = ParsedAuth {
        key_id: "AKIDKOGNIT".into(),
        session_token: None,
        amz_date: "20261126T120000Z".into(),
        scope_date: "20261126".into(),
        region: "us-east-1".into(),
        service: "cognito-idp".into(),
        signed_headers: vec!["date".into(), "host".into()],
        signature: String::new(),
    };
    let signature = hex::encode(auth.expected_signature(&req.view(), "kognit-secret"));
    req.set(
        "Authorization",
        &format!(
            "AWS4-HMAC-SHA256 Credential=AKIDKOGNIT/20261126/us-east-1/cognito-idp/aws4_request, \
             SignedHeaders=date;host, Signature={signature}"
        ),
    );
    assert_eq!(
        cognito_verify(&req, NOW + time::Duration::minutes(4)),
        Ok("AKIDKOGNIT".into())
    );
    req.set("Date", "Thu, 26 Nov 2026 12:00:01 GMT");
    assert_eq!(err_of(&req, NOW), SigError::Mismatch);
}

#[path = "sigv4_error_tests.rs"]
mod errors;
#[path = "sigv4_suite.rs"]
mod suite;
use suite::SUITE;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sdk_round_trip(
        body in proptest::collection::vec(any::<u8>(), 0..300),
        target in "[A-Za-z]{1,30}",
        key_id in "[A-Z0-9]{16,24}",
        secret in "[A-Za-z0-9/+]{40}",
        other in "[A-Za-z0-9/+]{40}",
        token in proptest::option::of("[A-Za-z0-9/+=]{1,64}"),
        drift in -300i64..=300,
        flip in any::<proptest::sample::Index>(),
    ) {
        let target = format!("AWSCognitoIdentityProviderService.{target}");
        let req = sdk_sign(
            &key_id, &secret, token.as_deref(), NOW, "POST", "/",
            &[("content-type", "application/x-amz-json-1.1"), ("x-amz-target", &target), ("host", HOST)],
            &body,
        );
        let exp = expect("us-east-1", "cognito-idp", NOW + time::Duration::seconds(drift));
        let found = |k: &str| (k == key_id).then(|| secret.clone());
        prop_assert_eq!(verify(&req.view(), &exp, found), Ok(key_id.clone()));
        let auth = parse(&req.view(), &exp).unwrap();
        prop_assert_eq!(auth.session_token(), token.as_deref());

        let mut tampered = req.clone();
        if tampered.body.is_empty() {
            tampered.body.push(0);
        } else {
            let i = flip.index(tampered.body.len());
            tampered.body[i] ^= 0x01;
        }
        prop_assert_eq!(auth.check(&tampered.view(), &secret), Err(SigError::Mismatch));
        if other != secret {
            prop_assert_eq!(auth.check(&req.view(), &other), Err(SigError::Mismatch));
        }
    }

    #[test]
    fn malformed_headers_never_panic(
        auth in "\\PC{0,200}",
        structured in "(AWS4-HMAC-SHA256|AWS4-|AWS4-X) ?((Credential|Signature|SignedHeaders|x)=?[A-Za-z0-9/;,= _.-]{0,40}[ ,]{0,3}){0,5}",
        date in "\\PC{0,20}|[0-9]{8}T[0-9]{6}Z",
        path in "\\PC{0,40}",
        query in proptest::option::of("\\PC{0,40}"),
    ) {
        for a in [&auth, &structured] {
            let mut req = cognito_call(None);
            req.set("authorization", a).set("x-amz-date", &date);
            req.path = path.clone();
            req.query = query.clone();
            let exp = expect("us-east-1", "cognito-idp", NOW);
            if let Err(e) = verify(&req.view(), &exp, |_| Some("s".into())) {
                prop_assert!(!e.code().is_empty() && !e.message().is_empty());
            }
        }
    }
}

/// kognit's own signer (for the Lambda Invoke API) makes the signature the
/// AWS SDK's signer makes for the same request, and the verifier accepts it.
#[test]
fn sign_matches_the_sdk_signer() {
    let path = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Apre-sign-up/invocations";
    let headers = [
        ("content-type", "application/json"),
        ("host", HOST),
        ("x-amz-invocation-type", "RequestResponse"),
    ];
    let body = br#"{"version":"1"}"#;
    for token in [None, Some("session-token")] {
        let sdk = sdk_sign(
            "AKIDKOGNIT",
            "kognit-secret",
            token,
            NOW,
            "POST",
            path,
            &headers,
            body,
        );
        let ours = Req {
            method: "POST".into(),
            path: path.into(),
            query: None,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.to_vec(),
        };
        let credentials = Credentials {
            access_key_id: "AKIDKOGNIT".into(),
            secret_access_key: "kognit-secret".into(),
            session_token: token.map(str::to_owned),
        };
        let added = sign(&ours.view(), &credentials, "us-east-1", "cognito-idp", NOW);
        let pick = |hs: &[(String, String)], name: &str| {
            hs.iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            pick(&added, "authorization"),
            pick(&sdk.headers, "authorization")
        );
        assert_eq!(
            pick(&added, "x-amz-security-token"),
            token.map(str::to_owned)
        );
        let mut signed = ours.clone();
        signed.headers.extend(added);
        assert_eq!(cognito_verify(&signed, NOW), Ok("AKIDKOGNIT".to_owned()));
    }
}
