//! The JSON API under `/api/v1`: statistics and ingest runs for scripts, with bearer
//! tokens (`beacon admin create-token`) or a browser session, and the same role checks
//! as the pages. `openapi.json` describes it.

use crate::AppState;
use crate::auth::Viewer;
use crate::error::WebError;
use crate::pages::dashboard::{PeriodQuery, area_view, view};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use beacon_core::{DistrictCode, Permission};

/// The OpenAPI 3.1 document (kept beside the code and checked against the routes by the
/// tests).
pub const OPENAPI: &str = include_str!("../openapi.json");

/// A JSON error body: `{"error": "..."}`.
pub fn error_json(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// A failure answered as JSON.
pub struct ApiError(WebError);

impl From<WebError> for ApiError {
    fn from(error: WebError) -> ApiError {
        ApiError(error)
    }
}

impl From<beacon_store::StoreError> for ApiError {
    fn from(error: beacon_store::StoreError) -> ApiError {
        ApiError(WebError::Store(error))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match &self.0 {
            WebError::SignInNeeded { .. } => (
                StatusCode::UNAUTHORIZED,
                "send a token in the Authorization header: Bearer <token>".to_owned(),
            ),
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                "your role does not allow this".to_owned(),
            ),
            WebError::NotFound => (StatusCode::NOT_FOUND, "not found".to_owned()),
            WebError::BadRequest(message) => (StatusCode::BAD_REQUEST, message.clone()),
            WebError::Csrf => (StatusCode::FORBIDDEN, self.0.to_string()),
            WebError::Store(_) | WebError::Internal(_) => {
                tracing::error!(error = %self.0, "API request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Beacon could not answer; try again later".to_owned(),
                )
            }
        };
        error_json(status, &message)
    }
}

type ApiResult = Result<Response, ApiError>;

/// A query string read like axum's `Query`, but a malformed one (a word where a number
/// belongs, a repeated `to`) is a 400 JSON problem, not axum's plain text.
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<ApiQuery<T>, ApiError> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| {
                let detail = rejection.body_text();
                ApiError(WebError::BadRequest(format!(
                    "the query string could not be read: {}",
                    crate::forms::truncate(
                        detail.trim_start_matches("Failed to deserialize query string: "),
                        160
                    )
                )))
            })
    }
}

/// A path parameter read like axum's `Path`, but one of the wrong kind (`/runs/abc`) is
/// a 400 JSON problem.
pub struct ApiPath<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<ApiPath<T>, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|rejection| {
                ApiError(WebError::BadRequest(format!(
                    "the address could not be read: {}",
                    crate::forms::truncate(&rejection.body_text(), 160)
                )))
            })
    }
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
        if let Some(text) = crate::forms::given(field) {
            let date = beacon_core::report::parse_date(label, &text)
                .map_err(|message| ApiError(WebError::BadRequest(message)))?;
            *field = Some(date.to_string());
        }
    }
    if let Err(problems) = query.check().2 {
        return Err(ApiError(WebError::BadRequest(
            crate::forms::problems_message(&problems),
        )));
    }
    Ok(query)
}

/// The API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(me))
        .route("/summary", get(summary))
        .route("/districts/{code}/summary", get(district_summary))
        .route("/runs", get(runs))
        .route("/runs/{id}", get(run))
        .fallback(|| async { error_json(StatusCode::NOT_FOUND, "no such API route") })
        .method_not_allowed_fallback(|| async {
            error_json(
                StatusCode::METHOD_NOT_ALLOWED,
                "the API answers only GET on this route",
            )
        })
        .layer(axum::Extension(crate::auth::ApiRequest))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
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
