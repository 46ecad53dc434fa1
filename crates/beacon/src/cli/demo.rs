//! `beacon demo`: synthetic data to try Beacon with, clearly labelled as such.
//!
//! The demo database holds synthetic reports (calibrated to the board paper's first two
//! figures), synthetic partner organisations and Shadowserver-format feed events on their
//! networks (calibrated to its third: 960 distinct addresses in April–September 2017),
//! ingested through the same pipeline as real files, a queued digest for every
//! organisation, so every demo account lands on a page with something on it, and the
//! partner advisories loop (real advisories, the partners' contacts and inventories, a
//! fortnight of partners acting on their notices and a round of chasing, on a fixed demo
//! clock in April 2024: see `beacon_demo::advisories`).

use super::config::{Settings, open_store, redact};
use super::output::{count, print_json, today};
use anyhow::Context;
use beacon_app::feeds::{FeedOptions, Owners};
use beacon_app::{IngestOptions, ingest_feed, ingest_reports};
use beacon_demo::register::{BUSINESS_ORGANISATION, DIGESTS_AT, PARTNER_ORGANISATION};
use beacon_demo::{DemoConfig, generate, generate_register};
use beacon_store::Store;
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
    /// Write the demo's synthetic organisations (organisations.csv, for `beacon org
    /// import`) and its Shadowserver-format feed files (for `beacon ingest feed`).
    Feeds(FeedsArgs),
    /// Write the demo's partner advisories to load by hand: organisations.csv (for
    /// `beacon org import`), the advisory files in advisories/ (for `beacon ingest
    /// advisories`), contacts.csv (for `beacon inventory contacts`) and inventory.csv
    /// (for `beacon inventory import`).
    Advisories(AdvisoriesArgs),
}

/// Arguments of `beacon demo advisories`.
#[derive(Debug, Args)]
pub struct AdvisoriesArgs {
    /// Folder to write into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
}

/// Arguments of `beacon demo feeds`.
#[derive(Debug, Args)]
pub struct FeedsArgs {
    /// Seed: the same seed gives byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder to write into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Print what the files hold as JSON (the generator's own expected figures).
    #[arg(long)]
    pub json: bool,
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
        Some(DemoCommand::Feeds(feeds_args)) => write_feeds(feeds_args),
        Some(DemoCommand::Advisories(advisories_args)) => write_advisories(advisories_args),
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
                if open_store(&location)?.organisations()?.is_empty() {
                    out!(
                        "It was built by an older Beacon and has no organisations or register: rebuild it with `beacon demo --force` to see them."
                    );
                }
            } else {
                build_demo(&location, args.seed, args.force, settings)?;
            }
            let password = demo_accounts(&location)?;
            let banner = format!(
                "Sign in as demo-coordinator (or demo-analyst, demo-officer, demo-prevent, demo-partner, demo-business) with the password {password}"
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
/// else a new random one each time (existing demo accounts get it too). The partner IT
/// manager is linked to a synthetic council and the business user to a synthetic firm,
/// when the database has them.
fn demo_accounts(location: &str) -> anyhow::Result<String> {
    use beacon_core::Role;
    let password = std::env::var("BEACON_DEMO_PASSWORD")
        .ok()
        .filter(|p| beacon_app::credentials::password_problem(p).is_none())
        .unwrap_or_else(super::admin::generated_password);
    let hash = beacon_app::credentials::hash_password(&password).map_err(anyhow::Error::msg)?;
    let mut store = open_store(location)?;
    let organisations = store.organisations()?;
    let organisation_id = |name: &str| {
        organisations
            .iter()
            .find(|o| o.organisation.name == name)
            .map(|o| o.id)
    };
    for (username, name, role, organisation) in [
        (
            "demo-coordinator",
            "Demo Coordinator",
            Role::Coordinator,
            None,
        ),
        ("demo-analyst", "Demo Analyst", Role::Analyst, None),
        (
            "demo-officer",
            "Demo Vulnerability Officer",
            Role::VulnerabilityOfficer,
            None,
        ),
        (
            "demo-prevent",
            "Demo Cyber Choices Officer",
            Role::CyberChoicesOfficer,
            None,
        ),
        (
            "demo-partner",
            "Demo Partner IT Manager",
            Role::PartnerItManager,
            organisation_id(PARTNER_ORGANISATION),
        ),
        (
            "demo-business",
            "Demo Business User",
            Role::BusinessUser,
            organisation_id(BUSINESS_ORGANISATION),
        ),
    ] {
        let created = store.create_user(&beacon_store::NewUser {
            username: username.into(),
            display_name: name.into(),
            role,
            password_hash: hash.clone(),
            organisation_id: organisation,
        });
        match created {
            Ok(_) => {}
            Err(beacon_store::StoreError::Duplicate { .. }) => {
                let (user, _) = store
                    .user_for_sign_in(username)?
                    .context("a demo account vanished")?;
                store.set_password(user.id, &hash)?;
            }
            Err(other) => return Err(other.into()),
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
            count(expected.rows_written),
            args.out.display(),
            count(expected.good_rows),
            count(expected.duplicate_rows),
            count(expected.bad_rows)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The organisations as `beacon org import` reads them.
fn organisations_csv(organisations: &[beacon_core::Organisation]) -> anyhow::Result<Vec<u8>> {
    let mut directory = csv::Writer::from_writer(Vec::new());
    directory.write_record(beacon_ingest::organisations::ORGANISATION_COLUMNS)?;
    for organisation in organisations {
        let join = |items: Vec<String>| items.join(";");
        directory.write_record([
            organisation.name.clone(),
            organisation.sector.clone(),
            organisation
                .district
                .as_ref()
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default(),
            join(organisation.contacts.clone()),
            join(
                organisation
                    .networks
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            ),
            join(organisation.asns.iter().map(ToString::to_string).collect()),
            join(organisation.domains.clone()),
        ])?;
    }
    directory.into_inner().context("while writing CSV")
}

/// Writes the demo's organisations and feed files into a folder.
fn write_feeds(args: FeedsArgs) -> anyhow::Result<ExitCode> {
    let register = generate_register(args.seed).context("while generating the register")?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("while creating {}", args.out.display()))?;
    let directory = organisations_csv(&register.organisations)?;
    let mut written = vec![("organisations.csv".to_owned(), directory)];
    written.extend(
        register
            .files
            .iter()
            .map(|file| (file.file_name.clone(), file.contents.clone())),
    );
    for (name, bytes) in &written {
        let path = args.out.join(name);
        std::fs::write(&path, bytes)
            .with_context(|| format!("while writing {}", path.display()))?;
    }
    if args.json {
        print_json(&register.expected)?;
    } else {
        out!(
            "Wrote {} SYNTHETIC organisations and {} feed events in {} files to {}: {} distinct addresses, {} of them seen from {} to {}.",
            count(register.organisations.len() as u64),
            count(register.expected.events),
            count(register.files.len() as u64),
            args.out.display(),
            count(register.expected.distinct_addresses),
            count(register.expected.distinct_in_period),
            register.expected.period_from,
            register.expected.period_to
        );
        out!(
            "Load them with: beacon org import {0}/organisations.csv && beacon ingest feed {0}/*-synthetic-demo.csv",
            args.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the demo's organisations, advisory files, contacts and inventory into a folder,
/// to be loaded by hand.
fn write_advisories(args: AdvisoriesArgs) -> anyhow::Result<ExitCode> {
    let folder = args.out.join("advisories");
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("while creating {}", folder.display()))?;
    let organisations = beacon_demo::register::organisations();
    let mut written: Vec<(PathBuf, Vec<u8>)> = vec![
        (
            args.out.join("organisations.csv"),
            organisations_csv(&organisations)?,
        ),
        (
            args.out.join("contacts.csv"),
            beacon_demo::advisories::contacts_csv().into_bytes(),
        ),
        (
            args.out.join("inventory.csv"),
            beacon_demo::advisories::inventory_csv().into_bytes(),
        ),
    ];
    for file in beacon_demo::advisories::files() {
        written.push((folder.join(file.file_name), file.contents.to_vec()));
    }
    for (path, bytes) in &written {
        std::fs::write(path, bytes).with_context(|| format!("while writing {}", path.display()))?;
    }
    let out = args.out.display();
    out!(
        "Wrote {} SYNTHETIC organisations, {} advisory contacts, {} assets and {} advisory files to {out}.",
        count(organisations.len() as u64),
        count(beacon_demo::advisories::contacts().len() as u64),
        count(beacon_demo::advisories::assets().len() as u64),
        count(beacon_demo::advisories::files().len() as u64),
    );
    out!(
        "Load them in this order (advisories first, then the inventory, which matches them and opens the notices):"
    );
    out!("  beacon org import {out}/organisations.csv");
    out!("  beacon ingest advisories {out}/advisories");
    out!("  beacon inventory contacts {out}/contacts.csv");
    out!("  beacon inventory import {out}/inventory.csv");
    out!(
        "Notices open at today's date; the demo's KEV due dates are CISA's, from 2021 to 2024, so most are overdue at once."
    );
    Ok(ExitCode::SUCCESS)
}

/// Loads the demo's partner advisories (see `beacon_demo::advisories`) into a store
/// holding the demo's organisations. Returns what to tell the user.
fn build_advisories(store: &mut dyn Store, settings: &Settings) -> anyhow::Result<Vec<String>> {
    let outcome = beacon_demo::advisories::load_advisories(store, &settings.notify)
        .context("while loading the demo's partner advisories")?;
    let fix = outcome.median_days_to_fix.map_or_else(
        || "none fixed yet".to_owned(),
        |days| format!("median time to fix {days:.1} days"),
    );
    Ok(vec![
        format!(
            "Loaded {} advisories (CISA KEV, NVD, a CSAF advisory by the partnership, news), {} advisory contacts and {} assets; {} matches.",
            count(outcome.advisories),
            count(outcome.contacts),
            count(outcome.assets),
            count(outcome.matches)
        ),
        format!(
            "{} advisories affected {} partners: {} notices opened on {}, {} letters queued; by {} partners had closed {} ({fix}) and {} were overdue.",
            count(outcome.advisories_affecting_partners),
            count(outcome.partners_affected),
            count(outcome.notices),
            beacon_demo::advisories::IMPORT_AT.date(),
            count(outcome.letters),
            beacon_demo::advisories::CHASE_AT.date(),
            count(outcome.closed),
            count(outcome.overdue)
        ),
        format!(
            "Chased on {}: {} escalations to senior responsible owners, {} reminders, {} daily digests queued (not sent).",
            beacon_demo::advisories::CHASE_AT.date(),
            count(outcome.chase.escalated),
            count(outcome.chase.reminded),
            count(outcome.chase.digests)
        ),
    ])
}

/// Loads the demo's readiness data (see `beacon_demo::readiness`): exercises, self-
/// assessments, staff learning and a phishing simulation. Returns what to tell the user.
fn build_readiness(store: &mut dyn Store, settings: &Settings) -> anyhow::Result<Vec<String>> {
    let outcome = beacon_demo::readiness::load_readiness(store, &settings.notify)
        .context("while loading the demo's readiness data")?;
    Ok(vec![
        format!(
            "Readiness: {} scenarios in the library; {} exercises run ({} inject messages, {} responses, {} observations); {} self-assessments by {} organisations.",
            outcome.scenarios,
            outcome.exercises,
            outcome.injects,
            outcome.responses,
            outcome.observations,
            outcome.assessments,
            outcome.organisations_assessed
        ),
        format!(
            "Staff learning: {} learners, {} quiz attempts, {} certificates; phishing simulation: {} sent to consenting staff, {} clicked, {} reported, {} link-scanner fetches filtered out.",
            outcome.learners,
            outcome.attempts,
            outcome.certificates,
            outcome.simulations_sent,
            outcome.clicks,
            outcome.reported,
            outcome.scanner_fetches
        ),
    ])
}

/// Imports the demo's SYNTHETIC campaign contacts (see `beacon_demo::contacts`) through the
/// contacts import on the demo's fixed clock. Returns what to tell the user.
/// Runs the demo's protect campaigns (see `beacon_demo::campaigns`): two finished
/// campaigns and one evaluated trial. Returns what to tell the user.
fn build_campaigns(store: &mut dyn Store, settings: &Settings) -> anyhow::Result<Vec<String>> {
    let outcome = beacon_demo::campaigns::load_campaigns(store, &settings.notify)
        .context("while running the demo's protect campaigns")?;
    Ok(vec![
        format!(
            "Protect campaigns: {} run from {} ({} messages written out for their recipients and handed to a sink that keeps nothing, {} not sent to suppressed addresses; {} people followed a link).",
            outcome.campaigns,
            beacon_demo::campaigns::FIRST_LAUNCH.date(),
            count(outcome.sent),
            count(outcome.suppressed),
            count(outcome.clicked)
        ),
        format!(
            "Evaluated trial (campaign {}): {}",
            outcome.trial_id, outcome.trial
        ),
    ])
}

fn build_contacts(store: &mut dyn Store, seed: u64) -> anyhow::Result<String> {
    let demo = beacon_demo::contacts::generate_contacts(seed);
    let imported = beacon_app::contacts::import_file(
        store,
        demo.csv.as_bytes(),
        "demo (synthetic) contacts.csv",
        "demo",
        beacon_demo::contacts::CONTACTS_AT,
    )
    .context("while importing the demo's contacts")?;
    if imported.added != demo.residents + demo.businesses + demo.staff
        || !imported.quarantined.is_empty()
    {
        anyhow::bail!(
            "the demo's contacts should import whole: {} added, {} quarantined",
            imported.added,
            imported.quarantined.len()
        );
    }
    Ok(format!(
        "Imported {} SYNTHETIC campaign contacts ({} residents, {} businesses of which {} sole traders, {} partner staff; {} with consent or service evidence).",
        count(imported.added),
        count(demo.residents),
        count(demo.businesses),
        count(demo.sole_traders),
        count(demo.staff),
        count(demo.with_evidence)
    ))
}

/// Registers the demo's organisations, ingests its feed files through the feed pipeline,
/// and queues every organisation's digest as `beacon notify run --queue-only` would at
/// the end of the demo's data. Returns what to tell the user.
fn build_register(
    store: &mut dyn Store,
    seed: u64,
    settings: &Settings,
) -> anyhow::Result<Vec<String>> {
    let register = generate_register(seed).context("while generating the register")?;
    store.upsert_organisations(&register.organisations)?;
    let owners = Owners::load(store)?;
    let options = FeedOptions::new(DIGESTS_AT);
    let (mut stored, mut attributed) = (0, 0);
    for file in &register.files {
        let name = format!("demo (synthetic) {}", file.file_name);
        let outcome = ingest_feed(
            store,
            &name,
            Box::new(std::io::Cursor::new(file.contents.clone())),
            &owners,
            &options,
            &mut |_| {},
        )
        .with_context(|| format!("while loading {name}"))?;
        if outcome.stored != file.rows || outcome.rejected > 0 {
            anyhow::bail!(
                "{name}: {} of {} events were stored and {} rejected; the demo's feed files should load whole",
                outcome.stored,
                file.rows,
                outcome.rejected
            );
        }
        stored += outcome.stored;
        attributed += outcome.attributed;
    }
    let queued = beacon_app::notify::queue_digests(store, DIGESTS_AT, &settings.notify)?;
    let messages: usize = queued.iter().map(|d| d.outbox_ids.len()).sum();
    let expected = &register.expected;
    Ok(vec![
        format!(
            "Registered {} SYNTHETIC partner organisations and loaded {} feed events ({} attributed to them; generator expected {}): {} distinct addresses, {} of them seen from {} (the board paper's figure is 960).",
            count(register.organisations.len() as u64),
            count(stored),
            count(attributed),
            count(expected.events),
            count(expected.distinct_addresses),
            count(expected.distinct_in_period),
            beacon_report::wording::date_range(
                beacon_demo::register::PAPER_FROM,
                beacon_demo::register::PAPER_TO
            )
        ),
        format!(
            "Queued {} digests for {} organisations, as at {} (not sent: no mail server is used).",
            count(messages as u64),
            count(queued.len() as u64),
            DIGESTS_AT.date()
        ),
    ])
}

/// Loads the shipped advice library, published, so the public advice pages have items.
/// Scores the demo's reports into the victim triage queue, as of the last day reports
/// were made on (the demo's reports end before today), works some of its cases into every
/// state and opens the demo's Cyber Choices referrals.
fn build_care(store: &mut dyn Store, settings: &Settings) -> anyhow::Result<Vec<String>> {
    let weights = settings.care_weights(None)?;
    let end = beacon_app::care::queue_end(store, today())?;
    let outcome = beacon_app::care::triage(
        store,
        &weights,
        beacon_app::care::QUEUE_DAYS,
        end,
        "demo",
        time::OffsetDateTime::now_utc(),
    )?;
    let now = time::OffsetDateTime::now_utc();
    let mut work = beacon_demo::care::work_cases(store, settings.care_redact_after_days, now)?;
    beacon_demo::care::open_referrals(store, &mut work)?;
    Ok(vec![
        format!(
            "Victim care: {} cases in the triage queue as of {end} (level 4: {}, level 3: {}, level 2: {}, level 1: {}).",
            count(outcome.queued),
            count(outcome.by_level[3]),
            count(outcome.by_level[2]),
            count(outcome.by_level[1]),
            count(outcome.by_level[0])
        ),
        format!(
            "Victim care: {} cases worked ({} closed, {} redacted after the {}-day retention period).",
            work.cases_worked, work.closed, work.redacted, settings.care_redact_after_days
        ),
        format!(
            "Cyber Choices: {} referrals ({} closed); see /cyber-choices.",
            work.referrals, work.referrals_closed
        ),
    ])
}

/// Imports the demo's business engagement log as `beacon engagement import` would, and
/// states 2019's reach.
fn build_engagement(store: &mut dyn Store, seed: u64) -> anyhow::Result<String> {
    let file = beacon_demo::engagement::engagement_file(seed);
    let imported = beacon_app::engagement::import_file(
        store,
        file.as_bytes(),
        "demo engagement log (synthetic)",
        ("demo", today(), time::OffsetDateTime::now_utc()),
    )?;
    let period = beacon_core::Period::new(
        time::macros::date!(2019 - 01 - 01),
        time::macros::date!(2019 - 12 - 31),
    )
    .context("the demo's year")?;
    let reach = beacon_app::engagement::reach_figures(store, period)?;
    Ok(format!(
        "Business engagement: {} engagements with {} SYNTHETIC businesses in 2019 ({} reached in a sustained way); {} row quarantined.",
        count(imported.stored),
        count(reach.businesses),
        count(reach.sustained),
        count(imported.quarantined.len() as u64)
    ))
}

/// Stores the demo's SYNTHETIC front-door reports (see `beacon_demo::front_door`), as
/// residents and businesses would have left them through `/report` during 2019.
fn build_front_door(store: &mut dyn Store, seed: u64) -> anyhow::Result<String> {
    let reports = beacon_demo::front_door::generate_front_door(seed);
    for report in &reports {
        store
            .add_front_door_report(report)
            .context("while storing the demo's front-door reports")?;
    }
    let businesses = reports.iter().filter(|r| r.reporter == "business").count();
    Ok(format!(
        "Front door: {} local reports ({} from businesses) during 2019 (see the dashboard, or beacon front-door counts).",
        count(reports.len() as u64),
        count(businesses as u64)
    ))
}

fn build_advice(store: &mut dyn Store) -> anyhow::Result<String> {
    let outcome = beacon_app::advice::load_shipped(store, "demo", time::OffsetDateTime::now_utc())
        .context("while loading the shipped advice library")?;
    Ok(format!(
        "Advice library: {} items loaded and published (see /advice).",
        outcome.added.len() + outcome.revised.len() + outcome.unchanged
    ))
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
    // Campaigns first: their timeline delivers what is due to the demo's sink, and must
    // find only their own messages in the outbox (the other steps' stay queued).
    // The advice library before the care work: cases record advice given from it.
    let advice_line = build_advice(store.as_mut())?;
    let care_lines = build_care(store.as_mut(), settings)?;
    let front_door_line = build_front_door(store.as_mut(), seed)?;
    let contacts_line = build_contacts(store.as_mut(), seed)?;
    let engagement_line = build_engagement(store.as_mut(), seed)?;
    let campaign_lines = build_campaigns(store.as_mut(), settings)?;
    let mut register_lines = build_register(store.as_mut(), seed, settings)?;
    register_lines.extend(build_advisories(store.as_mut(), settings)?);
    register_lines.extend(build_readiness(store.as_mut(), settings)?);
    register_lines.extend(care_lines);
    register_lines.push(advice_line);
    register_lines.push(front_door_line);
    register_lines.push(contacts_line);
    register_lines.push(engagement_line);
    register_lines.extend(campaign_lines);
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
        count(outcome.read),
        count(outcome.stored),
        count(outcome.duplicates),
        count(outcome.rejected),
        count(expected.good_rows),
        count(expected.duplicate_rows),
        count(expected.bad_rows)
    );
    for line in register_lines {
        out!("{line}");
    }
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
    out!("  beacon addresses{database_flag} --from 2017-04-01 --to 2017-09-30 --by district");
    out!("  beacon notify status{database_flag}");
    out!("  beacon advisories status{database_flag}");
    out!("  beacon advisories matches{database_flag} --organisation \"{PARTNER_ORGANISATION}\"");
    out!("  beacon inventory list{database_flag}");
    out!("  beacon report board{database_flag} --from 2024-04-01 --to 2024-06-30");
    out!("  beacon exercise list{database_flag}");
    out!("  beacon exercise debrief{database_flag} 2");
    out!("  beacon assessment summary{database_flag}");
    out!("  beacon learning progress{database_flag}");
    out!("  beacon phishing results{database_flag}");
    out!("  beacon advice list{database_flag} --threat courier_fraud");
    out!("  beacon segments count{database_flag} --kind resident --age-band 70-79 --age-band 80+");
    out!("  beacon care queue{database_flag} --limit 5");
    out!("  beacon cyber-choices list{database_flag}");
    out!("  beacon engagement reach{database_flag} --from 2019-01-01 --to 2019-12-31");
    out!("  beacon campaigns list{database_flag}");
    out!("  beacon campaigns report{database_flag} 3");
    out!("  beacon report board{database_flag} --from 2024-10-01 --to 2024-12-31");
    out!("  beacon ingest runs{database_flag}");
    out!("  beacon ingest rejects{database_flag} {}", outcome.run_id);
    Ok(())
}
