//! One arm per implemented operation: decode into the operation's request type
//! and call one service function. Operations the model has but kognit does not
//! implement yet answer a clear 400 naming them.

use std::future::Future;

use kognit_core::error::ErrorCode;
use kognit_core::{Admin, Error, Service};
use kognit_wire::ops::Operation;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::auth::Caller;
use crate::state::AppState;

/// Decodes the request, runs the service call, encodes the result (straight
/// to JSON text: no intermediate `serde_json::Value` of the answer, which for
/// a page of users was a few thousand small allocations).
async fn call<Req, Resp, Fut>(
    body: serde_json::Value,
    f: impl FnOnce(Req) -> Fut,
) -> Result<String, Error>
where
    Req: DeserializeOwned,
    Resp: Serialize,
    Fut: Future<Output = Result<Resp, Error>>,
{
    // The body was validated against the model already, so a decoding failure
    // here is a type the validator let through: report it as the client's.
    let req: Req = serde_json::from_value(body).map_err(|e| {
        Error::new(
            ErrorCode::SerializationException,
            format!("Invalid request: {e}"),
        )
    })?;
    // Boxed: the match over every operation would otherwise make the
    // dispatch future as large as the largest operation's (13 KB), and
    // the layers above move it several times per request (memcpy was 5–7%
    // of the server's CPU); with the box it is 272 bytes.
    let resp = Box::pin(f(req)).await?;
    serde_json::to_string(&resp).map_err(Error::internal)
}

/// Operations with no output members answer `{}`.
fn empty(_: ()) -> serde_json::Map<String, serde_json::Value> {
    serde_json::Map::new()
}

fn not_implemented(op: &Operation) -> Error {
    Error::new(
        ErrorCode::UnsupportedOperationException,
        format!("kognit does not implement {} yet.", op.name),
    )
}

/// Runs the operation for this caller.
pub async fn dispatch(
    state: &AppState,
    op: &Operation,
    caller: Caller,
    body: serde_json::Value,
) -> Result<String, Error> {
    let svc: &Service = &state.service;
    match caller {
        Caller::Admin(admin) => admin_op(svc, &admin, op, body, state.now_ms()).await,
        Caller::Anonymous => public_op(svc, op, body, state.now_ms()).await,
    }
}

/// Operations Cognito leaves unsigned (client-id or token based).
async fn public_op(
    svc: &Service,
    op: &Operation,
    body: serde_json::Value,
    now: i64,
) -> Result<String, Error> {
    match op.name {
        "SignUp" => call(body, |r| svc.sign_up(r, now)).await,
        "ConfirmSignUp" => call(body, |r| svc.confirm_sign_up(r, now)).await,
        "ResendConfirmationCode" => call(body, |r| svc.resend_confirmation_code(r, now)).await,
        "ForgotPassword" => call(body, |r| svc.forgot_password(r, now)).await,
        "ConfirmForgotPassword" => call(body, |r| svc.confirm_forgot_password(r, now)).await,
        "InitiateAuth" => call(body, |r| svc.initiate_auth(r, now)).await,
        "RespondToAuthChallenge" => call(body, |r| svc.respond_to_auth_challenge(r, now)).await,
        "GetTokensFromRefreshToken" => {
            call(body, |r| svc.get_tokens_from_refresh_token(r, now)).await
        }
        "GetUser" => call(body, |r| svc.get_user(r, now)).await,
        "UpdateUserAttributes" => call(body, |r| svc.update_user_attributes(r, now)).await,
        "DeleteUserAttributes" => {
            call(body, |r| async {
                svc.delete_user_attributes(r, now).await.map(empty)
            })
            .await
        }
        "DeleteUser" => call(body, |r| async { svc.delete_user(r, now).await.map(empty) }).await,
        "ChangePassword" => {
            call(body, |r| async {
                svc.change_password(r, now).await.map(empty)
            })
            .await
        }
        "GetUserAttributeVerificationCode" => {
            call(body, |r| svc.get_user_attribute_verification_code(r, now)).await
        }
        "VerifyUserAttribute" => {
            call(body, |r| async {
                svc.verify_user_attribute(r, now).await.map(empty)
            })
            .await
        }
        "GlobalSignOut" => {
            call(body, |r| async {
                svc.global_sign_out(r, now).await.map(empty)
            })
            .await
        }
        "RevokeToken" => {
            call(body, |r| async {
                svc.revoke_token(r, now).await.map(empty)
            })
            .await
        }
        "AssociateSoftwareToken" => call(body, |r| svc.associate_software_token(r, now)).await,
        "VerifySoftwareToken" => call(body, |r| svc.verify_software_token(r, now)).await,
        "SetUserMFAPreference" => call(body, |r| svc.set_user_mfa_preference(r, now)).await,
        "SetUserSettings" => call(body, |r| svc.set_user_settings(r, now)).await,
        "ConfirmDevice" => call(body, |r| svc.confirm_device(r, now)).await,
        "GetDevice" => call(body, |r| svc.get_device(r, now)).await,
        "ListDevices" => call(body, |r| svc.list_devices(r, now)).await,
        "UpdateDeviceStatus" => {
            call(body, |r| async {
                svc.update_device_status(r, now).await.map(empty)
            })
            .await
        }
        "ForgetDevice" => {
            call(body, |r| async {
                svc.forget_device(r, now).await.map(empty)
            })
            .await
        }
        "ListUserSessions" => call(body, |r| svc.list_user_sessions(r, now)).await,
        "RevokeUserSession" => {
            call(body, |r| async {
                svc.revoke_user_session(r, now).await.map(empty)
            })
            .await
        }
        _ => Err(not_implemented(op)),
    }
}

async fn admin_op(
    svc: &Service,
    admin: &Admin,
    op: &Operation,
    body: serde_json::Value,
    now: i64,
) -> Result<String, Error> {
    let a = admin;
    match op.name {
        "CreateUserPool" => call(body, |r| svc.create_user_pool(a, r, now)).await,
        "DescribeUserPool" => call(body, |r| svc.describe_user_pool(a, r)).await,
        "UpdateUserPool" => call(body, |r| svc.update_user_pool(a, r, now)).await,
        "DeleteUserPool" => {
            call(body, |r| async {
                svc.delete_user_pool(a, r).await.map(empty)
            })
            .await
        }
        "ListUserPools" => call(body, |r| svc.list_user_pools(a, r)).await,
        "AddCustomAttributes" => {
            call(body, |r| async {
                svc.add_custom_attributes(a, r, now).await.map(empty)
            })
            .await
        }
        "GetUserPoolMfaConfig" => call(body, |r| svc.get_user_pool_mfa_config(a, r)).await,
        "SetUserPoolMfaConfig" => call(body, |r| svc.set_user_pool_mfa_config(a, r, now)).await,
        "AdminSetUserMFAPreference" => {
            call(body, |r| svc.admin_set_user_mfa_preference(a, r, now)).await
        }
        "AdminSetUserSettings" => call(body, |r| svc.admin_set_user_settings(a, r, now)).await,
        "AdminDeleteSoftwareToken" => {
            call(body, |r| async {
                svc.admin_delete_software_token(a, r, now).await.map(empty)
            })
            .await
        }
        "TagResource" => {
            call(body, |r| async {
                svc.tag_resource(a, r, now).await.map(empty)
            })
            .await
        }
        "UntagResource" => {
            call(body, |r| async {
                svc.untag_resource(a, r, now).await.map(empty)
            })
            .await
        }
        "ListTagsForResource" => call(body, |r| svc.list_tags_for_resource(a, r)).await,
        "CreateUserPoolClient" => call(body, |r| svc.create_user_pool_client(a, r, now)).await,
        "DescribeUserPoolClient" => call(body, |r| svc.describe_user_pool_client(a, r)).await,
        "UpdateUserPoolClient" => call(body, |r| svc.update_user_pool_client(a, r, now)).await,
        "DeleteUserPoolClient" => {
            call(body, |r| async {
                svc.delete_user_pool_client(a, r).await.map(empty)
            })
            .await
        }
        "ListUserPoolClients" => call(body, |r| svc.list_user_pool_clients(a, r)).await,
        "AddUserPoolClientSecret" => {
            call(body, |r| svc.add_user_pool_client_secret(a, r, now)).await
        }
        "ListUserPoolClientSecrets" => {
            call(body, |r| svc.list_user_pool_client_secrets(a, r)).await
        }
        "DeleteUserPoolClientSecret" => {
            call(body, |r| async {
                svc.delete_user_pool_client_secret(a, r).await.map(empty)
            })
            .await
        }
        "AdminCreateUser" => call(body, |r| svc.admin_create_user(a, r, now)).await,
        "AdminGetUser" => call(body, |r| svc.admin_get_user(a, r)).await,
        "AdminConfirmSignUp" => {
            call(body, |r| async {
                svc.admin_confirm_sign_up(a, r, now).await.map(empty)
            })
            .await
        }
        "AdminDisableUser" => {
            call(body, |r| async {
                svc.admin_disable_user(a, r, now).await.map(empty)
            })
            .await
        }
        "AdminEnableUser" => {
            call(body, |r| async {
                svc.admin_enable_user(a, r, now).await.map(empty)
            })
            .await
        }
        "AdminDeleteUser" => {
            call(body, |r| async {
                svc.admin_delete_user(a, r).await.map(empty)
            })
            .await
        }
        "AdminUpdateUserAttributes" => {
            call(body, |r| async {
                svc.admin_update_user_attributes(a, r, now).await.map(empty)
            })
            .await
        }
        "AdminDeleteUserAttributes" => {
            call(body, |r| async {
                svc.admin_delete_user_attributes(a, r, now).await.map(empty)
            })
            .await
        }
        "AdminResetUserPassword" => {
            call(body, |r| async {
                svc.admin_reset_user_password(a, r, now).await.map(empty)
            })
            .await
        }
        "AdminSetUserPassword" => {
            call(body, |r| async {
                svc.admin_set_user_password(a, r, now).await.map(empty)
            })
            .await
        }
        "ListUsers" => call(body, |r| svc.list_users(a, r)).await,
        "AdminInitiateAuth" => call(body, |r| svc.admin_initiate_auth(a, r, now)).await,
        "AdminRespondToAuthChallenge" => {
            call(body, |r| svc.admin_respond_to_auth_challenge(a, r, now)).await
        }
        "AdminUserGlobalSignOut" => {
            call(body, |r| async {
                svc.admin_user_global_sign_out(a, r, now).await.map(empty)
            })
            .await
        }
        "CreateGroup" => call(body, |r| svc.create_group(a, r, now)).await,
        "GetGroup" => call(body, |r| svc.get_group(a, r)).await,
        "UpdateGroup" => call(body, |r| svc.update_group(a, r, now)).await,
        "DeleteGroup" => call(body, |r| async { svc.delete_group(a, r).await.map(empty) }).await,
        "ListGroups" => call(body, |r| svc.list_groups(a, r)).await,
        "AdminAddUserToGroup" => {
            call(body, |r| async {
                svc.admin_add_user_to_group(a, r).await.map(empty)
            })
            .await
        }
        "AdminRemoveUserFromGroup" => {
            call(body, |r| async {
                svc.admin_remove_user_from_group(a, r).await.map(empty)
            })
            .await
        }
        "AdminListGroupsForUser" => call(body, |r| svc.admin_list_groups_for_user(a, r)).await,
        "ListUsersInGroup" => call(body, |r| svc.list_users_in_group(a, r)).await,
        "AdminGetDevice" => call(body, |r| svc.admin_get_device(a, r)).await,
        "AdminListDevices" => call(body, |r| svc.admin_list_devices(a, r)).await,
        "AdminUpdateDeviceStatus" => {
            call(body, |r| async {
                svc.admin_update_device_status(a, r, now).await.map(empty)
            })
            .await
        }
        "AdminForgetDevice" => {
            call(body, |r| async {
                svc.admin_forget_device(a, r, now).await.map(empty)
            })
            .await
        }
        "AdminListUserSessions" => call(body, |r| svc.admin_list_user_sessions(a, r, now)).await,
        "AdminRevokeUserSession" => {
            call(body, |r| async {
                svc.admin_revoke_user_session(a, r, now).await.map(empty)
            })
            .await
        }
        "GetUserPoolSessionConfiguration" => {
            call(body, |r| svc.get_user_pool_session_configuration(a, r)).await
        }
        "SetUserPoolSessionConfiguration" => {
            call(body, |r| svc.set_user_pool_session_configuration(a, r, now)).await
        }
        "AdminListUserAuthEvents" => call(body, |r| svc.admin_list_user_auth_events(a, r)).await,
        "AdminUpdateAuthEventFeedback" => {
            call(body, |r| async {
                svc.admin_update_auth_event_feedback(a, r, now)
                    .await
                    .map(empty)
            })
            .await
        }
        _ => Err(not_implemented(op)),
    }
}

/// The names of kognit's own operations.
pub const EXTENSIONS: &[&str] = &["ChangeUserPoolFixedSettings", "RotateSigningKeys"];

/// The request of `Kognit.RotateSigningKeys`.
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct RotateSigningKeysRequest {
    user_pool_id: String,
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
        "RotateSigningKeys" => {
            call(body, |r: RotateSigningKeysRequest| async move {
                svc.rotate_signing_keys(admin, &r.user_pool_id, now).await?;
                Ok(serde_json::json!({}))
            })
            .await
        }
        _ => Err(Error::new(
            ErrorCode::UnknownOperationException,
            format!("kognit has no extension operation {name}."),
        )),
    }
}
