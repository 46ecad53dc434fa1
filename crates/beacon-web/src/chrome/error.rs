//! What can go wrong in a request, and the page (or JSON) each failure shows.

use super::error_page::{error_page, error_page_titled};
use super::forms::url_encode;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A request that cannot be answered as asked.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not signed in: pages redirect to sign-in, the API answers 401.
    #[error("sign in to see this page")]
    SignInNeeded {
        /// Where to come back to.
        next: String,
        /// The request was for the API.
        api: bool,
    },
    /// Signed in, but the role does not allow it.
    #[error("your role does not allow this")]
    Forbidden,
    /// No such thing.
    #[error("not found")]
    NotFound,
    /// The request itself is wrong, with what to fix.
    #[error("{0}")]
    BadRequest(String),
    /// A form without the right anti-forgery token.
    #[error(
        "this form has expired or was not sent from Beacon; go back, reload the page and try again"
    )]
    Csrf,
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] beacon_store::StoreError),
    /// Anything else on our side.
    #[error("{0}")]
    Internal(String),
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::SignInNeeded { .. } => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Store(_) | WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the user is told: internal details stay in the log.
    fn public_message(&self) -> String {
        match self {
            WebError::Store(_) | WebError::Internal(_) => {
                "Sorry, there is a problem with Beacon. Try again later.".to_owned()
            }
            WebError::NotFound => "If you typed the web address, check it is correct. If you followed a link in Beacon, the page may no longer exist; use the menu to find what you need.".to_owned(),
            WebError::Forbidden => "Your role does not allow this page. If you need it, ask the partnership coordinator.".to_owned(),
            other => other.to_string(),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if matches!(self, WebError::Store(_) | WebError::Internal(_)) {
            tracing::error!(error = %self, "request failed");
        }
        match &self {
            WebError::SignInNeeded { next, api: false } => {
                let target = format!("/sign-in?next={}", url_encode(next));
                axum::response::Redirect::to(&target).into_response()
            }
            WebError::SignInNeeded { api: true, .. } => error_json(
                StatusCode::UNAUTHORIZED,
                "send a token in the Authorization header: Bearer <token>",
            ),
            WebError::Csrf => error_page_titled(
                self.status(),
                "This form could not be accepted",
                &self.public_message(),
            ),
            _ => error_page(self.status(), &self.public_message()),
        }
    }
}

/// Result of a handler.
pub type WebResult<T> = Result<T, WebError>;

/// A JSON error body: `{"error": "..."}` (the API's failures, and a page's sign-in
/// refusal when the request was for the API).
pub fn error_json(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// Any address Beacon does not have: a 404 page in the layout.
pub async fn not_found() -> WebError {
    WebError::NotFound
}
