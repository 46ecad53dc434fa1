//! The JSON API under `/api/v1`, for scripts: bearer tokens (`beacon admin create-token`)
//! or a browser session, the same role checks as the pages, and failures as JSON
//! problems. Each area adds its own API routes (its `api.rs`); [`router`] puts them under
//! one roof with the OpenAPI document (`openapi.json`, which describes them all) and the
//! API's answers for unknown routes and methods.

use crate::auth::ApiRequest;
use crate::chrome::error::{WebError, error_json};
use crate::chrome::forms::truncate;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The OpenAPI 3.1 document (kept beside the code and checked against the routes by the
/// tests).
pub const OPENAPI: &str = include_str!("../openapi.json");

/// A failure answered as JSON.
pub struct ApiError(pub WebError);

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

/// What an API handler answers.
pub type ApiResult = Result<Response, ApiError>;

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
                    truncate(
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
                    truncate(&rejection.body_text(), 160)
                )))
            })
    }
}

/// The whole API, nested by the router under `/api/v1`: the OpenAPI document and every
/// area's API routes (`areas`), JSON answers for unknown routes and methods, and the
/// mark that makes bearer tokens count.
pub fn router(areas: Router<AppState>) -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .merge(areas)
        .fallback(|| async { error_json(StatusCode::NOT_FOUND, "no such API route") })
        .method_not_allowed_fallback(|| async {
            error_json(
                StatusCode::METHOD_NOT_ALLOWED,
                "the API answers only GET on this route",
            )
        })
        .layer(axum::Extension(ApiRequest))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}
