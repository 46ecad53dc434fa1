//! `beacon demo`: synthetic data to try Beacon with, clearly labelled as such.

use super::config::{Settings, open_store, redact};
use super::output::{print_json, today};
use anyhow::Context;
use beacon_demo::{DemoConfig, generate};
use beacon_pipeline::{IngestOptions, ingest_reports};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `beacon demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Generate a file instead of building the demo database.
    #[command(subcommand)]
    pub command: Option<DemoCommand>,
    /// Seed for the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Replace an existing demo database.
    #[arg(long)]
    pub force: bool,
    /// Build the demo database (and its demo accounts) without starting the web server.
    #[arg(long)]
    pub no_serve: bool,
    /// How to serve it.
    #[command(flatten)]
    pub serve: super::serve::ServeArgs,
}

/// `beacon demo` subcommands.
#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Write a synthetic report CSV (see docs/demo-data.md).
    Generate(GenerateArgs),
}

/// Arguments of `beacon demo generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Seed: the same seed gives byte-identical output.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output file.
    #[arg(long)]
    pub out: PathBuf,
    /// Exactly this many data rows (for benchmarks); default: the calibrated volume.
    #[arg(long)]
    pub rows: Option<u64>,
    /// First year of reports.
    #[arg(long, default_value_t = 2015)]
    pub first_year: i32,
    /// Last year of reports.
    #[arg(long, default_value_t = 2019)]
    pub last_year: i32,
    /// Add this many deliberately malformed rows (to see quarantine at work).
    #[arg(long, default_value_t = 0)]
    pub bad_rows: u32,
    /// Add this many exact repeats of earlier rows (to see duplicates at work).
    #[arg(long, default_value_t = 0)]
    pub duplicate_rows: u32,
    /// Print what was written as JSON (the generator's own expected figures).
    #[arg(long)]
    pub json: bool,
}

/// Runs `beacon demo`.
pub fn run(args: DemoArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    match args.command {
        Some(DemoCommand::Generate(generate_args)) => generate_file(generate_args),
        None => {
            let location = demo_location(settings);
            let exists = if is_file(&location) {
                std::path::Path::new(&location).exists()
            } else {
                open_store(&location)?.report_count()? > 0
            };
            if exists && !args.force {
                out!(
                    "Using the demo database already at {} (`beacon demo --force` rebuilds it).",
                    redact(&location)
                );
            } else {
                build_demo(&location, args.seed, args.force, settings)?;
            }
            let password = demo_accounts(&location)?;
            let banner = format!(
                "Sign in as demo-coordinator (or demo-analyst, demo-officer, demo-partner, demo-business) with the password {password}"
            );
            if args.no_serve {
                out!("{banner}");
                return Ok(ExitCode::SUCCESS);
            }
            super::serve::serve(&args.serve, settings, &location, Some(&banner))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn demo_location(settings: &Settings) -> String {
    if settings.database_given {
        settings.database.clone()
    } else {
        "beacon-demo.db".to_owned()
    }
}

fn is_file(location: &str) -> bool {
    !location.contains("://")
}

/// The demo accounts, one per role, all with one password: `BEACON_DEMO_PASSWORD` if set,
/// else a new random one each time (existing demo accounts get it too).
fn demo_accounts(location: &str) -> anyhow::Result<String> {
    use beacon_core::Role;
    let password = std::env::var("BEACON_DEMO_PASSWORD")
        .ok()
        .filter(|p| beacon_web::auth::password_problem(p).is_none())
        .unwrap_or_else(super::admin::generated_password);
    let hash = beacon_web::auth::hash_password(&password).map_err(anyhow::Error::msg)?;
    let mut store = open_store(location)?;
    for (username, name, role) in [
        ("demo-coordinator", "Demo Coordinator", Role::Coordinator),
        ("demo-analyst", "Demo Analyst", Role::Analyst),
        (
            "demo-officer",
            "Demo Vulnerability Officer",
            Role::VulnerabilityOfficer,
        ),
        (
            "demo-partner",
            "Demo Partner IT Manager",
            Role::PartnerItManager,
        ),
        ("demo-business", "Demo Business User", Role::BusinessUser),
    ] {
        let created = store.create_user(&beacon_store::NewUser {
            username: username.into(),
            display_name: name.into(),
            role,
            password_hash: hash.clone(),
            organisation_id: None,
        })?;
        if created.is_none() {
            let (user, _) = store
                .user_for_sign_in(username)?
                .context("a demo account vanished")?;
            store.set_password(user.id, &hash)?;
        }
    }
    Ok(password)
}

fn generate_file(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    if args.first_year > args.last_year {
        anyhow::bail!("--first-year must not be after --last-year");
    }
    let config = DemoConfig {
        seed: args.seed,
        first_year: args.first_year,
        last_year: args.last_year,
        rows: args.rows,
        bad_rows: args.bad_rows,
        duplicate_rows: args.duplicate_rows,
    };
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("while creating {}", args.out.display()))?;
    let expected = generate(&config, std::io::BufWriter::with_capacity(1 << 20, file))
        .with_context(|| format!("while writing {}", args.out.display()))?;
    if args.json {
        print_json(&expected)?;
    } else {
        out!(
            "Wrote {} synthetic rows to {} ({} valid, {} duplicates, {} malformed).",
            expected.rows_written,
            args.out.display(),
            expected.good_rows,
            expected.duplicate_rows,
            expected.bad_rows
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn build_demo(location: &str, seed: u64, force: bool, settings: &Settings) -> anyhow::Result<()> {
    let location = location.to_owned();
    if is_file(&location) && std::path::Path::new(&location).exists() {
        if !force {
            anyhow::bail!(
                "{location} already exists; run `beacon demo --force` to rebuild it, or choose another file with --database"
            );
        }
        for suffix in ["", "-wal", "-shm"] {
            let path = format!("{location}{suffix}");
            if std::path::Path::new(&path).exists() {
                std::fs::remove_file(&path).with_context(|| format!("while removing {path}"))?;
            }
        }
    }
    let mut store = open_store(&location)?;
    if store.report_count()? > 0 {
        anyhow::bail!(
            "{} already holds reports; Beacon will not mix synthetic data into it",
            redact(&location)
        );
    }
    let config = DemoConfig {
        seed,
        bad_rows: 12,
        duplicate_rows: 25,
        ..DemoConfig::default()
    };
    let mut csv = Vec::new();
    let expected = generate(&config, &mut csv).context("while generating demo data")?;
    let options = IngestOptions::new(settings.rules(None)?, today());
    let outcome = ingest_reports(
        store.as_mut(),
        "demo (synthetic)",
        Box::new(std::io::Cursor::new(csv)),
        &options,
        &mut |_| {},
    )?;
    let database_flag = if settings.database_given {
        String::new()
    } else {
        format!(" --database {location}")
    };
    out!(
        "Built a demo database at {} with SYNTHETIC data (seed {seed}).",
        redact(&location)
    );
    out!(
        "Loaded {} rows: {} reports stored, {} duplicates, {} rejected into quarantine (generator expected {} / {} / {}).",
        outcome.read,
        outcome.stored,
        outcome.duplicates,
        outcome.rejected,
        expected.good_rows,
        expected.duplicate_rows,
        expected.bad_rows
    );
    out!();
    out!("Try next (from a source checkout, put `cargo run --release --` in place of `beacon`):");
    out!("  beacon stats{database_flag} --from 2017-01-01 --to 2017-06-30");
    out!("  beacon report board{database_flag} --from 2017-01-01 --to 2017-06-30");
    out!(
        "  beacon report board{database_flag} --from 2017-04-01 --to 2017-09-30 --format html --out board.html"
    );
    out!(
        "  beacon stats{database_flag} --from 2018-01-01 --to 2018-12-31 --by district,local_issue"
    );
    out!("  beacon ingest runs{database_flag}");
    out!("  beacon ingest rejects{database_flag} {}", outcome.run_id);
    Ok(())
}
