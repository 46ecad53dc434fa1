//! `beacon serve`: the web application.

use super::config::{Settings, open_store};
use anyhow::Context;
use beacon_app::notify::ack_signer;
use beacon_web::pool::StorePool;
use beacon_web::{AppState, WebSettings};
use clap::Args;
use std::process::ExitCode;

/// Arguments of `beacon serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "BEACON_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Mark cookies Secure: set this when Beacon is reached over HTTPS (a proxy sending
    /// `X-Forwarded-Proto: https` has the same effect per request).
    #[arg(long, env = "BEACON_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// The header a trusted reverse proxy names the client's address in (e.g.
    /// X-Forwarded-For), for sign-in limits and the audit log; it also lets the proxy's
    /// X-Forwarded-Proto turn on HSTS. Off by default: set it only behind such a proxy.
    #[arg(long, env = "BEACON_TRUSTED_PROXY_HEADER")]
    pub trusted_proxy_header: Option<String>,
    /// Store connections shared by requests.
    #[arg(long, default_value_t = 4)]
    pub connections: usize,
}

/// Runs the web server until Ctrl-C.
pub fn run(args: ServeArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    serve(&args, settings, &settings.database, None)?;
    Ok(ExitCode::SUCCESS)
}

/// Serves the database at `location`; `banner` is printed once listening.
pub fn serve(
    args: &ServeArgs,
    settings: &Settings,
    location: &str,
    banner: Option<&str>,
) -> anyhow::Result<()> {
    let mut first = open_store(location)?;
    let signer = ack_signer(first.as_mut())?;
    let mut connections = vec![first];
    for _ in 1..args.connections.max(1) {
        connections.push(open_store(location)?);
    }
    let opener_location = location.to_owned();
    let pool = StorePool::new(
        connections,
        Some(Box::new(move || beacon_store::open(&opener_location))),
    );
    let mut web = WebSettings::new(settings.rules(None)?);
    web.care_weights = Some(settings.care_weights(None)?);
    web.care_redact_after_days = settings.care_redact_after_days;
    web.secure_cookies = args.secure_cookies;
    web.trusted_proxy_header = args.trusted_proxy_header.clone();
    web.notify = settings.notify.clone();
    if let Some(reports) = settings.front_door_reports_per_address {
        web.front_door_reports_per_address = reports;
    }
    if let Some(minutes) = settings.front_door_window_minutes {
        web.front_door_window = std::time::Duration::from_secs(minutes.max(1) * 60);
    }
    if let Some(seconds) = settings.front_door_min_seconds {
        web.front_door_min_duration = std::time::Duration::from_secs(seconds);
    }
    let state = AppState::with_pool(pool, signer, web);
    let runtime = tokio::runtime::Runtime::new().context("while starting the web server")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let address = listener
            .local_addr()
            .map_or(args.listen.clone(), |a| a.to_string());
        eprintln!("Beacon is listening on http://{address}/ (Ctrl-C stops it).");
        if let Some(banner) = banner {
            eprintln!("{banner}");
        }
        beacon_web::serve(listener, state)
            .await
            .context("the web server stopped")
    })
}
