//! Acknowledging a digest (or an advisory notice) from the signed link in its email:
//! partners reach this page without signing in, and the link's HMAC is what authorises
//! it. A link in a letter about an advisory acknowledges the partner's notice too.
//!
//! A link opened (GET) never changes anything, since mail scanners open links too; only
//! the form it shows (POST) records the acknowledgement. No referrer is sent, as the
//! token is in the address.

use crate::chrome::layout::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use beacon_app::notify::{AckRefused, acknowledge_link};
use beacon_notify::AckError;
use time::OffsetDateTime;

/// What the acknowledgement page shows.
enum Outcome {
    /// The link is good: ask to confirm.
    Confirm(i64),
    /// Recorded.
    Recorded(i64),
    /// Recorded, and the advisory notice the message was about acknowledged with it.
    Notice(i64),
    /// The link cannot be used, and why.
    Refused(String),
}

#[derive(Template)]
#[template(path = "register/templates/ack.html")]
struct AckPage {
    chrome: Chrome,
    outcome: Outcome,
}

/// Shows the confirmation form for a good link.
pub async fn confirm_ack(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.signer.verify(&token, OffsetDateTime::now_utc()) {
        // The same key signs sign-in form tokens under negative numbers: never a digest.
        Ok(digest) if digest <= 0 => refused(&AckRefused::Link(AckError::BadSignature)),
        Ok(digest) => page(
            StatusCode::OK,
            "Acknowledge a digest",
            Outcome::Confirm(digest),
        ),
        Err(error) => refused(&AckRefused::Link(error)),
    }
}

/// Records the acknowledgement.
pub async fn record_ack(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let signer = std::sync::Arc::clone(&state.signer);
    let result = state
        .blocking(move |store| {
            let now = OffsetDateTime::now_utc();
            acknowledge_link(store, &signer, &token, now)
                .and_then(|message| {
                    // A letter about an advisory acknowledges its notice too.
                    let notice = beacon_app::advisories::tracking::acknowledge_by_message(
                        store, message, now,
                    )?;
                    Ok((message, notice.is_some()))
                })
                .map_err(|error| {
                    if matches!(error, AckRefused::Store(_)) {
                        tracing::error!(%error, "acknowledgement not recorded");
                    }
                    match error {
                        AckRefused::Store(_) => {
                            "Beacon could not record this just now; please try again later"
                                .to_owned()
                        }
                        other => other.to_string(),
                    }
                })
        })
        .await;
    match result {
        Ok(Ok((message, true))) => page(
            StatusCode::OK,
            "Advisory acknowledged",
            Outcome::Notice(message),
        ),
        Ok(Ok((digest, false))) => page(
            StatusCode::OK,
            "Digest acknowledged",
            Outcome::Recorded(digest),
        ),
        Ok(Err(reason)) => page(
            StatusCode::BAD_REQUEST,
            "This link cannot be used",
            Outcome::Refused(capitalise(&reason)),
        ),
        Err(_) => page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            Outcome::Refused(
                "Beacon could not record this just now; please try again later.".into(),
            ),
        ),
    }
}

fn refused(error: &AckRefused) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "This link cannot be used",
        Outcome::Refused(capitalise(&error.to_string())),
    )
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// Renders the page.
fn page(status: StatusCode, title: &'static str, outcome: Outcome) -> Response {
    render(
        status,
        &AckPage {
            chrome: Chrome::anonymous(title),
            outcome,
        },
    )
}
