//! The audit log for coordinators: who saw or changed what, and when, filterable.

use super::{Chrome, render};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{WebError, WebResult};
use crate::forms::{date_field, given, url_encode};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_core::Permission;
use beacon_store::{AuditFilter, AuditRecord};

const PAGE_SIZE: u32 = 50;

/// The audit page's filters.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    actor: String,
    action: String,
    from: String,
    to: String,
    events: Vec<AuditRecord>,
    newer: Option<String>,
    older: Option<String>,
}

/// The audit log.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<AuditQuery>,
) -> WebResult<Response> {
    viewer.require(Permission::ViewAudit)?;
    let from = date_field(&query.from, "The start date").map_err(WebError::BadRequest)?;
    let to = date_field(&query.to, "The end date").map_err(WebError::BadRequest)?;
    let page = query.page.unwrap_or(1).max(1);
    let filter = AuditFilter {
        actor: given(&query.actor),
        action: given(&query.action),
        from: from.map(|d| d.midnight().assume_utc()),
        to: to
            .and_then(|d| d.next_day())
            .map(|d| d.midnight().assume_utc()),
        limit: PAGE_SIZE + 1,
        offset: (page - 1).saturating_mul(PAGE_SIZE),
    };
    let mut events = state
        .blocking(move |store| store.audit_search(&filter))
        .await??;
    let more = events.len() > PAGE_SIZE as usize;
    events.truncate(PAGE_SIZE as usize);
    let text = |value: &Option<String>| given(value).unwrap_or_default();
    let base = format!(
        "/audit?actor={}&action={}&from={}&to={}",
        url_encode(&text(&query.actor)),
        url_encode(&text(&query.action)),
        url_encode(&text(&query.from)),
        url_encode(&text(&query.to))
    );
    Ok(render(
        StatusCode::OK,
        &AuditPage {
            chrome: Chrome::for_viewer(&viewer, "Audit log", "/audit"),
            actor: text(&query.actor),
            action: text(&query.action),
            from: text(&query.from),
            to: text(&query.to),
            events,
            newer: (page > 1).then(|| format!("{base}&page={}", page - 1)),
            older: more.then(|| format!("{base}&page={}", page + 1)),
        },
    ))
}
