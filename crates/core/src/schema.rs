//! The attribute schema of a user pool: Cognito's standard attributes, custom
//! attributes and the rules for declaring them.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html>

use kognit_wire::types::{
    AttributeDataType, NumberAttributeConstraintsType, SchemaAttributeType,
    StringAttributeConstraintsType,
};

use crate::{Error, Result};

/// Cognito's limit on custom attributes per pool.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;

/// The standard attributes in the order Cognito lists them, with their type.
const STANDARD: &[(&str, AttributeDataType)] = &[
    ("sub", AttributeDataType::String),
    ("name", AttributeDataType::String),
    ("given_name", AttributeDataType::String),
    ("family_name", AttributeDataType::String),
    ("middle_name", AttributeDataType::String),
    ("nickname", AttributeDataType::String),
    ("preferred_username", AttributeDataType::String),
    ("profile", AttributeDataType::String),
    ("picture", AttributeDataType::String),
    ("website", AttributeDataType::String),
    ("email", AttributeDataType::String),
    ("email_verified", AttributeDataType::Boolean),
    ("gender", AttributeDataType::String),
    ("birthdate", AttributeDataType::String),
    ("zoneinfo", AttributeDataType::String),
    ("locale", AttributeDataType::String),
    ("phone_number", AttributeDataType::String),
    ("phone_number_verified", AttributeDataType::Boolean),
    ("address", AttributeDataType::String),
    ("updated_at", AttributeDataType::Number),
];

/// Whether `name` is one of Cognito's standard attributes.
pub fn is_standard(name: &str) -> bool {
    STANDARD.iter().any(|(n, _)| *n == name)
}

fn string_constraints(min: &str, max: &str) -> Option<StringAttributeConstraintsType> {
    Some(StringAttributeConstraintsType {
        min_length: Some(min.into()),
        max_length: Some(max.into()),
    })
}

/// The standard attribute as Cognito describes it in a new pool.
fn standard_attribute(name: &str, data_type: AttributeDataType) -> SchemaAttributeType {
    let mut a = SchemaAttributeType {
        name: Some(name.into()),
        attribute_data_type: Some(data_type),
        developer_only_attribute: Some(false),
        mutable: Some(name != "sub"),
        required: Some(name == "sub"),
        ..Default::default()
    };
    match (name, data_type) {
        ("sub", _) => a.string_attribute_constraints = string_constraints("1", "2048"),
        ("birthdate", _) => a.string_attribute_constraints = string_constraints("10", "10"),
        (_, AttributeDataType::String) => {
            a.string_attribute_constraints = string_constraints("0", "2048")
        }
        (_, AttributeDataType::Number) => {
            a.number_attribute_constraints = Some(NumberAttributeConstraintsType {
                min_value: Some("0".into()),
                max_value: None,
            })
        }
        _ => {}
    }
    a
}

/// Builds a new pool's schema: the standard attributes, adjusted by the
/// request's entries for them, then the requested custom attributes.
pub fn initial_schema(requested: &[SchemaAttributeType]) -> Result<Vec<SchemaAttributeType>> {
    let mut schema: Vec<SchemaAttributeType> = STANDARD
        .iter()
        .map(|(n, t)| standard_attribute(n, *t))
        .collect();
    let mut custom = Vec::new();
    for req in requested {
        let name = req.name.as_deref().unwrap_or_default();
        if let Some(std_attr) = schema.iter_mut().find(|a| a.name.as_deref() == Some(name)) {
            adjust_standard(std_attr, req)?;
        } else {
            custom.push(req.clone());
        }
    }
    add_custom(&mut schema, &custom)?;
    Ok(schema)
}

fn adjust_standard(attr: &mut SchemaAttributeType, req: &SchemaAttributeType) -> Result<()> {
    let name = attr.name.clone().unwrap_or_default();
    if let Some(t) = &req.attribute_data_type
        && Some(t) != attr.attribute_data_type.as_ref()
    {
        return Err(Error::invalid_parameter(format!(
            "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute {name}"
        )));
    }
    if req.developer_only_attribute == Some(true) {
        return Err(Error::invalid_parameter(format!(
            "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute {name}"
        )));
    }
    if name == "sub" {
        if req.mutable == Some(true) || req.required == Some(false) {
            return Err(Error::invalid_parameter(
                "You can not change the mutability or requiredness of the sub attribute",
            ));
        }
        return Ok(());
    }
    if let Some(m) = req.mutable {
        attr.mutable = Some(m);
    }
    if let Some(r) = req.required {
        attr.required = Some(r);
    }
    let (string, number) = constraints(&name, attr.attribute_data_type, req)?;
    if string.is_some() {
        attr.string_attribute_constraints = string;
    }
    if number.is_some() {
        attr.number_attribute_constraints = number;
    }
    Ok(())
}

/// Appends custom attributes to a schema with Cognito's rules: `custom:` prefix,
/// a data type, unique names, never required, at most 50, constraints that
/// parse and agree (the name's length and characters are the model's).
pub fn add_custom(
    schema: &mut Vec<SchemaAttributeType>,
    requested: &[SchemaAttributeType],
) -> Result<()> {
    for req in requested {
        let bare = req.name.as_deref().unwrap_or_default();
        let bare = bare.strip_prefix("custom:").unwrap_or(bare);
        if bare.is_empty() {
            return Err(Error::invalid_parameter(
                "Attribute name must not be empty.",
            ));
        }
        let name = if req.developer_only_attribute == Some(true) {
            format!("dev:custom:{bare}")
        } else {
            format!("custom:{bare}")
        };
        let Some(data_type) = req.attribute_data_type else {
            return Err(Error::invalid_parameter(
                "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.",
            ));
        };
        if req.required == Some(true) {
            return Err(Error::invalid_parameter(
                "Required custom attributes are not supported currently.",
            ));
        }
        let plain = format!("custom:{bare}");
        if let Some(existing) = schema.iter().find_map(|a| {
            let n = a.name.as_deref().unwrap_or_default();
            (n == plain || n.strip_prefix("dev:") == Some(plain.as_str())).then_some(n)
        }) {
            return Err(Error::invalid_parameter(format!(
                "{plain}: Existing attribute already has name {existing}."
            )));
        }
        let (string, number) = constraints(&name, Some(data_type), req)?;
        schema.push(SchemaAttributeType {
            name: Some(name),
            attribute_data_type: Some(data_type),
            developer_only_attribute: Some(req.developer_only_attribute.unwrap_or(false)),
            mutable: Some(req.mutable.unwrap_or(true)),
            required: Some(false),
            string_attribute_constraints: string,
            number_attribute_constraints: number,
        });
    }
    let customs = schema
        .iter()
        .filter(|a| a.name.as_deref().is_some_and(|n| n.contains("custom:")))
        .count();
    if customs > MAX_CUSTOM_ATTRIBUTES {
        return Err(Error::new(
            kognit_wire::error::ErrorCode::LimitExceededException,
            format!("A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes."),
        ));
    }
    Ok(())
}

/// A constraint bound: a whole number, or Cognito's "Invalid
/// {StringAttributeConstraints|NumberAttributeConstraints} for schema
/// attribute {name}".
fn parse_bound(name: &str, kind: &str, v: Option<&String>) -> Result<Option<i64>> {
    v.map(|s| {
        s.trim().parse::<i64>().map_err(|_| {
            Error::invalid_parameter(format!("Invalid {kind} for schema attribute {name}"))
        })
    })
    .transpose()
}

/// The constraints of an attribute of `data_type` as the request gives them,
/// checked with Cognito's messages. Only the kind that fits the type is kept:
/// Cognito accepts a String attribute with NumberAttributeConstraints (and
/// the reverse) and describes it without them (moto's
/// test_create_user_pool_attribute_with_schema); Boolean and DateTime keep none.
fn constraints(
    name: &str,
    data_type: Option<AttributeDataType>,
    req: &SchemaAttributeType,
) -> Result<(
    Option<StringAttributeConstraintsType>,
    Option<NumberAttributeConstraintsType>,
)> {
    const STRING: &str = "StringAttributeConstraints";
    const NUMBER: &str = "NumberAttributeConstraints";
    match data_type {
        Some(AttributeDataType::String) => {
            let Some(c) = &req.string_attribute_constraints else {
                return Ok((None, None));
            };
            let min = parse_bound(name, STRING, c.min_length.as_ref())?;
            let max = parse_bound(name, STRING, c.max_length.as_ref())?;
            if min.is_some_and(|m| m < 0) || max.is_some_and(|m| m < 0) {
                return Err(Error::invalid_parameter(format!(
                    "Invalid {STRING} for schema attribute {name}"
                )));
            }
            if min.is_some_and(|m| m > 2048) || max.is_some_and(|m| m > 2048) {
                return Err(Error::invalid_parameter(format!(
                    "user.{name}: String attributes cannot have a length of more than 2048"
                )));
            }
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                return Err(Error::invalid_parameter(format!(
                    "user.{name}: Max length cannot be less than min length."
                )));
            }
            Ok((Some(c.clone()), None))
        }
        Some(AttributeDataType::Number) => {
            let Some(c) = &req.number_attribute_constraints else {
                return Ok((None, None));
            };
            let min = parse_bound(name, NUMBER, c.min_value.as_ref())?;
            let max = parse_bound(name, NUMBER, c.max_value.as_ref())?;
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                return Err(Error::invalid_parameter(format!(
                    "user.{name}: Max value cannot be less than min value."
                )));
            }
            Ok((None, Some(c.clone())))
        }
        _ => Ok((None, None)),
    }
}

/// The names of every attribute in a schema (`custom:` names included).
pub fn attribute_names(schema: &[SchemaAttributeType]) -> impl Iterator<Item = &str> {
    schema.iter().filter_map(|a| a.name.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(name: &str) -> SchemaAttributeType {
        SchemaAttributeType {
            name: Some(name.into()),
            ..Default::default()
        }
    }

    fn typed(name: &str, data_type: &str) -> SchemaAttributeType {
        SchemaAttributeType {
            attribute_data_type: AttributeDataType::parse(data_type),
            ..attr(name)
        }
    }

    fn message(r: Result<Vec<SchemaAttributeType>>) -> String {
        r.unwrap_err().to_string()
    }

    fn strings(min: Option<&str>, max: Option<&str>) -> Option<StringAttributeConstraintsType> {
        Some(StringAttributeConstraintsType {
            min_length: min.map(Into::into),
            max_length: max.map(Into::into),
        })
    }

    fn numbers(min: Option<&str>, max: Option<&str>) -> Option<NumberAttributeConstraintsType> {
        Some(NumberAttributeConstraintsType {
            min_value: min.map(Into::into),
            max_value: max.map(Into::into),
        })
    }

    #[test]
    fn standard_schema_and_customs() {
        let mut email = attr("email");
        email.required = Some(true);
        let s = initial_schema(&[email, typed("team", "String")]).unwrap();
        assert_eq!(s.len(), STANDARD.len() + 1);
        assert_eq!(s[10].name.as_deref(), Some("email"));
        assert_eq!(s[10].required, Some(true));
        assert_eq!(s.last().unwrap().name.as_deref(), Some("custom:team"));
    }

    #[test]
    fn refusals() {
        let mut req = typed("x", "String");
        req.required = Some(true);
        assert!(initial_schema(&[req]).is_err());
        assert!(initial_schema(&[typed("x", "String"), typed("x", "Number")]).is_err());
        let mut sub = attr("sub");
        sub.mutable = Some(true);
        assert!(initial_schema(&[sub]).is_err());
        let many: Vec<_> = (0..51).map(|i| typed(&format!("a{i}"), "String")).collect();
        assert!(initial_schema(&many).is_err());
        let fifty: Vec<_> = (0..50).map(|i| typed(&format!("a{i}"), "String")).collect();
        assert!(initial_schema(&fifty).is_ok());
    }

    #[test]
    fn custom_attributes_need_a_data_type() {
        assert!(message(initial_schema(&[attr("x")])).contains(
            "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."
        ));
    }

    #[test]
    fn constraints_with_cognitos_messages() {
        let mut email = typed("email", "String");
        email.string_attribute_constraints = strings(Some("invalid_value"), None);
        assert!(
            message(initial_schema(&[email.clone()]))
                .contains("Invalid StringAttributeConstraints for schema attribute email")
        );
        email.string_attribute_constraints = strings(None, Some("2049"));
        assert!(
            message(initial_schema(&[email.clone()]))
                .contains("user.email: String attributes cannot have a length of more than 2048")
        );
        email.string_attribute_constraints = strings(Some("2"), Some("1"));
        assert!(
            message(initial_schema(&[email]))
                .contains("user.email: Max length cannot be less than min length.")
        );
        let mut n = typed("n", "Number");
        n.number_attribute_constraints = numbers(Some("2"), Some("1"));
        assert!(
            message(initial_schema(&[n.clone()]))
                .contains("user.custom:n: Max value cannot be less than min value.")
        );
        n.number_attribute_constraints = numbers(Some("x"), None);
        assert!(
            message(initial_schema(&[n.clone()]))
                .contains("Invalid NumberAttributeConstraints for schema attribute custom:n")
        );
        n.number_attribute_constraints = numbers(Some("-5"), Some("5"));
        assert!(initial_schema(&[n]).is_ok());
    }

    #[test]
    fn constraints_of_another_type_are_dropped() {
        let mut s = typed("s", "String");
        s.number_attribute_constraints = numbers(Some("10"), Some("20"));
        s.string_attribute_constraints = strings(Some("1"), Some("5"));
        let mut b = typed("b", "Boolean");
        b.number_attribute_constraints = numbers(Some("10"), Some("20"));
        b.string_attribute_constraints = strings(Some("1"), Some("5"));
        let schema = initial_schema(&[s, b]).unwrap();
        let s = &schema[schema.len() - 2];
        assert!(s.number_attribute_constraints.is_none());
        assert_eq!(
            s.string_attribute_constraints,
            strings(Some("1"), Some("5"))
        );
        let b = &schema[schema.len() - 1];
        assert!(b.number_attribute_constraints.is_none());
        assert!(b.string_attribute_constraints.is_none());
    }

    #[test]
    fn an_existing_name_is_named() {
        let mut dev = typed("banana", "String");
        dev.developer_only_attribute = Some(true);
        let mut schema = initial_schema(std::slice::from_ref(&dev)).unwrap();
        let err = add_custom(&mut schema, &[dev]).unwrap_err().to_string();
        assert!(
            err.contains("custom:banana: Existing attribute already has name dev:custom:banana."),
            "{err}"
        );
    }
}
