//! The advisories' part of the JSON API: advisories (with the same visibility as the
//! pages: a partner's token sees only its own), one advisory with its notices and
//! matches, the time partners take to acknowledge and fix, and inventories.
//! `openapi.json` describes them.

use super::scope::{Detail, Scope, inventory_keeper, is_overdue, list_advisories, load_detail};
use crate::api::{ApiError, ApiPath, ApiQuery, ApiResult};
use crate::auth::Viewer;
use crate::chrome::error::WebError;
use crate::state::AppState;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use beacon_core::{AdvisorySource, Permission, ValidationFailure};
use beacon_store::advisories::{AdvisoryFilter, NoticeRecord, StoredAdvisory};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The area's API routes (under `/api/v1`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/advisories", get(advisories))
        .route("/advisories/status", get(status))
        .route("/advisories/{id}", get(advisory))
        .route("/inventory", get(inventory))
}

fn moment(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// An advisory as the API lists it.
#[derive(Debug, Serialize)]
struct AdvisoryLine {
    id: i64,
    source: AdvisorySource,
    key: String,
    revision: String,
    title: String,
    tlp: &'static str,
    priority: &'static str,
    ransomware: bool,
    cvss: Option<f64>,
    due: Option<String>,
    cves: Vec<String>,
    url: Option<String>,
    /// False when it failed CSAF's mandatory tests (stored, not matched or sent).
    usable: bool,
    stored_at: String,
}

fn line(stored: &StoredAdvisory) -> AdvisoryLine {
    let a = &stored.advisory;
    AdvisoryLine {
        id: stored.id,
        source: a.source,
        key: a.key.clone(),
        revision: a.revision.clone(),
        title: a.title.clone(),
        tlp: a.tlp.as_str(),
        priority: a.priority.as_str(),
        ransomware: a.ransomware,
        cvss: a.cvss_tenths.map(|t| f64::from(t) / 10.0),
        due: a.due.map(|d| d.to_string()),
        cves: a.cves.clone(),
        url: a.url.clone(),
        usable: stored.is_usable(),
        stored_at: moment(stored.stored_at),
    }
}

/// The query of `GET /advisories`.
#[derive(serde::Deserialize)]
struct ListQuery {
    source: Option<String>,
    matched: Option<bool>,
    limit: Option<u32>,
}

async fn advisories(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult {
    let scope = Scope::of(&viewer?)?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError(WebError::BadRequest(format!(
            "limit must be a whole number from 1 to 1000 ({limit} is not)"
        ))));
    }
    let source = match &query.source {
        None => None,
        Some(text) => Some(
            text.parse::<AdvisorySource>()
                .map_err(|error| ApiError(WebError::BadRequest(error.to_string())))?,
        ),
    };
    let filter = AdvisoryFilter {
        source,
        matched_only: query.matched.unwrap_or(false),
        limit: Some(limit),
        ..AdvisoryFilter::default()
    };
    let found = state
        .blocking(move |store| list_advisories(store, scope, filter))
        .await??;
    let lines: Vec<AdvisoryLine> = found.iter().map(line).collect();
    Ok(Json(lines).into_response())
}

/// A notice as the API gives it.
#[derive(Debug, Serialize)]
struct NoticeJson {
    id: i64,
    organisation_id: i64,
    organisation: String,
    sector: String,
    opened_at: String,
    changed_at: String,
    due: Option<String>,
    acknowledged_at: Option<String>,
    acknowledged_by: Option<String>,
    closed_at: Option<String>,
    escalated_at: Option<String>,
    overdue: bool,
    assets: Vec<StatusJson>,
}

/// A matched asset's status.
#[derive(Debug, Serialize)]
struct StatusJson {
    asset_id: i64,
    status: beacon_core::AssetStatus,
    set_by: Option<String>,
    set_at: Option<String>,
    note: String,
}

/// A match as the API gives it.
#[derive(Debug, Serialize)]
struct MatchJson {
    organisation_id: i64,
    organisation: String,
    asset_id: i64,
    asset: String,
    criterion: String,
    confidence: beacon_core::Confidence,
    reason: String,
    cves: Vec<String>,
}

/// One advisory with what it means for partners.
#[derive(Debug, Serialize)]
struct AdvisoryJson {
    #[serde(flatten)]
    line: AdvisoryLine,
    summary: String,
    action: String,
    published_at: Option<String>,
    failures: Vec<ValidationFailure>,
    notices: Vec<NoticeJson>,
    matches: Vec<MatchJson>,
}

fn notice_json(notice: &NoticeRecord, detail: &Detail, now: OffsetDateTime) -> NoticeJson {
    NoticeJson {
        id: notice.id,
        organisation_id: notice.organisation_id,
        organisation: notice.organisation.clone(),
        sector: notice.sector.clone(),
        opened_at: moment(notice.opened_at),
        changed_at: moment(notice.changed_at),
        due: notice.due.map(|d| d.to_string()),
        acknowledged_at: notice.acknowledged_at.map(moment),
        acknowledged_by: notice.acknowledged_by.clone(),
        closed_at: notice.closed_at.map(moment),
        escalated_at: notice.escalated_at.map(moment),
        overdue: is_overdue(notice, now),
        assets: detail
            .statuses
            .get(&notice.id)
            .map(|list| {
                list.iter()
                    .map(|s| StatusJson {
                        asset_id: s.asset_id,
                        status: s.status,
                        set_by: s.set_by.clone(),
                        set_at: s.set_at.map(moment),
                        note: s.note.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

async fn advisory(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult {
    let scope = Scope::of(&viewer?)?;
    let detail = state
        .blocking(move |store| load_detail(store, scope, id))
        .await??
        .ok_or(WebError::NotFound)?;
    let now = OffsetDateTime::now_utc();
    let a = &detail.stored.advisory;
    let body = AdvisoryJson {
        line: line(&detail.stored),
        summary: a.summary.clone(),
        action: a.action.clone(),
        published_at: a.published_at.map(moment),
        failures: detail.stored.failures.clone(),
        notices: detail
            .notices
            .iter()
            .map(|n| notice_json(n, &detail, now))
            .collect(),
        matches: detail
            .matches
            .iter()
            .map(|m| MatchJson {
                organisation_id: m.record.organisation_id,
                organisation: m.organisation.clone(),
                asset_id: m.record.asset_id,
                asset: m.asset.clone(),
                criterion: m.record.criterion.clone(),
                confidence: m.record.confidence,
                reason: m.record.reason.clone(),
                cves: m.record.cves.clone(),
            })
            .collect(),
    };
    Ok(Json(body).into_response())
}

async fn status(State(state): State<AppState>, viewer: Result<Viewer, WebError>) -> ApiResult {
    viewer?.require(Permission::ViewAdvisories)?;
    let now = OffsetDateTime::now_utc();
    let status = state
        .blocking(move |store| beacon_app::advisories::status::status(store, None, None, now))
        .await??;
    Ok(Json(status).into_response())
}

/// The query of `GET /inventory`.
#[derive(serde::Deserialize)]
struct InventoryQuery {
    organisation: Option<i64>,
}

async fn inventory(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    ApiQuery(query): ApiQuery<InventoryQuery>,
) -> ApiResult {
    let viewer = viewer?;
    let organisation = match inventory_keeper(&viewer)? {
        Some(own) => Some(own),
        None => query.organisation,
    };
    if organisation.is_some_and(|id| id < 1) {
        return Err(ApiError(WebError::BadRequest(
            "organisation must be a register id, a whole number from 1".into(),
        )));
    }
    let inventories = state
        .blocking(move |store| {
            beacon_app::advisories::inventory::list_inventory(store, organisation)
        })
        .await??;
    if organisation.is_some() && inventories.is_empty() {
        return Err(ApiError(WebError::NotFound));
    }
    Ok(Json(inventories).into_response())
}
