//! SigV4 error cases: every refusal AWS reports, with its error name and message.

use super::*;

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
