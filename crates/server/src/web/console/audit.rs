//! The audit log: every action taken through the console, newest first,
//! filtered by pool, user (or group, client), actor, action and outcome.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use kognit_core::store::{AuditFilter, AuditRecord};
use serde::Deserialize;

use super::{Console, Layout, error_page, urlencode};
use crate::state::AppState;
use crate::web::page::{self, when};

/// Entries per page.
const PAGE: u32 = 50;

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/audit", get(list))
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    pool: Option<String>,
    target: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    outcome: Option<String>,
    before: Option<i64>,
}

fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

struct Entry {
    when: String,
    rec: AuditRecord,
}

#[derive(askama::Template)]
#[template(path = "console/audit.html")]
struct AuditPage {
    layout: Layout,
    pool: String,
    target: String,
    actor: String,
    action: String,
    outcome: String,
    entries: Vec<Entry>,
    next: Option<String>,
}

impl AuditPage {
    /// The text filters: (field, label, value).
    fn filters(&self) -> [(&str, &str, &str); 4] {
        [
            ("pool", "Pool id", &self.pool),
            ("target", "User, group or client", &self.target),
            ("actor", "Administrator", &self.actor),
            ("action", "Action", &self.action),
        ]
    }
}

async fn list(State(state): State<AppState>, c: Console, Query(q): Query<AuditQuery>) -> Response {
    let filter = AuditFilter {
        pool_id: given(&q.pool),
        target: given(&q.target),
        actor: given(&q.actor),
        action: given(&q.action),
        succeeded: match q.outcome.as_deref() {
            Some("ok") => Some(true),
            Some("failed") => Some(false),
            _ => None,
        },
    };
    let page_of = match state
        .service
        .audit_log(&c.session.admin, &filter, q.before, PAGE)
        .await
    {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let show = |v: &Option<String>| v.clone().unwrap_or_default();
    let outcome = q.outcome.clone().unwrap_or_default();
    let next = page_of.before.map(|b| {
        format!(
            "/console/audit?pool={}&target={}&actor={}&action={}&outcome={}&before={b}",
            urlencode(&show(&filter.pool_id)),
            urlencode(&show(&filter.target)),
            urlencode(&show(&filter.actor)),
            urlencode(&show(&filter.action)),
            urlencode(&outcome),
        )
    });
    page::render(
        StatusCode::OK,
        &AuditPage {
            layout: c.layout("Audit log", filter.pool_id.as_deref()),
            pool: show(&filter.pool_id),
            target: show(&filter.target),
            actor: show(&filter.actor),
            action: show(&filter.action),
            outcome,
            entries: page_of
                .entries
                .into_iter()
                .map(|rec| Entry {
                    when: when(rec.at_ms),
                    rec,
                })
                .collect(),
            next,
        },
    )
}
