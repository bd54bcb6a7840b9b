//! The developer outbox (`kognit dev`, or `outbox = true` in serve): every
//! message kognit sent, newest first, by pool and user, a page at a time,
//! read as `GET /_dev/outbox` reads it (`Service::outbox_messages`).

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use kognit_core::Error;
use kognit_core::error::ErrorCode;
use serde::Deserialize;
use serde_json::json;

use super::pool_update::{Choice, status};
use super::{Console, Layout, error_page, text, urlencode};
use crate::state::AppState;
use crate::web::page::{self, FieldErrors, when};

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/outbox", get(show))
}

/// Messages on one page.
const PAGE: u32 = 25;

#[derive(Deserialize, Default)]
pub struct OutboxQuery {
    pool: Option<String>,
    username: Option<String>,
    /// The id of the last message of the page before.
    before: Option<i64>,
}

struct Row {
    id: i64,
    when: String,
    pool: String,
    username: String,
    channel: String,
    destination: String,
    subject: Option<String>,
    body: String,
    code: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "console/outbox.html")]
struct OutboxPage {
    layout: Layout,
    pools: Vec<Choice>,
    username: String,
    messages: Vec<Row>,
    /// The next page's URL.
    next: Option<String>,
    /// Whether this is a later page (to go back to the newest).
    paged: bool,
    /// The first page with the same filters.
    first: String,
    errors: FieldErrors,
}

/// A filter value: None when blank.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

async fn show(State(state): State<AppState>, c: Console, Query(q): Query<OutboxQuery>) -> Response {
    if !c.outbox {
        return error_page(&Error::new(
            ErrorCode::ResourceNotFoundException,
            "The developer outbox is off: it exists in kognit dev, and in serve with outbox = true.",
        ));
    }
    let pool = given(&q.pool);
    let username = given(&q.username);
    let read = state
        .service
        .outbox_messages(pool, username, q.before, PAGE + 1)
        .await;
    let (mut records, errors) = match read {
        Ok(r) => (r, FieldErrors::default()),
        Err(e) => (Vec::new(), FieldErrors::field("outbox", e.message)),
    };
    let more = records.len() > PAGE as usize;
    records.truncate(PAGE as usize);
    let filters = format!(
        "/console/outbox?pool={}&username={}",
        urlencode(pool.unwrap_or_default()),
        urlencode(username.unwrap_or_default())
    );
    let next = more
        .then(|| records.last().map(|m| format!("{filters}&before={}", m.id)))
        .flatten();
    // The pools to filter by (the first 60 are plenty for development).
    let listed = c
        .call(&state, "ListUserPools", json!({ "MaxResults": 60 }))
        .await
        .unwrap_or_default();
    let mut pools = vec![Choice {
        value: String::new(),
        label: "every pool".into(),
        selected: pool.is_none(),
    }];
    for p in listed["UserPools"].as_array().into_iter().flatten() {
        let id = text(p, "Id");
        pools.push(Choice {
            value: id.to_owned(),
            label: format!("{} ({id})", text(p, "Name")),
            selected: pool == Some(id),
        });
    }
    if let Some(id) = pool.filter(|id| !pools.iter().any(|p| p.value == *id)) {
        pools.push(Choice {
            value: id.to_owned(),
            label: id.to_owned(),
            selected: true,
        });
    }
    let page = OutboxPage {
        layout: c.layout("Developer outbox", pool),
        pools,
        username: username.unwrap_or_default().to_owned(),
        messages: records
            .into_iter()
            .map(|m| Row {
                id: m.id,
                when: when(m.created_ms),
                pool: m.pool_id,
                username: m.username,
                channel: m.channel,
                destination: m.destination,
                subject: m.subject,
                body: m.body,
                code: m.code,
            })
            .collect(),
        next,
        paged: q.before.is_some(),
        first: filters,
        errors,
    };
    page::render(status(&page.errors), &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_filters_are_no_filters() {
        assert_eq!(given(&Some("  ".into())), None);
        assert_eq!(given(&Some(" p ".into())), Some("p"));
        assert_eq!(given(&None), None);
    }
}
