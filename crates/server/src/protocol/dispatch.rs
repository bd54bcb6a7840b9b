//! One arm per implemented operation: decode into the operation's request type
//! and call one service function. Operations the model has but kognit does not
//! implement yet answer a clear 400 naming them.

use std::future::Future;

use kognit_core::error::ErrorCode;
use kognit_core::{Admin, Error, Service};
use kognit_wire::ops::{Op, Operation};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::auth::Caller;
use crate::state::AppState;

/// Decodes the request, runs the service call, encodes the result (straight
/// to JSON text: no intermediate `serde_json::Value` of the answer, which for
/// a page of users was a few thousand small allocations).
pub(super) async fn call<Req, Resp, Fut>(
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
    // dispatch future as large as the largest operation's, and the layers
    // above move it several times per request; memcpy then shows up in
    // the server's profile (BENCHMARKS.md, "Kept").
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
    match op.id {
        Op::SignUp => call(body, |r| svc.sign_up(r, now)).await,
        Op::ConfirmSignUp => call(body, |r| svc.confirm_sign_up(r, now)).await,
        Op::ResendConfirmationCode => call(body, |r| svc.resend_confirmation_code(r, now)).await,
        Op::ForgotPassword => call(body, |r| svc.forgot_password(r, now)).await,
        Op::ConfirmForgotPassword => call(body, |r| svc.confirm_forgot_password(r, now)).await,
        Op::InitiateAuth => call(body, |r| svc.initiate_auth(r, now)).await,
        Op::RespondToAuthChallenge => call(body, |r| svc.respond_to_auth_challenge(r, now)).await,
        Op::GetTokensFromRefreshToken => {
            call(body, |r| svc.get_tokens_from_refresh_token(r, now)).await
        }
        Op::GetUser => call(body, |r| svc.get_user(r, now)).await,
        Op::UpdateUserAttributes => call(body, |r| svc.update_user_attributes(r, now)).await,
        Op::DeleteUserAttributes => {
            call(body, |r| async {
                svc.delete_user_attributes(r, now).await.map(empty)
            })
            .await
        }
        Op::DeleteUser => call(body, |r| async { svc.delete_user(r, now).await.map(empty) }).await,
        Op::ChangePassword => {
            call(body, |r| async {
                svc.change_password(r, now).await.map(empty)
            })
            .await
        }
        Op::GetUserAttributeVerificationCode => {
            call(body, |r| svc.get_user_attribute_verification_code(r, now)).await
        }
        Op::VerifyUserAttribute => {
            call(body, |r| async {
                svc.verify_user_attribute(r, now).await.map(empty)
            })
            .await
        }
        Op::GlobalSignOut => {
            call(body, |r| async {
                svc.global_sign_out(r, now).await.map(empty)
            })
            .await
        }
        Op::RevokeToken => {
            call(body, |r| async {
                svc.revoke_token(r, now).await.map(empty)
            })
            .await
        }
        Op::AssociateSoftwareToken => call(body, |r| svc.associate_software_token(r, now)).await,
        Op::VerifySoftwareToken => call(body, |r| svc.verify_software_token(r, now)).await,
        Op::SetUserMFAPreference => call(body, |r| svc.set_user_mfa_preference(r, now)).await,
        Op::SetUserSettings => call(body, |r| svc.set_user_settings(r, now)).await,
        Op::ConfirmDevice => call(body, |r| svc.confirm_device(r, now)).await,
        Op::GetDevice => call(body, |r| svc.get_device(r, now)).await,
        Op::ListDevices => call(body, |r| svc.list_devices(r, now)).await,
        Op::UpdateDeviceStatus => {
            call(body, |r| async {
                svc.update_device_status(r, now).await.map(empty)
            })
            .await
        }
        Op::ForgetDevice => {
            call(body, |r| async {
                svc.forget_device(r, now).await.map(empty)
            })
            .await
        }
        Op::ListUserSessions => call(body, |r| svc.list_user_sessions(r, now)).await,
        Op::RevokeUserSession => {
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
    match op.id {
        Op::CreateUserPool => call(body, |r| svc.create_user_pool(a, r, now)).await,
        Op::DescribeUserPool => call(body, |r| svc.describe_user_pool(a, r)).await,
        Op::UpdateUserPool => call(body, |r| svc.update_user_pool(a, r, now)).await,
        Op::DeleteUserPool => {
            call(body, |r| async {
                svc.delete_user_pool(a, r).await.map(empty)
            })
            .await
        }
        Op::ListUserPools => call(body, |r| svc.list_user_pools(a, r)).await,
        Op::CreateUserPoolDomain => call(body, |r| svc.create_user_pool_domain(a, r, now)).await,
        Op::DescribeUserPoolDomain => call(body, |r| svc.describe_user_pool_domain(a, r)).await,
        Op::UpdateUserPoolDomain => call(body, |r| svc.update_user_pool_domain(a, r, now)).await,
        Op::DeleteUserPoolDomain => {
            call(body, |r| async {
                svc.delete_user_pool_domain(a, r).await.map(empty)
            })
            .await
        }
        Op::SetUICustomization => call(body, |r| svc.set_ui_customization(a, r, now)).await,
        Op::GetUICustomization => call(body, |r| svc.get_ui_customization(a, r)).await,
        Op::CreateManagedLoginBranding => {
            call(body, |r| svc.create_managed_login_branding(a, r, now)).await
        }
        Op::DescribeManagedLoginBranding => {
            call(body, |r| svc.describe_managed_login_branding(a, r)).await
        }
        Op::DescribeManagedLoginBrandingByClient => {
            call(body, |r| {
                svc.describe_managed_login_branding_by_client(a, r)
            })
            .await
        }
        Op::UpdateManagedLoginBranding => {
            call(body, |r| svc.update_managed_login_branding(a, r, now)).await
        }
        Op::DeleteManagedLoginBranding => {
            call(body, |r| async {
                svc.delete_managed_login_branding(a, r).await.map(empty)
            })
            .await
        }
        Op::AddCustomAttributes => {
            call(body, |r| async {
                svc.add_custom_attributes(a, r, now).await.map(empty)
            })
            .await
        }
        Op::GetUserPoolMfaConfig => call(body, |r| svc.get_user_pool_mfa_config(a, r)).await,
        Op::SetUserPoolMfaConfig => call(body, |r| svc.set_user_pool_mfa_config(a, r, now)).await,
        Op::AdminSetUserMFAPreference => {
            call(body, |r| svc.admin_set_user_mfa_preference(a, r, now)).await
        }
        Op::AdminSetUserSettings => call(body, |r| svc.admin_set_user_settings(a, r, now)).await,
        Op::AdminDeleteSoftwareToken => {
            call(body, |r| async {
                svc.admin_delete_software_token(a, r, now).await.map(empty)
            })
            .await
        }
        Op::TagResource => {
            call(body, |r| async {
                svc.tag_resource(a, r, now).await.map(empty)
            })
            .await
        }
        Op::UntagResource => {
            call(body, |r| async {
                svc.untag_resource(a, r, now).await.map(empty)
            })
            .await
        }
        Op::ListTagsForResource => call(body, |r| svc.list_tags_for_resource(a, r)).await,
        Op::CreateUserPoolClient => call(body, |r| svc.create_user_pool_client(a, r, now)).await,
        Op::DescribeUserPoolClient => call(body, |r| svc.describe_user_pool_client(a, r)).await,
        Op::UpdateUserPoolClient => call(body, |r| svc.update_user_pool_client(a, r, now)).await,
        Op::DeleteUserPoolClient => {
            call(body, |r| async {
                svc.delete_user_pool_client(a, r).await.map(empty)
            })
            .await
        }
        Op::ListUserPoolClients => call(body, |r| svc.list_user_pool_clients(a, r)).await,
        Op::AddUserPoolClientSecret => {
            call(body, |r| svc.add_user_pool_client_secret(a, r, now)).await
        }
        Op::ListUserPoolClientSecrets => {
            call(body, |r| svc.list_user_pool_client_secrets(a, r)).await
        }
        Op::DeleteUserPoolClientSecret => {
            call(body, |r| async {
                svc.delete_user_pool_client_secret(a, r).await.map(empty)
            })
            .await
        }
        Op::AdminCreateUser => call(body, |r| svc.admin_create_user(a, r, now)).await,
        Op::AdminGetUser => call(body, |r| svc.admin_get_user(a, r)).await,
        Op::AdminConfirmSignUp => {
            call(body, |r| async {
                svc.admin_confirm_sign_up(a, r, now).await.map(empty)
            })
            .await
        }
        Op::AdminDisableUser => {
            call(body, |r| async {
                svc.admin_disable_user(a, r, now).await.map(empty)
            })
            .await
        }
        Op::AdminEnableUser => {
            call(body, |r| async {
                svc.admin_enable_user(a, r, now).await.map(empty)
            })
            .await
        }
        Op::AdminDeleteUser => {
            call(body, |r| async {
                svc.admin_delete_user(a, r).await.map(empty)
            })
            .await
        }
        Op::AdminUpdateUserAttributes => {
            call(body, |r| async {
                svc.admin_update_user_attributes(a, r, now).await.map(empty)
            })
            .await
        }
        Op::AdminDeleteUserAttributes => {
            call(body, |r| async {
                svc.admin_delete_user_attributes(a, r, now).await.map(empty)
            })
            .await
        }
        Op::AdminResetUserPassword => {
            call(body, |r| async {
                svc.admin_reset_user_password(a, r, now).await.map(empty)
            })
            .await
        }
        Op::AdminSetUserPassword => {
            call(body, |r| async {
                svc.admin_set_user_password(a, r, now).await.map(empty)
            })
            .await
        }
        Op::ListUsers => call(body, |r| svc.list_users(a, r)).await,
        Op::AdminInitiateAuth => call(body, |r| svc.admin_initiate_auth(a, r, now)).await,
        Op::AdminRespondToAuthChallenge => {
            call(body, |r| svc.admin_respond_to_auth_challenge(a, r, now)).await
        }
        Op::AdminUserGlobalSignOut => {
            call(body, |r| async {
                svc.admin_user_global_sign_out(a, r, now).await.map(empty)
            })
            .await
        }
        Op::CreateGroup => call(body, |r| svc.create_group(a, r, now)).await,
        Op::GetGroup => call(body, |r| svc.get_group(a, r)).await,
        Op::UpdateGroup => call(body, |r| svc.update_group(a, r, now)).await,
        Op::DeleteGroup => call(body, |r| async { svc.delete_group(a, r).await.map(empty) }).await,
        Op::ListGroups => call(body, |r| svc.list_groups(a, r)).await,
        Op::CreateResourceServer => call(body, |r| svc.create_resource_server(a, r, now)).await,
        Op::DescribeResourceServer => call(body, |r| svc.describe_resource_server(a, r)).await,
        Op::UpdateResourceServer => call(body, |r| svc.update_resource_server(a, r, now)).await,
        Op::DeleteResourceServer => {
            call(body, |r| async {
                svc.delete_resource_server(a, r).await.map(empty)
            })
            .await
        }
        Op::ListResourceServers => call(body, |r| svc.list_resource_servers(a, r)).await,
        Op::AdminAddUserToGroup => {
            call(body, |r| async {
                svc.admin_add_user_to_group(a, r).await.map(empty)
            })
            .await
        }
        Op::AdminRemoveUserFromGroup => {
            call(body, |r| async {
                svc.admin_remove_user_from_group(a, r).await.map(empty)
            })
            .await
        }
        Op::AdminListGroupsForUser => call(body, |r| svc.admin_list_groups_for_user(a, r)).await,
        Op::ListUsersInGroup => call(body, |r| svc.list_users_in_group(a, r)).await,
        Op::AdminGetDevice => call(body, |r| svc.admin_get_device(a, r)).await,
        Op::AdminListDevices => call(body, |r| svc.admin_list_devices(a, r)).await,
        Op::AdminUpdateDeviceStatus => {
            call(body, |r| async {
                svc.admin_update_device_status(a, r, now).await.map(empty)
            })
            .await
        }
        Op::AdminForgetDevice => {
            call(body, |r| async {
                svc.admin_forget_device(a, r, now).await.map(empty)
            })
            .await
        }
        Op::AdminListUserSessions => call(body, |r| svc.admin_list_user_sessions(a, r, now)).await,
        Op::AdminRevokeUserSession => {
            call(body, |r| async {
                svc.admin_revoke_user_session(a, r, now).await.map(empty)
            })
            .await
        }
        Op::GetUserPoolSessionConfiguration => {
            call(body, |r| svc.get_user_pool_session_configuration(a, r)).await
        }
        Op::SetUserPoolSessionConfiguration => {
            call(body, |r| svc.set_user_pool_session_configuration(a, r, now)).await
        }
        Op::AdminListUserAuthEvents => call(body, |r| svc.admin_list_user_auth_events(a, r)).await,
        Op::AdminUpdateAuthEventFeedback => {
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
