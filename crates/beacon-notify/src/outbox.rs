//! The delivery loop over a durable outbox, so no message (a digest, a notice, an
//! escalation …) is ever lost to a crash, a restart or a mail server that is down.
//!
//! A message is written to the outbox (in the store, in the same transaction that records
//! why it is sent) before anything is sent. This loop claims what is due on the channels it
//! has a transport for, hands each message to its channel's transport, and records the
//! outcome. Delivery is **at least once**: a crash after the server accepted a message
//! but before Beacon recorded it means the message is sent again when its claim lapses,
//! with the same Message-ID so mail systems can drop the copy. SMTP offers no way to do
//! better. Nothing is ever lost: a message leaves the outbox only as sent or given up.
//!
//! The suppression list is consulted for every message right before it is handed to its
//! transport, so an address suppressed after its message was queued is still never sent
//! to: the message is given up with [`SUPPRESSED_ERROR`].

use crate::transport::{Channel, OutgoingMessage, SendError, Transport};
use std::collections::{BTreeMap, HashSet};
use time::{Duration, OffsetDateTime};

/// One message claimed from the outbox for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// The outbox row's id.
    pub id: i64,
    /// The channel it leaves on.
    pub channel: Channel,
    /// What to send, or why it could not be made ready (its template is unknown, say):
    /// the loop records that as it would a failed send.
    pub message: Result<OutgoingMessage, SendError>,
    /// Attempts so far, counting the one this claim is for.
    pub attempts: u32,
}

/// The durable outbox, kept by the caller (`beacon-store`), so this crate stays free of
/// SQL while deciding what happens to each message.
pub trait OutboxStore {
    /// The store's own error.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Claims messages of these channels that are due (pending, or failed with retry time
    /// passed, or claimed by a process whose lease has expired), marking them claimed
    /// until now+lease and counting the attempt, in one transaction.
    fn claim_due(
        &mut self,
        channels: &[Channel],
        now: OffsetDateTime,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, Self::Error>;

    /// Records that a message was accepted by its channel; it is never sent again.
    fn record_sent(&mut self, id: i64, at: OffsetDateTime) -> Result<(), Self::Error>;

    /// Whether `address` is on the suppression list for `channel` (it unsubscribed, sent
    /// STOP, bounced for good or complained). Asked for every message right before it is
    /// sent. `address` is the bare address: for email without a display name.
    fn is_suppressed(&mut self, channel: Channel, address: &str) -> Result<bool, Self::Error>;

    /// Records a failed attempt: retry at `retry_at`, or give up when it is `None`.
    fn record_failure(
        &mut self,
        id: i64,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> Result<(), Self::Error>;
}

/// When to try a failed message again: waits double after each failure, up to a cap, and
/// the message is given up after a set number of attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure.
    pub first: Duration,
    /// The longest wait between attempts.
    pub max: Duration,
    /// Attempts (including the first) before giving up.
    pub max_attempts: u32,
}

impl Default for Backoff {
    /// 1 minute, doubling, never more than 6 hours, 8 attempts: about two hours of trying
    /// (1 + 2 + 4 + … + 64 minutes) before giving up. Raise `max_attempts` to ride out
    /// longer outages; the 6-hour cap starts to matter from the 10th attempt.
    fn default() -> Self {
        Backoff {
            first: Duration::minutes(1),
            max: Duration::hours(6),
            max_attempts: 8,
        }
    }
}

impl Backoff {
    /// When to try again after `attempts` failed attempts, or `None` to give up.
    ///
    /// After the first failure the wait is `first`, then twice that, and so on, never more
    /// than `max` and never less than one second.
    pub fn next_retry(&self, attempts: u32, now: OffsetDateTime) -> Option<OffsetDateTime> {
        if attempts >= self.max_attempts {
            return None;
        }
        let doublings = attempts.saturating_sub(1);
        let wait = 2_i32
            .checked_pow(doublings)
            .and_then(|factor| self.first.checked_mul(factor))
            .map_or(self.max, |wait| wait.min(self.max))
            .max(Duration::SECOND);
        Some(now + wait)
    }
}

/// The error recorded for a message given up because its address is on the suppression
/// list. Stores derive a recipient's "suppressed" status from this prefix, so it must not
/// change.
pub const SUPPRESSED_ERROR: &str = "not sent: the address is on the suppression list";

/// What one run of the delivery loop did, for logs and the CLI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Messages the mail server accepted.
    pub sent: usize,
    /// Messages that failed and will be tried again.
    pub retrying: usize,
    /// Messages that failed for good.
    pub given_up: usize,
    /// Messages given up unsent because their address is on the suppression list (not
    /// counted in `given_up`).
    pub suppressed: usize,
}

/// How many messages to claim at a time.
const BATCH: usize = 25;

/// Sends every message that is due on the channels of `transports`, each through its
/// channel's transport, recording each outcome, so a periodic call (from a timer or the
/// CLI) drains the outbox. Messages of other channels stay queued for a sender that has
/// their transport. When two transports name the same channel, the first is used.
///
/// Permanent failures are given up at once; transient ones back off. If the store fails,
/// the error is returned at once: messages already claimed stay claimed until their lease
/// ends and are then claimed again, so nothing is lost.
///
/// Choose a `lease` longer than one batch can take to send (25 messages times the SMTP
/// timeout, say 15 minutes), or another process may claim a message this one is still
/// sending and both will send it.
pub fn deliver_due<S: OutboxStore>(
    store: &mut S,
    transports: &[&dyn Transport],
    now: OffsetDateTime,
    backoff: &Backoff,
    lease: Duration,
) -> Result<DeliveryReport, S::Error> {
    let mut by_channel: BTreeMap<Channel, &dyn Transport> = BTreeMap::new();
    for transport in transports {
        by_channel.entry(transport.channel()).or_insert(*transport);
    }
    let channels: Vec<Channel> = by_channel.keys().copied().collect();
    let mut report = DeliveryReport::default();
    if channels.is_empty() {
        return Ok(report);
    }
    let mut seen = HashSet::new();
    loop {
        let batch = store.claim_due(&channels, now, lease, BATCH)?;
        let fresh: Vec<OutboxMessage> = batch
            .into_iter()
            .filter(|message| seen.insert(message.id))
            .collect();
        // Stop when nothing new is due; a store that hands back what this run already
        // handled must not make the loop spin.
        if fresh.is_empty() {
            return Ok(report);
        }
        for message in fresh {
            // A store that hands back a message of a channel not asked for has a bug; the
            // message is left alone and its claim lapses.
            let Some(transport) = by_channel.get(&message.channel) else {
                continue;
            };
            let sent = match &message.message {
                Ok(outgoing) => {
                    if store.is_suppressed(message.channel, bare_address(&outgoing.to))? {
                        store.record_failure(message.id, SUPPRESSED_ERROR, None)?;
                        report.suppressed += 1;
                        continue;
                    }
                    transport.send(outgoing)
                }
                Err(unready) => Err(unready.clone()),
            };
            match sent {
                Ok(()) => {
                    if fault_abort_after_send() {
                        std::process::abort();
                    }
                    store.record_sent(message.id, now)?;
                    report.sent += 1;
                }
                Err(SendError::Permanent(error)) => {
                    store.record_failure(message.id, &error, None)?;
                    report.given_up += 1;
                }
                Err(SendError::Transient(error)) => {
                    let retry_at = backoff.next_retry(message.attempts, now);
                    store.record_failure(message.id, &error, retry_at)?;
                    if retry_at.is_some() {
                        report.retrying += 1;
                    } else {
                        report.given_up += 1;
                    }
                }
            }
        }
    }
}

/// The address without a display name: `a@b.example` from `Name <a@b.example>`; other
/// channels' addresses (phone numbers, accounts) are only trimmed.
pub fn bare_address(to: &str) -> &str {
    let to = to.trim();
    match (to.rfind('<'), to.ends_with('>')) {
        (Some(open), true) => to[open + 1..to.len() - 1].trim(),
        _ => to,
    }
}

/// Test-only fault injection: when `BEACON_FAULT_ABORT_AFTER_SEND` is set (to anything),
/// the process aborts (as a `kill -9` would end it) right after the channel accepted a
/// message and before the outbox records it as sent. Used by the crash tests to show the
/// message is sent again, with the same Message-ID; unset in normal use.
fn fault_abort_after_send() -> bool {
    std::env::var_os("BEACON_FAULT_ABORT_AFTER_SEND").is_some()
}

#[cfg(test)]
mod tests;
