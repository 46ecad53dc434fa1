//! Beacon's web application: server-rendered pages in the GOV.UK Design System's look,
//! and a JSON API under `/api/v1`, over the report intelligence and the register.
//!
//! # Layout
//!
//! From the bottom up; each module imports only those below it, and none imports
//! another in a loop (`tests/layout.rs` reads every `use` and fails on a cycle):
//!
//! * [`chrome`]: what every page shares: the layout and its menu, rendering, the error
//!   type and the error page, display formats and form checks. It imports no page, no
//!   area and no state.
//! * Infrastructure: [`refusals`] (the audit of refusals and the client behind every
//!   audit event), [`auth`] (passwords, tokens, the [`auth::Viewer`] and what it may
//!   do), [`pool`] (store connections), [`jobs`] (uploads being loaded), [`stats`]
//!   (period presets and the summary cache), [`state`] (the [`AppState`] every request
//!   shares), [`viewer`] (finding a request's viewer), [`middleware`] (security headers,
//!   refusal audit, error layout), [`api`] (the JSON API's conventions and its
//!   OpenAPI document), [`pdf`] (printing standalone documents to PDF, for any area) and
//!   [`assets`].
//! * [`period`]: the period form and the one way pages load a period's summaries; the
//!   statistics areas build on it.
//! * [`areas`]: one folder per capability (`areas/<capability>/`) with its pages, API
//!   handlers, templates and routes: [`areas::session`] (sign-in), [`areas::reports`]
//!   (report intelligence), [`areas::register`] (threat-address register),
//!   [`areas::advisories`] (partner advisories and inventories), [`areas::readiness`]
//!   (exercises and self-assessment) and [`areas::admin`] (accounts and audit). No area
//!   imports another.
//! * [`router`]: every area's routes, one line each, under the layers every request
//!   passes through.
//!
//! **A new capability** is a new folder under `areas/` with a `routes()` returning its
//! [`areas::Routes`], and one line in [`router`]'s list; see [`areas`].
//!
//! **Architecture invariants:**
//! * Handlers never hold a store connection across an `await`: each borrows one from
//!   the [`pool::StorePool`] inside `spawn_blocking` ([`AppState::blocking`]).
//! * Every route states the [`beacon_core::Permission`] it needs and checks it on the
//!   server ([`auth::Viewer::require`]); pages only hide links as a courtesy.
//! * Every form carries the session's anti-forgery token and every POST checks it.
//! * Every read of victim-level data (report rows, quarantined rows) writes an audit
//!   event before the data leaves the server.
//! * Every response carries the security headers of [`middleware::security_headers`].

pub mod api;
pub mod areas;
pub mod assets;
pub mod auth;
pub mod chrome;
pub mod jobs;
pub mod middleware;
pub mod pdf;
pub mod period;
pub mod pool;
pub mod refusals;
pub mod state;
pub mod stats;
pub mod viewer;

pub use state::{AppState, WebSettings};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::get;

/// Every route. Each handler checks its own permission.
pub fn router(state: AppState) -> Router {
    // One line per capability (see `areas`).
    let areas = [
        areas::session::routes(),
        areas::reports::routes(),
        areas::register::routes(),
        areas::advisories::routes(),
        areas::readiness::routes(),
        areas::admin::routes(),
        areas::learning::routes(),
        areas::campaigns::routes(),
        areas::advice::routes(),
        areas::contacts::routes(),
        areas::care::routes(),
        areas::prevent::routes(),
        areas::engagement::routes(),
        areas::front_door::routes(),
    ];
    let (mut pages, mut api) = (Router::new(), Router::new());
    for area in areas {
        pages = pages.merge(area.public).merge(area.pages);
        api = api.merge(area.api);
    }
    // Page bodies may be as large as an upload (the report upload is a page form).
    let upload_limit = state.settings().max_upload_bytes;
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(assets::routes())
        .merge(pages)
        .layer(DefaultBodyLimit::max(upload_limit))
        .nest("/api/v1", api::router(api))
        .fallback(chrome::error::not_found)
        .layer(from_fn_with_state(state.clone(), middleware::with_layout))
        .layer(from_fn_with_state(
            state.clone(),
            middleware::audit_refusals,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .with_state(state)
}

/// Serves on `listener` until Ctrl-C.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
