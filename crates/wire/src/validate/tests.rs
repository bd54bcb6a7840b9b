//! Unit tests for request validation: exact AWS messages, type errors,
//! patterns, redaction and the generated types.

use serde_json::{Value, json};

use super::model::{MODEL, Model};
use super::{Invalid, pattern, validate};

fn model() -> &'static Model {
    MODEL.as_ref().expect("embedded model parses")
}

fn constraint(shape: &str, body: Value) -> String {
    match validate(shape, &body) {
        Err(Invalid::Constraint(m)) => m,
        other => panic!("expected a constraint error for {body}, got {other:?}"),
    }
}

fn serialization(shape: &str, body: Value) -> String {
    match validate(shape, &body) {
        Err(Invalid::Serialization(m)) => m,
        other => panic!("expected a serialization error for {body}, got {other:?}"),
    }
}

const POOL: &str = "us-east-1_Abc123";

#[test]
fn missing_required_member() {
    assert_eq!(
        constraint("CreateUserPoolRequest", json!({})),
        "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: \
         Member must not be null"
    );
    // JSON null counts as absent (but a null body is not a request).
    let msg = constraint(
        "CreateUserPoolRequest",
        json!({"PoolName": null, "Unknown": 1}),
    );
    assert!(
        msg.starts_with("1 validation error detected: Value null at 'poolName'"),
        "{msg}"
    );
    assert_eq!(
        serialization("CreateUserPoolRequest", Value::Null),
        "Expected a JSON object as the request body, got null"
    );
}

#[test]
fn valid_bodies_pass() {
    assert_eq!(
        validate(
            "CreateUserPoolRequest",
            &json!({"PoolName": "my pool", "Extra": [1]})
        ),
        Ok(())
    );
    assert_eq!(
        validate("ListUserPoolsRequest", &json!({"MaxResults": 60})),
        Ok(())
    );
    assert_eq!(
        validate("DescribeUserPoolRequest", &json!({"UserPoolId": POOL})),
        Ok(())
    );
}

#[test]
fn integer_range() {
    assert_eq!(
        constraint("ListUserPoolsRequest", json!({"MaxResults": 0})),
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: \
         Member must have value greater than or equal to 1"
    );
    assert_eq!(
        constraint("ListUserPoolsRequest", json!({"MaxResults": 61})),
        "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: \
         Member must have value less than or equal to 60"
    );
}

#[test]
fn pattern_and_length() {
    assert_eq!(
        constraint("DescribeUserPoolRequest", json!({"UserPoolId": "abc"})),
        "1 validation error detected: Value 'abc' at 'userPoolId' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
    );
    // Several failures of one member: length first, then pattern.
    assert_eq!(
        constraint("DescribeUserPoolRequest", json!({"UserPoolId": ""})),
        "2 validation errors detected: Value '' at 'userPoolId' failed to satisfy constraint: \
         Member must have length greater than or equal to 1; Value '' at 'userPoolId' failed to \
         satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
    );
    // Length counts characters, not bytes: 128 'é' is fine, 129 is not.
    let group = |name: String| json!({"UserPoolId": POOL, "GroupName": name});
    assert_eq!(
        validate("CreateGroupRequest", &group("é".repeat(128))),
        Ok(())
    );
    assert!(
        constraint("CreateGroupRequest", group("é".repeat(129)))
            .ends_with("Member must have length less than or equal to 128")
    );
    // Java's `\w` is ASCII-only, so pool names reject 'é' as AWS does.
    assert!(
        constraint("CreateUserPoolRequest", json!({"PoolName": "café"}))
            .ends_with("Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+")
    );
}

#[test]
fn sensitive_values_are_omitted() {
    let body = json!({"UserPoolId": POOL, "Username": "bob", "Password": "has space"});
    assert_eq!(
        constraint("AdminSetUserPasswordRequest", body),
        "1 validation error detected: Value at 'password' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [\\S]+"
    );
    let body = json!({"UserPoolId": POOL, "Username": "", "Password": "x"});
    assert_eq!(
        constraint("AdminSetUserPasswordRequest", body),
        "2 validation errors detected: Value at 'username' failed to satisfy constraint: \
         Member must have length greater than or equal to 1; Value at 'username' failed to \
         satisfy constraint: Member must satisfy regular expression pattern: \
         [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
    );
}

#[test]
fn nested_paths_and_enums() {
    let body = json!({
        "PoolName": "p",
        "MfaConfiguration": "MAYBE",
        "Policies": {"PasswordPolicy": {"MinimumLength": 2}},
    });
    assert_eq!(
        constraint("CreateUserPoolRequest", body),
        "2 validation errors detected: Value 'MAYBE' at 'mfaConfiguration' failed to satisfy \
         constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]; Value '2' at \
         'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have \
         value greater than or equal to 6"
    );
}

#[test]
fn list_of_structures_uses_member_paths() {
    let body = json!({
        "UserPoolId": POOL, "Username": "bob",
        "UserAttributes": [{"Name": "email", "Value": "a@b"}, {"Value": "x"}, null],
    });
    assert_eq!(
        constraint("AdminUpdateUserAttributesRequest", body),
        "2 validation errors detected: Value null at 'userAttributes.2.member.name' failed to \
         satisfy constraint: Member must not be null; Value null at 'userAttributes.3.member' \
         failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn list_of_scalars_is_reported_as_a_whole() {
    let body = json!({"UserPoolId": POOL, "ClientName": "c", "ExplicitAuthFlows": ["ALLOW_USER_AUTH", "BAD"]});
    let msg = constraint("CreateUserPoolClientRequest", body);
    assert!(
        msg.starts_with(
            "1 validation error detected: Value '[ALLOW_USER_AUTH, BAD]' at 'explicitAuthFlows' \
             failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy \
             enum value set: [ADMIN_NO_SRP_AUTH, "
        ),
        "{msg}"
    );
    assert!(
        msg.ends_with("ALLOW_TOKEN_EXCHANGE_IMPERSONATION]]"),
        "{msg}"
    );
}

#[test]
fn maps_report_keys_and_values_as_a_whole() {
    let long = "v".repeat(257);
    let body = json!({"PoolName": "p", "UserPoolTags": {"": "x", "k": long}});
    assert_eq!(
        constraint("CreateUserPoolRequest", body),
        format!(
            "2 validation errors detected: Value '{{=x, k={long}}}' at 'userPoolTags' failed to \
             satisfy constraint: Map keys must satisfy constraint: [Member must have length less \
             than or equal to 128, Member must have length greater than or equal to 1]; Value \
             '{{=x, k={long}}}' at 'userPoolTags' failed to satisfy constraint: Map value must \
             satisfy constraint: [Member must have length less than or equal to 256, Member must \
             have length greater than or equal to 0]"
        )
    );
    // Structure-valued maps recurse under `<map>.<key>.member`.
    let body = json!({"PoolName": "p", "AcrConfiguration": {"Level1": {}}});
    assert_eq!(
        constraint("CreateUserPoolRequest", body),
        "1 validation error detected: Value null at 'acrConfiguration.Level1.member.acrValue' \
         failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn at_most_ten_errors_are_reported() {
    let attrs: Vec<Value> = (0..15).map(|_| json!({})).collect();
    let body = json!({"UserPoolId": POOL, "Username": "bob", "UserAttributes": attrs});
    let msg = constraint("AdminUpdateUserAttributesRequest", body);
    assert!(msg.starts_with("10 validation errors detected: "), "{msg}");
    assert_eq!(msg.matches("; ").count(), 9);
}

#[test]
fn type_mismatches_are_serialization_errors() {
    let s = "CreateUserPoolRequest";
    assert_eq!(
        serialization(s, json!({"PoolName": 5})),
        "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"
    );
    assert_eq!(
        serialization(s, json!({"PoolName": true})),
        "class java.lang.Boolean can not be converted to an String"
    );
    assert_eq!(
        serialization(s, json!({"PoolName": ["a"]})),
        "Start of list found where not expected"
    );
    assert_eq!(
        serialization(s, json!({"AliasAttributes": {}})),
        "Start of structure or map found where not expected."
    );
    assert_eq!(
        serialization(s, json!({"AliasAttributes": "email"})),
        "Expected list or null"
    );
    assert_eq!(
        serialization(s, json!({"UserPoolTags": 1})),
        "Expected map or null"
    );
    assert_eq!(serialization(s, json!({"Policies": "x"})), "Expected null");
    assert_eq!(
        serialization(s, json!([])),
        "Start of list found where not expected"
    );
    assert_eq!(serialization(s, json!("body")), "Expected null");
    // Type errors win over constraint errors anywhere in the body.
    assert!(matches!(
        validate(s, &json!({"Policies": {"PasswordPolicy": {"MinimumLength": "8"}}})),
        Err(Invalid::Serialization(m)) if m == "class java.lang.String can not be converted to an Integer"
    ));
    let l = "ListUserPoolsRequest";
    assert_eq!(
        serialization(l, json!({"MaxResults": 1.5})),
        "'1.5' can not be converted to an Integer"
    );
    assert_eq!(
        serialization(l, json!({"MaxResults": 2_147_483_648_i64})),
        "'2147483648' can not be converted to an Integer"
    );
    let p = "AdminSetUserPasswordRequest";
    assert_eq!(
        serialization(p, json!({"Permanent": "yes"})),
        "'YES' can not be converted to an Boolean"
    );
}

#[test]
fn blobs_must_be_base64() {
    let s = "SetUICustomizationRequest";
    assert_eq!(
        validate(s, &json!({"UserPoolId": POOL, "ImageFile": "QUJD"})),
        Ok(())
    );
    assert_eq!(
        serialization(s, json!({"UserPoolId": POOL, "ImageFile": "QUJ"})),
        "'QUJ' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3"
    );
    assert_eq!(
        serialization(s, json!({"UserPoolId": POOL, "ImageFile": "QU*D"})),
        "'QU*D' can not be converted to a Blob: Invalid Base64 character: '*'"
    );
    // Blob length counts decoded bytes (max 131072).
    let big = "A".repeat(174_768);
    assert_eq!(
        constraint(s, json!({"UserPoolId": POOL, "ImageFile": big})),
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=131076 cap=131076]' \
         at 'imageFile' failed to satisfy constraint: Member must have length less than or equal \
         to 131072"
    );
}

/// Every model pattern compiles; the ones needing translation beyond the
/// mechanical `\w`/`\s`/`.` rewrites are listed (and none are skipped).
#[test]
fn all_patterns_compile() {
    let model = model();
    let skipped: Vec<&str> = model
        .patterns
        .iter()
        .filter(|p| p.regex.is_none())
        .map(|p| p.source.as_str())
        .collect();
    assert_eq!(
        skipped,
        Vec::<&str>::new(),
        "patterns skipped by validation"
    );
    let rewritten: Vec<&str> = pattern::LOOKAROUND_REWRITES
        .iter()
        .map(|(from, _)| *from)
        .collect();
    for from in &rewritten {
        assert!(
            model.patterns.iter().any(|p| p.source == *from),
            "stale rewrite {from}"
        );
    }
    assert_eq!(rewritten, [r"^[0-9A-Za-z\.\-_]*(?<!\.)$"]);
    // The model's 47, and the ARN-or-URL pattern of trigger targets.
    assert_eq!(model.patterns.len(), 48);
}

#[test]
fn redaction_reaches_containers_of_sensitive_data() {
    let model = model();
    let redact = |name: &str| model.shapes[model.index[name]].redact;
    assert!(redact("PasswordType"));
    assert!(redact("AttributeType"));
    assert!(redact("AttributeListType"));
    assert!(redact("AuthParametersType"));
    assert!(!redact("UserPoolIdType"));
    assert!(!redact("ClientMetadataType"));
}

#[test]
fn generated_struct_round_trips() {
    use crate::types::{PasswordPolicyType, UserPoolPolicyType, UserPoolType};
    let wire = json!({
        "Id": POOL,
        "Name": "pool",
        "Policies": {"PasswordPolicy": {"MinimumLength": 8, "RequireSymbols": true}},
        "CreationDate": 1_700_000_000.5,
        "EstimatedNumberOfUsers": 3,
        "AutoVerifiedAttributes": ["email"],
        "UserPoolTags": {"team": "auth"},
        "SchemaAttributes": [{"Name": "email", "AttributeDataType": "String", "Required": true}],
    });
    let pool: UserPoolType = serde_json::from_value(wire.clone()).expect("deserializes");
    assert_eq!(pool.id.as_deref(), Some(POOL));
    assert_eq!(
        pool.policies,
        Some(UserPoolPolicyType {
            password_policy: Some(PasswordPolicyType {
                minimum_length: Some(8),
                require_symbols: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        })
    );
    assert_eq!(serde_json::to_value(&pool).expect("serializes"), wire);
    // Absent members are not serialized at all (no `null`s on the wire).
    assert_eq!(
        serde_json::to_value(UserPoolType::default()).expect("serializes"),
        json!({})
    );
}

#[test]
fn generated_field_names() {
    // Acronyms, plurals and keywords get idiomatic field names, while the
    // wire keeps the model's member names.
    let client = crate::types::UserPoolClientType {
        callback_urls: Some(vec!["https://x".to_owned()]),
        allowed_o_auth_flows: Some(vec![crate::types::OAuthFlowType::Code]),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&client).expect("serializes"),
        json!({"CallbackURLs": ["https://x"], "AllowedOAuthFlows": ["code"]})
    );
    let issuer = crate::types::IssuerConfigurationType {
        r#type: Some(crate::types::IssuerType::Original),
    };
    assert_eq!(
        serde_json::to_value(&issuer).expect("serializes"),
        json!({"Type": "ORIGINAL"})
    );
    let prefs = crate::types::AdminSetUserMFAPreferenceRequest {
        sms_mfa_settings: Some(Default::default()),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&prefs).expect("serializes"),
        json!({"SMSMfaSettings": {}, "UserPoolId": "", "Username": ""})
    );
}

#[test]
fn request_shapes_are_typed_as_validation_guarantees() {
    use crate::types::{
        AdminInitiateAuthRequest, AuthFlowType, ExplicitAuthFlowsType, UserPoolClientType,
    };
    // Required members of request shapes are plain fields; enums are enums,
    // spelled on the wire as the model spells them.
    let body = json!({
        "UserPoolId": "us-east-1_abc",
        "ClientId": "c",
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
    });
    assert!(validate("AdminInitiateAuthRequest", &body).is_ok());
    let req: AdminInitiateAuthRequest = serde_json::from_value(body).expect("decodes");
    assert_eq!(req.user_pool_id, "us-east-1_abc");
    assert_eq!(req.auth_flow, AuthFlowType::AdminUserPasswordAuth);
    assert_eq!(req.auth_parameters, None);
    assert_eq!(
        AuthFlowType::parse("USER_SRP_AUTH"),
        Some(AuthFlowType::UserSrpAuth)
    );
    assert_eq!(AuthFlowType::parse("user_srp_auth"), None);
    assert_eq!(AuthFlowType::UserSrpAuth.to_string(), "USER_SRP_AUTH");
    // A value outside the enum is validation's to report, with AWS's text.
    let wrong = json!({"UserPoolId": "p", "ClientId": "c", "AuthFlow": "NOPE"});
    assert!(validate("AdminInitiateAuthRequest", &wrong).is_err());
    // Shapes only in responses keep every member optional.
    let client = UserPoolClientType {
        explicit_auth_flows: Some(vec![ExplicitAuthFlowsType::AllowUserSrpAuth]),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&client).expect("serializes"),
        json!({"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH"]})
    );
}

#[test]
fn every_enum_value_round_trips() {
    use crate::types::{ChallengeNameType, UsernameAttributeType, VerifiedAttributeType};
    for v in ChallengeNameType::ALL {
        assert_eq!(ChallengeNameType::parse(v.as_str()), Some(*v));
        assert_eq!(
            serde_json::to_value(v).expect("serializes"),
            json!(v.as_str())
        );
    }
    assert_eq!(UsernameAttributeType::PhoneNumber.as_str(), "phone_number");
    assert_eq!(VerifiedAttributeType::Email.as_str(), "email");
}

#[test]
fn trigger_members_take_an_arn_or_a_webhook_url() {
    let pool = |target: &str| {
        json!({
            "PoolName": "p",
            "LambdaConfig": {"PreSignUp": target},
        })
    };
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up";
    assert!(validate("CreateUserPoolRequest", &pool(arn)).is_ok());
    assert!(
        validate(
            "CreateUserPoolRequest",
            &pool("http://127.0.0.1:8080/pre-sign-up")
        )
        .is_ok()
    );
    assert!(
        validate(
            "CreateUserPoolRequest",
            &pool("https://hooks.example.com/cognito")
        )
        .is_ok()
    );
    // Anything else is refused with the model's own message.
    let err = validate("CreateUserPoolRequest", &pool("ftp://example.com/hook-x")).unwrap_err();
    let Invalid::Constraint(msg) = err else {
        panic!("{err:?}")
    };
    assert!(
        msg.contains("Member must satisfy regular expression pattern: arn:"),
        "{msg}"
    );
    // Other ARN members keep the model's pattern.
    let kms = json!({
        "PoolName": "p",
        "LambdaConfig": {"KMSKeyID": "https://example.com/not-a-key"},
    });
    assert!(validate("CreateUserPoolRequest", &kms).is_err());
}
