//! The threat-address register through the `beacon` command: organisations imported, a
//! feed ingested, killed mid-way and re-run (SQLite and PostgreSQL), addresses counted by
//! district; then owners' digests sent through a real SMTP server, with TLP honoured, a
//! signed acknowledgement link, and a crash between "sent" and "recorded".
//!
//! The SMTP tests need the sink in `crates/beacon-notify/tests/smtp_sink.py`, named by
//! `BEACON_TEST_SMTP=host:port` and `BEACON_TEST_SMTP_SPOOL=DIR` (`.ci/run` starts it).
//! Without them they are skipped with a visible note (`beacon_testing::skip`), unless `CI`
//! is set, when they fail; a sink that is named but unreachable always fails.

mod common;

use beacon_store::Backend;
use beacon_testing::TestDatabase;
use common::{beacon, body_text, delivered_to, header, json, number, sink};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Writes an organisation directory: three owners, one in Leicester with a /16 and a
/// narrower tenant inside it in Rutland.
fn organisations(dir: &Path) -> PathBuf {
    let path = dir.join("organisations.csv");
    std::fs::write(
        &path,
        "name,sector,district,contacts,networks,asns,domains\n\
         City Council,local-government,Leicester,soc@council.example,10.1.0.0/16,,council.example\n\
         Rutland Tenant,business,Rutland,it@tenant.example;reject@tenant.example,10.1.5.0/24,,\n\
         County Hospital,health,E07000135,security@hospital.example,10.2.0.0/16,,\n",
    )
    .expect("written");
    path
}

/// A plain list feed of `rows` addresses with every tenth line repeating an earlier one;
/// returns its path and how many distinct addresses it names.
fn address_list(dir: &Path, name: &str, rows: u32) -> (PathBuf, u64) {
    let mut text = String::from("# synthetic addresses\n");
    let mut distinct = BTreeSet::new();
    for row in 0..rows {
        let n = if row % 10 == 9 { row / 2 } else { row };
        let address = format!("10.{}.{}.{}", 1 + n % 3, (n / 250) % 250, n % 250);
        distinct.insert(address.clone());
        text.push_str(&address);
        text.push('\n');
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    (path, distinct.len() as u64)
}

fn crash_and_count(database: &str, dir: &Path) {
    let org = json(&beacon(
        database,
        None,
        &[
            "org",
            "import",
            organisations(dir).to_str().expect("utf-8"),
            "--json",
        ],
        &[],
    ));
    assert_eq!(number(&org, "organisations"), 3);
    let (feed, distinct) = address_list(dir, "addresses.txt", 6_000);
    let feed = feed.to_str().expect("utf-8");
    let crashed = beacon(
        database,
        None,
        &[
            "ingest",
            "feed",
            feed,
            "--format",
            "list",
            "--batch-size",
            "500",
            "--json",
        ],
        &[("BEACON_FAULT_ABORT_AFTER_ROWS", "2600")],
    );
    assert!(!crashed.status.success(), "the fault hook ends the process");
    let partial = json(&beacon(database, None, &["addresses", "--json"], &[]));
    let kept = number(&partial, "distinct_addresses");
    assert!(
        kept > 0 && kept < distinct,
        "whole batches only: {kept} of {distinct}"
    );
    let rerun = json(&beacon(
        database,
        None,
        &[
            "ingest",
            "feed",
            feed,
            "--format",
            "list",
            "--batch-size",
            "500",
            "--json",
        ],
        &[],
    ));
    assert_eq!(number(&rerun, "read"), 6_000);
    assert_eq!(
        number(&rerun, "read"),
        number(&rerun, "stored")
            + number(&rerun, "duplicates")
            + number(&rerun, "skipped")
            + number(&rerun, "rejected")
    );
    let again = json(&beacon(
        database,
        None,
        &["ingest", "feed", feed, "--json"],
        &[],
    ));
    assert_eq!(number(&again, "stored"), 0, "re-ingest stores nothing new");
    assert_eq!(again["format"], "list", "recognised from its content");
    let counted = json(&beacon(
        database,
        None,
        &["addresses", "--json", "--by", "organisation"],
        &[],
    ));
    assert_eq!(number(&counted, "distinct_addresses"), distinct);
    let by_district = counted["by_district"].as_array().expect("by_district");
    let total: u64 = by_district.iter().map(|d| number(d, "addresses")).sum();
    assert_eq!(total, distinct, "every address in one district row");
    let district = |code: &str| {
        by_district
            .iter()
            .find(|d| d["district"] == code)
            .map(|d| number(d, "addresses"))
            .unwrap_or(0)
    };
    // 10.1.x: Leicester, except 10.1.5.x (the tenant, Rutland); 10.2.x: Charnwood;
    // 10.3.x: nobody's.
    assert!(district("E06000016") > 0);
    assert!(
        district("E06000017") > 0,
        "the most specific range decides the owner"
    );
    assert!(district("E07000135") > 0);
    assert!(
        district("unknown") > 0,
        "addresses nobody owns are kept and counted"
    );
    let groups = counted["groups"].as_array().expect("groups");
    assert!(
        groups
            .iter()
            .any(|g| g["key"]["organisation"] == "City Council")
    );
}

#[test]
fn a_feed_survives_a_crash_and_counts_by_district_on_sqlite() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("beacon.db");
    crash_and_count(database.to_str().expect("utf-8"), dir.path());
}

#[test]
fn a_feed_survives_a_crash_and_counts_by_district_on_postgres() {
    let Some(database) = TestDatabase::fresh(Backend::Postgres, "register") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    crash_and_count(database.location(), dir.path());
}

#[test]
fn export_honours_the_tlp_ceiling_and_reads_back() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("beacon.db");
    let database = database.to_str().expect("utf-8");
    let (green, _) = address_list(dir.path(), "green.txt", 20);
    let red = dir.path().join("red.txt");
    std::fs::write(&red, "203.0.113.9\n").expect("written");
    json(&beacon(
        database,
        None,
        &[
            "ingest",
            "feed",
            green.to_str().expect("utf-8"),
            "--tlp",
            "GREEN",
            "--json",
        ],
        &[],
    ));
    json(&beacon(
        database,
        None,
        &[
            "ingest",
            "feed",
            red.to_str().expect("utf-8"),
            "--tlp",
            "RED",
            "--json",
        ],
        &[],
    ));
    let bundle = dir.path().join("bundle.json");
    let output = beacon(
        database,
        None,
        &[
            "export",
            "--format",
            "stix",
            "--tlp",
            "AMBER",
            "--out",
            bundle.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("1 held back"));
    let text = std::fs::read_to_string(&bundle).expect("bundle");
    assert!(
        !text.contains("203.0.113.9"),
        "TLP:RED is never exported under AMBER"
    );
    // The export reads back as a feed.
    let back = dir.path().join("back.db");
    let read = json(&beacon(
        back.to_str().expect("utf-8"),
        None,
        &["ingest", "feed", bundle.to_str().expect("utf-8"), "--json"],
        &[],
    ));
    assert_eq!(read["format"], "stix");
    assert!(number(&read, "stored") > 0);
    let misp = dir.path().join("misp");
    let output = beacon(
        database,
        None,
        &[
            "export",
            "--format",
            "misp",
            "--out",
            misp.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(misp.join("manifest.json").is_file());
}

// ---------------------------------------------------------------------------------------
// Digests through a real SMTP server.
// ---------------------------------------------------------------------------------------

fn config(dir: &Path, host: &str, port: u16, extra_recipient: bool) -> PathBuf {
    let extras = if extra_recipient {
        "extra_recipients = [\"partnership@board.example\"]\n"
    } else {
        ""
    };
    let path = dir.join("beacon.toml");
    std::fs::write(
        &path,
        format!(
            "[notify]\nbase_url = \"https://beacon.test\"\nmessage_domain = \"beacon.test\"\n\
             send_lease_seconds = 1\n{extras}extra_may_receive_green = false\n\n\
             [smtp]\nhost = \"{host}\"\nport = {port}\ntls = \"none\"\nfrom = \"Beacon <beacon@beacon.test>\"\ntimeout_secs = 10\n"
        ),
    )
    .expect("written");
    path
}

#[test]
fn digests_go_to_owners_with_tlp_honoured_and_are_acknowledged() {
    let Some((host, port, spool)) = sink() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("beacon.db");
    let database = database.to_str().expect("utf-8");
    let config = config(dir.path(), &host, port, true);
    // Unique addresses per run, so the spool (shared between runs) is not confused.
    let stamp = std::process::id();
    let org = dir.path().join("org.csv");
    std::fs::write(
        &org,
        format!("name,district,contacts,networks\nDigest Test {stamp},Leicester,owner{stamp}@council.example,192.0.2.0/24\n"),
    )
    .expect("written");
    json(&beacon(
        database,
        Some(&config),
        &["org", "import", org.to_str().expect("utf-8"), "--json"],
        &[],
    ));
    let amber = dir.path().join("amber.txt");
    std::fs::write(&amber, "192.0.2.10\n192.0.2.11\n198.51.100.1\n").expect("written");
    let red = dir.path().join("red.txt");
    std::fs::write(&red, "192.0.2.99\n").expect("written");
    json(&beacon(
        database,
        Some(&config),
        &[
            "ingest",
            "feed",
            amber.to_str().expect("utf-8"),
            "--tlp",
            "AMBER",
            "--json",
        ],
        &[],
    ));
    json(&beacon(
        database,
        Some(&config),
        &[
            "ingest",
            "feed",
            red.to_str().expect("utf-8"),
            "--tlp",
            "RED",
            "--json",
        ],
        &[],
    ));

    let run = json(&beacon(
        database,
        Some(&config),
        &["notify", "run", "--json"],
        &[],
    ));
    assert_eq!(run["queued"].as_array().expect("queued").len(), 1);
    let owner = format!("owner{stamp}@council.example");
    let messages = delivered_to(&spool, &owner);
    assert_eq!(messages.len(), 1, "one digest to the owner's contact");
    let message = &messages[0];
    assert_eq!(header(message, "X-Beacon-TLP"), "TLP:AMBER");
    let text = body_text(message);
    assert!(
        text.contains("192.0.2.10") && text.contains("192.0.2.11"),
        "{text}"
    );
    assert!(
        !text.contains("192.0.2.99"),
        "TLP:RED never leaves Beacon by email"
    );
    assert!(
        !text.contains("198.51.100.1"),
        "only the organisation's own addresses"
    );
    assert!(
        message["parts"].as_array().expect("parts").len() >= 2,
        "text and HTML"
    );
    // AMBER findings never go to the extra (partnership) recipient; with GREEN not allowed
    // either, it receives at most a note that findings are held back.
    for extra in delivered_to(&spool, "partnership@board.example") {
        let text = body_text(&extra);
        assert!(
            !text.contains("192.0.2.10"),
            "AMBER stays with the organisation"
        );
    }
    // The signed acknowledgement link.
    let link_start = text
        .find("https://beacon.test/ack/")
        .expect("an acknowledgement link");
    let token: String = text[link_start + "https://beacon.test/ack/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_' || *c == '.')
        .collect();
    let tampered = format!("{token}x");
    let refused = beacon(
        database,
        Some(&config),
        &["notify", "ack", "--token", &tampered],
        &[],
    );
    assert!(!refused.status.success(), "a tampered link is refused");
    let acked = beacon(
        database,
        Some(&config),
        &["notify", "ack", "--token", &token],
        &[],
    );
    assert!(
        acked.status.success(),
        "{}",
        String::from_utf8_lossy(&acked.stderr)
    );
    let status = json(&beacon(
        database,
        Some(&config),
        &["notify", "status", "--json"],
        &[],
    ));
    let own = status
        .as_array()
        .expect("outbox")
        .iter()
        .find(|m| m["recipient"] == owner.as_str())
        .expect("the owner's message");
    assert_eq!(own["status"], "sent");
    assert_eq!(own["acknowledged_by"], "link");
    // Nothing new since: the next run queues nothing.
    let quiet = json(&beacon(
        database,
        Some(&config),
        &["notify", "run", "--json"],
        &[],
    ));
    assert!(quiet["queued"].as_array().expect("queued").is_empty());
}

#[test]
fn a_crash_between_sent_and_recorded_loses_nothing_and_keeps_one_message_id() {
    let Some((host, port, spool)) = sink() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let database = dir.path().join("beacon.db");
    let database = database.to_str().expect("utf-8");
    let config = config(dir.path(), &host, port, false);
    let stamp = std::process::id();
    let owner = format!("crash{stamp}@hospital.example");
    let org = dir.path().join("org.csv");
    std::fs::write(
        &org,
        format!(
            "name,district,contacts,networks\nCrash Test {stamp},Charnwood,{owner},192.0.2.0/24\n"
        ),
    )
    .expect("written");
    json(
        &beacon(
            database,
            Some(&config),
            &["org", "import", org.to_str().expect("utf-8")],
            &[],
        )
        .pipe_ok(),
    );
    let feed = dir.path().join("feed.txt");
    std::fs::write(&feed, "192.0.2.20\n").expect("written");
    json(&beacon(
        database,
        Some(&config),
        &[
            "ingest",
            "feed",
            feed.to_str().expect("utf-8"),
            "--tlp",
            "GREEN",
            "--json",
        ],
        &[],
    ));

    let crashed = beacon(
        database,
        Some(&config),
        &["notify", "run"],
        &[("BEACON_FAULT_ABORT_AFTER_SEND", "1")],
    );
    assert!(
        !crashed.status.success(),
        "the process dies after the server accepted the mail"
    );
    assert_eq!(delivered_to(&spool, &owner).len(), 1, "the server has it");
    let status = json(&beacon(
        database,
        Some(&config),
        &["notify", "status", "--json"],
        &[],
    ));
    assert_eq!(
        status[0]["status"], "sending",
        "Beacon never recorded it as sent"
    );

    // After the lease (1 s here), the next run takes it over: at least once, same ID.
    std::thread::sleep(std::time::Duration::from_millis(1_500));
    let rerun = json(&beacon(
        database,
        Some(&config),
        &["notify", "run", "--json"],
        &[],
    ));
    assert!(
        rerun["queued"].as_array().expect("queued").is_empty(),
        "not composed twice"
    );
    assert_eq!(rerun["sent"], 1);
    let copies = delivered_to(&spool, &owner);
    let ids: BTreeSet<String> = copies.iter().map(|m| header(m, "Message-ID")).collect();
    assert_eq!(copies.len(), 2, "sent again after the crash");
    assert_eq!(
        ids.len(),
        1,
        "with the same Message-ID, so mail systems drop the copy"
    );
    let status = json(&beacon(
        database,
        Some(&config),
        &["notify", "status", "--json"],
        &[],
    ));
    assert_eq!(
        status.as_array().expect("outbox").len(),
        1,
        "one digest, never lost"
    );
    assert_eq!(status[0]["status"], "sent");
    assert_eq!(status[0]["attempts"], 2);
}

/// Lets a command whose output is text pass through `json` checks of success only.
trait PipeOk {
    fn pipe_ok(self) -> Output;
}

impl PipeOk for Output {
    fn pipe_ok(self) -> Output {
        assert!(
            self.status.success(),
            "beacon failed: {}",
            String::from_utf8_lossy(&self.stderr)
        );
        Output {
            stdout: b"{}".to_vec(),
            ..self
        }
    }
}
