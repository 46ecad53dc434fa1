//! Beacon's own stylesheet and scripts, served from the binary.

use crate::state::AppState;
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The assets' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/beacon.css", get(stylesheet))
        .route("/assets/progress.js", get(progress_script))
        .route("/assets/segments.js", get(segments_script))
}

/// The stylesheet, written for Beacon in the GOV.UK Design System's patterns.
const STYLESHEET: &str = include_str!("../assets/beacon.css");

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// The upload page's progress script (an enhancement; the page works without it).
const PROGRESS_SCRIPT: &str = include_str!("../assets/progress.js");

async fn progress_script() -> Response {
    script(PROGRESS_SCRIPT)
}

/// The segment builder's live count (an enhancement; the form's Count button works
/// without it).
const SEGMENTS_SCRIPT: &str = include_str!("../assets/segments.js");

async fn segments_script() -> Response {
    script(SEGMENTS_SCRIPT)
}

/// A script, cached for an hour.
fn script(text: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        text,
    )
        .into_response()
}
