//! Compact, index-based form of the service model used by validation.
//!
//! The embedded JSON is parsed once (on first use) into [`Model`]: shapes are
//! addressed by index, member paths are pre-lowercased, and every `pattern`
//! is compiled once.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::pattern;

/// Index of a shape in [`Model::shapes`].
pub(crate) type ShapeId = usize;

/// The parsed model, or why it could not be parsed (tested never to happen).
pub(crate) static MODEL: LazyLock<Result<Model, String>> =
    LazyLock::new(|| Model::parse(include_str!("../../model/service-2.json")));

/// All shapes plus a name index and the compiled patterns.
pub(crate) struct Model {
    pub shapes: Vec<Shape>,
    pub index: HashMap<String, ShapeId>,
    pub patterns: Vec<Pattern>,
}

/// One shape with the constraints validation checks.
pub(crate) struct Shape {
    pub kind: Kind,
    /// `min`/`max`: length (strings: characters, blobs: bytes), size (lists,
    /// maps) or value (integers, longs) bounds.
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Allowed values, in model order; empty when the shape has no enum.
    pub enum_values: Vec<String>,
    /// Index into [`Model::patterns`].
    pub pattern: Option<usize>,
    /// The shape itself is `sensitive`.
    pub sensitive: bool,
    /// The shape or anything reachable from it is sensitive, so rendering a
    /// value of it in an error message would leak secrets.
    pub redact: bool,
}

/// The JSON-relevant kind of a shape.
pub(crate) enum Kind {
    Structure(Vec<Member>),
    List(ShapeId),
    Map {
        key: ShapeId,
        value: ShapeId,
    },
    String,
    Integer,
    Long,
    Boolean,
    Blob,
    Timestamp,
    /// Free-form JSON (`document: true`); never checked.
    Document,
}

/// A structure member.
pub(crate) struct Member {
    /// Name on the wire, e.g. `PoolName`.
    pub wire: String,
    /// Name in error paths, e.g. `poolName` (first letter lowercased, as AWS
    /// does: `SMSMfaSettings` -> `sMSMfaSettings`).
    pub path: String,
    pub shape: ShapeId,
    pub required: bool,
    /// The member reference itself is marked `sensitive`.
    pub sensitive: bool,
}

/// A model pattern: the text as in the model (used in messages) and the
/// compiled, whole-value-anchored regex (`None` if it could not be compiled).
pub(crate) struct Pattern {
    pub source: String,
    pub regex: Option<Regex>,
}

/// The shape kognit gives the trigger members of `LambdaConfig`: the
/// model's `ArnType`, flagged to also accept a webhook URL.
const TRIGGER_TARGET_SHAPE: &str = "KognitTriggerTargetType";
/// The flag on that shape.
const TRIGGER_TARGET_FLAG: &str = "kognitAcceptsUrl";
/// What a webhook URL looks like to validation.
const URL_ALTERNATIVE: &str = r"https?://[^\s]+";

/// The flag kognit sets on `DomainType`: it also accepts a custom domain.
const HOSTNAME_FLAG: &str = "kognitAcceptsHostname";
/// What a custom domain (`auth.example.com`) looks like to validation: two
/// or more labels of the model's own prefix pattern, joined by dots.
const HOSTNAME_ALTERNATIVE: &str =
    r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?)+";

/// The model's `DomainType` pattern admits a prefix domain only (no dots),
/// yet the same member carries custom domains such as `auth.example.com`,
/// which Cognito accepts (its own examples; the AWS CLI's
/// `create-user-pool-domain` example). So `DomainType` also accepts a dotted
/// host name; core applies the prefix rule with Cognito's message when the
/// request makes a prefix domain. Messages still quote the model's pattern.
fn accept_custom_domains(root: &mut Value) {
    if let Some(domain) = root
        .get_mut("shapes")
        .and_then(|s| s.get_mut("DomainType"))
        .and_then(Value::as_object_mut)
    {
        domain.insert(HOSTNAME_FLAG.to_owned(), Value::Bool(true));
    }
}

/// A kognit extension to the model: the trigger members of `LambdaConfig`
/// (and the `LambdaArn` of its versioned trigger configurations) accept an
/// `http://` or `https://` URL besides a Lambda ARN, so a trigger can be a
/// webhook. Their length limits and the text of their errors stay the
/// model's. Every other `ArnType` member is unchanged.
fn accept_trigger_urls(root: &mut Value) {
    let Some(shapes) = root.get_mut("shapes").and_then(Value::as_object_mut) else {
        return;
    };
    let Some(mut target) = shapes.get("ArnType").cloned() else {
        return;
    };
    target[TRIGGER_TARGET_FLAG] = Value::Bool(true);
    shapes.insert(TRIGGER_TARGET_SHAPE.to_owned(), target);
    let repoint = |shapes: &mut Map<String, Value>, owner: &str, members: &[&str]| {
        for m in members {
            if let Some(r) = shapes
                .get_mut(owner)
                .and_then(|s| s.get_mut("members"))
                .and_then(|ms| ms.get_mut(*m))
                .filter(|r| r.get("shape").and_then(Value::as_str) == Some("ArnType"))
            {
                r["shape"] = Value::String(TRIGGER_TARGET_SHAPE.to_owned());
            }
        }
    };
    repoint(
        shapes,
        "LambdaConfigType",
        &[
            "PreSignUp",
            "CustomMessage",
            "PostConfirmation",
            "PreAuthentication",
            "PostAuthentication",
            "DefineAuthChallenge",
            "CreateAuthChallenge",
            "VerifyAuthChallengeResponse",
            "PreTokenGeneration",
            "UserMigration",
        ],
    );
    for owner in [
        "PreTokenGenerationVersionConfigType",
        "CustomSMSLambdaVersionConfigType",
        "CustomEmailLambdaVersionConfigType",
    ] {
        repoint(shapes, owner, &["LambdaArn"]);
    }
}

impl Model {
    fn parse(text: &str) -> Result<Model, String> {
        let mut root: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        accept_trigger_urls(&mut root);
        accept_custom_domains(&mut root);
        let raw = root
            .get("shapes")
            .and_then(Value::as_object)
            .ok_or("model has no shapes")?;
        let index: HashMap<String, ShapeId> = raw
            .keys()
            .enumerate()
            .map(|(i, name)| (name.clone(), i))
            .collect();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut pattern_ids: HashMap<String, usize> = HashMap::new();
        let mut shapes = Vec::with_capacity(raw.len());
        for (name, shape) in raw {
            // Patterns repeat across shapes; compile each distinct one once.
            let alternative = if flag(shape, TRIGGER_TARGET_FLAG) {
                Some(URL_ALTERNATIVE)
            } else if flag(shape, HOSTNAME_FLAG) {
                Some(HOSTNAME_ALTERNATIVE)
            } else {
                None
            };
            let pattern = shape.get("pattern").and_then(Value::as_str).map(|src| {
                let key = match alternative {
                    Some(alt) => format!("{src}{alt}"),
                    None => src.to_owned(),
                };
                *pattern_ids.entry(key).or_insert_with(|| {
                    // A trigger target is an ARN or a URL, a domain a prefix
                    // or a host name; messages quote the model's pattern, as
                    // AWS's do.
                    let regex = match alternative {
                        Some(alt) => pattern::compile(src).and_then(|model| {
                            let model =
                                model.as_str().trim_start_matches('^').trim_end_matches('$');
                            Regex::new(&format!("^(?:{model}|{alt})$")).ok()
                        }),
                        None => pattern::compile(src),
                    };
                    patterns.push(Pattern {
                        source: src.to_owned(),
                        regex,
                    });
                    patterns.len() - 1
                })
            });
            shapes.push(Shape {
                kind: kind(name, shape, &index)?,
                min: bound(shape.get("min")),
                max: bound(shape.get("max")),
                enum_values: shape
                    .get("enum")
                    .and_then(Value::as_array)
                    .map(|v| {
                        v.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
                pattern,
                sensitive: flag(shape, "sensitive"),
                redact: false,
            });
        }
        propagate_redaction(&mut shapes);
        Ok(Model {
            shapes,
            index,
            patterns,
        })
    }

    /// The shape with the given id (ids come from this model, so the `None`
    /// arm is unreachable in practice; callers treat it as "nothing to check").
    pub fn shape(&self, id: ShapeId) -> Option<&Shape> {
        self.shapes.get(id)
    }
}

fn kind(name: &str, shape: &Value, index: &HashMap<String, ShapeId>) -> Result<Kind, String> {
    let resolve = |key: &str, r: Option<&Value>| -> Result<ShapeId, String> {
        let target = r
            .and_then(|r| r.get("shape"))
            .and_then(Value::as_str)
            .ok_or_else(|| format!("shape {name}: missing {key} reference"))?;
        index
            .get(target)
            .copied()
            .ok_or_else(|| format!("shape {name}: unknown shape {target}"))
    };
    let ty = shape
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok(match ty {
        "structure" if flag(shape, "document") => Kind::Document,
        "structure" => {
            let empty = Map::new();
            let members = shape
                .get("members")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let required: Vec<&str> = shape
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            // Iterating the (sorted) map checks members in name order, which
            // is also the order AWS reports them in.
            let mut out = Vec::with_capacity(members.len());
            for (wire, mref) in members {
                out.push(Member {
                    wire: wire.clone(),
                    path: lower_first(wire),
                    shape: resolve(wire, Some(mref))?,
                    required: required.contains(&wire.as_str()),
                    sensitive: flag(mref, "sensitive"),
                });
            }
            Kind::Structure(out)
        }
        "list" => Kind::List(resolve("member", shape.get("member"))?),
        "map" => Kind::Map {
            key: resolve("key", shape.get("key"))?,
            value: resolve("value", shape.get("value"))?,
        },
        "string" => Kind::String,
        "integer" => Kind::Integer,
        "long" => Kind::Long,
        "boolean" => Kind::Boolean,
        "blob" => Kind::Blob,
        "timestamp" => Kind::Timestamp,
        other => return Err(format!("shape {name}: unsupported type {other:?}")),
    })
}

/// Marks every shape from which a sensitive shape or member is reachable.
/// A fixpoint over the (small) shape graph; terminates because flags only
/// ever flip from false to true.
fn propagate_redaction(shapes: &mut [Shape]) {
    let mut redact: Vec<bool> = shapes.iter().map(|s| s.sensitive).collect();
    loop {
        let mut changed = false;
        for (i, shape) in shapes.iter().enumerate() {
            if redact.get(i).copied().unwrap_or(true) {
                continue;
            }
            let hit = |id: &ShapeId| redact.get(*id).copied().unwrap_or(false);
            let now = match &shape.kind {
                Kind::Structure(members) => members.iter().any(|m| m.sensitive || hit(&m.shape)),
                Kind::List(member) => hit(member),
                Kind::Map { key, value } => hit(key) || hit(value),
                _ => false,
            };
            if now {
                if let Some(slot) = redact.get_mut(i) {
                    *slot = true;
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (shape, r) in shapes.iter_mut().zip(redact) {
        shape.redact = r;
    }
}

fn bound(v: Option<&Value>) -> Option<i64> {
    let v = v?;
    // Bounds are integers in this model; a fractional bound would be floored.
    v.as_i64().or_else(|| v.as_f64().map(|f| f.floor() as i64))
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// `PoolName` -> `poolName`: AWS lowercases only the first character.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
