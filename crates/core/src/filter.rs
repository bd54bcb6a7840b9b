//! The ListUsers `Filter` parameter: `AttributeName Filter-Type "AttributeValue"`.
//!
//! One attribute, `=` (exact) or `^=` (prefix), the value in double quotes with
//! `\"` and `\\` escapes; an empty filter lists every user.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-manage-user-accounts.html#cognito-user-pools-searching-for-users-using-listusers-api>

use crate::store::{UserColumn, UserFilter};
use crate::{Error, Result};

/// Cognito's message for a filter that does not follow the syntax (as AWS
/// answers it, with the period: aws/aws-sdk-php#1088).
const PARSE_ERROR: &str = "Error while parsing filter.";

/// The searchable attributes and their columns. Custom attributes are absent on
/// purpose: Cognito does not index them, so it refuses to search them.
const SEARCHABLE: &[(&str, UserColumn)] = &[
    ("username", UserColumn::Username),
    ("email", UserColumn::Email),
    ("phone_number", UserColumn::PhoneNumber),
    ("name", UserColumn::Name),
    ("given_name", UserColumn::GivenName),
    ("family_name", UserColumn::FamilyName),
    ("preferred_username", UserColumn::PreferredUsername),
    ("sub", UserColumn::Sub),
    ("cognito:user_status", UserColumn::Status),
    ("status", UserColumn::Enabled),
];

/// The two values of the `status` attribute (Cognito's console calls it Enabled).
const ENABLED_VALUES: [&str; 2] = ["Enabled", "Disabled"];

/// Parses a ListUsers filter; `Ok(None)` when it is empty (or whitespace only)
/// or cannot exclude any user.
///
/// Values are normalised so the store compares them directly:
/// `cognito:user_status` is upper-cased (Cognito matches it case-insensitively
/// and stores statuses upper-case, e.g. `FORCE_CHANGE_PASSWORD`); `status` is
/// resolved here to an exact `Enabled`/`Disabled` (case-sensitive), so the
/// store never sees a prefix on that column — a value matching neither is kept
/// as given and matches no user.
pub fn parse_filter(text: &str) -> Result<Option<UserFilter>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let name_len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    if name_len == 0 {
        return Err(parse_error());
    }
    let (name, rest) = text.split_at(name_len);
    let rest = rest.trim_start();
    let (prefix, rest) = if let Some(r) = rest.strip_prefix("^=") {
        (true, r)
    } else if let Some(r) = rest.strip_prefix('=') {
        (false, r)
    } else {
        return Err(parse_error());
    };
    let rest = rest
        .trim_start()
        .strip_prefix('"')
        .ok_or_else(parse_error)?;
    let (value, rest) = read_quoted(rest)?;
    // Anything after the closing quote (a second condition, say) is refused:
    // Cognito searches on exactly one attribute.
    if !rest.trim().is_empty() {
        return Err(parse_error());
    }
    let column = SEARCHABLE
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
        .ok_or_else(|| Error::invalid_parameter(format!("Invalid search attribute: {name}")))?;
    Ok(normalise(column, prefix, value))
}

/// Writes a filter back in Cognito's syntax (the inverse of [`parse_filter`]
/// for normalised filters), e.g. to remember it beside a pagination token.
pub fn format_filter(filter: &UserFilter) -> String {
    let name = SEARCHABLE
        .iter()
        .find(|(_, c)| *c == filter.column)
        .map_or("username", |(n, _)| n);
    let op = if filter.prefix { "^=" } else { "=" };
    let mut value = String::with_capacity(filter.value.len());
    for c in filter.value.chars() {
        if c == '"' || c == '\\' {
            value.push('\\');
        }
        value.push(c);
    }
    format!("{name} {op} \"{value}\"")
}

fn parse_error() -> Error {
    Error::invalid_parameter(PARSE_ERROR)
}

/// Reads a quoted value after its opening quote; returns the value and what
/// follows the closing quote. `\"` and `\\` are escapes; any other backslash
/// is kept as written, so a Windows-style path needs no doubling.
fn read_quoted(s: &str) -> Result<(String, &str)> {
    let mut value = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &s[i + 1..])),
            '\\' => match chars.peek() {
                Some(&(_, next @ ('"' | '\\'))) => {
                    value.push(next);
                    chars.next();
                }
                _ => value.push('\\'),
            },
            _ => value.push(c),
        }
    }
    // No closing quote.
    Err(parse_error())
}

fn normalise(column: UserColumn, prefix: bool, value: String) -> Option<UserFilter> {
    match column {
        UserColumn::Status => Some(UserFilter {
            column,
            prefix,
            value: value.to_uppercase(),
        }),
        UserColumn::Enabled => {
            let hits: Vec<&str> = ENABLED_VALUES
                .into_iter()
                .filter(|v| {
                    if prefix {
                        v.starts_with(&value)
                    } else {
                        *v == value
                    }
                })
                .collect();
            match hits.as_slice() {
                // `status ^= ""`: every user is enabled or disabled.
                [_, _] => None,
                [one] => Some(UserFilter {
                    column,
                    prefix: false,
                    value: (*one).to_owned(),
                }),
                _ => Some(UserFilter {
                    column,
                    prefix: false,
                    value,
                }),
            }
        }
        _ => Some(UserFilter {
            column,
            prefix,
            value,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use proptest::prelude::*;

    fn filter(column: UserColumn, prefix: bool, value: &str) -> Option<UserFilter> {
        Some(UserFilter {
            column,
            prefix,
            value: value.to_owned(),
        })
    }

    fn message_of(text: &str) -> String {
        let e = parse_filter(text).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameterException, "{text}");
        e.message
    }

    #[test]
    fn empty_filter_is_no_filter() {
        for text in ["", "   ", "\t\n "] {
            assert_eq!(parse_filter(text).unwrap(), None, "{text:?}");
        }
    }

    #[test]
    fn exact_and_prefix_with_or_without_spaces() {
        use UserColumn::*;
        let cases = [
            ("email = \"a@b.c\"", filter(Email, false, "a@b.c")),
            ("email=\"a@b.c\"", filter(Email, false, "a@b.c")),
            (
                "  phone_number ^= \"+48\"  ",
                filter(PhoneNumber, true, "+48"),
            ),
            ("phone_number^=\"+48\"", filter(PhoneNumber, true, "+48")),
            ("username = \"Jane\"", filter(Username, false, "Jane")),
            ("name = \"Jane Doe\"", filter(Name, false, "Jane Doe")),
            ("given_name = \"J\"", filter(GivenName, false, "J")),
            ("family_name = \"\"", filter(FamilyName, false, "")),
            (
                "preferred_username ^= \"j\"",
                filter(PreferredUsername, true, "j"),
            ),
            ("sub = \"0b6e\"", filter(Sub, false, "0b6e")),
        ];
        for (text, want) in cases {
            assert_eq!(parse_filter(text).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn escapes_in_the_value() {
        let f = parse_filter(r#"name = "say \"hi\" \\ C:\dir""#)
            .unwrap()
            .unwrap();
        assert_eq!(f.value, r#"say "hi" \ C:\dir"#);
    }

    #[test]
    fn user_status_is_case_insensitive() {
        let f = parse_filter("cognito:user_status = \"confirmed\"").unwrap();
        assert_eq!(f, filter(UserColumn::Status, false, "CONFIRMED"));
        let f = parse_filter("cognito:user_status = \"Force_Change_Password\"").unwrap();
        assert_eq!(
            f,
            filter(UserColumn::Status, false, "FORCE_CHANGE_PASSWORD")
        );
        let f = parse_filter("cognito:user_status ^= \"unconf\"").unwrap();
        assert_eq!(f, filter(UserColumn::Status, true, "UNCONF"));
    }

    #[test]
    fn enabled_status_is_case_sensitive_and_resolved() {
        use UserColumn::Enabled;
        assert_eq!(
            parse_filter("status = \"Enabled\"").unwrap(),
            filter(Enabled, false, "Enabled")
        );
        assert_eq!(
            parse_filter("status ^= \"Dis\"").unwrap(),
            filter(Enabled, false, "Disabled")
        );
        // Matches no user, as in Cognito.
        assert_eq!(
            parse_filter("status = \"enabled\"").unwrap(),
            filter(Enabled, false, "enabled")
        );
        assert_eq!(parse_filter("status ^= \"\"").unwrap(), None);
    }

    #[test]
    fn malformed_filters() {
        for text in [
            "username = foo",
            "username=",
            "username",
            "= \"x\"",
            "\"x\"",
            "email == \"a\"",
            "email ~= \"a\"",
            "email = \"a",
            "email = \"a\\\"",
            "email = \"a\" and name = \"b\"",
            "email = \"a\" x",
            "e-mail = \"a\"",
        ] {
            assert_eq!(message_of(text), "Error while parsing filter.", "{text}");
        }
    }

    #[test]
    fn unsearchable_attributes() {
        assert_eq!(
            message_of("custom:team = \"red\""),
            "Invalid search attribute: custom:team"
        );
        assert_eq!(
            message_of("Email = \"a\""),
            "Invalid search attribute: Email"
        );
        assert_eq!(
            message_of("email_verified = \"true\""),
            "Invalid search attribute: email_verified"
        );
    }

    fn columns() -> impl Strategy<Value = UserColumn> {
        proptest::sample::select(SEARCHABLE.iter().map(|(_, c)| *c).collect::<Vec<_>>())
    }

    proptest! {
        #[test]
        fn never_panics(text in any::<String>()) {
            let _ = parse_filter(&text);
        }

        #[test]
        fn never_panics_near_the_syntax(
            text in r#"\s?[a-z_:]{0,20}\s?(=|\^=|\^)?\s?"?([^"\\]|\\.?){0,10}"?.{0,3}"#
        ) {
            let _ = parse_filter(&text);
        }

        #[test]
        fn format_then_parse_round_trips(
            column in columns(),
            prefix in any::<bool>(),
            value in any::<String>(),
        ) {
            let f = UserFilter { column, prefix, value: value.clone() };
            let parsed = parse_filter(&format_filter(&f)).unwrap();
            match column {
                UserColumn::Status => prop_assert_eq!(
                    parsed.clone(),
                    Some(UserFilter { value: value.to_uppercase(), ..f })
                ),
                UserColumn::Enabled => {}
                _ => prop_assert_eq!(parsed.clone(), Some(f)),
            }
            // Normalised filters are fixed points.
            if let Some(p) = parsed {
                prop_assert_eq!(parse_filter(&format_filter(&p)).unwrap(), Some(p));
            }
        }
    }
}
