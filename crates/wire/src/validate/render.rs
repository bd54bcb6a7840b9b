//! Rendering of offending values inside constraint messages.
//!
//! AWS prints the value with Java's `toString`: strings and numbers bare
//! (`Value 'abc'`, `Value '5'`), lists as `[a, b]`, maps as `{k=v}` and blobs
//! as `java.nio.HeapByteBuffer[pos=0 lim=N cap=N]`. Structures have no
//! standard Java rendering; they are shown map-style as `{Member=value}`.

use std::fmt::Write as _;

use serde_json::Value;

use super::model::{Kind, Model, ShapeId};

/// Nesting beyond this is elided: messages stay bounded even for
/// pathological documents.
const MAX_DEPTH: usize = 16;

/// Renders `value` (of shape `id`) the way AWS shows it in messages.
pub(crate) fn render(model: &Model, id: ShapeId, value: &Value) -> String {
    let mut out = String::new();
    write_value(model, Some(id), value, &mut out, 0);
    out
}

fn write_value(model: &Model, id: Option<ShapeId>, value: &Value, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        out.push_str("...");
        return;
    }
    let kind = id.and_then(|id| model.shape(id)).map(|s| &s.kind);
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => match kind {
            Some(Kind::Blob) => {
                let n = decoded_len(s);
                let _ = write!(out, "java.nio.HeapByteBuffer[pos=0 lim={n} cap={n}]");
            }
            _ => out.push_str(s),
        },
        Value::Array(items) => {
            let elem = match kind {
                Some(Kind::List(elem)) => Some(*elem),
                _ => None,
            };
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(model, elem, item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                let item_shape = match kind {
                    Some(Kind::Map { value, .. }) => Some(*value),
                    Some(Kind::Structure(members)) => {
                        members.iter().find(|m| &m.wire == key).map(|m| m.shape)
                    }
                    _ => None,
                };
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{key}=");
                write_value(model, item_shape, item, out, depth + 1);
            }
            out.push('}');
        }
    }
}

/// Number of bytes a (well-formed) base64 text decodes to.
pub(crate) fn decoded_len(text: &str) -> usize {
    let padding = text.bytes().rev().take_while(|&b| b == b'=').count().min(2);
    (text.len() / 4 * 3).saturating_sub(padding)
}
