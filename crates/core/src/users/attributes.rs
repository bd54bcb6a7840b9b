//! Attribute writes as Cognito checks them: names from the pool's schema,
//! types and lengths, immutable and required attributes, email and E.164
//! phone formats, and the client's WriteAttributes.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html>

use kognit_wire::error::ErrorCode;
use kognit_wire::types::{AttributeDataType, AttributeType, SchemaAttributeType};

use super::{Attrs, Pool};
use crate::{Error, Result};

/// Why a write is made: the rules differ on creation and for self-service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    /// SignUp: required attributes must be present.
    SignUp,
    /// AdminCreateUser: immutable attributes may be set.
    Create,
    /// An update of an existing user: immutable attributes are refused.
    Update,
}

fn schema_error(name: &str, why: &str) -> Error {
    Error::invalid_parameter(format!(
        "Attributes did not conform to the schema: {name}: {why}"
    ))
}

fn find<'a>(pool: &'a Pool, name: &str) -> Option<&'a SchemaAttributeType> {
    pool.p()
        .schema_attributes
        .iter()
        .flatten()
        .find(|a| a.name.as_deref() == Some(name))
}

fn parse_bound(v: Option<&String>) -> Option<f64> {
    v.and_then(|s| s.trim().parse::<f64>().ok())
}

/// An email as Cognito accepts it: one `@` with text on both sides, no spaces.
pub(crate) fn valid_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !v.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// A phone number in E.164: `+` and 2 to 15 digits.
pub(crate) fn valid_phone(v: &str) -> bool {
    v.strip_prefix('+')
        .is_some_and(|d| (2..=15).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()))
}

/// Checks a value against its attribute's type and returns it as stored:
/// Booleans in any case (Cognito accepts `"True"`, moto's `aws_verified`
/// test_forgot_password_with_email_delivery_details) are kept as `true` or
/// `false`, the spelling Cognito returns.
fn check_value(attr: &SchemaAttributeType, name: &str, value: String) -> Result<String> {
    let data_type = attr
        .attribute_data_type
        .unwrap_or(AttributeDataType::String);
    let boolean = data_type == AttributeDataType::Boolean;
    let value = match value {
        v if boolean && v.eq_ignore_ascii_case("true") => "true".to_owned(),
        v if boolean && v.eq_ignore_ascii_case("false") => "false".to_owned(),
        v => v,
    };
    let value = value.as_str();
    match data_type {
        AttributeDataType::Number => {
            let n: f64 = value
                .trim()
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| schema_error(name, "Number must be a valid number"))?;
            let c = attr.number_attribute_constraints.as_ref();
            if let Some(min) = parse_bound(c.and_then(|c| c.min_value.as_ref()))
                && n < min
            {
                return Err(schema_error(
                    name,
                    &format!("Number must be greater than or equal to {min}"),
                ));
            }
            if let Some(max) = parse_bound(c.and_then(|c| c.max_value.as_ref()))
                && n > max
            {
                return Err(schema_error(
                    name,
                    &format!("Number must be less than or equal to {max}"),
                ));
            }
        }
        AttributeDataType::Boolean => {
            if value != "true" && value != "false" {
                return Err(schema_error(name, "Boolean must be true or false"));
            }
        }
        AttributeDataType::DateTime => {
            if value.trim().is_empty() {
                return Err(schema_error(name, "DateTime must not be empty"));
            }
        }
        AttributeDataType::String => {
            let len = value.chars().count() as f64;
            let c = attr.string_attribute_constraints.as_ref();
            let max = parse_bound(c.and_then(|c| c.max_length.as_ref())).unwrap_or(2048.0);
            let min = parse_bound(c.and_then(|c| c.min_length.as_ref())).unwrap_or(0.0);
            if len > max {
                return Err(schema_error(
                    name,
                    &format!("String must be no longer than {max} characters"),
                ));
            }
            if len < min && !value.is_empty() {
                return Err(schema_error(
                    name,
                    &format!("String must be at least {min} characters"),
                ));
            }
        }
    }
    match name {
        "email" if !valid_email(value) => {
            Err(Error::invalid_parameter("Invalid email address format."))
        }
        "phone_number" if !valid_phone(value) => {
            Err(Error::invalid_parameter("Invalid phone number format."))
        }
        _ => Ok(value.to_owned()),
    }
}

/// Checks a list of attributes to write and returns them as a map.
pub(crate) fn check_write(
    pool: &Pool,
    list: &[AttributeType],
    why: Write,
    client_write: Option<&[String]>,
) -> Result<Attrs> {
    let mut out = Attrs::new();
    for a in list {
        let name = a.name.clone();
        let value = a.value.clone().unwrap_or_default();
        if name == "sub" {
            return Err(schema_error(
                "sub",
                "Attribute cannot be updated. (changing an immutable attribute)",
            ));
        }
        let Some(attr) = find(pool, &name).or_else(|| find(pool, &format!("dev:{name}"))) else {
            return Err(schema_error(
                &name,
                "Attribute does not exist in the schema.",
            ));
        };
        if why == Write::Update && attr.mutable == Some(false) {
            return Err(schema_error(
                &name,
                "Attribute cannot be updated. (changing an immutable attribute)",
            ));
        }
        if let Some(allowed) = client_write
            && !allowed.contains(&name)
        {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "A client attempted to write unauthorized attribute",
            ));
        }
        let value = check_value(attr, &name, value)?;
        out.insert(name, value);
    }
    if why == Write::SignUp {
        check_required(pool, &out)?;
    }
    Ok(out)
}

/// Every required attribute (but `sub`) must have a value.
pub(crate) fn check_required(pool: &Pool, attrs: &Attrs) -> Result<()> {
    for a in pool.p().schema_attributes.iter().flatten() {
        let name = a.name.as_deref().unwrap_or_default();
        if a.required == Some(true) && name != "sub" && attrs.get(name).is_none_or(|v| v.is_empty())
        {
            return Err(schema_error(name, "The attribute is required"));
        }
    }
    Ok(())
}

/// Names that may be deleted: in the schema, not `sub`, not required.
///
/// Names not in the schema are reported all at once, in Cognito's words for
/// deletions (moto's test_admin_delete_user_attributes_non_existing_attribute):
/// `Invalid user attributes: user.<name>: Attribute does not exist in the
/// schema.` and a line break after each.
pub(crate) fn check_delete(pool: &Pool, names: &[String]) -> Result<()> {
    let unknown: String = names
        .iter()
        .filter(|n| find(pool, n).is_none())
        .map(|n| format!("user.{n}: Attribute does not exist in the schema.\n"))
        .collect();
    if !unknown.is_empty() {
        return Err(Error::invalid_parameter(format!(
            "Invalid user attributes: {unknown}"
        )));
    }
    for name in names {
        let Some(attr) = find(pool, name) else {
            continue;
        };
        if name == "sub" || attr.required == Some(true) {
            return Err(schema_error(name, "The attribute is required"));
        }
        if attr.mutable == Some(false) {
            return Err(schema_error(
                name,
                "Attribute cannot be updated. (changing an immutable attribute)",
            ));
        }
    }
    Ok(())
}

/// Merges `new_values` into a user's attributes: a changed email or phone
/// number becomes unverified unless `new_values` sets its flag.
pub(crate) fn reset_and_merge(attrs: &mut Attrs, new_values: &Attrs) {
    let old = attrs.clone();
    attrs.extend(new_values.clone());
    reset_verification(&old, new_values, attrs);
}

/// Removes attributes by name; an email or phone number takes its verified
/// flag with it.
pub(crate) fn remove_attributes(attrs: &mut Attrs, names: &[String]) {
    for n in names {
        attrs.remove(n);
        if n == "email" || n == "phone_number" {
            attrs.remove(&format!("{n}_verified"));
        }
    }
}

/// When an email or phone number changes, its verified flag falls back to
/// false unless the same write sets it (admins may mark it verified).
fn reset_verification(old: &Attrs, new_values: &Attrs, merged: &mut Attrs) {
    for kind in ["email", "phone_number"] {
        let flag = format!("{kind}_verified");
        let changed = new_values
            .get(kind)
            .is_some_and(|v| old.get(kind) != Some(v));
        if changed && !new_values.contains_key(&flag) {
            merged.insert(flag, "false".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(valid_email("a@b.c"));
        assert!(!valid_email("a@"));
        assert!(!valid_email("a b@c"));
        assert!(valid_phone("+15555550100"));
        assert!(!valid_phone("5555550100"));
        assert!(!valid_phone("+1-555"));
    }
}
