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

#[test]
fn missing_authentication_token() {
    let mut req = cognito_call(None);
    req.without("authorization");
    let e = err_of(&req, NOW);
    assert_eq!(e, SigError::Missing);
    assert_eq!(e.code(), "MissingAuthenticationTokenException");
    assert_eq!(e.message(), "Missing Authentication Token");
    req.set("Authorization", "Bearer abc");
    assert_eq!(err_of(&req, NOW), SigError::Missing);
}

#[test]
fn incomplete_signature() {
    let mut req = with_auth("AWS4-HMAC-SHA256", "20261126T120000Z");
    req.without("x-amz-date");
    let e = err_of(&req, NOW);
    assert_eq!(e.code(), "IncompleteSignatureException");
    assert_eq!(
        e.message(),
        "Authorization header requires 'Credential' parameter. Authorization header requires \
         'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. \
         Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. \
         Authorization=AWS4-HMAC-SHA256"
    );

    let auth = "AWS4-HMAC-SHA256 Credential=AKIDKOGNIT/20261126/us-east-1/cognito-idp/aws4_request, \
                SignedHeaders=host, Signature=";
    assert_eq!(
        err_of(&with_auth(auth, "20261126T120000Z"), NOW),
        SigError::Incomplete(format!(
            "Authorization header requires 'Signature' parameter. Authorization={auth}"
        ))
    );

    let auth = "AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders";
    assert_eq!(
        err_of(&with_auth(auth, "20261126T120000Z"), NOW).message(),
        "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: \
         'AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders'."
    );

    let ok = "AWS4-HMAC-SHA256 Credential=AKIDKOGNIT/20261126/us-east-1/cognito-idp/aws4_request, \
              SignedHeaders=host;x-amz-date, Signature=00";
    for bad in [
        "zzzzzzzzz",
        "20261126t120000z",
        "20261126T1200000Z",
        "2026112T120000Z",
        "2026-11-26T12:00:00Z",
        "20261126T120000",
        "20261326T120000Z",
    ] {
        let e = err_of(&with_auth(ok, bad), NOW);
        assert_eq!(e.code(), "IncompleteSignatureException");
        assert_eq!(
            e.message(),
            format!(
                "Date must be in ISO-8601 'basic format'. Got '{bad}'. See \
                 http://en.wikipedia.org/wiki/ISO_8601"
            )
        );
    }

    let sha512 = ok.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512");
    assert_eq!(
        err_of(&with_auth(&sha512, "20261126T120000Z"), NOW).message(),
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). "
    );

    let short = "AWS4-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host, Signature=00";
    assert_eq!(
        err_of(&with_auth(short, "20261126T120000Z"), NOW),
        SigError::Incomplete(
            "Credential must have exactly 5 slash-delimited elements, e.g. \
             keyid/date/region/service/term, got 'a/b/c/d'"
                .into()
        )
    );
}

#[test]
fn expired_and_not_yet_current() {
    let req = cognito_call(None);
    assert_eq!(
        cognito_verify(&req, NOW + DEFAULT_MAX_SKEW),
        Ok("AKIDKOGNIT".into())
    );
    assert_eq!(
        cognito_verify(&req, NOW - DEFAULT_MAX_SKEW),
        Ok("AKIDKOGNIT".into())
    );

    let e = err_of(&req, datetime!(2026-11-26 12:15:00 UTC));
    assert_eq!(e.code(), "InvalidSignatureException");
    assert_eq!(
        e.message(),
        "Signature expired: 20261126T120000Z is now earlier than 20261126T121000Z \
         (20261126T121500Z - 5 min.)"
    );
    // The server's clock may be in any offset; messages are in UTC.
    assert_eq!(err_of(&req, datetime!(2026-11-26 14:15:00 +02:00)), e);
    let e = err_of(&req, datetime!(2026-11-26 11:50:00 UTC));
    assert_eq!(
        e,
        SigError::Expired(
            "Signature not yet current: 20261126T120000Z is still later than 20261126T115500Z \
             (20261126T115000Z + 5 min.)"
                .into()
        )
    );
    let exp = Expectation {
        max_skew: time::Duration::seconds(90),
        ..expect(
            "us-east-1",
            "cognito-idp",
            datetime!(2026-11-26 12:05:00 UTC),
        )
    };
    assert_eq!(
        parse(&req.view(), &exp).unwrap_err().message(),
        "Signature expired: 20261126T120000Z is now earlier than 20261126T120330Z \
         (20261126T120500Z - 90 sec.)"
    );
}

#[test]
fn host_must_be_signed() {
    let auth = "AWS4-HMAC-SHA256 Credential=AKIDKOGNIT/20261126/us-east-1/cognito-idp/aws4_request, \
                SignedHeaders=x-amz-date, Signature=00";
    let e = err_of(&with_auth(auth, "20261126T120000Z"), NOW);
    assert_eq!(e, SigError::HostNotSigned);
    assert_eq!(e.code(), "InvalidSignatureException");
    assert_eq!(
        e.message(),
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    );
}

#[test]
fn wrong_scope() {
    let scoped = |scope: &str| {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=AKIDKOGNIT/{scope}, SignedHeaders=host, Signature=00"
        );
        err_of(&with_auth(&auth, "20261126T120000Z"), NOW)
    };
    let e = scoped("20261126/eu-west-1/cognito-idp/aws4_request");
    assert_eq!(e.code(), "InvalidSignatureException");
    assert_eq!(
        e.message(),
        "Credential should be scoped to a valid region, not 'eu-west-1'. "
    );
    assert_eq!(
        scoped("20261126/us-east-1/dynamodb/aws4_request").message(),
        "Credential should be scoped to correct service: 'cognito-idp'. "
    );
    assert_eq!(
        scoped("20261125/us-east-1/cognito-idp/aws4_request").message(),
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from \
         HTTP: '20261125' != '20261126', from '20261126T120000Z'."
    );
    assert_eq!(
        scoped("b/c/d/e/").message(),
        "Credential should be scoped to a valid region, not 'c'. Credential should be scoped to \
         correct service: 'cognito-idp'. Credential should be scoped with a valid terminator: \
         'aws4_request', not 'e'. Date in Credential scope does not match YYYYMMDD from \
         ISO-8601 version of date from HTTP: 'b' != '20261126', from '20261126T120000Z'."
    );
}

#[test]
fn unknown_key_and_mismatch() {
    let req = cognito_call(None);
    let exp = expect("us-east-1", "cognito-idp", NOW);
    let e = verify(&req.view(), &exp, |_| None).unwrap_err();
    assert_eq!(e, SigError::UnknownKey);
    assert_eq!(e.code(), "UnrecognizedClientException");
    assert_eq!(
        e.message(),
        "The security token included in the request is invalid."
    );

    let e = verify(&req.view(), &exp, |_| Some("wrong".into())).unwrap_err();
    assert_eq!(e, SigError::Mismatch);
    assert_eq!(e.code(), "InvalidSignatureException");
    assert_eq!(
        e.message(),
        "The request signature we calculated does not match the signature you provided. Check \
         your AWS Secret Access Key and signing method. Consult the service documentation for \
         details."
    );
    assert_eq!(
        e.to_string(),
        format!("InvalidSignatureException: {}", e.message())
    );

    let mut tampered = req.clone();
    tampered.set(
        "x-amz-target",
        "AWSCognitoIdentityProviderService.DeleteUserPool",
    );
    assert_eq!(err_of(&tampered, NOW), SigError::Mismatch);
    let mut tampered = req.clone();
    tampered.query = Some("a=1".into());
    assert_eq!(err_of(&tampered, NOW), SigError::Mismatch);
    let auth = header_of(&req, "authorization");
    for sig in ["zz", "", "00"] {
        let mut bad = req.clone();
        let cut = auth.rfind('=').unwrap();
        bad.set("authorization", &format!("{}={sig}", &auth[..cut]));
        let e = err_of(&bad, NOW);
        assert!(
            matches!(e, SigError::Mismatch | SigError::Incomplete(_)),
            "{sig}: {e:?}"
        );
    }
}

fn header_of(req: &Req, name: &str) -> String {
    header(&req.view(), name).unwrap().to_owned()
}

#[test]
fn parsed_auth_debug_redacts_the_session_token() {
    let req = cognito_call(Some("very-secret-token"));
    let auth = parse(&req.view(), &expect("us-east-1", "cognito-idp", NOW)).unwrap();
    let shown = format!("{auth:?}");
    assert!(
        shown.contains("AKIDKOGNIT") && !shown.contains("very-secret-token"),
        "{shown}"
    );
}

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

/// `(name, signed request)` from the AWS signing test suite (the `normalize: true` cases).
const SUITE: &[(&str, &str)] = &[
    (
        "get-header-key-duplicate",
        r#"GET / HTTP/1.1
Host:example.amazonaws.com
My-Header1:value2
My-Header1:value2
My-Header1:value1
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea

"#,
    ),
    (
        "get-header-value-order",
        r#"GET / HTTP/1.1
Host:example.amazonaws.com
My-Header1:value4
My-Header1:value1
My-Header1:value3
My-Header1:value2
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01

"#,
    ),
    (
        "get-header-value-trim",
        r#"GET / HTTP/1.1
Host:example.amazonaws.com
My-Header1: value1
My-Header2: "a   b   c"
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736

"#,
    ),
    (
        "get-relative-normalized",
        r#"GET /example/.. HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31

"#,
    ),
    (
        "get-relative-relative-normalized",
        r#"GET /example1/example2/../.. HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31

"#,
    ),
    (
        "get-slash-dot-slash-normalized",
        r#"GET /./ HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31

"#,
    ),
    (
        "get-slash-normalized",
        r#"GET // HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31

"#,
    ),
    (
        "get-slash-pointless-dot-normalized",
        r#"GET /./example HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5

"#,
    ),
    (
        "get-slashes-normalized",
        r#"GET //example// HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84

"#,
    ),
    (
        "get-space-normalized",
        r#"GET /example space/ HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741

"#,
    ),
    (
        "get-unreserved",
        r#"GET /-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f

"#,
    ),
    (
        "get-utf8",
        r#"GET /ሴ HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85

"#,
    ),
    (
        "get-vanilla",
        r#"GET / HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31

"#,
    ),
    (
        "get-vanilla-empty-query-key",
        r#"GET /?Param1=value1 HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb

"#,
    ),
    (
        "get-vanilla-query",
        r#"GET / HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31

"#,
    ),
    (
        "get-vanilla-query-order-encoded",
        r#"GET /?Param-3=Value3&Param=Value2&%E1%88%B4=Value1 HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac

"#,
    ),
    (
        "get-vanilla-query-order-key-case",
        r#"GET /?Param2=value2&Param1=value1 HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500

"#,
    ),
    (
        "get-vanilla-query-unreserved",
        r#"GET /?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197

"#,
    ),
    (
        "get-vanilla-utf8-query",
        r#"GET /?ሴ=bar HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04

"#,
    ),
    (
        "get-vanilla-with-session-token",
        r#"GET / HTTP/1.1
Host:example.amazonaws.com
X-Amz-Security-Token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8

"#,
    ),
    (
        "post-header-key-case",
        r#"POST / HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b

"#,
    ),
    (
        "post-header-key-sort",
        r#"POST / HTTP/1.1
Host:example.amazonaws.com
My-Header1:value1
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c

"#,
    ),
    (
        "post-header-value-case",
        r#"POST / HTTP/1.1
Host:example.amazonaws.com
My-Header1:VALUE1
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d

"#,
    ),
    (
        "post-sts-header-after",
        r#"POST / HTTP/1.1
Host:example.amazonaws.com
X-Amz-Security-Token:AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b

"#,
    ),
    (
        "post-sts-header-before",
        r#"POST / HTTP/1.1
Host:example.amazonaws.com
X-Amz-Security-Token:AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead

"#,
    ),
    (
        "post-vanilla",
        r#"POST / HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b

"#,
    ),
    (
        "post-vanilla-empty-query-value",
        r#"POST /?Param1=value1 HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11

"#,
    ),
    (
        "post-vanilla-query",
        r#"POST /?Param1=value1 HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11

"#,
    ),
    (
        "post-x-www-form-urlencoded",
        r#"POST / HTTP/1.1
Content-Type:application/x-www-form-urlencoded
Host:example.amazonaws.com
Content-Length:13
X-Amz-Date:20150830T123600Z
x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b

Param1=value1"#,
    ),
    (
        "post-x-www-form-urlencoded-parameters",
        r#"POST / HTTP/1.1
Content-Type:application/x-www-form-urlencoded; charset=utf-8
Host:example.amazonaws.com
Content-Length:13
X-Amz-Date:20150830T123600Z
x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=328d1b9eaadca9f5818ef05e8392801e091653bafec24fcab71e7344e7f51422

Param1=value1"#,
    ),
];
