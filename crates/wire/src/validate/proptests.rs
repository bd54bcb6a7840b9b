//! Property tests: validation never panics, and agrees with the generated
//! types about what is well-typed.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::model::{Kind, MODEL, Model, ShapeId};
use super::{Invalid, validate};

fn model() -> &'static Model {
    MODEL.as_ref().expect("embedded model parses")
}

/// Strings that satisfy (or nearly satisfy) common model patterns.
const SAMPLES: &[&str] = &[
    "us-east-1_Abc123",
    "abc",
    "email",
    "",
    "x y",
    "Level1",
    "123456",
    "{####}",
    "https://example.com/cb",
    "arn:aws:iam::123456789012:role/r",
    "café",
    "QUJD",
];

fn member_names() -> Vec<String> {
    let mut names: Vec<String> = model()
        .shapes
        .iter()
        .filter_map(|s| match &s.kind {
            Kind::Structure(members) => Some(members.iter().map(|m| m.wire.clone())),
            _ => None,
        })
        .flatten()
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Arbitrary JSON whose object keys are often real member names, so random
/// values do reach nested shapes.
fn json_value() -> impl Strategy<Value = Value> {
    let mut strings: Vec<String> = model()
        .shapes
        .iter()
        .flat_map(|s| s.enum_values.clone())
        .collect();
    strings.extend(SAMPLES.iter().map(|s| (*s).to_owned()));
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-5i64..100).prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        "\\PC{0,12}".prop_map(Value::String),
        prop::sample::select(strings).prop_map(Value::String),
    ];
    let keys = prop_oneof![prop::sample::select(member_names()), "[a-zA-Z]{0,8}"];
    leaf.prop_recursive(5, 96, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Tiny deterministic PRNG (xorshift64*) driving [`synth`] from a proptest seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A random but well-typed value for shape `id`: constraints may or may not
/// hold, JSON types always do. `exact`: every required member is present and
/// every enum value is one of the model's.
fn synth(model: &Model, id: ShapeId, rng: &mut Rng, depth: usize, exact: bool) -> Value {
    let shape = &model.shapes[id];
    let nested = depth < 4;
    match &shape.kind {
        Kind::Structure(members) => {
            let mut obj = Map::new();
            for m in members {
                if (m.required && (exact || rng.chance(95))) || (nested && rng.chance(30)) {
                    obj.insert(m.wire.clone(), synth(model, m.shape, rng, depth + 1, exact));
                }
            }
            Value::Object(obj)
        }
        Kind::List(elem) => {
            let n = if nested { rng.below(4) } else { 0 };
            Value::Array(
                (0..n)
                    .map(|_| synth(model, *elem, rng, depth + 1, exact))
                    .collect(),
            )
        }
        Kind::Map { value, .. } => {
            let n = if nested { rng.below(3) } else { 0 };
            let entries = (0..n).map(|_| {
                (
                    SAMPLES[rng.below(SAMPLES.len())].to_owned(),
                    synth(model, *value, rng, depth + 1, exact),
                )
            });
            Value::Object(entries.collect())
        }
        Kind::String if !shape.enum_values.is_empty() && (exact || rng.chance(85)) => {
            json!(shape.enum_values[rng.below(shape.enum_values.len())])
        }
        Kind::String => json!(SAMPLES[rng.below(SAMPLES.len())]),
        Kind::Integer | Kind::Long => {
            let lo = shape.min.unwrap_or(-3);
            let hi = shape.max.unwrap_or(lo.saturating_add(100));
            let span = usize::try_from(hi.saturating_sub(lo))
                .unwrap_or(1000)
                .min(1000)
                + 3;
            let n = lo.saturating_sub(1).saturating_add(rng.below(span) as i64);
            if matches!(shape.kind, Kind::Integer) {
                json!(n.clamp(i32::MIN.into(), i32::MAX.into()))
            } else {
                json!(n)
            }
        }
        Kind::Boolean => json!(rng.chance(50)),
        Kind::Blob => json!(["", "QUJD", "QUI="][rng.below(3)]),
        Kind::Timestamp => json!(1_700_000_000.25),
        Kind::Document => json!({"any": ["json", 1, null]}),
    }
}

fn shape_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = model().index.keys().map(String::as_str).collect();
    names.sort_unstable();
    names
}

fn input_names() -> Vec<&'static str> {
    crate::ops::OPERATIONS.iter().map(|op| op.input).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Arbitrary JSON against arbitrary shapes (of any type) never panics.
    #[test]
    fn never_panics(shape in prop::sample::select(shape_names()), body in json_value()) {
        let _ = validate(shape, &body);
    }

    /// Arbitrary JSON wrapped as an operation input never panics either.
    #[test]
    fn never_panics_on_requests(
        shape in prop::sample::select(input_names()),
        members in prop::collection::vec((prop::sample::select(member_names()), json_value()), 0..10),
    ) {
        let body = Value::Object(members.into_iter().collect());
        let _ = validate(shape, &body);
    }

    /// Well-typed requests are never serialization errors, whatever
    /// `validate` reports about them is a well-formed AWS message, and
    /// every one it accepts deserializes into the generated struct (whose
    /// required members are plain fields and enums Rust enums: validation
    /// is what guarantees them).
    #[test]
    fn well_typed_requests(shape in prop::sample::select(input_names()), seed in any::<u64>()) {
        let mut rng = Rng(seed | 1);
        let id = model().index[shape];
        let body = synth(model(), id, &mut rng, 0, false);
        match validate(shape, &body) {
            Ok(()) => {
                let typed = crate::types::deserialize_check(shape, &body);
                prop_assert!(matches!(typed, Some(Ok(()))), "{shape}: {body} -> {typed:?}");
            }
            Err(Invalid::Constraint(m)) => prop_assert!(
                m.contains(" validation error") && m.contains(" failed to satisfy constraint: "),
                "{m}"
            ),
            Err(Invalid::Serialization(m)) => prop_assert!(false, "{shape}: {body} -> {m}"),
        }
    }

    /// A request with every required member present and every enum value
    /// one of the model's deserializes, whatever else validation may say
    /// of it (lengths, patterns, ranges): what the generated types demand
    /// is exactly what validation guarantees about presence and enums.
    #[test]
    fn requests_with_their_required_members_deserialize(
        shape in prop::sample::select(input_names()),
        seed in any::<u64>(),
    ) {
        let mut rng = Rng(seed | 1);
        let body = synth(model(), model().index[shape], &mut rng, 0, true);
        let typed = crate::types::deserialize_check(shape, &body);
        prop_assert!(matches!(typed, Some(Ok(()))), "{shape}: {body} -> {typed:?}");
    }
}
