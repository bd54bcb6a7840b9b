//! Defaults and cross-member rules of app clients: token validities and their
//! units, auth flows, OAuth settings, attribute permissions.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html>

use kognit_wire::types::{
    ExplicitAuthFlowsType, OAuthFlowType, PreventUserExistenceErrorTypes, SchemaAttributeType,
    TimeUnitsType, TokenValidityUnitsType, UserPoolClientType,
};

use crate::{Error, Result};

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86400;

fn unit_seconds(unit: TimeUnitsType) -> i64 {
    match unit {
        TimeUnitsType::Seconds => 1,
        TimeUnitsType::Minutes => MINUTE,
        TimeUnitsType::Hours => HOUR,
        TimeUnitsType::Days => DAY,
    }
}

/// A token validity in seconds, given its value and unit.
pub fn validity_seconds(value: i32, unit: TimeUnitsType) -> i64 {
    i64::from(value) * unit_seconds(unit)
}

/// How long the client's refresh tokens live, in ms (RefreshTokenValidity,
/// default 30 days).
pub fn refresh_validity_ms(c: &UserPoolClientType) -> i64 {
    let unit = c
        .token_validity_units
        .as_ref()
        .and_then(|u| u.refresh_token)
        .unwrap_or(TimeUnitsType::Days);
    validity_seconds(c.refresh_token_validity.unwrap_or(30), unit) * 1000
}

/// `default_secs` expressed in `unit`, when it divides evenly.
fn in_unit(default_secs: i64, unit: TimeUnitsType) -> Option<i32> {
    let u = unit_seconds(unit);
    (default_secs % u == 0).then(|| i32::try_from(default_secs / u).ok())?
}

/// Fills Cognito's defaults for token validities (access and ID one hour,
/// refresh 30 days; API default units hours, hours, days) and checks ranges
/// (access and ID 5 minutes to 1 day, refresh 1 hour to 10 years).
pub fn token_validity(c: &mut UserPoolClientType) -> Result<()> {
    let units = c
        .token_validity_units
        .get_or_insert_with(TokenValidityUnitsType::default);
    let au = *units.access_token.get_or_insert(TimeUnitsType::Hours);
    let iu = *units.id_token.get_or_insert(TimeUnitsType::Hours);
    let ru = *units.refresh_token.get_or_insert(TimeUnitsType::Days);
    let fill = |v: &mut Option<i32>, unit: TimeUnitsType, secs: i64| {
        if v.is_none() || *v == Some(0) {
            *v = Some(in_unit(secs, unit).unwrap_or(1));
        }
    };
    fill(&mut c.access_token_validity, au, HOUR);
    fill(&mut c.id_token_validity, iu, HOUR);
    fill(&mut c.refresh_token_validity, ru, 30 * DAY);
    let check =
        |name: &str, v: Option<i32>, unit: TimeUnitsType, min: i64, max: i64, range: &str| {
            let s = validity_seconds(v.unwrap_or(0), unit);
            if s < min || s > max {
                return Err(Error::invalid_parameter(format!(
                    "{name} must be between {range}."
                )));
            }
            Ok(())
        };
    check(
        "AccessTokenValidity",
        c.access_token_validity,
        au,
        5 * MINUTE,
        DAY,
        "5 minutes and 1 day",
    )?;
    check(
        "IdTokenValidity",
        c.id_token_validity,
        iu,
        5 * MINUTE,
        DAY,
        "5 minutes and 1 day",
    )?;
    check(
        "RefreshTokenValidity",
        c.refresh_token_validity,
        ru,
        HOUR,
        3650 * DAY,
        "60 minutes and 10 years",
    )?;
    Ok(())
}

const LEGACY_FLOWS: &[ExplicitAuthFlowsType] = &[
    ExplicitAuthFlowsType::AdminNoSrpAuth,
    ExplicitAuthFlowsType::CustomAuthFlowOnly,
    ExplicitAuthFlowsType::UserPasswordAuth,
];

/// ExplicitAuthFlows: legacy names and `ALLOW_` names cannot be mixed.
pub fn auth_flows(c: &UserPoolClientType) -> Result<()> {
    let flows = c.explicit_auth_flows.as_deref().unwrap_or_default();
    let legacy = flows.iter().any(|f| LEGACY_FLOWS.contains(f));
    let modern = flows.iter().any(|f| f.as_str().starts_with("ALLOW_"));
    if legacy && modern {
        return Err(Error::invalid_parameter(
            "ExplicitAuthFlows can not have both legacy and ALLOW_ prefixed auth flow types.",
        ));
    }
    Ok(())
}

fn callback_ok(url: &str) -> bool {
    if url.contains('#') {
        return false;
    }
    match url.split_once("://") {
        Some(("https", _)) => true,
        Some(("http", rest)) => {
            let host = rest.split(['/', '?']).next().unwrap_or_default();
            let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
            matches!(host, "localhost" | "127.0.0.1" | "[::1]")
        }
        // Custom schemes (myapp://callback) are for native apps.
        Some((scheme, _)) => !scheme.is_empty(),
        None => false,
    }
}

/// OAuth settings: flows, scopes, callback and logout URLs, identity providers.
pub fn oauth(c: &UserPoolClientType, pool_id: &str, has_secret: bool) -> Result<()> {
    let flows = c.allowed_o_auth_flows.clone().unwrap_or_default();
    let scopes = c.allowed_o_auth_scopes.clone().unwrap_or_default();
    let callbacks = c.callback_urls.clone().unwrap_or_default();
    let logouts = c.logout_urls.clone().unwrap_or_default();
    let interactive = flows
        .iter()
        .any(|f| matches!(f, OAuthFlowType::Code | OAuthFlowType::Implicit));
    if flows.contains(&OAuthFlowType::ClientCredentials) {
        if interactive {
            return Err(Error::invalid_parameter(
                "client_credentials flow can not be selected if authorization code or implicit flow is selected.",
            ));
        }
        if !has_secret {
            return Err(Error::invalid_parameter(
                "client_credentials flow can not be selected if client does not have a client secret.",
            ));
        }
    }
    if c.allowed_o_auth_flows_user_pool_client == Some(true) {
        if flows.is_empty() {
            return Err(Error::invalid_parameter(
                "AllowedOAuthFlows must be provided when AllowedOAuthFlowsUserPoolClient is true.",
            ));
        }
        if scopes.is_empty() {
            return Err(Error::invalid_parameter(
                "AllowedOAuthScopes must be provided when AllowedOAuthFlowsUserPoolClient is true.",
            ));
        }
        if interactive && callbacks.is_empty() {
            return Err(Error::invalid_parameter(
                "CallbackURLs must be provided when the authorization code or implicit flow is allowed.",
            ));
        }
    }
    // Custom scopes (`<resource server>/<scope>`) are checked against the
    // pool's resource servers by the caller (`Service::check_custom_scopes`).
    if let Some(s) = scopes
        .iter()
        .find(|s| !crate::scopes::is_standard(s) && !s.contains('/'))
    {
        return Err(Error::new(
            kognit_wire::error::ErrorCode::ScopeDoesNotExistException,
            format!("Invalid scope requested: {s}"),
        ));
    }
    if let Some(u) = callbacks.iter().find(|u| !callback_ok(u)) {
        return Err(Error::invalid_parameter(format!(
            "{u} is not a valid callback URL: it must use HTTPS (http only for localhost) and have no fragment."
        )));
    }
    if let Some(u) = logouts.iter().find(|u| !callback_ok(u)) {
        return Err(Error::invalid_parameter(format!(
            "{u} is not a valid logout URL: it must use HTTPS (http only for localhost) and have no fragment."
        )));
    }
    if let Some(d) = &c.default_redirect_uri
        && !callbacks.contains(d)
    {
        return Err(Error::invalid_parameter(
            "DefaultRedirectURI must be one of the CallbackURLs.",
        ));
    }
    for p in c.supported_identity_providers.iter().flatten() {
        if p != "COGNITO" {
            return Err(Error::invalid_parameter(format!(
                "The provider {p} does not exist for User Pool {pool_id}"
            )));
        }
    }
    Ok(())
}

/// ReadAttributes and WriteAttributes must name attributes of the pool; the
/// verified flags and `sub` cannot be written by clients.
pub fn attribute_permissions(
    c: &UserPoolClientType,
    schema: &[SchemaAttributeType],
    creating: bool,
) -> Result<()> {
    let known = |n: &str| schema.iter().any(|a| a.name.as_deref() == Some(n));
    let verb = if creating { "creating" } else { "updating" };
    if c.read_attributes.iter().flatten().any(|a| !known(a)) {
        return Err(Error::invalid_parameter(format!(
            "Invalid read attributes specified while {verb} a client"
        )));
    }
    let unwritable = |n: &str| !known(n) || n == "sub";
    if c.write_attributes.iter().flatten().any(|a| unwritable(a)) {
        return Err(Error::invalid_parameter(format!(
            "Invalid write attributes specified while {verb} a client"
        )));
    }
    Ok(())
}

/// Fills the remaining defaults of a client.
pub fn fill_defaults(c: &mut UserPoolClientType) {
    c.allowed_o_auth_flows_user_pool_client.get_or_insert(false);
    c.prevent_user_existence_errors
        .get_or_insert(PreventUserExistenceErrorTypes::Legacy);
    c.enable_token_revocation.get_or_insert(true);
    c.enable_propagate_additional_user_context_data
        .get_or_insert(false);
    c.auth_session_validity.get_or_insert(3);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_defaults_and_ranges() {
        let mut c = UserPoolClientType::default();
        token_validity(&mut c).unwrap();
        assert_eq!(c.access_token_validity, Some(1));
        assert_eq!(c.refresh_token_validity, Some(30));
        let mut c = UserPoolClientType {
            access_token_validity: Some(2),
            token_validity_units: Some(TokenValidityUnitsType {
                access_token: Some(TimeUnitsType::Minutes),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(token_validity(&mut c).is_err());
    }

    #[test]
    fn callbacks() {
        assert!(callback_ok("https://example.com/cb"));
        assert!(callback_ok("http://localhost:3000/cb"));
        assert!(callback_ok("myapp://cb"));
        assert!(!callback_ok("http://example.com/cb"));
        assert!(!callback_ok("https://example.com/cb#x"));
    }
}
