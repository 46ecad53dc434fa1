//! Beacon's web application: server-rendered pages in the GOV.UK Design System's look,
//! and a JSON API under `/api/v1`, over the report intelligence and the register.
//!
//! **Architecture invariants:**
//! * Handlers never hold a store connection across an `await`: each borrows one from
//!   the [`pool::StorePool`] inside `spawn_blocking` ([`AppState::blocking`]).
//! * Every route states the [`beacon_core::Permission`] it needs and checks it on the
//!   server ([`auth::Viewer::require`]); pages only hide links as a courtesy.
//! * Every form carries the session's anti-forgery token and every POST checks it.
//! * Every read of victim-level data (report rows, quarantined rows) writes an audit
//!   event before the data leaves the server.
//! * Every response carries the security headers of [`security_headers`].

pub mod ack;
pub mod api;
pub mod auth;
pub mod error;
pub mod format;
pub mod forms;
pub mod jobs;
pub mod pages;
pub mod pool;
pub mod quarantine;
pub mod refusals;
pub mod stats;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use beacon_core::LocalIssueRules;
use beacon_notify::AckSigner;
use beacon_store::{AuditEvent, Store};
use error::WebError;
use pool::StorePool;
use std::path::PathBuf;
use std::sync::Arc;

/// How the web application behaves; the defaults suit one area on one machine.
#[derive(Clone)]
pub struct WebSettings {
    /// Mark cookies `Secure` (set when Beacon is served over HTTPS, directly or behind a
    /// proxy that sends `X-Forwarded-Proto: https`, which is honoured too).
    pub secure_cookies: bool,
    /// How long a session lasts.
    pub session_hours: i64,
    /// Failed sign-ins in a row that lock an account.
    pub lock_after: i64,
    /// How long a lock lasts.
    pub lock_minutes: i64,
    /// Sign-in attempts allowed per client address per five minutes.
    pub sign_ins_per_address: usize,
    /// Headless Chromium for board PDFs, if installed.
    pub chromium: Option<PathBuf>,
    /// Board PDFs printed at once (each is a Chromium); more are refused with a 503.
    pub pdf_renders: usize,
    /// How long Chromium may take over one board PDF before it is killed.
    pub pdf_timeout: std::time::Duration,
    /// Local-issue rules for uploaded reports.
    pub rules: LocalIssueRules,
    /// The largest upload accepted.
    pub max_upload_bytes: usize,
    /// District boundaries (GeoJSON) for the map.
    pub boundaries: Arc<str>,
    /// The header a trusted reverse proxy names the client's address in (e.g.
    /// `X-Forwarded-For`; its last entry counts). Off by default: without a proxy that
    /// sets it, the header is only the client's word.
    pub trusted_proxy_header: Option<String>,
}

impl WebSettings {
    /// Defaults: 8-hour sessions, lock after 5 failures for 15 minutes, 20 sign-in attempts
    /// per address per 5 minutes, 1 GiB uploads, the shipped rules and boundaries, and
    /// Chromium wherever Debian installs it, printing at most 2 board PDFs at once and
    /// each within 60 seconds.
    pub fn new(rules: LocalIssueRules) -> WebSettings {
        WebSettings {
            secure_cookies: false,
            session_hours: 8,
            lock_after: 5,
            lock_minutes: 15,
            sign_ins_per_address: 20,
            chromium: [
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome",
            ]
            .into_iter()
            .map(PathBuf::from)
            .find(|path| path.exists()),
            pdf_renders: 2,
            pdf_timeout: std::time::Duration::from_secs(60),
            rules,
            max_upload_bytes: 1 << 30,
            boundaries: Arc::from(beacon_app::defaults::SHIPPED_BOUNDARIES),
            trusted_proxy_header: None,
        }
    }
}

/// What every request shares.
#[derive(Clone)]
pub struct AppState {
    pool: Arc<StorePool>,
    signer: Arc<AckSigner>,
    settings: Arc<WebSettings>,
    stats: Arc<stats::StatsCache>,
    limiter: Arc<auth::SignInLimiter>,
    jobs: Arc<jobs::Jobs>,
    /// One permit per board PDF that may be printed at once.
    pdf_slots: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// One connection, the shipped rules and default settings (tests, small installs).
    pub fn new(store: Box<dyn Store>, signer: AckSigner) -> AppState {
        let rules = beacon_app::defaults::shipped_rules().unwrap_or_default();
        AppState::with_pool(
            StorePool::new(vec![store], None),
            signer,
            WebSettings::new(rules),
        )
    }

    /// A pool of connections and explicit settings (`beacon serve`).
    pub fn with_pool(pool: StorePool, signer: AckSigner, settings: WebSettings) -> AppState {
        let limiter = auth::SignInLimiter::new(
            settings.sign_ins_per_address,
            std::time::Duration::from_secs(300),
        );
        AppState {
            pdf_slots: Arc::new(tokio::sync::Semaphore::new(settings.pdf_renders.max(1))),
            pool: Arc::new(pool),
            signer: Arc::new(signer),
            settings: Arc::new(settings),
            stats: Arc::new(stats::StatsCache::default()),
            limiter: Arc::new(limiter),
            jobs: Arc::new(jobs::Jobs::default()),
        }
    }

    /// Runs store work on the blocking pool with a borrowed connection.
    ///
    /// # Errors
    /// [`WebError::Internal`] if the work panicked.
    pub async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut dyn Store) -> T + Send + 'static,
    ) -> Result<T, WebError> {
        let pool = Arc::clone(&self.pool);
        // The request's client goes with its store work, onto every audit event it writes.
        let origin = refusals::current_origin();
        tokio::task::spawn_blocking(move || origin.scope(|| pool.with(work)))
            .await
            .map_err(|error| WebError::Internal(format!("a request's store work failed: {error}")))
    }

    /// Writes an audit event.
    ///
    /// # Errors
    /// When the store cannot record it: the caller must then not show the data.
    pub async fn audit(&self, event: AuditEvent) -> Result<(), WebError> {
        self.blocking(move |store| store.audit(&event)).await??;
        Ok(())
    }

    /// The settings.
    pub fn settings(&self) -> &WebSettings {
        &self.settings
    }
}

/// Every route. Each handler checks its own permission.
pub fn router(state: AppState) -> Router {
    let upload_limit = state.settings.max_upload_bytes;
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/assets/beacon.css", get(stylesheet))
        .route("/assets/progress.js", get(progress_script))
        .route("/ack/{token}", get(ack::confirm_ack).post(ack::record_ack))
        .merge(pages::routes())
        .route(
            "/upload",
            get(pages::upload::form).post(pages::upload::receive),
        )
        .layer(DefaultBodyLimit::max(upload_limit))
        .nest("/api/v1", api::routes())
        .route("/sign-out", post(pages::sign_in::sign_out))
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::with_layout,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            refusals::audit_refusals,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
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
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        PROGRESS_SCRIPT,
    )
        .into_response()
}

/// The headers every response carries: a strict Content-Security-Policy (scripts and
/// styles only from Beacon itself, no framing), no MIME sniffing, no referrer (tokens
/// appear in some addresses), and no caching of pages that may hold personal data. Over
/// HTTPS (the secure-cookies setting, or `X-Forwarded-Proto: https` from a trusted proxy)
/// also HSTS; never over plain HTTP.
pub async fn security_headers(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let https = state.settings.secure_cookies
        || (state.settings.trusted_proxy_header.is_some()
            && request
                .headers()
                .get("x-forwarded-proto")
                .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"https")));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
