//! One user: attributes (edit, delete, verification state), status, groups,
//! MFA, devices, sessions and recent auth events; and the actions on them,
//! each one operation of the API.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use kognit_core::error::ErrorCode;
use serde_json::{Value, json};

use super::PageQuery;
use super::{Console, ConsoleForm, Layout, error_page, text, urlencode, with_notice};
use crate::state::AppState;
use crate::web::page::{self, FieldErrors, redirect, when_seconds};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/pools/{pool}/users/{username}", get(show))
        .route("/console/pools/{pool}/users/{username}/{action}", post(act))
}

struct Attr {
    name: String,
    value: String,
}

struct Row {
    cells: Vec<String>,
    key: String,
}

struct Mfa {
    totp: bool,
    sms: bool,
    email: bool,
    preferred: String,
}

#[derive(askama::Template)]
#[template(path = "console/user.html")]
struct UserPage {
    layout: Layout,
    pool: String,
    username: String,
    path: String,
    status: String,
    enabled: bool,
    created: String,
    modified: String,
    attributes: Vec<Attr>,
    groups: Vec<String>,
    all_groups: Vec<String>,
    mfa: Mfa,
    devices: Vec<Row>,
    sessions: Vec<Row>,
    events: Vec<Row>,
    errors: FieldErrors,
}

fn list(v: &Value, key: &str) -> Vec<Value> {
    v.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

async fn render_user(
    state: &AppState,
    c: &Console,
    pool: String,
    username: String,
    notice: Option<String>,
    errors: FieldErrors,
) -> Response {
    let who = json!({ "UserPoolId": pool, "Username": username });
    let user = match c.call(state, "AdminGetUser", who.clone()).await {
        Ok(u) => u,
        Err(e) => return error_page(&e),
    };
    // The panels below are secondary: one that fails shows empty.
    let read = |op: &'static str, body: Value| async move {
        c.call(state, op, body).await.unwrap_or_default()
    };
    let mut groups_req = who.clone();
    groups_req["Limit"] = json!(60);
    let groups = read("AdminListGroupsForUser", groups_req).await;
    let all_groups = read("ListGroups", json!({ "UserPoolId": pool, "Limit": 60 })).await;
    let devices = read("AdminListDevices", who.clone()).await;
    let sessions = read("AdminListUserSessions", who.clone()).await;
    let mut events_req = who.clone();
    events_req["MaxResults"] = json!(10);
    let events = read("AdminListUserAuthEvents", events_req).await;

    let member: Vec<String> = list(&groups, "Groups")
        .iter()
        .map(|g| text(g, "GroupName").to_owned())
        .collect();
    let settings: Vec<String> = list(&user, "UserMFASettingList")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let page = UserPage {
        layout: c.layout(username.clone(), Some(&pool)).with_notice(notice),
        path: format!("/console/pools/{pool}/users/{}", urlencode(&username)),
        status: text(&user, "UserStatus").to_owned(),
        enabled: user["Enabled"].as_bool().unwrap_or(true),
        created: when_seconds(&user["UserCreateDate"]),
        modified: when_seconds(&user["UserLastModifiedDate"]),
        attributes: list(&user, "UserAttributes")
            .iter()
            .map(|a| Attr {
                name: text(a, "Name").to_owned(),
                value: text(a, "Value").to_owned(),
            })
            .collect(),
        all_groups: list(&all_groups, "Groups")
            .iter()
            .map(|g| text(g, "GroupName").to_owned())
            .filter(|g| !member.contains(g))
            .collect(),
        groups: member,
        mfa: Mfa {
            totp: settings.iter().any(|s| s == "SOFTWARE_TOKEN_MFA"),
            sms: settings.iter().any(|s| s == "SMS_MFA"),
            email: settings.iter().any(|s| s == "EMAIL_OTP"),
            preferred: text(&user, "PreferredMfaSetting").to_owned(),
        },
        devices: list(&devices, "Devices")
            .iter()
            .map(|d| {
                let name = list(d, "DeviceAttributes")
                    .iter()
                    .find(|a| text(a, "Name") == "device_name")
                    .map(|a| text(a, "Value").to_owned())
                    .unwrap_or_default();
                Row {
                    key: text(d, "DeviceKey").to_owned(),
                    cells: vec![
                        text(d, "DeviceKey").to_owned(),
                        name,
                        when_seconds(&d["DeviceLastAuthenticatedDate"]),
                    ],
                }
            })
            .collect(),
        sessions: list(&sessions, "Sessions")
            .iter()
            .map(|s| Row {
                key: text(s, "SessionId").to_owned(),
                cells: vec![
                    text(s, "ClientId").to_owned(),
                    when_seconds(&s["CreateDate"]),
                    when_seconds(&s["LastActiveDate"]),
                    text(s, "LastIPAddress").to_owned(),
                ],
            })
            .collect(),
        events: list(&events, "AuthEvents")
            .iter()
            .map(|e| Row {
                key: text(e, "EventId").to_owned(),
                cells: vec![
                    when_seconds(&e["CreationDate"]),
                    text(e, "EventType").to_owned(),
                    text(e, "EventResponse").to_owned(),
                    text(&e["EventContextData"], "IpAddress").to_owned(),
                ],
            })
            .collect(),
        pool,
        username,
        errors,
    };
    let status = if page.errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page::render(status, &page)
}

async fn show(
    State(state): State<AppState>,
    c: Console,
    Path((pool, username)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Response {
    render_user(&state, &c, pool, username, q.notice, FieldErrors::default()).await
}

/// What an action calls: the operation, its request and what to say when done.
struct Action {
    op: &'static str,
    body: Value,
    done: &'static str,
    /// The form field its errors belong to.
    field: &'static str,
}

fn action(name: &str, who: &Value, f: &crate::web::form::FormData) -> Result<Action, FieldErrors> {
    let with = |extra: Value| {
        let mut b = who.clone();
        if let (Some(b), Some(e)) = (b.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        b
    };
    let confirmed = |field: &'static str| {
        if f.checked("confirm") {
            Ok(())
        } else {
            Err(FieldErrors::field(field, "Tick the box to confirm."))
        }
    };
    let a = |op, body, done, field| {
        Ok(Action {
            op,
            body,
            done,
            field,
        })
    };
    match name {
        "confirm" => a(
            "AdminConfirmSignUp",
            who.clone(),
            "User confirmed.",
            "status",
        ),
        "enable" => a("AdminEnableUser", who.clone(), "User enabled.", "status"),
        "disable" => a("AdminDisableUser", who.clone(), "User disabled.", "status"),
        "reset-password" => a(
            "AdminResetUserPassword",
            who.clone(),
            "Password reset: the user must choose a new one with a code.",
            "reset",
        ),
        "set-password" => a(
            "AdminSetUserPassword",
            with(json!({
                "Password": f.raw("Password").unwrap_or_default(),
                "Permanent": f.get("Permanent") == Some("true"),
            })),
            "Password set.",
            "Password",
        ),
        "sign-out" => a(
            "AdminUserGlobalSignOut",
            who.clone(),
            "Signed out of every session.",
            "status",
        ),
        "delete" => {
            confirmed("delete")?;
            a("AdminDeleteUser", who.clone(), "User deleted.", "delete")
        }
        "attribute" => {
            let name = f.get("Name").unwrap_or_default();
            let value = f.raw("Value").unwrap_or_default();
            a(
                "AdminUpdateUserAttributes",
                with(json!({ "UserAttributes": [{ "Name": name, "Value": value }] })),
                "Attribute saved.",
                "attribute",
            )
        }
        "delete-attribute" => a(
            "AdminDeleteUserAttributes",
            with(json!({ "UserAttributeNames": [f.get("Name").unwrap_or_default()] })),
            "Attribute deleted.",
            "attribute",
        ),
        "add-group" => a(
            "AdminAddUserToGroup",
            with(json!({ "GroupName": f.get("GroupName").unwrap_or_default() })),
            "Added to the group.",
            "groups",
        ),
        "remove-group" => a(
            "AdminRemoveUserFromGroup",
            with(json!({ "GroupName": f.get("GroupName").unwrap_or_default() })),
            "Removed from the group.",
            "groups",
        ),
        "mfa" => {
            let preferred = f.get("Preferred").unwrap_or_default();
            let factor = |key: &str, pref: &str| json!({ "Enabled": f.checked(key), "PreferredMfa": preferred == pref });
            a(
                "AdminSetUserMFAPreference",
                with(json!({
                    "SoftwareTokenMfaSettings": factor("totp", "SOFTWARE_TOKEN_MFA"),
                    "SMSMfaSettings": factor("sms", "SMS_MFA"),
                    "EmailMfaSettings": factor("email", "EMAIL_OTP"),
                })),
                "MFA settings saved.",
                "mfa",
            )
        }
        "remove-authenticator" => a(
            "AdminDeleteSoftwareToken",
            who.clone(),
            "Authenticator app removed.",
            "mfa",
        ),
        "forget-device" => a(
            "AdminForgetDevice",
            with(json!({ "DeviceKey": f.get("DeviceKey").unwrap_or_default() })),
            "Device forgotten.",
            "devices",
        ),
        "revoke-session" => a(
            "AdminRevokeUserSession",
            with(json!({ "SessionId": f.get("SessionId").unwrap_or_default() })),
            "Session revoked.",
            "sessions",
        ),
        _ => Err(FieldErrors {
            general: Some(format!("There is no action {name}.")),
            fields: Vec::new(),
        }),
    }
}

async fn act(
    State(state): State<AppState>,
    Path((pool, username, name)): Path<(String, String, String)>,
    post: ConsoleForm,
) -> Response {
    let ConsoleForm { console: c, form } = post;
    let who = json!({ "UserPoolId": pool, "Username": username });
    let act = match action(&name, &who, &form) {
        Ok(a) => a,
        Err(errors) => return render_user(&state, &c, pool, username, None, errors).await,
    };
    let path = format!("/console/pools/{pool}/users/{}", urlencode(&username));
    match c.call(&state, act.op, act.body).await {
        Ok(_) if act.op == "AdminDeleteUser" => redirect(&with_notice(
            &format!("/console/pools/{pool}/users"),
            act.done,
        )),
        Ok(_) => redirect(&with_notice(&path, act.done)),
        Err(e) if e.code == ErrorCode::UserNotFoundException => error_page(&e),
        Err(e) => {
            let errors = FieldErrors::from_error(&e, &[], &[]);
            let errors = FieldErrors::field(act.field, errors.general.unwrap_or(e.message));
            render_user(&state, &c, pool, username, None, errors).await
        }
    }
}
