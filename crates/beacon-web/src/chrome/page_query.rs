//! A page's query string, read so that a malformed one is an error page in the layout.

use super::error::WebError;
use super::forms::truncate;

/// A page's query string, read like axum's `Query`, but a malformed one (a repeated
/// `to`, say) is a [`WebError::BadRequest`] shown as an error page in the
/// layout rather than axum's plain-text answer.
pub struct PageQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for PageQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<PageQuery<T>, WebError> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(value)| PageQuery(value))
            .map_err(|rejection| {
                let detail = rejection.body_text();
                WebError::BadRequest(format!(
                    "The address of this page is not one Beacon can read ({}). Go back and use the form.",
                    truncate(detail.trim_start_matches("Failed to deserialize query string: "), 120)
                ))
            })
    }
}
