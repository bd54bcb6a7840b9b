//! What each settings form changes: the request it makes from the fields
//! posted, the fields its errors may be about, its panel and its notice.

use serde_json::{Value, json};

use super::super::pool_update::Edits;
use crate::web::form::FormData;
use crate::web::page::FieldErrors;

/// The number in field `name`, or the error to show beside it.
fn number(f: &FormData, name: &str) -> Result<Option<i64>, FieldErrors> {
    f.number(name).map_err(|m| FieldErrors::field(name, m))
}

/// The edits of the sign-up panel.
fn sign_up(f: &FormData) -> Result<Edits, FieldErrors> {
    let mut e = Edits::default();
    let auto = f.all("AutoVerifiedAttributes");
    if auto.is_empty() {
        e.remove("AutoVerifiedAttributes");
    } else {
        e.set("AutoVerifiedAttributes", json!(auto));
    }
    e.set(
        "UserAttributeUpdateSettings/AttributesRequireVerificationBeforeUpdate",
        json!(f.all("AttributesRequireVerificationBeforeUpdate")),
    )
    .set(
        "AdminCreateUserConfig/AllowAdminCreateUserOnly",
        json!(f.checked("AllowAdminCreateUserOnly")),
    );
    match number(f, "TemporaryPasswordValidityDays")? {
        Some(n) => e.set(
            "Policies/PasswordPolicy/TemporaryPasswordValidityDays",
            json!(n),
        ),
        None => e.remove("Policies/PasswordPolicy/TemporaryPasswordValidityDays"),
    };
    Ok(e)
}

/// The edits of the password policy panel.
fn password(f: &FormData) -> Result<Edits, FieldErrors> {
    let mut e = Edits::default();
    match number(f, "MinimumLength")? {
        Some(n) => e.set("Policies/PasswordPolicy/MinimumLength", json!(n)),
        None => e.remove("Policies/PasswordPolicy/MinimumLength"),
    };
    match number(f, "PasswordHistorySize")? {
        Some(n) => e.set("Policies/PasswordPolicy/PasswordHistorySize", json!(n)),
        None => e.remove("Policies/PasswordPolicy/PasswordHistorySize"),
    };
    for (field, path) in [
        (
            "RequireUppercase",
            "Policies/PasswordPolicy/RequireUppercase",
        ),
        (
            "RequireLowercase",
            "Policies/PasswordPolicy/RequireLowercase",
        ),
        ("RequireNumbers", "Policies/PasswordPolicy/RequireNumbers"),
        ("RequireSymbols", "Policies/PasswordPolicy/RequireSymbols"),
    ] {
        e.set(path, json!(f.checked(field)));
    }
    Ok(e)
}

/// The edits of the account recovery panel.
fn recovery(f: &FormData) -> Edits {
    let mut e = Edits::default();
    let names: Vec<&str> = f
        .get("RecoveryMechanisms")
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        e.remove("AccountRecoverySetting");
    } else {
        let mechanisms: Vec<Value> = names
            .iter()
            .zip(1..)
            .map(|(name, priority)| json!({ "Name": name, "Priority": priority }))
            .collect();
        e.set(
            "AccountRecoverySetting",
            json!({ "RecoveryMechanisms": mechanisms }),
        );
    }
    e
}

/// What a form posts: an UpdateUserPool of edits, or another operation.
pub(super) enum Change {
    Update(Edits),
    Call(&'static str, Value),
}

/// The change a form asks for, the fields its errors may be about, its
/// panel and what to say when it is done.
pub(super) struct Form {
    pub change: Change,
    pub fields: &'static [&'static str],
    pub panel: &'static str,
    pub done: &'static str,
}

pub(super) fn form_of(
    name: &str,
    id: &str,
    f: &FormData,
    mfa: &Value,
) -> Result<Form, FieldErrors> {
    let form = |change: Change,
                fields: &'static [&'static str],
                panel: &'static str,
                done: &'static str| {
        Ok(Form {
            change,
            fields,
            panel,
            done,
        })
    };
    match name {
        "attributes" => form(
            Change::Call("AddCustomAttributes", custom_attribute(id, f)?),
            &[
                "MinLength",
                "MaxLength",
                "MinValue",
                "MaxValue",
                "AttributeDataType",
                "Name",
            ],
            "attributes",
            "Custom attribute added.",
        ),
        "fixed" => form(
            Change::Call(
                "Kognit.ChangeUserPoolFixedSettings",
                json!({
                    "UserPoolId": id,
                    "UsernameAttributes": f.all("UsernameAttributes"),
                    "AliasAttributes": f.all("AliasAttributes"),
                    "CaseSensitive": f.checked("CaseSensitive"),
                    "RequiredAttributes": f.all("RequiredAttributes"),
                }),
            ),
            &[
                "UsernameAttributes",
                "AliasAttributes",
                "CaseSensitive",
                "RequiredAttributes",
            ],
            "fixed",
            "Sign-in settings changed.",
        ),
        "sign-up" => form(
            Change::Update(sign_up(f)?),
            &[
                "AutoVerifiedAttributes",
                "AttributesRequireVerificationBeforeUpdate",
                "AllowAdminCreateUserOnly",
                "TemporaryPasswordValidityDays",
            ],
            "sign-up",
            "Sign-up settings saved.",
        ),
        "password" => form(
            Change::Update(password(f)?),
            &[
                "MinimumLength",
                "PasswordHistorySize",
                "RequireUppercase",
                "RequireLowercase",
                "RequireNumbers",
                "RequireSymbols",
            ],
            "password",
            "Password policy saved.",
        ),
        "mfa" => form(
            Change::Call("SetUserPoolMfaConfig", mfa_request(id, f, mfa)),
            &["MfaConfiguration"],
            "mfa",
            "MFA settings saved.",
        ),
        "recovery" => form(
            Change::Update(recovery(f)),
            &["RecoveryMechanisms"],
            "recovery",
            "Account recovery saved.",
        ),
        "deletion-protection" => {
            let mut e = Edits::default();
            let on = f.checked("DeletionProtection");
            e.set(
                "DeletionProtection",
                json!(if on { "ACTIVE" } else { "INACTIVE" }),
            );
            form(
                Change::Update(e),
                &["DeletionProtection"],
                "deletion-protection",
                "Deletion protection saved.",
            )
        }
        _ => Err(FieldErrors {
            general: Some(format!("There is no settings form {name}.")),
            fields: Vec::new(),
        }),
    }
}

/// AddCustomAttributes of the form: one attribute, its constraints only
/// when given.
fn custom_attribute(id: &str, f: &FormData) -> Result<Value, FieldErrors> {
    let kind = f.get("AttributeDataType").unwrap_or("String");
    let name = f.get("Name").unwrap_or_default();
    let name = name.strip_prefix("custom:").unwrap_or(name);
    let mut attr = json!({
        "Name": name,
        "AttributeDataType": kind,
        "Mutable": f.checked("Mutable"),
    });
    let mut limits = |members: [&str; 2], into: &str| -> Result<(), FieldErrors> {
        for m in members {
            if let Some(n) = number(f, m)? {
                attr[into][m] = json!(n.to_string());
            }
        }
        Ok(())
    };
    match kind {
        "String" => limits(["MinLength", "MaxLength"], "StringAttributeConstraints")?,
        "Number" => limits(["MinValue", "MaxValue"], "NumberAttributeConstraints")?,
        _ => {}
    }
    Ok(json!({ "UserPoolId": id, "CustomAttributes": [attr] }))
}

/// SetUserPoolMfaConfig of the form. kognit keeps a pool's SMS and email
/// factor configurations once given (an absent member leaves them as they
/// are), so a factor already on is sent as it is and one newly ticked is
/// turned on with Cognito's default messages.
fn mfa_request(id: &str, f: &FormData, mfa: &Value) -> Value {
    let mut req = json!({
        "UserPoolId": id,
        "MfaConfiguration": f.get("MfaConfiguration").unwrap_or("OFF"),
        "SoftwareTokenMfaConfiguration": { "Enabled": f.checked("totp") },
    });
    for (field, member) in [
        ("sms", "SmsMfaConfiguration"),
        ("email", "EmailMfaConfiguration"),
    ] {
        match mfa.get(member) {
            Some(current) => req[member] = current.clone(),
            None if f.checked(field) => req[member] = json!({}),
            None => {}
        }
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn recovery_mechanisms_get_priorities_in_order() {
        let mut pool = json!({});
        recovery(&form(&[(
            "RecoveryMechanisms",
            "verified_phone_number,verified_email",
        )]))
        .apply(&mut pool);
        assert_eq!(
            pool["AccountRecoverySetting"]["RecoveryMechanisms"],
            json!([
                { "Name": "verified_phone_number", "Priority": 1 },
                { "Name": "verified_email", "Priority": 2 },
            ])
        );
        recovery(&form(&[("RecoveryMechanisms", "")])).apply(&mut pool);
        assert!(pool.get("AccountRecoverySetting").is_none());
    }

    #[test]
    fn a_custom_attribute_carries_the_constraints_of_its_type() {
        let f = form(&[
            ("Name", "custom:plan"),
            ("AttributeDataType", "String"),
            ("Mutable", "on"),
            ("MaxLength", "32"),
            ("MinValue", "4"),
        ]);
        let req = custom_attribute("p", &f).unwrap();
        let a = &req["CustomAttributes"][0];
        assert_eq!(a["Name"], "plan");
        assert_eq!(a["Mutable"], true);
        assert_eq!(
            a["StringAttributeConstraints"],
            json!({ "MaxLength": "32" })
        );
        assert!(a.get("NumberAttributeConstraints").is_none());
        let bad = form(&[("Name", "n"), ("MinLength", "x")]);
        assert!(
            custom_attribute("p", &bad)
                .unwrap_err()
                .of("MinLength")
                .is_some()
        );
    }

    #[test]
    fn mfa_keeps_the_factors_kognit_cannot_turn_off() {
        let current =
            json!({ "SmsMfaConfiguration": { "SmsAuthenticationMessage": "Code {####}" } });
        let req = mfa_request(
            "p",
            &form(&[("MfaConfiguration", "OPTIONAL"), ("email", "on")]),
            &current,
        );
        assert_eq!(req["MfaConfiguration"], "OPTIONAL");
        assert_eq!(req["SoftwareTokenMfaConfiguration"]["Enabled"], false);
        assert_eq!(
            req["SmsMfaConfiguration"]["SmsAuthenticationMessage"],
            "Code {####}"
        );
        assert_eq!(req["EmailMfaConfiguration"], json!({}));
        let req = mfa_request("p", &form(&[("totp", "on")]), &json!({}));
        assert!(req.get("SmsMfaConfiguration").is_none());
        assert_eq!(req["SoftwareTokenMfaConfiguration"]["Enabled"], true);
    }
}
