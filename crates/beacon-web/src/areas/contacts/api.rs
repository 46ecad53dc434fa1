//! The contacts' part of the JSON API: `GET /segments/count`, a segment's count breakdown
//! for the same query as the segment builder's form. `openapi.json` describes it.

use super::rule;
use crate::api::ApiResult;
use crate::auth::Viewer;
use crate::chrome::error::WebError;
use crate::state::AppState;
use axum::extract::{RawQuery, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use beacon_app::contacts;
use beacon_core::Permission;
use time::OffsetDateTime;

/// The area's API routes (under `/api/v1`).
pub fn routes() -> Router<AppState> {
    Router::new().route("/segments/count", get(count))
}

/// `GET /api/v1/segments/count?kind=…&district=…&age_band=…&sector=…&size=…&sole_trader=…&channel=…&basis=…`.
pub async fn count(
    State(state): State<AppState>,
    viewer: Result<Viewer, WebError>,
    RawQuery(query): RawQuery,
) -> ApiResult {
    viewer?.require(Permission::ViewCampaigns)?;
    let read = rule::parse(query.as_deref());
    if !read.problems.is_empty() {
        return Err(WebError::BadRequest(read.problems.join("; ")).into());
    }
    let counted = state
        .blocking(move |store| -> Result<_, WebError> {
            let rule = rule::resolve(store, &read)?;
            let count = contacts::segment_count(
                store,
                &rule,
                read.channel,
                read.basis,
                OffsetDateTime::now_utc(),
            )
            .map_err(rule::web_error)?;
            Ok(serde_json::json!({
                "rule": rule,
                "channel": read.channel.as_str(),
                "basis": read.basis.as_str(),
                "count": count,
            }))
        })
        .await??;
    Ok(Json(counted).into_response())
}
