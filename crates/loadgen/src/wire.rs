//! What the measured scenarios send and check, without a
//! `serde_json::Value` in between: request values written straight into the
//! request buffer, and answers decoded into small structs that skip unknown
//! fields and only type-check the strings whose value is not needed.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A JSON string written by a formatting closure, e.g.
/// `Text::new(move |f| write!(f, "Given{tag}"))`: no intermediate `String`.
pub struct Text<F>(F);

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> Text<F> {
    /// The string `write` writes.
    pub fn new(write: F) -> Self {
        Self(write)
    }
}

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for Text<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> Serialize for Text<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The username `u<n>` of generated user number `n`, as a JSON string.
#[derive(Debug, Clone, Copy)]
pub struct UserName(pub u64);

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "u{}", self.0)
    }
}

impl Serialize for UserName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A JSON string whose value is not needed: checked, not copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnyString;

impl<'de> Deserialize<'de> for AnyString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IsString;
        impl Visitor<'_> for IsString {
            type Value = AnyString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<AnyString, E> {
                Ok(AnyString)
            }
        }
        d.deserialize_str(IsString)
    }
}

/// The length of a JSON array whose elements are not needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub usize);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Counter;
        impl<'de> Visitor<'de> for Counter {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Count, A::Error> {
                let mut n = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Count(n))
            }
        }
        d.deserialize_seq(Counter)
    }
}

/// GetUser's and AdminGetUser's answer, of which only `Username` is checked.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserAnswer {
    /// The user's name, if the answer has one (a string).
    pub username: Option<AnyString>,
}

/// ListUsers' answer: how many users the page holds.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersAnswer {
    /// `Users`, counted.
    pub users: Option<Count>,
}

impl ListUsersAnswer {
    /// The number of users found (0 when `Users` is missing).
    pub fn found(&self) -> usize {
        self.users.map_or(0, |c| c.0)
    }
}

/// An answer that may carry tokens (InitiateAuth, RespondToAuthChallenge).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthAnswer {
    /// `AuthenticationResult`, when the sign-in is complete.
    pub authentication_result: Option<AuthResult>,
}

/// The part of `AuthenticationResult` that is checked.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthResult {
    /// `AccessToken` (a string).
    pub access_token: Option<AnyString>,
}

impl AuthAnswer {
    /// Whether the answer holds `AuthenticationResult.AccessToken`.
    pub fn has_tokens(&self) -> bool {
        self.authentication_result
            .as_ref()
            .is_some_and(|r| r.access_token.is_some())
    }
}

/// An error answer's `__type` and `message` (or `Message`), when strings.
#[derive(Debug, Default, Deserialize)]
pub struct ErrorAnswer {
    /// `__type`, possibly with a `namespace#` prefix.
    #[serde(rename = "__type", default, deserialize_with = "string_or_none")]
    pub kind: Option<String>,
    /// `message`, as kognit and Cognito write it.
    #[serde(default, deserialize_with = "string_or_none")]
    pub message: Option<String>,
    /// `Message`, as some AWS services write it.
    #[serde(rename = "Message", default, deserialize_with = "string_or_none")]
    pub message_capitalized: Option<String>,
}

/// A string member's value; any other JSON value is skipped as absent.
fn string_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    })
}

/// Decodes `body` as `T`, or `T::default()` when it is not such JSON (an
/// unreadable answer then fails the scenario's check, as a `null` would).
pub fn decode<T: de::DeserializeOwned + Default>(body: &[u8]) -> T {
    serde_json::from_slice(body).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_answers() {
        let ok: UserAnswer = decode(
            br#"{"Username":"u1","UserAttributes":[{"Name":"sub","Value":"x"}],"MFAOptions":null}"#,
        );
        assert!(ok.username.is_some());
        let escaped: UserAnswer = decode(br#"{"Username":"u\"1\u00e9"}"#);
        assert!(escaped.username.is_some());
        for bad in [
            &br#"{"Username":7}"#[..],
            b"{}",
            b"null",
            b"",
            b"{\"Username\":",
        ] {
            let a: UserAnswer = decode(bad);
            assert!(a.username.is_none(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn list_users_answers() {
        let page: ListUsersAnswer =
            decode(br#"{"Users":[{"Username":"u1","Attributes":[]},{"Username":"u12"}]}"#);
        assert_eq!(page.found(), 2);
        let empty: ListUsersAnswer = decode(br#"{"Users":[],"PaginationToken":"x"}"#);
        assert_eq!(empty.found(), 0);
        let odd: ListUsersAnswer = decode(br#"{"Users":{"a":1}}"#);
        assert_eq!(odd.found(), 0);
    }

    #[test]
    fn auth_answers() {
        let signed_in: AuthAnswer = decode(
            br#"{"AuthenticationResult":{"AccessToken":"a.b.c","ExpiresIn":3600},"ChallengeParameters":{}}"#,
        );
        assert!(signed_in.has_tokens());
        for bad in [
            &br#"{"ChallengeName":"PASSWORD_VERIFIER"}"#[..],
            br#"{"AuthenticationResult":null}"#,
            br#"{"AuthenticationResult":{"IdToken":"x"}}"#,
            br#"{"AuthenticationResult":"x"}"#,
        ] {
            let a: AuthAnswer = decode(bad);
            assert!(!a.has_tokens(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn error_answers() {
        let e: ErrorAnswer = decode(
            br#"{"__type":"com.amazonaws#UserNotFoundException","message":"User does not exist."}"#,
        );
        assert_eq!(
            e.kind.as_deref(),
            Some("com.amazonaws#UserNotFoundException")
        );
        assert_eq!(e.message.as_deref(), Some("User does not exist."));
        let e: ErrorAnswer = decode(br#"{"__type":"X","Message":"M","message":3}"#);
        assert_eq!(
            (
                e.kind.as_deref(),
                e.message,
                e.message_capitalized.as_deref()
            ),
            (Some("X"), None, Some("M"))
        );
        let e: ErrorAnswer = decode(b"<html>");
        assert!(e.kind.is_none());
    }

    #[test]
    fn request_values() {
        let tag = 42;
        let body = serde_json::json!({ "u": UserName(7), "t": Text::new(move |f| write!(f, "Given \"{tag}\"")) });
        assert_eq!(body.to_string(), r#"{"t":"Given \"42\"","u":"u7"}"#);
        let direct =
            serde_json::to_string(&(UserName(0), Text::new(|f| f.write_str("a\\b")))).unwrap();
        assert_eq!(direct, r#"["u0","a\\b"]"#);
    }
}
