//! Sign-in's part of the JSON API: who the token (or session) belongs to.

use crate::api::ApiResult;
use crate::auth::Viewer;
use crate::chrome::error::WebError;
use crate::state::AppState;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};

/// The area's API routes (under `/api/v1`).
pub fn routes() -> Router<AppState> {
    Router::new().route("/me", get(me))
}

async fn me(viewer: Result<Viewer, WebError>) -> ApiResult {
    let viewer = viewer?;
    Ok(Json(serde_json::json!({
        "username": viewer.user.username,
        "display_name": viewer.user.display_name,
        "role": viewer.user.role,
    }))
    .into_response())
}
