//! Naming helpers and small model accessors shared by the generators.

use serde_json::{Map, Value};

/// Rust keywords that cannot be used as plain identifiers (strict, reserved
/// and edition-2024 keywords). `self`, `Self`, `super` and `crate` are handled
/// separately because they cannot even be raw identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// `PascalCase` member name -> `snake_case` field name.
///
/// Word boundaries: lower/digit followed by upper (`UserPool` -> `user_pool`,
/// `S3Bucket` -> `s3_bucket`), and the last capital of an acronym run when a
/// lowercase letter follows (`SMSMfa` -> `sms_mfa`). A lone trailing `s` after
/// an acronym is a plural, not a new word (`CallbackURLs` -> `callback_urls`).
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_uppercase() {
            out.push(c);
            continue;
        }
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        let after_next = chars.get(i + 2).copied();
        let plural_s = next == Some('s') && after_next.is_none_or(|a| a.is_ascii_uppercase());
        let boundary = match prev {
            None => false,
            Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
            Some(p) => {
                p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()) && !plural_s
            }
        };
        if boundary {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The Rust field identifier for a member name, escaping keywords.
pub fn field_name(member: &str) -> String {
    let snake = snake_case(member);
    if matches!(snake.as_str(), "self" | "super" | "crate") {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// Fails unless `name` is a plain ASCII identifier. Shape and member names are
/// pasted into generated code and string literals, so anything else would be
/// a code-injection hazard rather than just an odd name.
pub fn check_ident(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!("model name `{name}` is not a plain identifier"))
    }
}

/// The `type` of a shape.
pub fn shape_type<'a>(name: &str, shape: &'a Value) -> Result<&'a str, String> {
    shape
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("shape `{name}` has no type"))
}

/// The shape a reference (`{"shape": "X", ...}`) stored under `key` points to.
pub fn target<'a>(owner: &str, value: &'a Value, key: &str) -> Result<&'a str, String> {
    value
        .get(key)
        .and_then(|r| r.get("shape"))
        .and_then(Value::as_str)
        .ok_or_else(|| format!("shape `{owner}` has no `{key}` reference"))
}

/// The `members` of a structure shape (empty for member-less structures).
pub fn members(shape: &Value) -> Option<&Map<String, Value>> {
    shape.get("members").and_then(Value::as_object)
}

/// True when a boolean `key` is set on the shape (`document`, `exception`, …).
pub fn flag(shape: &Value, key: &str) -> bool {
    shape.get(key).and_then(Value::as_bool).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_handles_acronyms_digits_and_plurals() {
        let cases = [
            ("PoolName", "pool_name"),
            ("UserPoolId", "user_pool_id"),
            ("SMSMfaSettings", "sms_mfa_settings"),
            ("MFAOptions", "mfa_options"),
            ("KMSKeyID", "kms_key_id"),
            ("AWSAccountId", "aws_account_id"),
            ("CallbackURLs", "callback_urls"),
            ("CIMDPolicies", "cimd_policies"),
            ("S3Bucket", "s3_bucket"),
            (
                "PrimaryRoute53HealthCheckId",
                "primary_route53_health_check_id",
            ),
            ("AllowedOAuthFlows", "allowed_o_auth_flows"),
            ("CSS", "css"),
            ("message", "message"),
        ];
        for (input, want) in cases {
            assert_eq!(snake_case(input), want, "{input}");
        }
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(field_name("Type"), "r#type");
        assert_eq!(field_name("Match"), "r#match");
        assert_eq!(field_name("Self"), "self_");
        assert_eq!(field_name("Name"), "name");
    }

    #[test]
    fn identifiers_are_checked() {
        assert!(check_ident("UserPoolType").is_ok());
        assert!(check_ident("a\"b").is_err());
        assert!(check_ident("").is_err());
        assert!(check_ident("9a").is_err());
    }
}
