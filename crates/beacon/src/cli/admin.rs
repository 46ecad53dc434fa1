//! `beacon admin …`: reference data and the audit log.

use super::config::Settings;
use super::output::{count, print_json, progress_bar};
use anyhow::Context;
use beacon_app::reference::{load_districts, load_fraud_types, load_postcodes};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// `beacon admin` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Load an ONS postcode directory (NSPL or ONSPD CSV) for placing reports in districts.
    LoadPostcodes(FileArgs),
    /// Replace the districts (columns as data/reference/llr_districts.csv).
    LoadDistricts(DistrictArgs),
    /// Add or update fraud types (columns as data/reference/fraud_types.csv).
    LoadFraudTypes(FileArgs),
    /// Show the audit log, newest first.
    Audit(AuditArgs),
    /// Create a web account (prints a generated password unless --password-stdin).
    CreateUser(CreateUserArgs),
    /// Make an API token for an account's scripts (printed once, stored only hashed).
    CreateToken(CreateTokenArgs),
}

/// Arguments of `beacon admin create-user`.
#[derive(Debug, Args)]
pub struct CreateUserArgs {
    /// Sign-in name.
    pub username: String,
    /// Role: coordinator, analyst, vulnerability_officer, cyber_choices_officer,
    /// partner_it_manager, business_user.
    #[arg(long)]
    pub role: beacon_core::Role,
    /// The person's name as pages show it (default: the username).
    #[arg(long)]
    pub name: Option<String>,
    /// Their organisation in the register (partner IT managers, business users).
    #[arg(long)]
    pub organisation: Option<String>,
    /// Read the password from the first line of standard input instead of generating one.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Arguments of `beacon admin create-token`.
#[derive(Debug, Args)]
pub struct CreateTokenArgs {
    /// The account the token acts as.
    pub username: String,
    /// What the token is for, e.g. "nightly statistics export".
    #[arg(long)]
    pub name: String,
    /// Days until the token stops working (1 to 3650): tokens live in scripts and files,
    /// so none lasts for ever.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u16).range(1..=3650))]
    pub expires_in_days: u16,
}

/// A file to load.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The file.
    pub file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `beacon admin load-districts`.
#[derive(Debug, Args)]
pub struct DistrictArgs {
    /// The districts file.
    pub file: PathBuf,
    /// How board papers name the area these districts make up.
    #[arg(long)]
    pub area_name: String,
}

/// Arguments of `beacon admin audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// How many events.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs an admin subcommand.
pub fn run(command: AdminCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut store = settings.open_store()?;
    match command {
        AdminCommand::LoadPostcodes(args) => {
            let file = std::fs::File::open(&args.file)
                .with_context(|| format!("while opening {}", args.file.display()))?;
            let bar = progress_bar(0, args.json);
            bar.set_message("postcodes");
            let summary = load_postcodes(
                store.as_mut(),
                Box::new(std::io::BufReader::new(file)),
                &mut |rows| bar.set_position(rows),
            )
            .with_context(|| format!("while loading {}", args.file.display()))?;
            bar.finish_and_clear();
            if args.json {
                print_json(&summary)?;
            } else {
                out!(
                    "Read {} rows: {} postcodes stored, {} without a district skipped, {} rejected; {} sectors.",
                    count(summary.read),
                    count(summary.stored),
                    count(summary.skipped),
                    count(summary.rejected),
                    count(summary.sectors)
                );
                for example in &summary.examples {
                    out!("  line {}: {}", example.line, example.reason);
                }
            }
        }
        AdminCommand::LoadDistricts(args) => {
            let text = std::fs::read_to_string(&args.file)
                .with_context(|| format!("while reading {}", args.file.display()))?;
            let loaded = load_districts(store.as_mut(), &text, &args.area_name)?;
            out!(
                "Loaded {} districts for {}.",
                count(loaded as u64),
                args.area_name
            );
        }
        AdminCommand::LoadFraudTypes(args) => {
            let text = std::fs::read_to_string(&args.file)
                .with_context(|| format!("while reading {}", args.file.display()))?;
            let count = load_fraud_types(store.as_mut(), &text)?;
            if args.json {
                print_json(&serde_json::json!({ "fraud_types": count }))?;
            } else {
                out!("Loaded {count} fraud types.");
            }
        }
        AdminCommand::Audit(args) => {
            let events = store.audit_events(args.limit)?;
            if args.json {
                print_json(&events)?;
            } else {
                for event in events {
                    let origin = match (&event.origin.address, &event.origin.user_agent) {
                        (None, None) => String::new(),
                        (address, agent) => format!(
                            "  (from {}, {})",
                            address.as_deref().unwrap_or("an unknown address"),
                            agent.as_deref().unwrap_or("no user agent")
                        ),
                    };
                    out!(
                        "{}  {:<16} {:<20} {:<20} {}{origin}",
                        event.at,
                        event.event.actor,
                        event.event.action,
                        event.event.subject,
                        event.event.detail
                    );
                }
            }
        }
        AdminCommand::CreateUser(args) => create_user(store.as_mut(), args)?,
        AdminCommand::CreateToken(args) => {
            let expires_at = time::OffsetDateTime::now_utc()
                + time::Duration::days(i64::from(args.expires_in_days));
            let until = expires_at
                .format(time::macros::format_description!(
                    "[day padding:none] [month repr:long] [year] at [hour]:[minute] UTC"
                ))
                .context("while writing the expiry date")?;
            let issued = beacon_app::accounts::create_api_token(
                store.as_mut(),
                &args.username,
                &args.name,
                expires_at,
                &until,
                &super::config::actor(),
            )?;
            let (token, user) = (issued.token, issued.user);
            out!("{token}");
            eprintln!(
                "This token acts as {} ({}) until {until}. It is shown only now; send it as 'Authorization: Bearer <token>'.",
                user.username,
                user.role.label()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A random password of 20 characters from an unambiguous alphabet.
pub fn generated_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

fn create_user(store: &mut dyn beacon_store::Store, args: CreateUserArgs) -> anyhow::Result<()> {
    let organisation_id = match &args.organisation {
        None => None,
        Some(name) => Some(
            store
                .organisations()?
                .into_iter()
                .find(|o| o.organisation.name.eq_ignore_ascii_case(name))
                .with_context(|| {
                    format!("there is no organisation called {name}; add it with `beacon org add`")
                })?
                .id,
        ),
    };
    let (password, generated) = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("while reading the password")?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (generated_password(), true)
    };
    beacon_app::accounts::create_account(
        store,
        &beacon_app::accounts::NewAccount {
            username: args.username.clone(),
            display_name: args.name.clone().unwrap_or_else(|| args.username.clone()),
            role: args.role,
            password: password.clone(),
            organisation_id,
        },
        &super::config::actor(),
    )?;
    out!("Created {} ({}).", args.username, args.role.label());
    if generated {
        out!("Password (shown only now): {password}");
    }
    Ok(())
}
