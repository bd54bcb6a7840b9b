//! kognit's own operations (`X-Amz-Target: Kognit.<Name>`), admin only:
//! signed like Cognito's admin operations in `serve`. Each decodes its
//! request and calls one service function, as the Cognito operations do.

use kognit_core::error::ErrorCode;
use kognit_core::users::UserSearch;
use kognit_core::{Admin, Error, Service};
use kognit_wire::types::{UserStatusType, UserType};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::dispatch::call;
use crate::state::AppState;

/// The names of kognit's own operations.
pub const EXTENSIONS: &[&str] = &[
    "ChangeUserPoolFixedSettings",
    "ExportSeed",
    "GetTriggerSecret",
    "RevokeClientSessions",
    "RotateSigningKeys",
    "SearchUsers",
];

/// The request of `Kognit.RotateSigningKeys` and `Kognit.GetTriggerSecret`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct RotateSigningKeysRequest {
    user_pool_id: String,
}

/// The request of `Kognit.SearchUsers`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct SearchUsersRequest {
    user_pool_id: String,
    query: String,
    #[serde(default)]
    status: Option<UserStatusType>,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    pagination_token: Option<String>,
    #[serde(default)]
    limit: Option<u32>,
}

/// The answer of `Kognit.SearchUsers`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SearchUsersResponse {
    users: Vec<UserType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pagination_token: Option<String>,
}

/// The request of `Kognit.RevokeClientSessions`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct RevokeClientSessionsRequest {
    user_pool_id: String,
    client_id: String,
}

/// The request of `Kognit.ExportSeed`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ExportSeedRequest {
    /// `toml` (the default) or `json`.
    #[serde(default)]
    format: Option<String>,
}

/// Decodes the request of one of the newer extensions: a member missing,
/// unknown or of the wrong type is InvalidParameterException.
fn decode<T: DeserializeOwned>(body: serde_json::Value) -> Result<T, Error> {
    serde_json::from_value(body)
        .map_err(|e| Error::invalid_parameter(format!("Invalid request: {e}")))
}

/// Checks members an extension shares with Cognito's operations against
/// `shape`, a model shape that has them, so they are refused with AWS's
/// messages (InvalidParameterException) before anything reaches the store.
fn check_members(
    shape: &str,
    members: serde_json::Map<String, serde_json::Value>,
) -> Result<(), Error> {
    let members = serde_json::Value::Object(members);
    kognit_wire::validate::validate(shape, &members)
        .map_err(|e| Error::invalid_parameter(e.message()))
}

/// `Kognit.SearchUsers`: [`Service::search_users`].
async fn search_users(
    svc: &Service,
    admin: &Admin,
    r: SearchUsersRequest,
) -> Result<String, Error> {
    let mut members = serde_json::Map::new();
    members.insert("UserPoolId".into(), r.user_pool_id.clone().into());
    if let Some(t) = &r.pagination_token {
        members.insert("PaginationToken".into(), t.clone().into());
    }
    check_members("ListUsersRequest", members)?;
    let page = svc
        .search_users(
            admin,
            UserSearch {
                user_pool_id: r.user_pool_id,
                query: r.query,
                status: r.status,
                enabled: r.enabled,
                pagination_token: r.pagination_token,
                limit: r.limit.unwrap_or(0),
            },
        )
        .await?;
    let resp = SearchUsersResponse {
        users: page.users,
        pagination_token: page.pagination_token,
    };
    serde_json::to_string(&resp).map_err(Error::internal)
}

/// `Kognit.RevokeClientSessions`: [`Service::revoke_client_sessions`].
async fn revoke_client_sessions(
    svc: &Service,
    admin: &Admin,
    r: RevokeClientSessionsRequest,
    now: i64,
) -> Result<String, Error> {
    let mut members = serde_json::Map::new();
    members.insert("UserPoolId".into(), r.user_pool_id.clone().into());
    members.insert("ClientId".into(), r.client_id.clone().into());
    check_members("DescribeUserPoolClientRequest", members)?;
    let n = svc
        .revoke_client_sessions(admin, &r.user_pool_id, &r.client_id, now)
        .await?;
    Ok(serde_json::json!({ "RevokedSessions": n }).to_string())
}

/// `Kognit.ExportSeed` (`kognit dev` only): every pool, app client, group
/// and user as a seed file's text (`crate::seed`), which `--seed` takes back.
/// Only in dev: the text holds what no other operation shows (password
/// hashes and SRP verifiers, signing keys).
async fn export_seed(
    state: &AppState,
    admin: &Admin,
    r: ExportSeedRequest,
) -> Result<String, Error> {
    if state.mode != crate::config::Mode::Dev {
        return Err(Error::new(
            ErrorCode::UnsupportedOperationException,
            "Kognit.ExportSeed is an operation of kognit dev only.",
        ));
    }
    let name = r.format.as_deref().unwrap_or("toml");
    let format = crate::seed::Format::named(name).ok_or_else(|| {
        Error::invalid_parameter(format!("Format must be toml or json, not {name:?}."))
    })?;
    let (text, pools) = crate::seed::export(&state.service, admin, format).await?;
    Ok(serde_json::json!({ "Format": name, "Seed": text, "UserPools": pools }).to_string())
}

/// kognit's own operations (`X-Amz-Target: Kognit.<Name>`), admin only.
pub async fn extension(
    state: &AppState,
    name: &str,
    admin: &Admin,
    body: serde_json::Value,
) -> Result<String, Error> {
    let svc: &Service = &state.service;
    let now = state.now_ms();
    match name {
        "ChangeUserPoolFixedSettings" => {
            call(body, |r| async {
                let doc = svc.change_fixed_settings(admin, r, now).await?;
                Ok(serde_json::json!({ "UserPool": doc.pool }))
            })
            .await
        }
        "ExportSeed" => Box::pin(export_seed(state, admin, decode(body)?)).await,
        "GetTriggerSecret" => {
            call(body, |r: RotateSigningKeysRequest| async move {
                let secret = svc.trigger_secret_of(admin, &r.user_pool_id).await?;
                Ok(serde_json::json!({ "UserPoolId": r.user_pool_id, "TriggerSecret": secret }))
            })
            .await
        }
        "RevokeClientSessions" => {
            Box::pin(revoke_client_sessions(svc, admin, decode(body)?, now)).await
        }
        "RotateSigningKeys" => {
            call(body, |r: RotateSigningKeysRequest| async move {
                svc.rotate_signing_keys(admin, &r.user_pool_id, now).await?;
                Ok(serde_json::json!({}))
            })
            .await
        }
        "SearchUsers" => Box::pin(search_users(svc, admin, decode(body)?)).await,
        _ => Err(Error::new(
            ErrorCode::UnknownOperationException,
            format!("kognit has no extension operation {name}."),
        )),
    }
}
