//! The attribute schema of a user pool: Cognito's standard attributes, custom
//! attributes and the rules for declaring them.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html>

use kognit_wire::types::{
    NumberAttributeConstraintsType, SchemaAttributeType, StringAttributeConstraintsType,
};

use crate::{Error, Result};

/// Cognito's limit on custom attributes per pool.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;

/// The standard attributes in the order Cognito lists them, with their type.
const STANDARD: &[(&str, &str)] = &[
    ("sub", "String"),
    ("name", "String"),
    ("given_name", "String"),
    ("family_name", "String"),
    ("middle_name", "String"),
    ("nickname", "String"),
    ("preferred_username", "String"),
    ("profile", "String"),
    ("picture", "String"),
    ("website", "String"),
    ("email", "String"),
    ("email_verified", "Boolean"),
    ("gender", "String"),
    ("birthdate", "String"),
    ("zoneinfo", "String"),
    ("locale", "String"),
    ("phone_number", "String"),
    ("phone_number_verified", "Boolean"),
    ("address", "String"),
    ("updated_at", "Number"),
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
fn standard_attribute(name: &str, data_type: &str) -> SchemaAttributeType {
    let mut a = SchemaAttributeType {
        name: Some(name.into()),
        attribute_data_type: Some(data_type.into()),
        developer_only_attribute: Some(false),
        mutable: Some(name != "sub"),
        required: Some(name == "sub"),
        ..Default::default()
    };
    match (name, data_type) {
        ("sub", _) => a.string_attribute_constraints = string_constraints("1", "2048"),
        ("birthdate", _) => a.string_attribute_constraints = string_constraints("10", "10"),
        (_, "String") => a.string_attribute_constraints = string_constraints("0", "2048"),
        (_, "Number") => {
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
        .map(|(n, t)| standard_attribute(n, t))
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
    if let Some(c) = &req.string_attribute_constraints {
        attr.string_attribute_constraints = Some(c.clone());
    }
    if let Some(c) = &req.number_attribute_constraints {
        attr.number_attribute_constraints = Some(c.clone());
    }
    Ok(())
}

/// Appends custom attributes to a schema with Cognito's rules: `custom:` prefix,
/// unique names, never required, at most 50, constraints that parse.
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
        if req.required == Some(true) {
            return Err(Error::invalid_parameter(
                "Required custom attributes are not supported currently.",
            ));
        }
        if schema.iter().any(|a| {
            let n = a.name.as_deref().unwrap_or_default();
            n == name || n.strip_prefix("dev:") == Some(name.as_str())
        }) {
            return Err(Error::invalid_parameter(format!(
                "{name}: Existing attribute already has name {name}."
            )));
        }
        let data_type = req
            .attribute_data_type
            .clone()
            .unwrap_or_else(|| "String".into());
        check_constraints(&name, &data_type, req)?;
        schema.push(SchemaAttributeType {
            name: Some(name),
            attribute_data_type: Some(data_type),
            developer_only_attribute: Some(req.developer_only_attribute.unwrap_or(false)),
            mutable: Some(req.mutable.unwrap_or(true)),
            required: Some(false),
            string_attribute_constraints: req.string_attribute_constraints.clone(),
            number_attribute_constraints: req.number_attribute_constraints.clone(),
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

fn parse_bound(name: &str, what: &str, v: Option<&String>) -> Result<Option<i64>> {
    v.map(|s| {
        s.trim().parse::<i64>().map_err(|_| {
            Error::invalid_parameter(format!("Invalid {what} for attribute {name}: {s}"))
        })
    })
    .transpose()
}

fn check_constraints(name: &str, data_type: &str, req: &SchemaAttributeType) -> Result<()> {
    if let Some(c) = &req.string_attribute_constraints {
        let min = parse_bound(name, "MinLength", c.min_length.as_ref())?;
        let max = parse_bound(name, "MaxLength", c.max_length.as_ref())?;
        if min.is_some_and(|m| m < 0) || max.is_some_and(|m| !(0..=2048).contains(&m)) {
            return Err(Error::invalid_parameter(format!(
                "Invalid StringAttributeConstraints for attribute {name}: lengths must be between 0 and 2048."
            )));
        }
        if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            return Err(Error::invalid_parameter(format!(
                "Invalid StringAttributeConstraints for attribute {name}: MinLength is greater than MaxLength."
            )));
        }
    }
    if let Some(c) = &req.number_attribute_constraints {
        let min = parse_bound(name, "MinValue", c.min_value.as_ref())?;
        let max = parse_bound(name, "MaxValue", c.max_value.as_ref())?;
        if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            return Err(Error::invalid_parameter(format!(
                "Invalid NumberAttributeConstraints for attribute {name}: MinValue is greater than MaxValue."
            )));
        }
    }
    if data_type != "Number" && req.number_attribute_constraints.is_some() {
        return Err(Error::invalid_parameter(format!(
            "NumberAttributeConstraints are only valid for attributes of type Number: {name}"
        )));
    }
    Ok(())
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

    #[test]
    fn standard_schema_and_customs() {
        let mut email = attr("email");
        email.required = Some(true);
        let s = initial_schema(&[email, attr("team")]).unwrap();
        assert_eq!(s.len(), STANDARD.len() + 1);
        assert_eq!(s[10].name.as_deref(), Some("email"));
        assert_eq!(s[10].required, Some(true));
        assert_eq!(s.last().unwrap().name.as_deref(), Some("custom:team"));
    }

    #[test]
    fn refusals() {
        let mut req = attr("x");
        req.required = Some(true);
        assert!(initial_schema(&[req]).is_err());
        assert!(initial_schema(&[attr("x"), attr("x")]).is_err());
        let mut sub = attr("sub");
        sub.mutable = Some(true);
        assert!(initial_schema(&[sub]).is_err());
        let many: Vec<_> = (0..51).map(|i| attr(&format!("a{i}"))).collect();
        assert!(initial_schema(&many).is_err());
    }
}
