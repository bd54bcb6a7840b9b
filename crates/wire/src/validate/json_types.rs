//! JSON type checking: does a value's JSON type fit its shape?
//!
//! Mismatches are `SerializationException`s in AWS, raised by Coral's JSON
//! deserializer before any constraint is looked at; the message texts are
//! Coral's (including its `an String` grammar), as observed from AWS and
//! reproduced by DynamoDB emulators.

use serde_json::Value;

use super::Invalid;
use super::model::{Kind, Shape};

/// Fails with Coral's `SerializationException` text when the JSON type of a
/// non-null `value` does not fit `shape`.
pub(super) fn type_check(shape: &Shape, value: &Value) -> Result<(), Invalid> {
    const LIST: &str = "Start of list found where not expected";
    const OBJECT: &str = "Start of structure or map found where not expected.";
    let fail = |m: &str| Err(Invalid::Serialization(m.to_owned()));
    let target = match shape.kind {
        Kind::String => "an String",
        Kind::Integer => "an Integer",
        Kind::Long => "an Long",
        Kind::Boolean => "an Boolean",
        Kind::Blob => "a Blob",
        Kind::Timestamp => "milliseconds since epoch",
        _ => "",
    };
    match (&shape.kind, value) {
        (Kind::Document, _) | (_, Value::Null) => Ok(()),
        (Kind::Structure(_) | Kind::Map { .. }, Value::Object(_)) => Ok(()),
        (Kind::List(_), Value::Array(_)) => Ok(()),
        (_, Value::Array(_)) => fail(LIST),
        (Kind::List(_), Value::Object(_)) => fail(OBJECT),
        (Kind::Structure(_), _) => fail("Expected null"),
        (Kind::List(_), _) => fail("Expected list or null"),
        (Kind::Map { .. }, _) => fail("Expected map or null"),
        (_, Value::Object(_)) => fail(OBJECT),
        (Kind::String, Value::String(_)) => Ok(()),
        (Kind::Blob, Value::String(s)) => check_base64(s),
        (Kind::Boolean, Value::Bool(_)) => Ok(()),
        (Kind::Timestamp, Value::Number(_)) => Ok(()),
        // Unlike Coral (which truncates), fractions and out-of-range numbers
        // are rejected: the generated i32/i64 fields could not hold them.
        (Kind::Integer, Value::Number(n)) => match n.as_i64().map(i32::try_from) {
            Some(Ok(_)) => Ok(()),
            _ => fail(&format!("'{n}' can not be converted to {target}")),
        },
        (Kind::Long, Value::Number(n)) => match n.as_i64() {
            Some(_) => Ok(()),
            None => fail(&format!("'{n}' can not be converted to {target}")),
        },
        (Kind::Boolean, Value::String(s)) => fail(&format!(
            "'{}' can not be converted to {target}",
            s.to_uppercase()
        )),
        (_, Value::Bool(_)) => fail(&format!(
            "class java.lang.Boolean can not be converted to {target}"
        )),
        (_, Value::Number(_)) => fail(&format!(
            "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to {target}"
        )),
        (_, Value::String(_)) => fail(&format!(
            "class java.lang.String can not be converted to {target}"
        )),
    }
}

/// Blobs travel as base64 text; Coral rejects malformed text as a
/// serialization error before any constraint is checked.
fn check_base64(text: &str) -> Result<(), Invalid> {
    let err = |why: String| {
        Err(Invalid::Serialization(format!(
            "'{text}' can not be converted to a Blob: {why}"
        )))
    };
    if !text.len().is_multiple_of(4) {
        return err(format!(
            "Base64 encoded length is expected a multiple of 4 bytes but found: {}",
            text.len()
        ));
    }
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    let bad = body
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '+' || *c == '/'));
    match bad {
        Some(c) => err(format!("Invalid Base64 character: '{c}'")),
        None if padding > 2 => err("Invalid Base64 character: '='".to_owned()),
        None => Ok(()),
    }
}
