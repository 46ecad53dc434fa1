//! The delivery state machine against an in-memory outbox that behaves as the SQL ones
//! must: claims are leased, attempts are counted at claim time, outcomes are final.

use super::*;
use beacon_core::Tlp;
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use time::macros::datetime;

const START: OffsetDateTime = datetime!(2026-11-29 07:00 UTC);
const LEASE: Duration = Duration::minutes(5);

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Pending,
    Claimed { until: OffsetDateTime },
    Failed { retry_at: OffsetDateTime },
    Sent { at: OffsetDateTime },
    GivenUp,
}

#[derive(Debug)]
struct Row {
    channel: Channel,
    mail: Result<OutgoingMessage, SendError>,
    attempts: u32,
    state: State,
    last_error: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("the store is unavailable")]
struct StoreDown;

/// An outbox kept in memory; `fail_next_record_sent` simulates a crash or lost database
/// between the server accepting a message and Beacon recording it.
#[derive(Debug, Default)]
struct MemoryOutbox {
    rows: BTreeMap<i64, Row>,
    fail_next_record_sent: bool,
    /// The suppression list: (channel, bare address).
    suppressed: Vec<(Channel, String)>,
    /// Every suppression check asked, in order.
    checked: Vec<(Channel, String)>,
    /// The limit of every claim, in order.
    claim_limits: Vec<usize>,
    /// The ids of every `record_sent_many` call, in order.
    sent_batches: Vec<Vec<i64>>,
}

impl MemoryOutbox {
    fn with(ids: &[i64]) -> Self {
        let mut outbox = MemoryOutbox::default();
        for id in ids {
            outbox.rows.insert(
                *id,
                Row {
                    channel: Channel::Email,
                    mail: Ok(mail(*id)),
                    attempts: 0,
                    state: State::Pending,
                    last_error: None,
                },
            );
        }
        outbox
    }

    fn state(&self, id: i64) -> &State {
        &self.rows[&id].state
    }
}

impl OutboxStore for MemoryOutbox {
    type Error = StoreDown;

    fn claim_due(
        &mut self,
        channels: &[Channel],
        now: OffsetDateTime,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreDown> {
        self.claim_limits.push(limit);
        let mut claimed = Vec::new();
        for (id, row) in &mut self.rows {
            if claimed.len() == limit {
                break;
            }
            let due = channels.contains(&row.channel)
                && match row.state {
                    State::Pending => true,
                    State::Failed { retry_at } => retry_at <= now,
                    State::Claimed { until } => until <= now,
                    State::Sent { .. } | State::GivenUp => false,
                };
            if due {
                row.attempts += 1;
                row.state = State::Claimed { until: now + lease };
                claimed.push(OutboxMessage {
                    id: *id,
                    channel: row.channel,
                    message: row.mail.clone(),
                    attempts: row.attempts,
                });
            }
        }
        Ok(claimed)
    }

    fn record_sent(&mut self, id: i64, at: OffsetDateTime) -> Result<(), StoreDown> {
        if std::mem::take(&mut self.fail_next_record_sent) {
            return Err(StoreDown);
        }
        self.rows.get_mut(&id).ok_or(StoreDown)?.state = State::Sent { at };
        Ok(())
    }

    fn record_sent_many(&mut self, ids: &[i64], at: OffsetDateTime) -> Result<(), StoreDown> {
        self.sent_batches.push(ids.to_vec());
        for id in ids {
            self.record_sent(*id, at)?;
        }
        Ok(())
    }

    fn is_suppressed(&mut self, channel: Channel, address: &str) -> Result<bool, StoreDown> {
        self.checked.push((channel, address.to_owned()));
        Ok(self
            .suppressed
            .iter()
            .any(|(on, listed)| *on == channel && listed == address))
    }

    fn record_failure(
        &mut self,
        id: i64,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreDown> {
        let row = self.rows.get_mut(&id).ok_or(StoreDown)?;
        row.last_error = Some(error.to_owned());
        row.state = match retry_at {
            Some(retry_at) => State::Failed { retry_at },
            None => State::GivenUp,
        };
        Ok(())
    }
}

fn mail(id: i64) -> OutgoingMessage {
    OutgoingMessage {
        to: format!("contact{id}@council.example"),
        subject: format!("Beacon digest {id}"),
        text: "TLP:GREEN".to_owned(),
        html: "<p>TLP:GREEN</p>".to_owned(),
        message_id: format!("digest-{id}@beacon.local"),
        tlp: Tlp::Green,
        marks: Vec::new(),
        unsubscribe: None,
        sms_template: None,
        social: None,
    }
}

/// A transport that answers from a script (then succeeds) and remembers what it sent.
struct ScriptedTransport {
    channel: Channel,
    script: RefCell<VecDeque<Result<(), SendError>>>,
    sent: RefCell<Vec<String>>,
}

impl Default for ScriptedTransport {
    fn default() -> Self {
        ScriptedTransport::on(Channel::Email)
    }
}

impl ScriptedTransport {
    fn on(channel: Channel) -> Self {
        ScriptedTransport {
            channel,
            script: RefCell::default(),
            sent: RefCell::default(),
        }
    }

    fn answering(answers: impl IntoIterator<Item = Result<(), SendError>>) -> Self {
        ScriptedTransport {
            script: RefCell::new(answers.into_iter().collect()),
            ..Default::default()
        }
    }

    fn sent_ids(&self) -> Vec<String> {
        self.sent.borrow().clone()
    }
}

impl Transport for ScriptedTransport {
    fn channel(&self) -> Channel {
        self.channel
    }

    fn send(&self, mail: &OutgoingMessage) -> Result<(), SendError> {
        let answer = self.script.borrow_mut().pop_front().unwrap_or(Ok(()));
        if answer.is_ok() {
            self.sent.borrow_mut().push(mail.message_id.clone());
        }
        answer
    }
}

fn transient() -> Result<(), SendError> {
    Err(SendError::Transient("421 try again later".to_owned()))
}

fn report(sent: usize, retrying: usize, given_up: usize) -> DeliveryReport {
    DeliveryReport {
        sent,
        retrying,
        given_up,
        suppressed: 0,
    }
}

#[test]
fn a_suppressed_address_is_never_sent_to_even_if_queued_before_it_was_suppressed() {
    let mut outbox = MemoryOutbox::with(&[1, 2, 3, 4]);
    outbox
        .rows
        .get_mut(&1)
        .expect("row 1")
        .mail
        .as_mut()
        .expect("ready")
        .to = "Contact One <contact1@council.example>".to_owned();
    for id in [3, 4] {
        let row = outbox.rows.get_mut(&id).expect("row");
        row.channel = Channel::Sms;
        row.mail.as_mut().expect("ready").to = format!("+4477009000{id:02}");
    }
    let email = ScriptedTransport::on(Channel::Email);
    let sms = ScriptedTransport::on(Channel::Sms);
    // Queued first, suppressed afterwards (an unsubscribe, a STOP): the check is at send
    // time. The same address on another channel is not suppressed.
    outbox
        .suppressed
        .push((Channel::Email, "contact1@council.example".to_owned()));
    outbox
        .suppressed
        .push((Channel::Sms, "+447700900003".to_owned()));
    outbox
        .suppressed
        .push((Channel::Sms, "contact2@council.example".to_owned()));
    let done = deliver_due(
        &mut outbox,
        &[&email, &sms],
        START,
        &Backoff::default(),
        LEASE,
    )
    .expect("store");
    assert_eq!(
        done,
        DeliveryReport {
            sent: 2,
            retrying: 0,
            given_up: 0,
            suppressed: 2
        }
    );
    assert_eq!(email.sent_ids(), ["digest-2@beacon.local"]);
    assert_eq!(sms.sent_ids(), ["digest-4@beacon.local"]);
    for id in [1, 3] {
        assert_eq!(*outbox.state(id), State::GivenUp);
        let error = outbox.rows[&id].last_error.as_deref().expect("an error");
        assert!(error.starts_with("not sent: the address is on the suppression list"));
    }
    assert!(
        outbox
            .checked
            .contains(&(Channel::Email, "contact1@council.example".to_owned())),
        "the display name is not part of the address checked: {:?}",
        outbox.checked
    );
    assert_eq!(outbox.checked.len(), 4, "every message is checked");
    // Given up for good: a later run does not try again.
    let again = deliver_due(
        &mut outbox,
        &[&email, &sms],
        START + Duration::DAY,
        &Backoff::default(),
        LEASE,
    )
    .expect("store");
    assert_eq!(again, report(0, 0, 0));
    assert_eq!(email.sent_ids().len() + sms.sent_ids().len(), 2);
}

#[test]
fn bare_addresses_lose_their_display_names_only() {
    assert_eq!(bare_address("Ann <ann@x.example>"), "ann@x.example");
    assert_eq!(bare_address(" ann@x.example "), "ann@x.example");
    assert_eq!(bare_address("+447700900123"), "+447700900123");
}

#[test]
fn sends_everything_due_once_and_records_it() {
    let mut outbox = MemoryOutbox::with(&(1..=60).collect::<Vec<_>>());
    let transport = ScriptedTransport::default();
    let done = deliver_due(
        &mut outbox,
        &[&transport],
        START,
        &Backoff::default(),
        LEASE,
    )
    .expect("store");
    assert_eq!(done, report(60, 0, 0));
    assert!(
        outbox
            .rows
            .values()
            .all(|row| row.state == State::Sent { at: START })
    );
    let again = deliver_due(
        &mut outbox,
        &[&transport],
        START + Duration::DAY,
        &Backoff::default(),
        LEASE,
    )
    .expect("store");
    assert_eq!(again, report(0, 0, 0));
    assert_eq!(transport.sent_ids().len(), 60);
}

#[test]
fn a_batchs_sends_are_recorded_together_after_it() {
    let mut outbox = MemoryOutbox::with(&(1..=60).collect::<Vec<_>>());
    let transport = ScriptedTransport::default();
    let done = deliver_due(
        &mut outbox,
        &[&transport],
        START,
        &Backoff::default(),
        LEASE,
    )
    .expect("store");
    assert_eq!(done, report(60, 0, 0));
    assert_eq!(
        outbox.sent_batches,
        [
            (1..=25).collect::<Vec<_>>(),
            (26..=50).collect::<Vec<_>>(),
            (51..=60).collect::<Vec<_>>()
        ],
        "one store call per claimed batch of {BATCH}"
    );
}

#[test]
fn transient_failures_back_off_doubling_then_succeed() {
    let mut outbox = MemoryOutbox::with(&[1]);
    let transport = ScriptedTransport::answering([transient(), transient(), transient()]);
    let backoff = Backoff::default();
    let mut now = START;
    for wait in [1, 2, 4] {
        assert_eq!(
            deliver_due(&mut outbox, &[&transport], now, &backoff, LEASE).expect("store"),
            report(0, 1, 0)
        );
        let retry_at = now + Duration::minutes(wait);
        assert_eq!(*outbox.state(1), State::Failed { retry_at });
        // Not due a second early.
        let early = deliver_due(
            &mut outbox,
            &[&transport],
            retry_at - Duration::SECOND,
            &backoff,
            LEASE,
        );
        assert_eq!(early.expect("store"), report(0, 0, 0));
        now = retry_at;
    }
    assert_eq!(
        deliver_due(&mut outbox, &[&transport], now, &backoff, LEASE).expect("store"),
        report(1, 0, 0)
    );
    assert_eq!(outbox.rows[&1].attempts, 4);
    assert_eq!(transport.sent_ids(), ["digest-1@beacon.local"]);
}

#[test]
fn transient_failures_give_up_after_max_attempts() {
    let mut outbox = MemoryOutbox::with(&[1]);
    let transport = ScriptedTransport::answering(std::iter::repeat_with(transient).take(10));
    let backoff = Backoff {
        first: Duration::minutes(1),
        max: Duration::hours(6),
        max_attempts: 3,
    };
    let mut now = START;
    let mut reports = Vec::new();
    for _ in 0..5 {
        reports.push(deliver_due(&mut outbox, &[&transport], now, &backoff, LEASE).expect("store"));
        now += Duration::days(1);
    }
    assert_eq!(
        reports,
        [
            report(0, 1, 0),
            report(0, 1, 0),
            report(0, 0, 1),
            report(0, 0, 0),
            report(0, 0, 0)
        ]
    );
    assert_eq!(*outbox.state(1), State::GivenUp);
    assert_eq!(outbox.rows[&1].attempts, 3);
    assert_eq!(
        outbox.rows[&1].last_error.as_deref(),
        Some("421 try again later")
    );
}

#[test]
fn permanent_failures_give_up_at_once() {
    let mut outbox = MemoryOutbox::with(&[1, 2]);
    let transport = ScriptedTransport::answering([
        Err(SendError::Permanent("550 no such user".to_owned())),
        Ok(()),
    ]);
    let done = deliver_due(
        &mut outbox,
        &[&transport],
        START,
        &Backoff::default(),
        LEASE,
    )
    .expect("store");
    assert_eq!(done, report(1, 0, 1));
    assert_eq!(*outbox.state(1), State::GivenUp);
    assert_eq!(*outbox.state(2), State::Sent { at: START });
}

#[test]
fn a_claim_abandoned_by_a_crashed_process_is_reclaimed_after_its_lease() {
    let mut outbox = MemoryOutbox::with(&[1]);
    // Another process claims the message, then dies without recording anything.
    let claimed = outbox
        .claim_due(&[Channel::Email], START, LEASE, 10)
        .expect("store");
    assert_eq!(claimed.len(), 1);
    let transport = ScriptedTransport::default();
    let backoff = Backoff::default();
    let during = deliver_due(
        &mut outbox,
        &[&transport],
        START + LEASE - Duration::SECOND,
        &backoff,
        LEASE,
    );
    assert_eq!(during.expect("store"), report(0, 0, 0));
    let after = deliver_due(&mut outbox, &[&transport], START + LEASE, &backoff, LEASE);
    assert_eq!(after.expect("store"), report(1, 0, 0));
    assert_eq!(outbox.rows[&1].attempts, 2);
}

#[test]
fn a_crash_between_send_and_record_resends_with_the_same_message_id() {
    let mut outbox = MemoryOutbox::with(&[7]);
    outbox.fail_next_record_sent = true;
    let transport = ScriptedTransport::default();
    let backoff = Backoff::default();
    assert!(deliver_due(&mut outbox, &[&transport], START, &backoff, LEASE).is_err());
    assert_eq!(
        *outbox.state(7),
        State::Claimed {
            until: START + LEASE
        }
    );
    let later = deliver_due(&mut outbox, &[&transport], START + LEASE, &backoff, LEASE);
    assert_eq!(later.expect("store"), report(1, 0, 0));
    assert_eq!(
        transport.sent_ids(),
        ["digest-7@beacon.local", "digest-7@beacon.local"]
    );
}

#[test]
fn a_message_failed_in_this_run_is_not_retried_in_the_same_run_even_with_no_wait() {
    let mut outbox = MemoryOutbox::with(&[1]);
    let transport = ScriptedTransport::answering(std::iter::repeat_with(transient).take(10));
    let no_wait = Backoff {
        first: Duration::ZERO,
        max: Duration::ZERO,
        max_attempts: 10,
    };
    let done = deliver_due(&mut outbox, &[&transport], START, &no_wait, LEASE).expect("store");
    assert_eq!(done, report(0, 1, 0));
    assert_eq!(outbox.rows[&1].attempts, 1);
}

#[test]
fn backoff_doubles_from_the_first_wait_up_to_the_cap() {
    let backoff = Backoff::default();
    let waits: Vec<Option<Duration>> = (1..=9)
        .map(|attempts| backoff.next_retry(attempts, START).map(|at| at - START))
        .collect();
    let minutes = |m: i64| Some(Duration::minutes(m));
    assert_eq!(
        waits,
        [
            minutes(1),
            minutes(2),
            minutes(4),
            minutes(8),
            minutes(16),
            minutes(32),
            minutes(64),
            None,
            None
        ]
    );
    let capped = Backoff {
        first: Duration::hours(1),
        max: Duration::hours(6),
        max_attempts: 100,
    };
    assert_eq!(
        capped.next_retry(4, START),
        Some(START + Duration::hours(6))
    );
    assert_eq!(
        capped.next_retry(3, START),
        Some(START + Duration::hours(4))
    );
    assert_eq!(
        capped.next_retry(99, START),
        Some(START + Duration::hours(6)),
        "no overflow"
    );
}

#[test]
fn each_message_goes_to_its_channels_transport_and_other_channels_wait() {
    let mut outbox = MemoryOutbox::with(&[1, 2, 3]);
    outbox.rows.get_mut(&2).expect("row 2").channel = Channel::Sms;
    outbox.rows.get_mut(&3).expect("row 3").channel = Channel::Webhook;
    let email = ScriptedTransport::on(Channel::Email);
    let sms = ScriptedTransport::on(Channel::Sms);
    let backoff = Backoff::default();
    let done = deliver_due(&mut outbox, &[&email, &sms], START, &backoff, LEASE).expect("store");
    assert_eq!(done, report(2, 0, 0));
    assert_eq!(email.sent_ids(), ["digest-1@beacon.local"]);
    assert_eq!(sms.sent_ids(), ["digest-2@beacon.local"]);
    assert_eq!(
        *outbox.state(3),
        State::Pending,
        "no webhook transport: not claimed"
    );
    assert_eq!(outbox.rows[&3].attempts, 0);
    let nothing = deliver_due(&mut outbox, &[], START, &backoff, LEASE).expect("store");
    assert_eq!(nothing, report(0, 0, 0));
    assert_eq!(*outbox.state(3), State::Pending);
}

#[test]
fn a_message_that_could_not_be_made_ready_fails_as_a_send_would() {
    let mut outbox = MemoryOutbox::with(&[1, 2]);
    outbox.rows.get_mut(&1).expect("row 1").mail =
        Err(SendError::Permanent("no template named 'x'".to_owned()));
    outbox.rows.get_mut(&2).expect("row 2").mail = Err(SendError::Transient(
        "the template store is busy".to_owned(),
    ));
    let transport = ScriptedTransport::default();
    let done = deliver_due(
        &mut outbox,
        &[&transport],
        START,
        &Backoff::default(),
        LEASE,
    )
    .expect("store");
    assert_eq!(done, report(0, 1, 1));
    assert_eq!(*outbox.state(1), State::GivenUp);
    assert_eq!(
        *outbox.state(2),
        State::Failed {
            retry_at: START + Duration::minutes(1)
        }
    );
    assert!(transport.sent_ids().is_empty());
}

/// Run by `the_fault_hook_aborts_after_send_before_record` in a child process.
#[test]
#[ignore = "aborts the process; run only as a child of the fault-hook test"]
fn fault_hook_child() {
    let mut outbox = MemoryOutbox::with(&[1]);
    let transport = ScriptedTransport::default();
    let _ = deliver_due(
        &mut outbox,
        &[&transport],
        START,
        &Backoff::default(),
        LEASE,
    );
}

#[test]
fn the_fault_hook_aborts_after_send_before_record() {
    let exe = std::env::current_exe().expect("test binary path");
    let status = std::process::Command::new(exe)
        .args([
            "--exact",
            "outbox::tests::fault_hook_child",
            "--ignored",
            "--test-threads=1",
        ])
        .env("BEACON_FAULT_ABORT_AFTER_SEND", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run the child");
    assert!(!status.success(), "the child did not abort");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(6), "expected SIGABRT, got {status:?}");
    }
}

/// A clock that moves only when the loop sleeps, and remembers how long it slept.
#[derive(Default)]
struct FakePacer {
    elapsed: std::cell::Cell<std::time::Duration>,
    sleeps: std::cell::Cell<usize>,
}

impl Pacer for FakePacer {
    fn elapsed(&self) -> std::time::Duration {
        self.elapsed.get()
    }

    fn sleep(&self, duration: std::time::Duration) {
        self.elapsed.set(self.elapsed.get() + duration);
        self.sleeps.set(self.sleeps.get() + 1);
    }
}

/// A transport that notes the fake time of each send, and may take time itself.
struct TimedTransport<'p> {
    channel: Channel,
    pacer: &'p FakePacer,
    takes: std::time::Duration,
    sent_at: RefCell<Vec<std::time::Duration>>,
}

impl<'p> TimedTransport<'p> {
    fn on(channel: Channel, pacer: &'p FakePacer, takes: std::time::Duration) -> Self {
        TimedTransport {
            channel,
            pacer,
            takes,
            sent_at: RefCell::default(),
        }
    }
}

impl Transport for TimedTransport<'_> {
    fn channel(&self) -> Channel {
        self.channel
    }

    fn send(&self, _mail: &OutgoingMessage) -> Result<(), SendError> {
        self.sent_at.borrow_mut().push(self.pacer.elapsed());
        // Sending takes time too (without counting as a sleep).
        self.pacer
            .elapsed
            .set(self.pacer.elapsed.get() + self.takes);
        Ok(())
    }
}

/// An outbox of `email` email messages (ids from 1) and `sms` SMS ones (ids from 1001).
fn mixed_outbox(email: i64, sms: i64) -> MemoryOutbox {
    let mut outbox = MemoryOutbox::with(&(1..=email).chain(1001..1001 + sms).collect::<Vec<_>>());
    for id in 1001..1001 + sms {
        outbox.rows.get_mut(&id).expect("row").channel = Channel::Sms;
    }
    outbox
}

#[test]
fn a_per_second_limit_spaces_a_channels_messages_and_leaves_others_alone() {
    let mut outbox = mixed_outbox(40, 60);
    let pacer = FakePacer::default();
    let millis = std::time::Duration::from_millis;
    let email = TimedTransport::on(Channel::Email, &pacer, millis(1));
    let sms = TimedTransport::on(Channel::Sms, &pacer, millis(30));
    let options = DeliveryOptions {
        throttles: BTreeMap::from([(
            Channel::Sms,
            Throttle {
                per_second: Some(8),
                per_run: None,
            },
        )]),
        batch: 10,
    };
    let done = deliver_due_with(
        &mut outbox,
        &[&email, &sms],
        START,
        &Backoff::default(),
        LEASE,
        &options,
        &pacer,
    )
    .expect("store");
    assert_eq!(done, report(100, 0, 0));
    let sms_times = sms.sent_at.borrow();
    assert_eq!(sms_times.len(), 60);
    // In every second, at most 8 SMS: the 9th after any one is a second or more later.
    for window in sms_times.windows(9) {
        assert!(
            window[8] - window[0] >= std::time::Duration::from_secs(1),
            "{window:?}"
        );
    }
    // And the limit is used, not overshot: 60 messages take about 60/8 seconds.
    let span = sms_times[59] - sms_times[0];
    assert!(span >= millis(7_375) && span < millis(8_000), "{span:?}");
    // Email is not held to the SMS rate: all 40 went out with no more than one SMS batch
    // of waiting between its batches.
    let email_times = email.sent_at.borrow();
    assert_eq!(email_times.len(), 40);
    assert!(email_times[39] < millis(6_000), "{:?}", email_times[39]);
    // The run's clock moved on with the waits: the last SMS is recorded when it was sent.
    let last = &outbox.rows[&1060].state;
    assert_eq!(
        *last,
        State::Sent {
            at: START + Duration::try_from(sms_times[59] + millis(30)).expect("fits")
        }
    );
}

#[test]
fn a_per_run_limit_stops_a_channel_and_leaves_the_rest_unclaimed_for_the_next_run() {
    let mut outbox = mixed_outbox(5, 30);
    let pacer = FakePacer::default();
    let email = TimedTransport::on(Channel::Email, &pacer, std::time::Duration::ZERO);
    let sms = TimedTransport::on(Channel::Sms, &pacer, std::time::Duration::ZERO);
    let options = DeliveryOptions {
        throttles: BTreeMap::from([(
            Channel::Sms,
            Throttle {
                per_second: None,
                per_run: Some(12),
            },
        )]),
        batch: 5,
    };
    let run = |outbox: &mut MemoryOutbox, now| {
        deliver_due_with(
            outbox,
            &[&email, &sms],
            now,
            &Backoff::default(),
            LEASE,
            &options,
            &pacer,
        )
        .expect("store")
    };
    assert_eq!(run(&mut outbox, START), report(17, 0, 0));
    assert_eq!(sms.sent_at.borrow().len(), 12);
    let waiting: Vec<&Row> = outbox
        .rows
        .values()
        .filter(|row| row.state == State::Pending)
        .collect();
    assert_eq!(waiting.len(), 18);
    assert!(
        waiting.iter().all(|row| row.attempts == 0),
        "over the limit: never claimed, so no attempt is used up"
    );
    assert_eq!(run(&mut outbox, START + Duration::HOUR), report(12, 0, 0));
    assert_eq!(
        run(&mut outbox, START + 2 * Duration::HOUR),
        report(6, 0, 0)
    );
    assert_eq!(pacer.sleeps.get(), 0, "no rate limit: no waiting");
}

#[test]
fn a_throttled_channel_claims_no_more_than_it_can_send_within_half_its_lease() {
    let mut outbox = mixed_outbox(0, 10);
    let pacer = FakePacer::default();
    let sms = TimedTransport::on(Channel::Sms, &pacer, std::time::Duration::ZERO);
    let options = DeliveryOptions {
        throttles: BTreeMap::from([(
            Channel::Sms,
            Throttle {
                per_second: Some(1),
                per_run: None,
            },
        )]),
        batch: 100,
    };
    // A 6-second lease at 1 a second: batches of 3, each claimed when the last is done.
    let lease = Duration::seconds(6);
    let done = deliver_due_with(
        &mut outbox,
        &[&sms],
        START,
        &Backoff::default(),
        lease,
        &options,
        &pacer,
    )
    .expect("store");
    assert_eq!(done, report(10, 0, 0));
    let times = sms.sent_at.borrow();
    for (index, at) in times.iter().enumerate() {
        assert_eq!(at.as_secs(), index as u64, "one a second");
    }
    assert_eq!(outbox.claim_limits, [3, 3, 3, 3, 3]);
    // Message 1010 was claimed at second 9 (the fourth batch), so its lease runs to 15 s.
    assert_eq!(outbox.rows[&1010].attempts, 1);
    assert_eq!(
        outbox.rows[&1010].state,
        State::Sent {
            at: START + Duration::seconds(9)
        }
    );
}
