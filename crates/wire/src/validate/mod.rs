//! Request-body validation against the service model, as AWS's front end
//! (Coral) does it before an operation runs.
//!
//! Two outcomes besides success, checked in this priority:
//!
//! 1. [`Invalid::Serialization`]: some JSON value has the wrong type for its
//!    shape (a number where a string is expected, a float for an integer…).
//!    AWS answers `SerializationException`; the messages reproduce Coral's
//!    texts (e.g. `class java.lang.String can not be converted to an Integer`).
//! 2. [`Invalid::Constraint`]: every constraint violation, in AWS's exact
//!    format, e.g. `1 validation error detected: Value null at 'poolName'
//!    failed to satisfy constraint: Member must not be null`. Cognito sends
//!    these as `InvalidParameterException`.
//!
//! Behaviour worth knowing (taken from real AWS messages where they were
//! available, otherwise from emulators that copy Coral, such as dynalite):
//! * `null` members count as absent; unknown members are ignored; a body
//!   that is not a JSON object (including `null`) is a serialization error.
//! * Members are checked in name order (AWS's own order is not specified;
//!   name order matches the multi-error messages seen from Cognito). Per
//!   member: required, then length or size, then value range, then enum,
//!   then pattern; each failure is its own error. At most 10 errors are
//!   reported, as Coral does.
//! * Paths lowercase the first letter of each member (`policies.passwordPolicy
//!   .minimumLength`); list elements are `list.<1-based index>.member`, map
//!   values `map.<key>.member` (both only for structure/list/map elements).
//! * Lists of scalars are checked as a whole: one error
//!   `Member must satisfy constraint: [<all element constraints>]` at the
//!   list's path; maps likewise with `Map keys must satisfy constraint: […]`
//!   and `Map value must satisfy constraint: […]`.
//! * Values of sensitive members (or containing sensitive data) are omitted:
//!   `Value at 'password' failed to satisfy constraint: …`.

mod json_types;
mod model;
mod pattern;
#[cfg(test)]
mod proptests;
mod render;
#[cfg(test)]
mod tests;

use serde_json::Value;

use json_types::type_check;
use model::{Kind, MODEL, Model, Shape, ShapeId};

/// Why a request body was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// A value's JSON type does not fit its shape; send as
    /// `SerializationException`.
    Serialization(String),
    /// One or more constraints failed; the message is AWS's
    /// `N validation error(s) detected: …` text.
    Constraint(String),
}

impl Invalid {
    /// The message to send to the client.
    pub fn message(&self) -> &str {
        match self {
            Invalid::Serialization(m) | Invalid::Constraint(m) => m,
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Invalid {}

/// AWS stops collecting constraint errors after this many.
const MAX_REPORTED: usize = 10;

/// Validates `body` against the structure shape `input_shape` (an
/// [`Operation::input`](crate::ops::Operation::input)).
///
/// `body` must be a JSON object (anything else is `Serialization`). An
/// unknown `input_shape` is a caller bug and also yields `Serialization`.
pub fn validate(input_shape: &str, body: &Value) -> Result<(), Invalid> {
    let model = MODEL
        .as_ref()
        .map_err(|e| Invalid::Serialization(format!("service model unavailable: {e}")))?;
    let id = *model
        .index
        .get(input_shape)
        .ok_or_else(|| Invalid::Serialization(format!("unknown input shape '{input_shape}'")))?;
    let mut walker = Walker {
        model,
        errors: Vec::new(),
    };
    if body.is_null() {
        // Inside a body null means "absent", but the body itself must exist.
        return Err(Invalid::Serialization(
            "Expected a JSON object as the request body, got null".to_owned(),
        ));
    }
    walker.value(id, body, "", false)?;
    match walker.errors.len() {
        0 => Ok(()),
        n => Err(Invalid::Constraint(format!(
            "{n} validation error{} detected: {}",
            if n == 1 { "" } else { "s" },
            walker.errors.join("; ")
        ))),
    }
}

struct Walker<'m> {
    model: &'m Model,
    errors: Vec<String>,
}

impl Walker<'_> {
    /// Checks a non-null `value` of shape `id` found at `path`. `hidden` says
    /// the value sits under a sensitive member and must not be printed.
    fn value(
        &mut self,
        id: ShapeId,
        value: &Value,
        path: &str,
        hidden: bool,
    ) -> Result<(), Invalid> {
        let model = self.model;
        let Some(shape) = model.shape(id) else {
            return Ok(());
        };
        type_check(shape, value)?;
        let hide = hidden || shape.redact;
        for text in violations(model, shape, value) {
            self.report(Shown::Value { id, value, hide }, path, &text);
        }
        // Whatever sits inside a sensitive shape is sensitive too.
        let hidden = hidden || shape.sensitive;
        match (&shape.kind, value) {
            (Kind::Structure(members), Value::Object(obj)) => {
                for member in members {
                    let child = join(path, &member.path);
                    match obj.get(&member.wire) {
                        None | Some(Value::Null) if member.required => {
                            self.report(Shown::Null, &child, "Member must not be null");
                        }
                        None | Some(Value::Null) => {}
                        Some(v) => {
                            self.value(member.shape, v, &child, hidden || member.sensitive)?
                        }
                    }
                }
            }
            (Kind::List(elem), Value::Array(items)) => {
                let entries = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| ((i + 1).to_string(), v));
                let shown = Shown::Value { id, value, hide };
                self.elements(*elem, entries, path, hidden, shown, "Member")?;
            }
            (Kind::Map { key, value: elem }, Value::Object(obj)) => {
                let shown = Shown::Value { id, value, hide };
                if let Some(key_shape) = model.shape(*key) {
                    let bad_key = obj.keys().any(|k| {
                        !violations(model, key_shape, &Value::String(k.clone())).is_empty()
                    });
                    if bad_key {
                        let text = aggregate("Map keys", &constraints(model, key_shape), false);
                        self.report(shown, path, &text);
                    }
                }
                let entries = obj.iter().map(|(k, v)| (k.clone(), v));
                self.elements(*elem, entries, path, hidden, shown, "Map value")?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Checks list elements or map values (`entries` are (path segment,
    /// value)). Structured elements are checked one by one under
    /// `<path>.<segment>.member`; scalar ones as a group, reported once
    /// against the whole container (`shown`) with `label`.
    fn elements<'v>(
        &mut self,
        elem: ShapeId,
        entries: impl Iterator<Item = (String, &'v Value)>,
        path: &str,
        hidden: bool,
        shown: Shown<'_>,
        label: &str,
    ) -> Result<(), Invalid> {
        let model = self.model;
        let Some(shape) = model.shape(elem) else {
            return Ok(());
        };
        match shape.kind {
            Kind::Document => Ok(()),
            Kind::Structure(_) | Kind::List(_) | Kind::Map { .. } => {
                for (segment, item) in entries {
                    let child = join(path, &format!("{segment}.member"));
                    if item.is_null() {
                        self.report(Shown::Null, &child, "Member must not be null");
                    } else {
                        self.value(elem, item, &child, hidden)?;
                    }
                }
                Ok(())
            }
            _ => {
                let (mut failed, mut has_null) = (false, false);
                for (_, item) in entries {
                    if item.is_null() {
                        has_null = true;
                    } else {
                        type_check(shape, item)?;
                        failed = failed || !violations(model, shape, item).is_empty();
                    }
                }
                if failed || has_null {
                    let text = aggregate(label, &constraints(model, shape), has_null);
                    self.report(shown, path, &text);
                }
                Ok(())
            }
        }
    }

    fn report(&mut self, shown: Shown<'_>, path: &str, text: &str) {
        if self.errors.len() >= MAX_REPORTED {
            return;
        }
        let value = match shown {
            Shown::Null => "null ".to_owned(),
            Shown::Value { hide: true, .. } => String::new(),
            Shown::Value {
                id,
                value,
                hide: false,
            } => {
                format!("'{}' ", render::render(self.model, id, value))
            }
        };
        self.errors.push(format!(
            "Value {value}at '{path}' failed to satisfy constraint: {text}"
        ));
    }
}

/// What an error message shows before `at '<path>'`.
#[derive(Clone, Copy)]
enum Shown<'v> {
    /// `Value null at …`
    Null,
    /// `Value '<rendered>' at …`, or `Value at …` when `hide` is set.
    Value {
        id: ShapeId,
        value: &'v Value,
        hide: bool,
    },
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// `Member must satisfy constraint: [a, b]` (or `Map keys …`, `Map value …`).
fn aggregate(label: &str, constraints: &[String], not_null: bool) -> String {
    let mut all = constraints.to_vec();
    if not_null {
        all.push("Member must not be null".to_owned());
    }
    format!("{label} must satisfy constraint: [{}]", all.join(", "))
}

/// Length of strings (characters), blobs (decoded bytes), lists and maps.
fn length(shape: &Shape, value: &Value) -> Option<i64> {
    let n = match (&shape.kind, value) {
        (Kind::String, Value::String(s)) => s.chars().count(),
        (Kind::Blob, Value::String(s)) => render::decoded_len(s),
        (Kind::List(_), Value::Array(a)) => a.len(),
        (Kind::Map { .. }, Value::Object(o)) => o.len(),
        _ => return None,
    };
    Some(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The texts of the constraints `value` violates, in AWS's checking order:
/// length/size, value range, enum, pattern. Assumes `type_check` passed.
fn violations(model: &Model, shape: &Shape, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(len) = length(shape, value) {
        if let Some(min) = shape.min.filter(|&min| len < min) {
            out.push(format!(
                "Member must have length greater than or equal to {min}"
            ));
        }
        if let Some(max) = shape.max.filter(|&max| len > max) {
            out.push(format!(
                "Member must have length less than or equal to {max}"
            ));
        }
    }
    if let (Kind::Integer | Kind::Long, Some(n)) = (&shape.kind, value.as_i64()) {
        if let Some(min) = shape.min.filter(|&min| n < min) {
            out.push(format!(
                "Member must have value greater than or equal to {min}"
            ));
        }
        if let Some(max) = shape.max.filter(|&max| n > max) {
            out.push(format!(
                "Member must have value less than or equal to {max}"
            ));
        }
    }
    if let (Kind::String, Value::String(s)) = (&shape.kind, value) {
        if !shape.enum_values.is_empty() && !shape.enum_values.contains(s) {
            out.push(enum_text(shape));
        }
        let pattern = shape.pattern.and_then(|p| model.patterns.get(p));
        if let Some(p) = pattern
            && p.regex.as_ref().is_some_and(|re| !re.is_match(s))
        {
            out.push(format!(
                "Member must satisfy regular expression pattern: {}",
                p.source
            ));
        }
    }
    out
}

/// Every constraint a shape has, as listed inside `[...]` by AWS when it
/// reports list elements or map keys/values as a group (max before min).
fn constraints(model: &Model, shape: &Shape) -> Vec<String> {
    let mut out = Vec::new();
    let (noun, applies) = match shape.kind {
        Kind::String | Kind::Blob | Kind::List(_) | Kind::Map { .. } => ("length", true),
        Kind::Integer | Kind::Long => ("value", true),
        _ => ("", false),
    };
    if applies {
        if let Some(max) = shape.max {
            out.push(format!(
                "Member must have {noun} less than or equal to {max}"
            ));
        }
        if let Some(min) = shape.min {
            out.push(format!(
                "Member must have {noun} greater than or equal to {min}"
            ));
        }
    }
    if !shape.enum_values.is_empty() {
        out.push(enum_text(shape));
    }
    if let Some(p) = shape.pattern.and_then(|p| model.patterns.get(p)) {
        out.push(format!(
            "Member must satisfy regular expression pattern: {}",
            p.source
        ));
    }
    out
}

fn enum_text(shape: &Shape) -> String {
    format!(
        "Member must satisfy enum value set: [{}]",
        shape.enum_values.join(", ")
    )
}
