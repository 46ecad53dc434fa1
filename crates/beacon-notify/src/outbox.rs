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
use serde::{Deserialize, Serialize};
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

    /// Records that each of these messages was accepted by its channel, all at `at`. The
    /// loop calls it once a batch, so a store can commit a batch's sends in one
    /// transaction rather than one per message. By default, [`OutboxStore::record_sent`]
    /// for each.
    fn record_sent_many(&mut self, ids: &[i64], at: OffsetDateTime) -> Result<(), Self::Error> {
        for id in ids {
            self.record_sent(*id, at)?;
        }
        Ok(())
    }

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

/// How many messages to claim at a time, unless [`DeliveryOptions::batch`] says otherwise.
pub const BATCH: usize = 25;

/// A limit on how fast one channel sends, so a campaign keeps within the gateway's or
/// mail server's rate limits and a big launch goes out over several runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Throttle {
    /// At most this many messages a second (spaced evenly); `None`: as fast as it goes.
    pub per_second: Option<u32>,
    /// At most this many messages in one run of the loop; the rest wait for the next run.
    pub per_run: Option<u32>,
}

/// How one run of the delivery loop behaves beyond its retry schedule and lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryOptions {
    /// Each channel's limit; a channel not named is not limited.
    pub throttles: BTreeMap<Channel, Throttle>,
    /// How many messages to claim at a time (at least 1; default [`BATCH`]). A throttled
    /// channel claims fewer when its rate would not send a batch within half the lease.
    pub batch: usize,
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        DeliveryOptions {
            throttles: BTreeMap::new(),
            batch: BATCH,
        }
    }
}

/// The loop's sense of time passing during a run, so throttling can wait and tests can
/// use a fake clock. Times are measured from the start of the run.
pub trait Pacer {
    /// Time since the run started.
    fn elapsed(&self) -> std::time::Duration;
    /// Waits this long.
    fn sleep(&self, duration: std::time::Duration);
}

/// A pacer for runs that never wait: time stands still at the run's start.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPacing;

impl Pacer for NoPacing {
    fn elapsed(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }

    fn sleep(&self, _duration: std::time::Duration) {}
}

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
///
/// No channel is throttled; see [`deliver_due_with`].
pub fn deliver_due<S: OutboxStore>(
    store: &mut S,
    transports: &[&dyn Transport],
    now: OffsetDateTime,
    backoff: &Backoff,
    lease: Duration,
) -> Result<DeliveryReport, S::Error> {
    deliver_due_with(
        store,
        transports,
        now,
        backoff,
        lease,
        &DeliveryOptions::default(),
        &NoPacing,
    )
}

/// Where one channel stands in a run.
struct ChannelRun<'t> {
    transport: &'t dyn Transport,
    throttle: Throttle,
    /// Messages handed to the transport so far.
    attempted: u32,
    /// When (since the run started) the next message may be handed over.
    next_slot: std::time::Duration,
    /// Nothing more is due, or its per-run limit is reached.
    done: bool,
}

impl ChannelRun<'_> {
    /// The gap between two messages, if throttled by rate.
    fn interval(&self) -> Option<std::time::Duration> {
        self.throttle
            .per_second
            .map(|rate| std::time::Duration::from_secs(1) / rate.max(1))
    }

    /// How many to claim next: the batch, cut to what the per-run limit leaves and to what
    /// the rate can send within half the lease.
    fn claim_size(&self, batch: usize, lease: Duration) -> usize {
        let mut size = batch.max(1);
        if let Some(per_run) = self.throttle.per_run {
            size = size.min(per_run.saturating_sub(self.attempted) as usize);
        }
        if let Some(interval) = self.interval() {
            let half_lease = lease.whole_milliseconds().max(0) as u128 / 2;
            let sendable = half_lease / interval.as_millis().max(1);
            size = size.min(usize::try_from(sendable).unwrap_or(usize::MAX).max(1));
        }
        size
    }
}

/// [`deliver_due`] with each channel's [`Throttle`] honoured and time measured by
/// `pacer`: a throttled channel's messages are spaced evenly (the pacer waits between
/// them) and stop at its per-run limit, leaving the rest queued, unclaimed, for the next
/// run. Channels take turns batch by batch, so a slow channel does not hold up the others
/// for longer than one of its batches.
///
/// The run's clock moves on with the pacer: each claim, lease, outcome and retry time is
/// `now` plus the time elapsed, so a long throttled run never sends under a lapsed lease.
pub fn deliver_due_with<S: OutboxStore>(
    store: &mut S,
    transports: &[&dyn Transport],
    now: OffsetDateTime,
    backoff: &Backoff,
    lease: Duration,
    options: &DeliveryOptions,
    pacer: &dyn Pacer,
) -> Result<DeliveryReport, S::Error> {
    let mut runs: BTreeMap<Channel, ChannelRun<'_>> = BTreeMap::new();
    for transport in transports {
        let channel = transport.channel();
        let throttle = options.throttles.get(&channel).copied().unwrap_or_default();
        runs.entry(channel).or_insert(ChannelRun {
            transport: *transport,
            throttle,
            attempted: 0,
            next_slot: std::time::Duration::ZERO,
            done: throttle.per_run == Some(0),
        });
    }
    let clock =
        |pacer: &dyn Pacer| now + Duration::try_from(pacer.elapsed()).unwrap_or(Duration::MAX);
    let mut report = DeliveryReport::default();
    let mut seen = HashSet::new();
    loop {
        let mut progressed = false;
        for (channel, run) in &mut runs {
            if run.done {
                continue;
            }
            let size = run.claim_size(options.batch, lease);
            if size == 0 {
                run.done = true;
                continue;
            }
            let batch = store.claim_due(&[*channel], clock(pacer), lease, size)?;
            let fresh: Vec<OutboxMessage> = batch
                .into_iter()
                .filter(|message| seen.insert(message.id))
                .collect();
            // Stop when nothing new is due; a store that hands back what this run already
            // handled must not make the loop spin.
            if fresh.is_empty() {
                run.done = true;
                continue;
            }
            progressed = true;
            // The batch's sends are recorded together after it, in one store call. Still at
            // least once: a crash mid-batch sends that batch's sent messages again when
            // their claims lapse, with the same Message-IDs.
            let mut sent = Vec::with_capacity(fresh.len());
            for message in fresh {
                // A store that hands back a message of a channel not asked for has a bug;
                // the message is left alone and its claim lapses.
                if message.channel != *channel {
                    continue;
                }
                let delivered =
                    deliver_one(store, run, message, backoff, pacer, &clock, &mut report);
                match delivered {
                    Ok(Some(id)) => sent.push(id),
                    Ok(None) => {}
                    Err(error) => {
                        // Record what was sent before giving up, if the store still answers,
                        // so fewer messages go out twice.
                        if !sent.is_empty() {
                            let _ = store.record_sent_many(&sent, clock(pacer));
                        }
                        return Err(error);
                    }
                }
            }
            if !sent.is_empty() {
                store.record_sent_many(&sent, clock(pacer))?;
                report.sent += sent.len();
            }
        }
        if !progressed {
            return Ok(report);
        }
    }
}

/// Checks the suppression list, waits for the channel's next slot, sends one message and
/// records the outcome of a failure. A message the channel accepted is not recorded here:
/// its id is returned, for the caller to record with the rest of its batch.
fn deliver_one<S: OutboxStore>(
    store: &mut S,
    run: &mut ChannelRun<'_>,
    message: OutboxMessage,
    backoff: &Backoff,
    pacer: &dyn Pacer,
    clock: &dyn Fn(&dyn Pacer) -> OffsetDateTime,
    report: &mut DeliveryReport,
) -> Result<Option<i64>, S::Error> {
    let sent = match &message.message {
        Ok(outgoing) => {
            if store.is_suppressed(message.channel, bare_address(&outgoing.to))? {
                store.record_failure(message.id, SUPPRESSED_ERROR, None)?;
                report.suppressed += 1;
                return Ok(None);
            }
            if let Some(interval) = run.interval() {
                let elapsed = pacer.elapsed();
                if elapsed < run.next_slot {
                    pacer.sleep(run.next_slot - elapsed);
                }
                run.next_slot = run.next_slot.max(elapsed) + interval;
            }
            run.attempted += 1;
            if run
                .throttle
                .per_run
                .is_some_and(|limit| run.attempted >= limit)
            {
                run.done = true;
            }
            run.transport.send(outgoing)
        }
        Err(unready) => Err(unready.clone()),
    };
    let at = clock(pacer);
    match sent {
        Ok(()) => {
            if fault_abort_after_send() {
                std::process::abort();
            }
            return Ok(Some(message.id));
        }
        Err(SendError::Permanent(error)) => {
            store.record_failure(message.id, &error, None)?;
            report.given_up += 1;
        }
        Err(SendError::Transient(error)) => {
            let retry_at = backoff.next_retry(message.attempts, at);
            store.record_failure(message.id, &error, retry_at)?;
            if retry_at.is_some() {
                report.retrying += 1;
            } else {
                report.given_up += 1;
            }
        }
    }
    Ok(None)
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
