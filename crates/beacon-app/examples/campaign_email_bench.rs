//! The campaign email benchmark's Beacon side (run by `bench/campaign_email.sh`): a real
//! campaign, end to end. `--phase launch` imports N resident contacts (each with an email
//! address and service-message evidence), loads the shipped advice library, and launches
//! an email campaign to them with `beacon_app::campaigns::launch`, which writes every
//! recipient and its templated outbox message in one transaction. `--phase deliver` then
//! sends them through Beacon's outbox loop (`deliver_due_with` over `StoreOutbox`, which
//! writes each message out from the advice item pinned at launch with the recipient's own
//! links and one-click unsubscribe headers, and checks the suppression list before each
//! send) with `SmtpMailer`'s own plain-text SMTP client over one connection. Each claimed
//! batch's sent states are committed in the store, in one transaction, right after the
//! batch. Prints the figures as JSON.
//!
//! Recipient `i` is `resident{i}@residents.example` with link token `bench{i:010}`, so the
//! script's floor can send the same messages from one that Beacon sent.
//!
//! Usage: `campaign_email_bench --database FILE --count N --phase launch|deliver
//! [--smtp HOST:PORT] [--batch B]`

use beacon_app::campaigns::launch::{LaunchSettings, launch_with_tokens};
use beacon_app::notify::StoreOutbox;
use beacon_core::protect::{
    ConsentEvidence, ContactAttributes, ContactKind, LawfulBasis, SegmentRule,
};
use beacon_notify::{
    Backoff, Channel, DeliveryOptions, NoPacing, SmtpMailer, SmtpSettings, TlsMode,
};
use beacon_store::NewCampaign;
use beacon_store::contacts::NewContact;
use std::io::Write as _;
use std::time::Instant;
use time::{Duration, OffsetDateTime};

/// The advice item the campaign sends.
const ADVICE: &str = "courier-fraud-older-residents";
/// Beacon's public web address in the messages' links.
const BASE_URL: &str = "https://beacon.example";

fn contact(index: usize, at: OffsetDateTime) -> NewContact {
    NewContact {
        reference: format!("bench-{index}"),
        attributes: ContactAttributes {
            kind: Some(ContactKind::Resident),
            ..ContactAttributes::default()
        },
        email: Some(format!("resident{index}@residents.example")),
        mobile: None,
        consents: vec![ConsentEvidence {
            channel: Channel::Email,
            basis: LawfulBasis::PublicTask,
            given_at: at - Duration::days(30),
            how: "council tax service notice".to_owned(),
            wording: "The partnership may send you scam warnings".to_owned(),
            withdrawn_at: None,
        }],
        purge_after: None,
    }
}

/// Imports the contacts, loads the library and launches the campaign; the figures.
fn launch(
    store: &mut dyn beacon_store::Store,
    count: usize,
) -> Result<serde_json::Map<String, serde_json::Value>, Box<dyn std::error::Error>> {
    let mut figures = serde_json::Map::new();
    let now = OffsetDateTime::now_utc();
    let started = Instant::now();
    for chunk_start in (0..count).step_by(10_000) {
        let contacts: Vec<NewContact> = (chunk_start..(chunk_start + 10_000).min(count))
            .map(|index| contact(index, now))
            .collect();
        store.import_contacts(&contacts, now - Duration::days(1))?;
    }
    figures.insert(
        "import_seconds".into(),
        started.elapsed().as_secs_f64().into(),
    );
    beacon_app::advice::load_shipped(store, "bench", now)?;
    let starts_at = now - Duration::minutes(1);
    let id = store.create_campaign(&NewCampaign {
        name: "Courier fraud: every resident".to_owned(),
        advice_slug: ADVICE.to_owned(),
        channel: Channel::Email,
        basis: LawfulBasis::PublicTask,
        segment: SegmentRule {
            kinds: [ContactKind::Resident].into(),
            ..SegmentRule::default()
        },
        starts_at,
        evaluated: false,
        control_advice_slug: None,
        created_by: "bench".to_owned(),
        created_at: starts_at,
    })?;
    let settings = LaunchSettings {
        message_domain: "bench.beacon.example".to_owned(),
        social_accounts: Vec::new(),
    };
    let mut made = 0usize;
    let mut token = || {
        let token = format!("bench{made:010}");
        made += 1;
        token
    };
    let started = Instant::now();
    let launched = launch_with_tokens(store, id, &settings, "bench", starts_at, &mut token)?;
    figures.insert(
        "launch_seconds".into(),
        started.elapsed().as_secs_f64().into(),
    );
    figures.insert("queued".into(), launched.queued.into());
    Ok(figures)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut database = None;
    let mut count = 100_000_usize;
    let mut smtp = None;
    let mut batch = beacon_notify::BATCH;
    let mut phase = String::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--database" => database = Some(value()?),
            "--count" => count = value()?.parse()?,
            "--smtp" => smtp = Some(value()?),
            "--batch" => batch = value()?.parse()?,
            "--phase" => phase = value()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let database = database.ok_or("--database FILE is needed")?;
    let mut store = beacon_store::open(&database)?;
    let figures = match phase.as_str() {
        "launch" => launch(store.as_mut(), count)?,
        "deliver" => {
            let (host, port) = smtp
                .as_deref()
                .and_then(|target| target.rsplit_once(':'))
                .ok_or("--smtp HOST:PORT is needed")?;
            let mailer = SmtpMailer::new(SmtpSettings {
                host: host.to_owned(),
                port: port.parse()?,
                tls: TlsMode::None,
                username: None,
                password: None,
                from: "Leicestershire Cyber Partnership <protect@beacon.example>".to_owned(),
                timeout_secs: 30,
            })?;
            let options = DeliveryOptions {
                batch,
                ..DeliveryOptions::default()
            };
            let started = Instant::now();
            let mut outbox =
                StoreOutbox::new(store.as_mut(), None).with_base_url(Some(BASE_URL.to_owned()));
            let report = beacon_notify::deliver_due_with(
                &mut outbox,
                &[&mailer],
                OffsetDateTime::now_utc(),
                &Backoff::default(),
                Duration::minutes(15),
                &options,
                &NoPacing,
            )?;
            let seconds = started.elapsed().as_secs_f64();
            let mut figures = serde_json::Map::new();
            figures.insert("sent".into(), report.sent.into());
            figures.insert("retrying".into(), report.retrying.into());
            figures.insert("given_up".into(), report.given_up.into());
            figures.insert("deliver_seconds".into(), seconds.into());
            figures.insert(
                "messages_per_second".into(),
                (report.sent as f64 / seconds).into(),
            );
            figures
        }
        _ => return Err("--phase launch or --phase deliver is needed".into()),
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", serde_json::Value::Object(figures))?;
    Ok(())
}
