//! The campaign email benchmark's Beacon side (run by `bench/campaign_email.sh`): queues
//! N personalised campaign emails in the outbox of a SQLite store, then delivers them
//! through Beacon's outbox loop (`deliver_due_with`, the store's outbox via `StoreOutbox`,
//! `SmtpMailer`'s own plain-text SMTP client over one connection) to an SMTP server, and
//! prints the figures as JSON.
//!
//! Each message has its own token link in its body and its own one-click unsubscribe
//! headers (the token derived from the recipient, as a campaign would store it); each
//! claimed batch's sent states are committed in the store, in one transaction, as soon as
//! the batch is sent.
//!
//! Usage: `campaign_email_bench --database FILE --count N --smtp HOST:PORT [--batch B]`
//! Phases: `--phase enqueue`, `--phase deliver` or (default) both.

use beacon_app::notify::StoreOutbox;
use beacon_core::Tlp;
use beacon_notify::{
    Backoff, Channel, DeliveryOptions, NoPacing, OutboxMessage, OutboxStore, SmtpMailer,
    SmtpSettings, TlsMode, Unsubscribe,
};
use beacon_store::{MessageContent, MessageDetail, MessageKind, NewMessage, StoreError};
use sha2::{Digest, Sha256};
use std::io::Write as _;
use std::time::Instant;
use time::{Duration, OffsetDateTime};

/// The link token of a recipient (the same in the body and the unsubscribe header).
fn token(recipient: &str) -> String {
    let digest = Sha256::digest(format!("bench-campaign:{recipient}").as_bytes());
    digest[..12]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn recipient(index: usize) -> String {
    format!("resident{index}@residents.example")
}

/// One recipient's message: a greeting without a name, their own tracked link.
fn message(index: usize) -> NewMessage {
    let to = recipient(index);
    let token = token(&to);
    let link = format!("https://beacon.example/c/{token}");
    NewMessage {
        kind: MessageKind::Campaign,
        channel: Channel::Email,
        organisation_id: None,
        recipient: to,
        recipient_kind: "resident".to_owned(),
        content: MessageContent::Written {
            subject: "Courier fraud: your bank will never send someone for your card".to_owned(),
            text: format!(
                "Hello from the Leicestershire cyber and fraud partnership,\n\n\
                 Criminals phone pretending to be your bank or the police, then send a \
                 courier to collect your card. Your bank will never do this. Hang up, wait \
                 five minutes, and call 159.\n\nRead more: {link}\n\n\
                 Report fraud to Action Fraud on 0300 123 2040.\n"
            ),
            html: format!(
                "<p>Hello from the Leicestershire cyber and fraud partnership,</p>\
                 <p>Criminals phone pretending to be your bank or the police, then send a \
                 courier to collect your card. <strong>Your bank will never do this.</strong> \
                 Hang up, wait five minutes, and call 159.</p>\
                 <p><a href=\"{link}\">Read more</a></p>\
                 <p>Report fraud to Action Fraud on 0300 123 2040.</p>"
            ),
        },
        tlp: Tlp::Clear,
        dedupe_key: format!("bench-campaign-{index}"),
        ack_wanted: false,
        detail: MessageDetail::None,
        not_before: None,
    }
}

/// The store's outbox with each campaign message's unsubscribe link added, as the
/// campaign layer does.
struct CampaignOutbox<'a>(StoreOutbox<'a>);

impl OutboxStore for CampaignOutbox<'_> {
    type Error = StoreError;

    fn claim_due(
        &mut self,
        channels: &[Channel],
        now: OffsetDateTime,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut claimed = self.0.claim_due(channels, now, lease, limit)?;
        for message in &mut claimed {
            if let Ok(outgoing) = &mut message.message {
                let token = token(&outgoing.to);
                outgoing.unsubscribe = Some(Unsubscribe {
                    url: format!("https://beacon.example/u/{token}"),
                    mailto: Some(format!("unsubscribe+{token}@beacon.example")),
                });
            }
        }
        Ok(claimed)
    }

    fn record_sent(&mut self, id: i64, at: OffsetDateTime) -> Result<(), StoreError> {
        self.0.record_sent(id, at)
    }

    fn record_sent_many(&mut self, ids: &[i64], at: OffsetDateTime) -> Result<(), StoreError> {
        self.0.record_sent_many(ids, at)
    }

    fn is_suppressed(&mut self, channel: Channel, address: &str) -> Result<bool, StoreError> {
        self.0.is_suppressed(channel, address)
    }

    fn record_failure(
        &mut self,
        id: i64,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        self.0.record_failure(id, error, retry_at)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut database = None;
    let mut count = 100_000_usize;
    let mut smtp = None;
    let mut batch = beacon_notify::BATCH;
    let mut phase = "all".to_owned();
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
    let mut figures = serde_json::Map::new();

    if phase == "all" || phase == "enqueue" {
        let started = Instant::now();
        for chunk_start in (0..count).step_by(1000) {
            let messages: Vec<NewMessage> = (chunk_start..(chunk_start + 1000).min(count))
                .map(message)
                .collect();
            store.enqueue(&messages, "bench.beacon.example")?;
        }
        figures.insert("queued".into(), count.into());
        figures.insert(
            "enqueue_seconds".into(),
            started.elapsed().as_secs_f64().into(),
        );
    }

    if phase == "all" || phase == "deliver" {
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
        let mut outbox = CampaignOutbox(StoreOutbox::new(store.as_mut(), None));
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
        figures.insert("sent".into(), report.sent.into());
        figures.insert("retrying".into(), report.retrying.into());
        figures.insert("given_up".into(), report.given_up.into());
        figures.insert("deliver_seconds".into(), seconds.into());
        figures.insert(
            "messages_per_second".into(),
            (report.sent as f64 / seconds).into(),
        );
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", serde_json::Value::Object(figures))?;
    Ok(())
}
