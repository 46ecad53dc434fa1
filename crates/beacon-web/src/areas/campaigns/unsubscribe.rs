//! Unsubscribing from a campaign message's own link: a page with one button, and the
//! RFC 8058 one-click POST that mail providers send from their own "unsubscribe" button
//! (body `List-Unsubscribe=One-Click`). Both put the address on the suppression list
//! for the message's channel, so nothing more is sent to it, even what is already
//! queued.
//!
//! **Invariant:** the token in the link is the only thing that names the recipient; the
//! pages never show the address.

use super::links::{missing, trouble, unindexed};
use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_app::campaigns::links::{self, UnsubscribeOutcome};
use time::OffsetDateTime;

#[derive(Template)]
#[template(path = "campaigns/templates/unsubscribe.html")]
struct UnsubscribePage {
    chrome: Chrome,
    token: String,
}

#[derive(Template)]
#[template(path = "campaigns/templates/survey_done.html")]
struct Done {
    chrome: Chrome,
    message: &'static str,
}

/// The page asking to confirm; following the link changes nothing (link scanners
/// follow links too).
pub async fn form(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let looking = token.clone();
    match state
        .blocking(move |store| links::recipient(store, &looking))
        .await
    {
        Ok(Ok(Some(_))) => unindexed(render(
            StatusCode::OK,
            &UnsubscribePage {
                chrome: Chrome::anonymous("Stop getting these messages"),
                token,
            },
        )),
        Ok(Ok(None)) => missing(),
        Ok(Err(error)) => {
            tracing::error!(%error, "a campaign recipient could not be read");
            trouble()
        }
        Err(_) => trouble(),
    }
}

/// Unsubscribes: from the page's button or a mail provider's one-click POST.
pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let outcome = state
        .blocking(move |store| links::unsubscribe(store, &token, OffsetDateTime::now_utc()))
        .await;
    let message = match outcome {
        Ok(Ok(Some(UnsubscribeOutcome::Unsubscribed))) => {
            "You will not get any more of these messages. It can take a moment for messages already on their way to stop."
        }
        Ok(Ok(Some(UnsubscribeOutcome::AlreadyUnsubscribed))) => {
            "You had already unsubscribed. You will not get any more of these messages."
        }
        Ok(Ok(None)) => return missing(),
        Ok(Err(error)) => {
            tracing::error!(%error, "an unsubscribe could not be recorded");
            return trouble();
        }
        Err(_) => return trouble(),
    };
    unindexed(render(
        StatusCode::OK,
        &Done {
            chrome: Chrome::anonymous("You have unsubscribed"),
            message,
        },
    ))
}
