//! The message outbox: a database whose digests were queued by the release before it
//! (SQLite migrations 1–6, PostgreSQL 1–4, the digest-only `outbox` table) opens with
//! every message as it was — ids (acknowledgement links carry them), Message-IDs,
//! statuses, attempts, times and acknowledgements — and the general outbox's stories
//! (dedupe keys, claims by channel, template messages, acknowledgement where wanted), on
//! both backends.

use beacon_core::Tlp;
use beacon_store::{
    Backend, Channel, DigestDetail, MessageContent, MessageDetail, MessageKind, NewDigest,
    NewMessage, OutboxEntry, OutboxStatus, Store,
};
use beacon_testing::TestDatabase;
use std::collections::BTreeMap;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// The SQLite migrations of the release before the message outbox, as it applied them.
const SQLITE_BEFORE: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_foundation.sql")),
    (
        2,
        include_str!("../migrations/sqlite/0002_packed_facts.sql"),
    ),
    (
        3,
        include_str!("../migrations/sqlite/0003_packed_facts_index.sql"),
    ),
    (4, include_str!("../migrations/sqlite/0004_register.sql")),
    (5, include_str!("../migrations/sqlite/0005_web.sql")),
    (
        6,
        include_str!("../migrations/sqlite/0006_audit_origin_token_expiry.sql"),
    ),
];

/// The PostgreSQL migrations of the release before the message outbox.
const POSTGRES_BEFORE: &[(i64, &str)] = &[
    (
        1,
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (2, include_str!("../migrations/postgres/0002_register.sql")),
    (3, include_str!("../migrations/postgres/0003_web.sql")),
    (
        4,
        include_str!("../migrations/postgres/0004_audit_origin_token_expiry.sql"),
    ),
];

const DOMAIN: &str = "beacon.test";
const FIRST_END: OffsetDateTime = datetime!(2026-11-22 06:00 UTC);
const SECOND_END: OffsetDateTime = datetime!(2026-11-29 06:00:00.25 UTC);
/// When the upgraded outbox is first drained.
const NOW: OffsetDateTime = datetime!(2026-11-29 09:00 UTC);

/// One digest as the old release stored it.
#[derive(Debug, Clone)]
struct OldDigest {
    recipient: &'static str,
    recipient_kind: &'static str,
    subject: &'static str,
    tlp: Tlp,
    findings: i64,
    withheld: i64,
    period_start: Option<OffsetDateTime>,
    period_end: OffsetDateTime,
    status: &'static str,
    attempts: i64,
    next_attempt_at: OffsetDateTime,
    claimed_until: Option<OffsetDateTime>,
    last_error: Option<&'static str>,
    created_at: OffsetDateTime,
    sent_at: Option<OffsetDateTime>,
    acknowledged_at: Option<OffsetDateTime>,
    acknowledged_by: Option<&'static str>,
    /// Burn this many ids first (a rolled-back insert leaves a gap).
    gap_before: i64,
}

fn text_body(recipient: &str) -> String {
    format!("TLP:AMBER\nFor {recipient}.\nAcknowledge: BEACON-ACKNOWLEDGEMENT-LINK\n")
}

fn html_body(recipient: &str) -> String {
    format!("<p>For {recipient}.</p><a href=\"BEACON-ACKNOWLEDGEMENT-LINK\">Acknowledge</a>")
}

/// Digests in every state the old release could leave them in.
fn old_digests() -> Vec<OldDigest> {
    let queued = |at: OffsetDateTime| OldDigest {
        recipient: "soc@council.example",
        recipient_kind: "own",
        subject: "Beacon: 2 new addresses",
        tlp: Tlp::Amber,
        findings: 2,
        withheld: 0,
        period_start: None,
        period_end: FIRST_END,
        status: "pending",
        attempts: 0,
        next_attempt_at: at,
        claimed_until: None,
        last_error: None,
        created_at: at,
        sent_at: None,
        acknowledged_at: None,
        acknowledged_by: None,
        gap_before: 0,
    };
    let first = FIRST_END + Duration::seconds(1);
    let second = SECOND_END + Duration::seconds(1);
    vec![
        // Sent and acknowledged through its link.
        OldDigest {
            status: "sent",
            attempts: 1,
            sent_at: Some(first + Duration::minutes(1)),
            acknowledged_at: Some(first + Duration::hours(3)),
            acknowledged_by: Some("link"),
            ..queued(first)
        },
        // Sent to a partnership mailbox, with findings held back; not acknowledged.
        OldDigest {
            recipient: "partners@partnership.example",
            recipient_kind: "extra",
            tlp: Tlp::Green,
            findings: 1,
            withheld: 1,
            status: "sent",
            attempts: 2,
            sent_at: Some(first + Duration::minutes(3)),
            ..queued(first)
        },
        // Retrying after a transient failure, due before NOW.
        OldDigest {
            period_start: Some(FIRST_END),
            period_end: SECOND_END,
            status: "retrying",
            attempts: 2,
            next_attempt_at: second + Duration::minutes(2),
            last_error: Some("421 4.7.0 try again later"),
            ..queued(second)
        },
        // Given up after a permanent failure, acknowledged by hand all the same.
        OldDigest {
            recipient: "gone@council.example",
            period_start: Some(FIRST_END),
            period_end: SECOND_END,
            status: "given_up",
            attempts: 1,
            last_error: Some("550 5.1.1 no such user"),
            acknowledged_at: Some(second + Duration::hours(1)),
            acknowledged_by: Some("analyst"),
            gap_before: 2,
            ..queued(second)
        },
        // Claimed by a sender that died; its lease ran out before NOW.
        OldDigest {
            recipient: "partners@partnership.example",
            recipient_kind: "extra",
            tlp: Tlp::Green,
            period_start: Some(FIRST_END),
            period_end: SECOND_END,
            status: "sending",
            attempts: 1,
            claimed_until: Some(second + Duration::minutes(15)),
            ..queued(second)
        },
        // Not tried yet.
        OldDigest {
            recipient: "it@council.example",
            period_start: Some(FIRST_END),
            period_end: SECOND_END,
            ..queued(second)
        },
        // The same recipient and period twice (the old table allowed it): both kept.
        OldDigest {
            recipient: "it@council.example",
            period_start: Some(FIRST_END),
            period_end: SECOND_END,
            created_at: second + Duration::seconds(5),
            next_attempt_at: second + Duration::seconds(5),
            ..queued(second)
        },
        // Claimed by a sender still holding it at NOW.
        OldDigest {
            recipient: "busy@council.example",
            period_start: Some(FIRST_END),
            period_end: SECOND_END,
            status: "sending",
            attempts: 1,
            claimed_until: Some(NOW + Duration::minutes(10)),
            ..queued(second)
        },
    ]
}

/// The old Message-ID.
fn old_message_id(id: i64, period_end: OffsetDateTime) -> String {
    format!(
        "beacon-digest-{id}-{}@{DOMAIN}",
        period_end.unix_timestamp()
    )
}

/// A time as Beacon stores it in SQLite: fixed-width RFC 3339 UTC with microseconds.
fn sqlite_time(at: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond()
    )
}

/// Builds the old release's database with its organisation and digests; returns the
/// organisation's id and each digest's id.
fn build_old_database(database: &TestDatabase, digests: &[OldDigest]) -> (i64, Vec<i64>) {
    match database.backend() {
        Backend::Sqlite => build_old_sqlite(database.location(), digests),
        Backend::Postgres => build_old_postgres(database.location(), digests),
    }
}

fn build_old_sqlite(path: &str, digests: &[OldDigest]) -> (i64, Vec<i64>) {
    let mut connection = rusqlite::Connection::open(path).expect("open the SQLite file");
    connection
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        )
        .expect("schema_migrations");
    for (version, sql) in SQLITE_BEFORE {
        let transaction = connection.transaction().expect("transaction");
        transaction.execute_batch(sql).expect("old migration");
        transaction
            .execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                rusqlite::params![version, sqlite_time(FIRST_END)],
            )
            .expect("recorded");
        transaction.commit().expect("commit");
    }
    connection
        .execute(
            "INSERT INTO organisations (name, name_key, sector, contacts, last_digest_at, created_at, updated_at)
             VALUES ('City Council', 'city council', 'local authority', 'soc@council.example', ?1, ?2, ?2)",
            rusqlite::params![sqlite_time(SECOND_END), sqlite_time(FIRST_END)],
        )
        .expect("organisation");
    let organisation = connection.last_insert_rowid();
    let mut ids = Vec::new();
    for digest in digests {
        // SQLite numbers a row one past the highest; a gap (left where a row was taken
        // out) is made by numbering the row explicitly.
        let explicit_id: Option<i64> = (digest.gap_before > 0).then(|| {
            connection
                .query_row("SELECT COALESCE(MAX(id), 0) FROM outbox", [], |row| {
                    row.get::<_, i64>(0)
                })
                .expect("highest id")
                + digest.gap_before
                + 1
        });
        connection
            .execute(
                "INSERT INTO outbox (id, organisation_id, recipient, recipient_kind, subject, text_body, html_body,
                    message_id, tlp, findings, withheld, period_start, period_end, status, attempts,
                    next_attempt_at, claimed_until, last_error, created_at, sent_at, acknowledged_at,
                    acknowledged_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '', ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                    ?20, ?21)",
                rusqlite::params![
                    explicit_id,
                    organisation,
                    digest.recipient,
                    digest.recipient_kind,
                    digest.subject,
                    text_body(digest.recipient),
                    html_body(digest.recipient),
                    tlp_rank(digest.tlp),
                    digest.findings,
                    digest.withheld,
                    digest.period_start.map(sqlite_time),
                    sqlite_time(digest.period_end),
                    digest.status,
                    digest.attempts,
                    sqlite_time(digest.next_attempt_at),
                    digest.claimed_until.map(sqlite_time),
                    digest.last_error,
                    sqlite_time(digest.created_at),
                    digest.sent_at.map(sqlite_time),
                    digest.acknowledged_at.map(sqlite_time),
                    digest.acknowledged_by,
                ],
            )
            .expect("old digest");
        let id = connection.last_insert_rowid();
        connection
            .execute(
                "UPDATE outbox SET message_id = ?2 WHERE id = ?1",
                rusqlite::params![id, old_message_id(id, digest.period_end)],
            )
            .expect("named");
        ids.push(id);
    }
    (organisation, ids)
}

fn build_old_postgres(url: &str, digests: &[OldDigest]) -> (i64, Vec<i64>) {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)",
        )
        .expect("schema_migrations");
    for (version, sql) in POSTGRES_BEFORE {
        let mut transaction = client.transaction().expect("transaction");
        transaction.batch_execute(sql).expect("old migration");
        transaction
            .execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())",
                &[version],
            )
            .expect("recorded");
        transaction.commit().expect("commit");
    }
    let organisation: i64 = client
        .query_one(
            "INSERT INTO organisations (name, name_key, sector, contacts, last_digest_at, created_at, updated_at)
             VALUES ('City Council', 'city council', 'local authority', 'soc@council.example', $1, $2, $2)
             RETURNING id",
            &[&SECOND_END, &FIRST_END],
        )
        .expect("organisation")
        .get(0);
    let mut ids = Vec::new();
    for digest in digests {
        for _ in 0..digest.gap_before {
            client
                .execute("SELECT nextval('outbox_id_seq')", &[])
                .expect("an id handed out and never used");
        }
        let id: i64 = client
            .query_one(
                "INSERT INTO outbox (organisation_id, recipient, recipient_kind, subject, text_body, html_body,
                    message_id, tlp, findings, withheld, period_start, period_end, status, attempts,
                    next_attempt_at, claimed_until, last_error, created_at, sent_at, acknowledged_at,
                    acknowledged_by)
                 VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
                 RETURNING id",
                &[
                    &organisation,
                    &digest.recipient,
                    &digest.recipient_kind,
                    &digest.subject,
                    &text_body(digest.recipient),
                    &html_body(digest.recipient),
                    &tlp_rank(digest.tlp),
                    &digest.findings,
                    &digest.withheld,
                    &digest.period_start,
                    &digest.period_end,
                    &digest.status,
                    &digest.attempts,
                    &digest.next_attempt_at,
                    &digest.claimed_until,
                    &digest.last_error,
                    &digest.created_at,
                    &digest.sent_at,
                    &digest.acknowledged_at,
                    &digest.acknowledged_by,
                ],
            )
            .expect("old digest")
            .get(0);
        client
            .execute(
                "UPDATE outbox SET message_id = $2 WHERE id = $1",
                &[&id, &old_message_id(id, digest.period_end)],
            )
            .expect("named");
        ids.push(id);
    }
    (organisation, ids)
}

/// The stored TLP rank (0 CLEAR … 4 RED), as the old release wrote it.
fn tlp_rank(tlp: Tlp) -> i64 {
    match tlp {
        Tlp::Clear => 0,
        Tlp::Green => 1,
        Tlp::Amber => 2,
        Tlp::AmberStrict => 3,
        Tlp::Red => 4,
    }
}

fn status_of(stored: &str) -> OutboxStatus {
    match stored {
        "pending" => OutboxStatus::Pending,
        "sending" => OutboxStatus::Sending,
        "retrying" => OutboxStatus::Retrying,
        "sent" => OutboxStatus::Sent,
        "given_up" => OutboxStatus::GivenUp,
        other => panic!("not a status: {other}"),
    }
}

/// What the digest view must show for an old digest.
fn expected_entry(id: i64, organisation: i64, digest: &OldDigest) -> OutboxEntry {
    OutboxEntry {
        id,
        organisation_id: organisation,
        organisation: "City Council".to_owned(),
        recipient: digest.recipient.to_owned(),
        recipient_kind: digest.recipient_kind.to_owned(),
        subject: digest.subject.to_owned(),
        text: text_body(digest.recipient),
        html: html_body(digest.recipient),
        message_id: old_message_id(id, digest.period_end),
        tlp: digest.tlp,
        findings: digest.findings as u64,
        withheld: digest.withheld as u64,
        status: status_of(digest.status),
        attempts: digest.attempts as u32,
        next_attempt_at: digest.next_attempt_at,
        last_error: digest.last_error.map(str::to_owned),
        created_at: digest.created_at,
        sent_at: digest.sent_at,
        acknowledged_at: digest.acknowledged_at,
        acknowledged_by: digest.acknowledged_by.map(str::to_owned),
    }
}

fn upgrade_keeps_every_queued_digest(backend: Backend) {
    let Some(database) = TestDatabase::fresh(backend, "outbox_upgrade") else {
        return;
    };
    let digests = old_digests();
    let (organisation, ids) = build_old_database(&database, &digests);
    assert_eq!(ids.len(), digests.len());
    assert!(
        ids.windows(2).any(|pair| pair[1] > pair[0] + 1),
        "the old ids have a gap: {ids:?}"
    );
    let highest_old = *ids.iter().max().expect("old ids");

    let mut store = database.open();
    let store = store.as_mut();

    // Every digest, every field, as it was.
    let mut entries = store.outbox(None, 100).expect("the outbox");
    entries.reverse();
    let expected: Vec<OutboxEntry> = ids
        .iter()
        .zip(&digests)
        .map(|(id, digest)| expected_entry(*id, organisation, digest))
        .collect();
    assert_eq!(entries, expected);
    assert_eq!(
        store
            .outbox(Some(organisation), 100)
            .expect("its outbox")
            .len(),
        digests.len()
    );

    // As general messages: digests on email, wanting acknowledgement, with their period.
    for (id, digest) in ids.iter().zip(&digests) {
        let message = store.message(*id).expect("read").expect("moved");
        assert_eq!(message.kind, MessageKind::Digest);
        assert_eq!(message.channel, Channel::Email);
        assert_eq!(message.organisation_id, Some(organisation));
        assert!(message.ack_wanted);
        assert_eq!(
            message.detail,
            MessageDetail::Digest(DigestDetail {
                findings: digest.findings as u64,
                withheld: digest.withheld as u64,
                period_start: digest.period_start,
                period_end: digest.period_end,
            })
        );
        assert!(
            message
                .dedupe_key
                .starts_with(&format!("digest:{organisation}:")),
            "{}",
            message.dedupe_key
        );
    }
    let keys: std::collections::BTreeSet<String> = ids
        .iter()
        .map(|id| store.message(*id).expect("read").expect("moved").dedupe_key)
        .collect();
    assert_eq!(
        keys.len(),
        ids.len(),
        "the two same-period digests both kept"
    );

    // Re-queuing an old digest (same organisation, period and recipient) finds it.
    let again = store
        .enqueue_digests(
            organisation,
            &[NewDigest {
                organisation_id: organisation,
                recipient: "partners@partnership.example".to_owned(),
                recipient_kind: "extra".to_owned(),
                subject: "a copy".to_owned(),
                text: String::new(),
                html: String::new(),
                tlp: Tlp::Green,
                findings: 1,
                withheld: 1,
            }],
            FIRST_END,
            DOMAIN,
        )
        .expect("queued");
    assert_eq!(again, [ids[1]], "the moved dedupe key matches the new form");

    // Due ones are claimable (pending, retrying whose time has come, a lapsed lease);
    // sent, given-up and still-held ones are not.
    let lease = Duration::minutes(15);
    let mut claimed = store
        .claim_due(&[Channel::Email], NOW, lease, 100)
        .expect("claimed");
    claimed.sort_by_key(|message| message.id);
    let claimed_ids: Vec<i64> = claimed.iter().map(|message| message.id).collect();
    assert_eq!(claimed_ids, [ids[2], ids[4], ids[5], ids[6]]);
    for message in &claimed {
        let old = &digests[ids.iter().position(|id| *id == message.id).expect("old")];
        assert_eq!(message.status, OutboxStatus::Sending);
        assert_eq!(message.attempts as i64, old.attempts + 1);
        assert_eq!(
            message.message_id,
            old_message_id(message.id, old.period_end)
        );
        assert_eq!(message.last_error.as_deref(), old.last_error);
    }
    assert!(
        store
            .claim_due(&[Channel::Email], NOW, lease, 100)
            .expect("nothing more")
            .is_empty()
    );

    // Acknowledgement links carry old ids: they still work, and the first one is kept.
    assert!(store.acknowledge_digest(ids[1], "link", NOW).expect("ack"));
    assert!(
        store
            .acknowledge_digest(ids[0], "someone", NOW)
            .expect("ack")
    );
    let first = store.message(ids[0]).expect("read").expect("there");
    assert_eq!(first.acknowledged_by.as_deref(), Some("link"));
    assert_eq!(first.acknowledged_at, digests[0].acknowledged_at);
    let second = store.message(ids[1]).expect("read").expect("there");
    assert_eq!(second.acknowledged_at, Some(NOW));

    // New messages are numbered after the highest moved id.
    let notice = store
        .enqueue(&[notice("after-upgrade")], DOMAIN)
        .expect("queued");
    assert!(notice[0] > highest_old, "{notice:?} after {highest_old}");
    let digest = store
        .enqueue_digests(
            organisation,
            &[NewDigest {
                organisation_id: organisation,
                recipient: "soc@council.example".to_owned(),
                recipient_kind: "own".to_owned(),
                subject: "Beacon: 1 new address".to_owned(),
                text: "text".to_owned(),
                html: "<p>html</p>".to_owned(),
                tlp: Tlp::Amber,
                findings: 1,
                withheld: 0,
            }],
            NOW,
            DOMAIN,
        )
        .expect("queued");
    assert!(digest[0] > notice[0]);
    let entry = store.outbox(None, 1).expect("newest")[0].clone();
    assert_eq!(entry.id, digest[0]);
    assert_eq!(entry.message_id, old_message_id(digest[0], NOW));
}

#[test]
fn upgrade_keeps_every_queued_digest_on_sqlite() {
    upgrade_keeps_every_queued_digest(Backend::Sqlite);
}

#[test]
fn upgrade_keeps_every_queued_digest_on_postgres() {
    upgrade_keeps_every_queued_digest(Backend::Postgres);
}

// ---------------------------------------------------------------------------------------
// The general outbox's stories, on both backends.
// ---------------------------------------------------------------------------------------

fn notice(key: &str) -> NewMessage {
    NewMessage {
        kind: MessageKind::Notice,
        channel: Channel::Email,
        organisation_id: None,
        recipient: "duty@partnership.example".to_owned(),
        recipient_kind: String::new(),
        content: MessageContent::Written {
            subject: "Beacon: a notice".to_owned(),
            text: "Plain words.".to_owned(),
            html: "<p>Plain words.</p>".to_owned(),
        },
        tlp: Tlp::Green,
        dedupe_key: key.to_owned(),
        ack_wanted: false,
        detail: MessageDetail::None,
        not_before: None,
    }
}

fn each_backend(story: fn(&mut dyn Store)) {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(database) = TestDatabase::fresh(backend, "outbox") else {
            continue;
        };
        story(database.open().as_mut());
    }
}

#[test]
fn the_same_dedupe_key_is_queued_once() {
    each_backend(|store| {
        let first = store
            .enqueue(&[notice("notice:1"), notice("notice:2")], DOMAIN)
            .expect("queued");
        assert_eq!(first.len(), 2);
        assert_ne!(first[0], first[1]);
        let mut changed = notice("notice:1");
        changed.recipient = "someone-else@partnership.example".to_owned();
        let again = store
            .enqueue(&[changed, notice("notice:3"), notice("notice:3")], DOMAIN)
            .expect("queued again");
        assert_eq!(again[0], first[0], "the first message's id");
        assert_eq!(again[1], again[2], "twice in one call: stored once");
        let all = store.messages(None, 100).expect("messages");
        assert_eq!(all.len(), 3);
        let kept = store.message(first[0]).expect("read").expect("there");
        assert_eq!(
            kept.recipient, "duty@partnership.example",
            "the first is kept"
        );
        assert_eq!(kept.kind, MessageKind::Notice);
        assert_eq!(kept.organisation_id, None);
        assert_eq!(kept.organisation, None);
        assert_eq!(kept.status, OutboxStatus::Pending);
        assert_eq!(kept.attempts, 0);
        assert_eq!(
            kept.message_id,
            format!(
                "beacon-notice-{}-{}@{DOMAIN}",
                first[0],
                kept.created_at.unix_timestamp()
            )
        );
        assert!(
            store.outbox(None, 100).expect("digests").is_empty(),
            "the digest view lists digests only"
        );
        assert_eq!(
            store
                .messages(Some(MessageKind::Notice), 100)
                .expect("notices")
                .len(),
            3
        );
        assert!(
            store
                .messages(Some(MessageKind::Digest), 100)
                .expect("digests")
                .is_empty()
        );
    });
}

#[test]
fn a_sender_claims_only_its_channels() {
    each_backend(|store| {
        let mut sms = notice("sms:1");
        sms.channel = Channel::Sms;
        sms.recipient = "+447700900123".to_owned();
        let mut hook = notice("webhook:1");
        hook.channel = Channel::Webhook;
        hook.kind = MessageKind::Escalation;
        let ids = store
            .enqueue(&[notice("email:1"), sms, hook], DOMAIN)
            .expect("queued");
        let lease = Duration::minutes(5);
        let email = store
            .claim_due(&[Channel::Email], NOW, lease, 10)
            .expect("email");
        assert_eq!(
            email.iter().map(|m| m.id).collect::<Vec<_>>(),
            [ids[0]],
            "email only"
        );
        assert!(
            store
                .claim_due(&[], NOW, lease, 10)
                .expect("no channels")
                .is_empty()
        );
        let rest = store
            .claim_due(&[Channel::Sms, Channel::Webhook], NOW, lease, 10)
            .expect("the others");
        assert_eq!(
            rest.iter().map(|m| m.id).collect::<Vec<_>>(),
            [ids[1], ids[2]]
        );
        assert_eq!(rest[0].channel, Channel::Sms);
        assert_eq!(rest[1].kind, MessageKind::Escalation);
        assert!(rest.iter().all(|m| m.attempts == 1));
        store.outbox_record_sent(ids[1], NOW).expect("sent");
        store
            .outbox_record_failure(ids[2], "503 busy", Some(NOW + Duration::minutes(1)))
            .expect("retry");
        let later = store
            .claim_due(&Channel::ALL, NOW + lease, lease, 10)
            .expect("later");
        assert_eq!(
            later.iter().map(|m| m.id).collect::<Vec<_>>(),
            [ids[0], ids[2]],
            "the lapsed email claim and the due retry, not the sent SMS"
        );
        assert!(
            store
                .outbox_claim_due(NOW + Duration::days(1), lease, 10)
                .expect("digests")
                .is_empty(),
            "the digest claim takes digests only"
        );
    });
}

#[test]
fn template_messages_keep_their_reference_and_fields() {
    each_backend(|store| {
        let data: BTreeMap<String, String> = [
            ("name".to_owned(), "Ada".to_owned()),
            (
                "district".to_owned(),
                "Bristol \"central\" & <north>".to_owned(),
            ),
        ]
        .into();
        let mut message = notice("campaign:7:ada");
        message.kind = MessageKind::Campaign;
        message.content = MessageContent::Template {
            name: "scam-awareness-1".to_owned(),
            data: data.clone(),
        };
        let id = store.enqueue(&[message], DOMAIN).expect("queued")[0];
        let stored = store.message(id).expect("read").expect("there");
        assert_eq!(
            stored.content,
            MessageContent::Template {
                name: "scam-awareness-1".to_owned(),
                data,
            }
        );
        assert_eq!(stored.kind, MessageKind::Campaign);
        let claimed = store
            .claim_due(&[Channel::Email], NOW, Duration::minutes(5), 10)
            .expect("claimed");
        assert_eq!(claimed[0].content, stored.content);
    });
}

#[test]
fn only_messages_that_want_it_are_acknowledged() {
    each_backend(|store| {
        let mut escalation = notice("escalation:1");
        escalation.kind = MessageKind::Escalation;
        escalation.ack_wanted = true;
        let ids = store
            .enqueue(&[notice("notice:quiet"), escalation], DOMAIN)
            .expect("queued");
        assert!(!store.acknowledge(ids[0], "link", NOW).expect("ack"));
        assert_eq!(
            store
                .message(ids[0])
                .expect("read")
                .expect("there")
                .acknowledged_at,
            None
        );
        assert!(store.acknowledge(ids[1], "link", NOW).expect("ack"));
        assert!(
            store
                .acknowledge(ids[1], "later", NOW + Duration::hours(1))
                .expect("ack")
        );
        let acked = store.message(ids[1]).expect("read").expect("there");
        assert_eq!(acked.acknowledged_at, Some(NOW));
        assert_eq!(acked.acknowledged_by.as_deref(), Some("link"));
        assert!(!store.acknowledge(9_999, "link", NOW).expect("none"));
    });
}
