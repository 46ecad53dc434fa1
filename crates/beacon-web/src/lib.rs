//! Beacon's web server. For now it serves what partners reach from a browser outside
//! Beacon: the signed acknowledgement links in owners' digests, and a health check.
//!
//! **Architecture invariants:** handlers never hold the store across an `await`: each
//! request takes the store's lock inside `spawn_blocking`, as the store is synchronous.
//! A link opened (GET) never changes anything — mail scanners open links too — only the
//! form it shows (POST) records the acknowledgement. Pages send no referrer, since the
//! token is in the address.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use beacon_notify::AckSigner;
use beacon_pipeline::notify::{AckRefused, acknowledge_link};
use beacon_store::Store;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

/// What every request shares: the store, and the signer of acknowledgement links.
#[derive(Clone)]
pub struct AppState {
    store: Arc<Mutex<Box<dyn Store>>>,
    signer: Arc<AckSigner>,
}

impl AppState {
    /// Shares a store and a signer between requests.
    pub fn new(store: Box<dyn Store>, signer: AckSigner) -> AppState {
        AppState {
            store: Arc::new(Mutex::new(store)),
            signer: Arc::new(signer),
        }
    }
}

/// The routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/ack/{token}", get(confirm_ack).post(record_ack))
        .with_state(state)
}

/// Serves on `listener` until Ctrl-C.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// What the acknowledgement page shows.
enum Outcome {
    /// The link is good: ask to confirm.
    Confirm(i64),
    /// Recorded.
    Recorded(i64),
    /// The link cannot be used, and why.
    Refused(String),
}

#[derive(Template)]
#[template(path = "ack.html")]
struct AckPage {
    title: &'static str,
    outcome: Outcome,
}

async fn confirm_ack(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.signer.verify(&token, OffsetDateTime::now_utc()) {
        Ok(digest) => page(
            StatusCode::OK,
            "Acknowledge a digest",
            Outcome::Confirm(digest),
        ),
        Err(error) => refused(&AckRefused::Link(error)),
    }
}

async fn record_ack(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let result = tokio::task::spawn_blocking(move || {
        let mut store = state
            .store
            .lock()
            .map_err(|_| "the store is unavailable after an earlier failure".to_owned())?;
        acknowledge_link(
            store.as_mut(),
            &state.signer,
            &token,
            OffsetDateTime::now_utc(),
        )
        .map_err(|error| {
            if matches!(error, AckRefused::Store(_)) {
                tracing::error!(%error, "acknowledgement not recorded");
            }
            match error {
                AckRefused::Store(_) => {
                    "Beacon could not record this just now; please try again later".to_owned()
                }
                other => other.to_string(),
            }
        })
    })
    .await;
    match result {
        Ok(Ok(digest)) => page(
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

/// Renders the page with the headers every page carries.
fn page(status: StatusCode, title: &'static str, outcome: Outcome) -> Response {
    let body = AckPage { title, outcome }
        .render()
        .unwrap_or_else(|_| "Beacon could not show this page.".to_owned());
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
