//! The durable message outbox: every kind of outgoing message (digests, notices,
//! escalations, exercise injects, campaigns) on every channel, waiting to be sent, being
//! sent, sent, or given up.
//!
//! A digest is written to the outbox in the same transaction that moves its organisation's
//! digest watermark, so a crash either leaves both or neither: no digest is lost and none
//! is composed twice. Every message carries a dedupe key: queuing the same key again keeps
//! the first message and returns its id. Sending claims a message for a lease; a process
//! that dies while holding one lets it be claimed again when the lease runs out.

mod columns;
pub(crate) mod postgres;
pub(crate) mod sqlite;

use crate::StoreResult;
use beacon_core::Tlp;
use serde::Serialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// What a message is for, so one outbox can carry every kind and each kind can be listed
/// and handled on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// An organisation's digest of its addresses in the register.
    Digest,
    /// A one-off notice to someone.
    Notice,
    /// An escalation of something unacknowledged.
    Escalation,
    /// An exercise inject.
    Inject,
    /// One recipient's message of a campaign.
    Campaign,
    /// A consented phishing-awareness simulation (marked as such in its headers).
    Simulation,
}

impl MessageKind {
    /// Every kind, in stored-spelling order.
    pub const ALL: [MessageKind; 6] = [
        MessageKind::Digest,
        MessageKind::Notice,
        MessageKind::Escalation,
        MessageKind::Inject,
        MessageKind::Campaign,
        MessageKind::Simulation,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Digest => "digest",
            MessageKind::Notice => "notice",
            MessageKind::Escalation => "escalation",
            MessageKind::Inject => "inject",
            MessageKind::Campaign => "campaign",
            MessageKind::Simulation => "simulation",
        }
    }

    /// Reads the stored spelling; `None` for one this Beacon does not know.
    pub fn from_stored(text: &str) -> Option<MessageKind> {
        MessageKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// How a message leaves Beacon (a domain type, shared with the senders).
pub use beacon_core::Channel;

/// What a message says: written out in full when queued, or a template rendered when it
/// is sent, so campaigns can queue one reference and each recipient's own fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageContent {
    /// Written out in full.
    Written {
        /// Subject line (unused by channels without one).
        subject: String,
        /// Plain-text body.
        #[serde(skip)]
        text: String,
        /// HTML body (unused by channels without one).
        #[serde(skip)]
        html: String,
    },
    /// A template by name with this recipient's personalisation fields.
    Template {
        /// The template's name.
        name: String,
        /// Field name to value.
        #[serde(skip)]
        data: BTreeMap<String, String>,
    },
}

/// What only a digest has: how many findings it holds and the period it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DigestDetail {
    /// Findings included.
    pub findings: u64,
    /// Findings held back by TLP.
    pub withheld: u64,
    /// The end of the previous digest's period (`None` for a first digest).
    #[serde(with = "time::serde::rfc3339::option")]
    pub period_start: Option<OffsetDateTime>,
    /// The moment the digest was composed up to.
    #[serde(with = "time::serde::rfc3339")]
    pub period_end: OffsetDateTime,
}

/// The part of a message only its kind has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageDetail {
    /// Nothing beyond the common fields.
    None,
    /// A digest's counts and period.
    Digest(DigestDetail),
}

/// A message ready to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// What it is for.
    pub kind: MessageKind,
    /// How it leaves Beacon.
    pub channel: Channel,
    /// The organisation it concerns, if any.
    pub organisation_id: Option<i64>,
    /// Address on the channel: email address, phone number or URL.
    pub recipient: String,
    /// How the recipient came to get it (digests: `own` or `extra`; may be empty).
    pub recipient_kind: String,
    /// What it says.
    pub content: MessageContent,
    /// Most restrictive TLP of what it contains.
    pub tlp: Tlp,
    /// Queuing the same key again stores nothing and returns the first message's id.
    pub dedupe_key: String,
    /// Whether the recipient is asked to acknowledge it.
    pub ack_wanted: bool,
    /// What only its kind has.
    pub detail: MessageDetail,
    /// Not sent before this moment (an exercise inject's scheduled time, which may be in
    /// the past for a replayed timeline); `None` sends as
    /// soon as a sender runs.
    pub not_before: Option<OffsetDateTime>,
}

/// One message in the outbox, of any kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// Outbox id (the number in acknowledgement links).
    pub id: i64,
    /// What it is for.
    pub kind: MessageKind,
    /// How it leaves Beacon.
    pub channel: Channel,
    /// The organisation it concerns, if any.
    pub organisation_id: Option<i64>,
    /// That organisation's name.
    pub organisation: Option<String>,
    /// Address on the channel.
    pub recipient: String,
    /// How the recipient came to get it.
    pub recipient_kind: String,
    /// What it says.
    pub content: MessageContent,
    /// TLP of the contents.
    pub tlp: Tlp,
    /// Its dedupe key.
    pub dedupe_key: String,
    /// Message-ID header, the same on every attempt.
    pub message_id: String,
    /// Whether the recipient is asked to acknowledge it.
    pub ack_wanted: bool,
    /// What only its kind has.
    pub detail: MessageDetail,
    /// Where it stands.
    pub status: OutboxStatus,
    /// Attempts made.
    pub attempts: u32,
    /// When it is next due.
    #[serde(with = "time::serde::rfc3339")]
    pub next_attempt_at: OffsetDateTime,
    /// The last failure, in the transport's words.
    pub last_error: Option<String>,
    /// Queued at.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Accepted by the channel at.
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    /// Acknowledged at.
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    /// Acknowledged by (a user name, or `link` for a signed link).
    pub acknowledged_by: Option<String>,
}

impl Message {
    /// The digest view of a digest message (`None` for other kinds), as the digest pages
    /// and `beacon notify status` show it.
    pub fn into_digest(self) -> Option<OutboxEntry> {
        let (MessageDetail::Digest(detail), Some(organisation_id), Some(organisation)) =
            (self.detail, self.organisation_id, self.organisation)
        else {
            return None;
        };
        let (subject, text, html) = match self.content {
            MessageContent::Written {
                subject,
                text,
                html,
            } => (subject, text, html),
            MessageContent::Template { name, .. } => (name, String::new(), String::new()),
        };
        Some(OutboxEntry {
            id: self.id,
            organisation_id,
            organisation,
            recipient: self.recipient,
            recipient_kind: self.recipient_kind,
            subject,
            text,
            html,
            message_id: self.message_id,
            tlp: self.tlp,
            findings: detail.findings,
            withheld: detail.withheld,
            status: self.status,
            attempts: self.attempts,
            next_attempt_at: self.next_attempt_at,
            last_error: self.last_error,
            created_at: self.created_at,
            sent_at: self.sent_at,
            acknowledged_at: self.acknowledged_at,
            acknowledged_by: self.acknowledged_by,
        })
    }
}

/// A digest composed for one recipient, ready to queue.
#[derive(Debug, Clone)]
pub struct NewDigest {
    /// The organisation it is about.
    pub organisation_id: i64,
    /// Email address.
    pub recipient: String,
    /// `own` (the organisation's own contact) or `extra` (a configured recipient).
    pub recipient_kind: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// Most restrictive TLP of what it contains.
    pub tlp: Tlp,
    /// Findings included.
    pub findings: u64,
    /// Findings held back by TLP.
    pub withheld: u64,
}

/// Where an outbox message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Not tried yet.
    Pending,
    /// Claimed by a sender (or its sender died; the lease then runs out).
    Sending,
    /// Failed for now; tried again at `next_attempt_at`.
    Retrying,
    /// The mail server accepted it.
    Sent,
    /// Failed for good (a permanent error, or too many attempts).
    GivenUp,
}

impl OutboxStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Retrying => "retrying",
            OutboxStatus::Sent => "sent",
            OutboxStatus::GivenUp => "given_up",
        }
    }

    /// Reads the stored spelling.
    pub fn from_stored(text: &str) -> OutboxStatus {
        match text {
            "sending" => OutboxStatus::Sending,
            "retrying" => OutboxStatus::Retrying,
            "sent" => OutboxStatus::Sent,
            "given_up" => OutboxStatus::GivenUp,
            _ => OutboxStatus::Pending,
        }
    }
}

/// One digest in the outbox, with its counts (the digest view of a [`Message`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxEntry {
    /// Outbox id (the digest's number in acknowledgement links).
    pub id: i64,
    /// The organisation it is about.
    pub organisation_id: i64,
    /// Organisation name.
    pub organisation: String,
    /// Email address.
    pub recipient: String,
    /// `own` or `extra`.
    pub recipient_kind: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    #[serde(skip)]
    pub text: String,
    /// HTML body.
    #[serde(skip)]
    pub html: String,
    /// Message-ID header, the same on every attempt.
    pub message_id: String,
    /// TLP of the contents.
    pub tlp: Tlp,
    /// Findings included.
    pub findings: u64,
    /// Findings held back by TLP.
    pub withheld: u64,
    /// Where it stands.
    pub status: OutboxStatus,
    /// Attempts made.
    pub attempts: u32,
    /// When it is next due.
    #[serde(with = "time::serde::rfc3339")]
    pub next_attempt_at: OffsetDateTime,
    /// The last failure, in the mail server's words.
    pub last_error: Option<String>,
    /// Queued at.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Accepted by the mail server at.
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    /// Acknowledged at.
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    /// Acknowledged by (a user name, or `link` for a signed link).
    pub acknowledged_by: Option<String>,
}

impl NewDigest {
    /// The outbox message for this digest, covering `period_start` to `period_end`. Its
    /// dedupe key names the organisation, the period's end and the recipient, so the
    /// same digest is never queued twice.
    pub fn message(
        &self,
        period_start: Option<OffsetDateTime>,
        period_end: OffsetDateTime,
    ) -> NewMessage {
        NewMessage {
            kind: MessageKind::Digest,
            channel: Channel::Email,
            organisation_id: Some(self.organisation_id),
            recipient: self.recipient.clone(),
            recipient_kind: self.recipient_kind.clone(),
            content: MessageContent::Written {
                subject: self.subject.clone(),
                text: self.text.clone(),
                html: self.html.clone(),
            },
            tlp: self.tlp,
            dedupe_key: format!(
                "digest:{}:{}:{}:{}",
                self.organisation_id,
                crate::neutral::utc_text(period_end),
                self.recipient_kind,
                self.recipient
            ),
            ack_wanted: true,
            detail: MessageDetail::Digest(DigestDetail {
                findings: self.findings,
                withheld: self.withheld,
                period_start,
                period_end,
            }),
            not_before: None,
        }
    }
}

/// The Message-ID of a message: the same on every attempt, unique per message. Digests
/// keep the form they always had (`beacon-digest-{id}-{period end}@…`).
fn message_id_of(id: i64, message: &NewMessage, created: OffsetDateTime, domain: &str) -> String {
    match message.detail {
        MessageDetail::Digest(detail) => crate::neutral::message_id(id, detail.period_end, domain),
        MessageDetail::None => format!(
            "beacon-{}-{id}-{}@{domain}",
            message.kind.as_str(),
            created.unix_timestamp()
        ),
    }
}

/// Which due messages a claim takes.
#[derive(Debug, Clone, Copy)]
enum Claim<'a> {
    /// Messages of these channels, of any kind.
    Channels(&'a [Channel]),
    /// Digests only.
    Digests,
}

/// The durable outbox: queue, claim for a lease, record the outcome, acknowledge.
pub trait Outbox {
    /// Queues messages in one transaction and returns their outbox ids in order. A message
    /// whose dedupe key is already queued is not stored again: its id is the first one's.
    /// `message_domain` is the domain of new messages' Message-IDs.
    fn enqueue(&mut self, messages: &[NewMessage], message_domain: &str) -> StoreResult<Vec<i64>>;
    /// Claims up to `limit` due messages of these channels for `lease`, counting an
    /// attempt on each, in one transaction: pending ones (a scheduled one once `now`
    /// reaches its time), retries whose time has come, and sends whose lease ran out
    /// (their sender died).
    fn claim_due(
        &mut self,
        channels: &[Channel],
        now: OffsetDateTime,
        lease: time::Duration,
        limit: u32,
    ) -> StoreResult<Vec<Message>>;
    /// One message.
    fn message(&mut self, id: i64) -> StoreResult<Option<Message>>;
    /// Messages, newest first: of every kind, or of one.
    fn messages(&mut self, kind: Option<MessageKind>, limit: u32) -> StoreResult<Vec<Message>>;
    /// Records an acknowledgement of a message that asks for one; false when there is no
    /// such message or it does not. The first acknowledgement is kept.
    fn acknowledge(&mut self, id: i64, by: &str, at: OffsetDateTime) -> StoreResult<bool>;

    /// The end of the period an organisation's last digest covered.
    fn last_digest_at(&mut self, organisation_id: i64) -> StoreResult<Option<OffsetDateTime>>;
    /// Queues an organisation's digests and moves its watermark to `period_end`, in one
    /// transaction. Returns the outbox ids.
    fn enqueue_digests(
        &mut self,
        organisation_id: i64,
        digests: &[NewDigest],
        period_end: OffsetDateTime,
        message_domain: &str,
    ) -> StoreResult<Vec<i64>>;
    /// Claims up to `limit` due digests for `lease`, as [`Outbox::claim_due`] does.
    fn outbox_claim_due(
        &mut self,
        now: OffsetDateTime,
        lease: time::Duration,
        limit: u32,
    ) -> StoreResult<Vec<OutboxEntry>>;
    /// Records that the channel accepted a message.
    fn outbox_record_sent(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<()>;
    /// Records that the channel accepted each of these messages, all at `at`, in one
    /// transaction: the delivery loop records a batch's sends at once instead of committing
    /// each message on its own. Ids of no message are skipped.
    fn outbox_record_sent_many(&mut self, ids: &[i64], at: OffsetDateTime) -> StoreResult<()>;
    /// Records a failed attempt: retried at `retry_at`, or given up when `None`.
    fn outbox_record_failure(
        &mut self,
        id: i64,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> StoreResult<()>;
    /// Digests in the outbox, newest first: every organisation's, or one organisation's.
    fn outbox(&mut self, organisation_id: Option<i64>, limit: u32)
    -> StoreResult<Vec<OutboxEntry>>;
    /// Records a digest's acknowledgement; false when there is no such message. The first
    /// acknowledgement is kept.
    fn acknowledge_digest(&mut self, id: i64, by: &str, at: OffsetDateTime) -> StoreResult<bool> {
        self.acknowledge(id, by, at)
    }
}
