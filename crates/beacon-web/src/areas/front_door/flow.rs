//! The one handler every question posts to: it checks the form's token and every answer
//! carried so far, then shows the first page with a bad answer (with its error summary),
//! the next question, or, after consent, the result.

use super::finish;
use super::form::{FrontDoorForm, Posted};
use super::pages::{check_token, question, read_form};
use crate::chrome::error::WebResult;
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::Response;
use beacon_app::front_door::{Page, context};
use std::net::SocketAddr;
use time::OffsetDateTime;

/// `POST /report/{page}`: the answers so far, checked; the next page, the first page
/// with a bad answer, or (after consent) the result.
pub async fn step(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    form: FrontDoorForm,
) -> WebResult<Response> {
    let now = OffsetDateTime::now_utc();
    let posted = match read_form(form) {
        Ok(posted) => posted,
        Err(page) => return Ok(*page),
    };
    let issued = match check_token(&state, &posted, now) {
        Ok(issued) => issued,
        Err(page) => return Ok(*page),
    };
    let today = crate::chrome::format::uk_day(now);
    let context = state.blocking(move |store| context(store, today)).await??;
    if let Some(page) = posted.change {
        let posted = Posted {
            returning: true,
            ..posted
        };
        return Ok(question(page, &posted, &context, Vec::new()));
    }
    if let Some(page) = posted.show {
        return Ok(question(page, &posted, &context, Vec::new()));
    }
    let Some(from) = posted.from else {
        return Ok(question(Page::Who, &posted, &context, Vec::new()));
    };
    if let Some((page, problems)) = posted.answers.first_bad_page(from, &context) {
        return Ok(question(page, &posted, &context, problems));
    }
    let next = if posted.returning && from < Page::Check {
        // A changed answer may bring a new question (a resident now reporting for a
        // business): ask it, still on the way back, before checking the answers again.
        Some(
            posted
                .answers
                .first_bad_page(Page::Describe, &context)
                .map_or(Page::Check, |(page, _)| page),
        )
    } else {
        from.next(&posted.answers)
    };
    match next {
        Some(page) => Ok(question(page, &posted, &context, Vec::new())),
        None => {
            let address = crate::refusals::client_address(
                &headers,
                extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|peer| peer.0),
                state.settings().trusted_proxy_header.as_deref(),
            );
            finish::finish(&state, posted, context, issued, now, address).await
        }
    }
}
