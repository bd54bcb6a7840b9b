//! A pool's groups: the list (paged) with a form to create one; a group's
//! page with its settings (edited with UpdateGroup), its members (paged,
//! added by username, removed one by one) and deleting it.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use kognit_core::error::ErrorCode;
use serde_json::{Value, json};

use super::PageQuery;
use super::users::{UserRow, row};
use super::{Console, ConsoleForm, Layout, error_page, text, urlencode, with_notice};
use crate::state::AppState;
use crate::web::form::FormData;
use crate::web::page::{self, FieldErrors, redirect, when_seconds};

/// Groups (and members) per page.
const PAGE: u32 = 30;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/pools/{pool}/groups", get(list).post(create))
        .route("/console/pools/{pool}/groups/{group}", get(show))
        .route("/console/pools/{pool}/groups/{group}/{action}", post(act))
}

/// A group as the pages show it.
struct Group {
    name: String,
    description: String,
    precedence: String,
    role_arn: String,
    created: String,
    modified: String,
}

fn group(g: &Value) -> Group {
    Group {
        name: text(g, "GroupName").to_owned(),
        description: text(g, "Description").to_owned(),
        precedence: g["Precedence"]
            .as_i64()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        role_arn: text(g, "RoleArn").to_owned(),
        created: when_seconds(&g["CreationDate"]),
        modified: when_seconds(&g["LastModifiedDate"]),
    }
}

/// The next page's token of an answer.
fn next_token(a: &Value) -> Option<String> {
    a.get("NextToken")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

#[derive(askama::Template)]
#[template(path = "console/groups.html")]
struct GroupsPage {
    layout: Layout,
    pool: String,
    groups: Vec<Group>,
    /// Whether this is a later page (a link back to the first).
    paged: bool,
    next: Option<String>,
    form: FormData,
    errors: FieldErrors,
}

#[allow(clippy::too_many_arguments)]
async fn render_list(
    state: &AppState,
    c: &Console,
    pool: String,
    next: Option<String>,
    notice: Option<String>,
    form: FormData,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let mut body = json!({ "UserPoolId": pool, "Limit": PAGE });
    if let Some(n) = next.as_deref().filter(|n| !n.is_empty()) {
        body["NextToken"] = json!(n);
    }
    let answer = match c.call(state, "ListGroups", body).await {
        Ok(a) => a,
        Err(e) => return error_page(&e),
    };
    let groups = answer["Groups"]
        .as_array()
        .map(|gs| gs.iter().map(group).collect())
        .unwrap_or_default();
    page::render(
        status,
        &GroupsPage {
            layout: c.layout("Groups", Some(&pool)).with_notice(notice),
            paged: next.is_some_and(|n| !n.is_empty()),
            next: next_token(&answer),
            pool,
            groups,
            form,
            errors,
        },
    )
}

async fn list(
    State(state): State<AppState>,
    c: Console,
    Path(pool): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let form = FormData::default();
    let errors = FieldErrors::default();
    render_list(
        &state,
        &c,
        pool,
        q.next,
        q.notice,
        form,
        errors,
        StatusCode::OK,
    )
    .await
}

/// The fields of the create form, as the API names its members.
const GROUP_FIELDS: &[&str] = &["GroupName", "Description", "Precedence", "RoleArn"];

/// The CreateGroup request of the form.
fn create_request(pool: &str, f: &FormData) -> Result<Value, FieldErrors> {
    let mut body = json!({
        "UserPoolId": pool,
        "GroupName": f.get("GroupName").unwrap_or_default(),
    });
    if let Some(d) = f.get("Description") {
        body["Description"] = json!(d);
    }
    if let Some(p) = f
        .number("Precedence")
        .map_err(|m| FieldErrors::field("Precedence", m))?
    {
        body["Precedence"] = json!(p);
    }
    if let Some(r) = f.get("RoleArn") {
        body["RoleArn"] = json!(r);
    }
    Ok(body)
}

async fn create(
    State(state): State<AppState>,
    Path(pool): Path<String>,
    post: ConsoleForm,
) -> Response {
    let ConsoleForm { console: c, form } = post;
    let body = match create_request(&pool, &form) {
        Ok(b) => b,
        Err(errors) => {
            let s = StatusCode::BAD_REQUEST;
            return render_list(&state, &c, pool, None, None, form, errors, s).await;
        }
    };
    match c.call(&state, "CreateGroup", body).await {
        Ok(a) => {
            let name = text(&a["Group"], "GroupName");
            redirect(&with_notice(
                &format!("/console/pools/{pool}/groups/{}", urlencode(name)),
                "Group created.",
            ))
        }
        Err(e) if e.code == ErrorCode::ResourceNotFoundException => error_page(&e),
        Err(e) => {
            let by_code = [(ErrorCode::GroupExistsException, "GroupName")];
            let errors = FieldErrors::from_error(&e, GROUP_FIELDS, &by_code);
            let s = page::status_of(&e);
            render_list(&state, &c, pool, None, None, form, errors, s).await
        }
    }
}

#[derive(askama::Template)]
#[template(path = "console/group.html")]
struct GroupPage {
    layout: Layout,
    pool: String,
    /// The group's page, its name percent-encoded.
    path: String,
    group: Group,
    members: Vec<UserRow>,
    paged: bool,
    next: Option<String>,
    /// The form that was refused (its action and fields), shown again as
    /// submitted.
    form: Option<(String, FormData)>,
    errors: FieldErrors,
}

impl GroupPage {
    /// A value of the form posted to `action`: as submitted after an error,
    /// else the group's (edit form) or blank.
    fn value(&self, action: &str, field: &str) -> String {
        if let Some((a, f)) = &self.form
            && a == action
        {
            return f.raw(field).unwrap_or_default().to_owned();
        }
        if action != "update" {
            return String::new();
        }
        match field {
            "Description" => self.group.description.clone(),
            "Precedence" => self.group.precedence.clone(),
            "RoleArn" => self.group.role_arn.clone(),
            _ => String::new(),
        }
    }
}

struct Shown {
    next: Option<String>,
    notice: Option<String>,
    form: Option<(String, FormData)>,
    errors: FieldErrors,
    status: StatusCode,
}

impl Shown {
    fn plain(next: Option<String>, notice: Option<String>) -> Self {
        Self {
            next,
            notice,
            form: None,
            errors: FieldErrors::default(),
            status: StatusCode::OK,
        }
    }

    fn refused(errors: FieldErrors, status: StatusCode, form: Option<(String, FormData)>) -> Self {
        Self {
            next: None,
            notice: None,
            form,
            errors,
            status,
        }
    }
}

async fn render_group(
    state: &AppState,
    c: &Console,
    pool: String,
    name: String,
    shown: Shown,
) -> Response {
    let which = json!({ "UserPoolId": pool, "GroupName": name });
    let g = match c.call(state, "GetGroup", which.clone()).await {
        Ok(a) => group(&a["Group"]),
        Err(e) => return error_page(&e),
    };
    let mut body = which;
    body["Limit"] = json!(PAGE);
    if let Some(n) = shown.next.as_deref().filter(|n| !n.is_empty()) {
        body["NextToken"] = json!(n);
    }
    let (members, next, errors) = match c.call(state, "ListUsersInGroup", body).await {
        Ok(a) => (
            a["Users"]
                .as_array()
                .map(|us| us.iter().map(row).collect())
                .unwrap_or_default(),
            next_token(&a),
            shown.errors,
        ),
        Err(e) => {
            let mut errors = shown.errors;
            errors.fields.push(("members".into(), e.message));
            (Vec::new(), None, errors)
        }
    };
    page::render(
        shown.status,
        &GroupPage {
            layout: c
                .layout(g.name.clone(), Some(&pool))
                .with_notice(shown.notice),
            path: format!("/console/pools/{pool}/groups/{}", urlencode(&g.name)),
            paged: shown.next.is_some_and(|n| !n.is_empty()),
            pool,
            group: g,
            members,
            next,
            form: shown.form,
            errors,
        },
    )
}

async fn show(
    State(state): State<AppState>,
    c: Console,
    Path((pool, name)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Response {
    render_group(&state, &c, pool, name, Shown::plain(q.next, q.notice)).await
}

/// What an action calls, what it says when done and which field its errors
/// are shown beside.
struct Action {
    op: &'static str,
    body: Value,
    done: &'static str,
    field: &'static str,
}

fn action(name: &str, which: &Value, f: &FormData) -> Result<Action, FieldErrors> {
    let with = |extra: Value| {
        let mut b = which.clone();
        if let (Some(b), Some(e)) = (b.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        b
    };
    match name {
        "update" => {
            // UpdateGroup keeps what it is not given: a blank precedence or
            // role keeps the current one; the description is always sent (so
            // it can be cleared).
            let mut body = with(json!({ "Description": f.get("Description").unwrap_or_default() }));
            if let Some(p) = f
                .number("Precedence")
                .map_err(|m| FieldErrors::field("Precedence", m))?
            {
                body["Precedence"] = json!(p);
            }
            if let Some(r) = f.get("RoleArn") {
                body["RoleArn"] = json!(r);
            }
            Ok(Action {
                op: "UpdateGroup",
                body,
                done: "Group saved.",
                field: "update",
            })
        }
        "add-member" => Ok(Action {
            op: "AdminAddUserToGroup",
            body: with(json!({ "Username": f.get("Username").unwrap_or_default() })),
            done: "User added to the group.",
            field: "Username",
        }),
        "remove-member" => Ok(Action {
            op: "AdminRemoveUserFromGroup",
            body: with(json!({ "Username": f.get("Username").unwrap_or_default() })),
            done: "User removed from the group.",
            field: "members",
        }),
        "delete" => {
            if !f.checked("confirm") {
                return Err(FieldErrors::field(
                    "confirm",
                    "Tick the box to confirm the deletion.",
                ));
            }
            Ok(Action {
                op: "DeleteGroup",
                body: which.clone(),
                done: "Group deleted.",
                field: "confirm",
            })
        }
        _ => Err(FieldErrors {
            general: Some(format!("There is no action {name}.")),
            fields: Vec::new(),
        }),
    }
}

async fn act(
    State(state): State<AppState>,
    Path((pool, name, act)): Path<(String, String, String)>,
    post: ConsoleForm,
) -> Response {
    let ConsoleForm { console: c, form } = post;
    let which = json!({ "UserPoolId": pool, "GroupName": name });
    // A refused form with fields to keep is shown again as submitted.
    let kept = matches!(act.as_str(), "update" | "add-member").then(|| (act.clone(), form.clone()));
    let a = match action(&act, &which, &form) {
        Ok(a) => a,
        Err(errors) => {
            let shown = Shown::refused(errors, StatusCode::BAD_REQUEST, kept);
            return render_group(&state, &c, pool, name, shown).await;
        }
    };
    let path = format!("/console/pools/{pool}/groups/{}", urlencode(&name));
    match c.call(&state, a.op, a.body).await {
        Ok(_) if a.op == "DeleteGroup" => redirect(&with_notice(
            &format!("/console/pools/{pool}/groups"),
            a.done,
        )),
        Ok(_) => redirect(&with_notice(&path, a.done)),
        Err(e) => {
            let mut errors = if a.field == "update" {
                FieldErrors::from_error(&e, GROUP_FIELDS, &[])
            } else {
                FieldErrors::from_error(&e, &[], &[])
            };
            if let Some(g) = errors.general.take() {
                errors.fields.push((a.field.to_owned(), g));
            }
            let shown = Shown::refused(errors, page::status_of(&e), kept);
            render_group(&state, &c, pool, name, shown).await
        }
    }
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
    fn create_request_sends_what_was_filled_in() {
        let b = create_request(
            "p",
            &form(&[
                ("GroupName", " admins "),
                ("Precedence", "3"),
                ("RoleArn", ""),
            ]),
        )
        .unwrap();
        assert_eq!(
            b,
            json!({ "UserPoolId": "p", "GroupName": "admins", "Precedence": 3 })
        );
        let e = create_request("p", &form(&[("Precedence", "high")])).unwrap_err();
        assert!(e.of("Precedence").is_some());
    }

    #[test]
    fn update_keeps_a_blank_precedence_and_clears_a_blank_description() {
        let which = json!({ "UserPoolId": "p", "GroupName": "g" });
        let a = action(
            "update",
            &which,
            &form(&[("Description", ""), ("Precedence", "")]),
        )
        .unwrap();
        assert_eq!(
            a.body,
            json!({ "UserPoolId": "p", "GroupName": "g", "Description": "" })
        );
        let e = action("delete", &which, &form(&[])).err().unwrap();
        assert!(e.of("confirm").is_some());
    }
}
