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
