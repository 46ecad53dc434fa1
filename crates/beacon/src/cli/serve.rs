//! `beacon serve`: the web server (for now: digest acknowledgement links and a health
//! check).

use super::config::Settings;
use super::notify::ack_signer;
use anyhow::Context;
use clap::Args;
use std::process::ExitCode;

/// Arguments of `beacon serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "BEACON_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
}

/// Runs the web server until Ctrl-C.
pub fn run(args: ServeArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    let signer = ack_signer(store.as_mut())?;
    let state = beacon_web::AppState::new(store, signer);
    let runtime = tokio::runtime::Runtime::new().context("while starting the web server")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        eprintln!(
            "Beacon is listening on http://{} (Ctrl-C stops it).",
            listener
                .local_addr()
                .map_or(args.listen.clone(), |a| a.to_string())
        );
        beacon_web::serve(listener, state)
            .await
            .context("the web server stopped")
    })?;
    Ok(ExitCode::SUCCESS)
}
