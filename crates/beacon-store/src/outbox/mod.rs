//! The durable outbox's types: digests waiting to be sent, being sent, sent, or given up.
//!
//! A digest is written to the outbox in the same transaction that moves its organisation's
//! digest watermark, so a crash either leaves both or neither: no digest is lost and none
//! is composed twice. Sending claims a message for a lease; a process that dies while
//! holding one lets it be claimed again when the lease runs out.

mod postgres;
mod sqlite;

use crate::StoreResult;
use beacon_core::Tlp;
use serde::Serialize;
use time::OffsetDateTime;

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

/// One message in the outbox.
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

/// The durable outbox: queue, claim for a lease, record the outcome, acknowledge.
pub trait Outbox {
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
    /// Claims up to `limit` due messages for `lease`, counting an attempt on each, in one
    /// transaction: pending ones, retries whose time has come, and sends whose lease ran
    /// out (their sender died).
    fn outbox_claim_due(
        &mut self,
        now: OffsetDateTime,
        lease: time::Duration,
        limit: u32,
    ) -> StoreResult<Vec<OutboxEntry>>;
    /// Records that the mail server accepted a message.
    fn outbox_record_sent(&mut self, id: i64, at: OffsetDateTime) -> StoreResult<()>;
    /// Records a failed attempt: retried at `retry_at`, or given up when `None`.
    fn outbox_record_failure(
        &mut self,
        id: i64,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> StoreResult<()>;
    /// Outbox messages, newest first: every organisation's, or one organisation's.
    fn outbox(&mut self, organisation_id: Option<i64>, limit: u32)
    -> StoreResult<Vec<OutboxEntry>>;
    /// Records an acknowledgement; false when there is no such message. The first
    /// acknowledgement is kept.
    fn acknowledge_digest(&mut self, id: i64, by: &str, at: OffsetDateTime) -> StoreResult<bool>;
}
