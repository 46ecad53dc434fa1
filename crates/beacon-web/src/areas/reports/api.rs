//! The report intelligence's part of the JSON API: the area's and a district's summary
//! for a period, and the ingest runs. `openapi.json` describes them.

use crate::api::{ApiError, ApiPath, ApiQuery, ApiResult};
use crate::auth::Viewer;
use crate::chrome::error::WebError;
use crate::chrome::forms::{given, problems_message};
use crate::period::{PeriodQuery, area_view, view};
use crate::state::AppState;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use beacon_core::{DistrictCode, Permission};

/// The area's API routes (under `/api/v1`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/summary", get(summary))
        .route("/districts/{code}/summary", get(district_summary))
        .route("/runs", get(runs))
        .route("/runs/{id}", get(run))
}

/// Checks a period query as the pages do, after reading its dates in the CLI's forms
/// (`YYYY-MM-DD` or `DD/MM/YYYY`).
fn checked_period(mut query: PeriodQuery) -> Result<PeriodQuery, ApiError> {
    // Scripts give exact values: an empty or padded one is a mistake to report, not a
    // parameter to ignore as a form's empty field would be.
    for (name, value) in [
        ("period", &query.period),
        ("from", &query.from),
        ("to", &query.to),
    ] {
        if value
            .as_deref()
            .is_some_and(|v| v.is_empty() || v.trim() != v)
        {
            return Err(ApiError(WebError::BadRequest(format!(
                "{name} must be a value without spaces around it, or left out"
            ))));
        }
    }
    for (field, label) in [(&mut query.from, "from"), (&mut query.to, "to")] {
        if let Some(text) = given(field) {
            let date = beacon_core::report::parse_date(label, &text)
                .map_err(|message| ApiError(WebError::BadRequest(message)))?;
            *field = Some(date.to_string());
        }
    }
    if let Err(problems) = query.check().2 {
        return Err(ApiError(WebError::BadRequest(problems_message(&problems))));
    }
    Ok(query)
}

async fn summary(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> ApiResult {
    let viewer = viewer?;
    viewer.require(Permission::ViewStatistics)?;
    let query = checked_period(query)?;
    let (_, _, summary) = area_view(&state, &query).await?;
    let summary = &summary.summary;
    Ok(Json(summary).into_response())
}

async fn district_summary(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> ApiResult {
    let viewer = viewer?;
    viewer.require(Permission::ViewStatistics)?;
    let query = checked_period(query)?;
    let code: DistrictCode = code.parse().map_err(|_| WebError::NotFound)?;
    let (_, _, mut summaries) = view(&state, &query, vec![Some(code)]).await?;
    let summary = summaries.pop().ok_or(WebError::NotFound)?;
    let summary = &summary.summary;
    Ok(Json(summary).into_response())
}

/// The query of `GET /runs`.
#[derive(serde::Deserialize)]
struct RunsQuery {
    limit: Option<u32>,
}

async fn runs(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    ApiQuery(query): ApiQuery<RunsQuery>,
) -> ApiResult {
    let viewer = viewer?;
    viewer.require(Permission::LoadData)?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError(WebError::BadRequest(format!(
            "limit must be a whole number from 1 to 1000 ({limit} is not)"
        ))));
    }
    let runs = state.blocking(move |store| store.runs(limit)).await??;
    Ok(Json(runs).into_response())
}

async fn run(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult {
    let viewer = viewer?;
    viewer.require(Permission::LoadData)?;
    let run = state
        .blocking(move |store| store.run(id))
        .await??
        .ok_or(WebError::NotFound)?;
    Ok(Json(run).into_response())
}
