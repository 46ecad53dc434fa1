//! What every request shares: the store pool, settings, caches and registries, and the
//! one way handlers reach the store ([`AppState::blocking`]).

use crate::auth::SignInLimiter;
use crate::chrome::error::WebError;
use crate::jobs::Jobs;
use crate::pool::StorePool;
use crate::refusals::current_origin;
use crate::stats::StatsCache;
use beacon_core::LocalIssueRules;
use beacon_notify::AckSigner;
use beacon_store::{AuditEvent, Store};
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
    /// How letters about advisories are addressed and signed (the `[notify]` table of
    /// `beacon.toml`): saving an inventory or writing an advisory opens notices and
    /// queues their letters, as the command line does.
    pub notify: beacon_app::notify::NotifySettings,
    /// The victim triage weights the queue is scored by (`care_weights`; the shipped
    /// `data/care/triage.toml` by default).
    pub care_weights: Option<beacon_app::care::Weights>,
    /// Days after closing a victim-care case its notes are kept.
    pub care_redact_after_days: u32,
    /// Reports the public front door (`/report`) stores per client address per
    /// [`WebSettings::front_door_window`], counted in this process only; more are refused
    /// with a 429 page.
    pub front_door_reports_per_address: usize,
    /// The window the front door's rate limit counts over.
    pub front_door_window: std::time::Duration,
    /// How soon after starting the front door's questions a report may be sent: a form
    /// sent sooner is a script's, and is refused (tests set it to zero).
    pub front_door_min_duration: std::time::Duration,
}

impl WebSettings {
    /// Defaults: 8-hour sessions, lock after 5 failures for 15 minutes, 20 sign-in attempts
    /// per address per 5 minutes, 5 front-door reports per address per 10 minutes sent no
    /// sooner than 5 seconds after starting, 1 GiB uploads, the shipped rules and boundaries, and
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
            notify: beacon_app::notify::NotifySettings::default(),
            care_weights: beacon_app::defaults::shipped_care_weights().ok(),
            care_redact_after_days: beacon_app::care::REDACT_CLOSED_AFTER_DAYS,
            front_door_reports_per_address: 5,
            front_door_window: std::time::Duration::from_secs(600),
            front_door_min_duration: std::time::Duration::from_secs(5),
        }
    }
}

/// What every request shares.
#[derive(Clone)]
pub struct AppState {
    /// The store connections requests borrow.
    pub(crate) pool: Arc<StorePool>,
    /// Signs and checks acknowledgement links (and the sign-in form's tokens).
    pub(crate) signer: Arc<AckSigner>,
    settings: Arc<WebSettings>,
    /// Summaries cached until the stored reports change.
    pub(crate) stats: Arc<StatsCache>,
    /// Sign-in attempts per client address.
    pub(crate) limiter: Arc<SignInLimiter>,
    /// Front-door reports stored per client address (the same sliding window, counting
    /// each stored report).
    pub(crate) report_limiter: Arc<SignInLimiter>,
    /// Uploads being loaded.
    pub(crate) jobs: Arc<Jobs>,
    /// One permit per board PDF that may be printed at once.
    pub(crate) pdf_slots: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Whether a request came over HTTPS: the secure-cookies setting says so, or a proxy
    /// does (`X-Forwarded-Proto: https`). Decides cookies' `Secure` flag and the scheme of
    /// links Beacon writes.
    pub fn request_is_secure(&self, headers: &axum::http::HeaderMap) -> bool {
        self.settings().secure_cookies
            || headers
                .get("x-forwarded-proto")
                .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"https"))
    }

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
        let limiter = SignInLimiter::new(
            settings.sign_ins_per_address,
            std::time::Duration::from_secs(300),
        );
        let report_limiter = SignInLimiter::new(
            settings.front_door_reports_per_address,
            settings.front_door_window,
        );
        AppState {
            report_limiter: Arc::new(report_limiter),
            pdf_slots: Arc::new(tokio::sync::Semaphore::new(settings.pdf_renders.max(1))),
            pool: Arc::new(pool),
            signer: Arc::new(signer),
            settings: Arc::new(settings),
            stats: Arc::new(StatsCache::default()),
            limiter: Arc::new(limiter),
            jobs: Arc::new(Jobs::default()),
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
        let origin = current_origin();
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
