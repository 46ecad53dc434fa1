//! Sends real mail to a real SMTP server and reads back what arrived.
//!
//! The server is `tests/smtp_sink.py` (aiosmtpd), which writes each message it accepts to
//! a spool directory. Set `BEACON_TEST_SMTP=host:port` and `BEACON_TEST_SMTP_SPOOL=DIR` to
//! run these tests; without them they are skipped with a visible note
//! (`beacon_testing::skip`), except under CI, where a missing server fails the run. A server
//! that is named but unreachable always fails.

use beacon_core::Tlp;
use beacon_notify::{
    DigestInput, Finding, FindingStatus, OutgoingMessage, Recipient, RecipientKind, SendError,
    SharingPolicy, SmtpMailer, SmtpSettings, TlsMode, Transport, compose,
};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use time::macros::datetime;

/// The sink's address and spool directory, or `None` when the test should be skipped.
fn sink() -> Option<(String, u16, PathBuf)> {
    let Ok(target) = std::env::var("BEACON_TEST_SMTP") else {
        beacon_testing::skip(
            "the digest tests against a real SMTP server",
            "set BEACON_TEST_SMTP=host:port and BEACON_TEST_SMTP_SPOOL=DIR to a running \
             crates/beacon-notify/tests/smtp_sink.py (.ci/run starts one)",
        );
        return None;
    };
    let (host, port) = target
        .rsplit_once(':')
        .expect("BEACON_TEST_SMTP is host:port");
    let port: u16 = port.parse().expect("BEACON_TEST_SMTP's port is a number");
    let address = (host, port)
        .to_socket_addrs()
        .expect("BEACON_TEST_SMTP resolves")
        .next()
        .expect("an address");
    if let Err(error) = TcpStream::connect_timeout(&address, Duration::from_secs(5)) {
        panic!("the SMTP sink at {target} is unreachable: {error}");
    }
    let spool = std::env::var("BEACON_TEST_SMTP_SPOOL")
        .expect("BEACON_TEST_SMTP_SPOOL names the sink's spool directory");
    Some((host.to_owned(), port, PathBuf::from(spool)))
}

fn mailer(host: &str, port: u16) -> SmtpMailer {
    SmtpMailer::new(SmtpSettings {
        host: host.to_owned(),
        port,
        tls: TlsMode::None,
        username: None,
        password: None,
        from: "Beacon <beacon@partnership.example>".to_owned(),
        timeout_secs: 10,
    })
    .expect("a mailer")
}

fn unique_id(label: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos();
    format!("{label}-{}-{nanos}@beacon.test", std::process::id())
}

/// Every spooled message (as the sink's decoded JSON) whose Message-ID is `id`.
fn arrived(spool: &Path, id: &str) -> Vec<serde_json::Value> {
    let wanted = format!("<{id}>");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(spool).expect("read the spool") {
        let path = entry.expect("a spool entry").path();
        if path.extension().and_then(|ext| ext.to_str()) != Some("json") {
            continue;
        }
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).expect("read a spooled message"))
                .expect("JSON");
        if header(&json, "Message-ID").as_deref() == Some(wanted.as_str()) {
            found.push(json);
        }
    }
    found
}

fn header(message: &serde_json::Value, name: &str) -> Option<String> {
    message["headers"].as_array()?.iter().find_map(|pair| {
        let matches = pair[0].as_str()?.eq_ignore_ascii_case(name);
        matches
            .then(|| pair[1].as_str().map(str::to_owned))
            .flatten()
    })
}

fn part(message: &serde_json::Value, content_type: &str) -> String {
    message["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .find(|part| part["content_type"] == content_type)
        .and_then(|part| part["content"].as_str())
        .unwrap_or_else(|| panic!("no {content_type} part"))
        .replace("\r\n", "\n") // mail travels with CRLF line ends
}

fn digest_mail(to: &str, message_id: String) -> OutgoingMessage {
    let findings = [Finding {
        observable: "http://bad.example/\"><script>alert(1)</script>".to_owned(),
        classification_taxonomy: "fraud".to_owned(),
        classification_type: "phishing".to_owned(),
        identifier: None,
        malware: None,
        port: Some(443),
        feeds: vec!["phishing-feed".to_owned()],
        first_seen: datetime!(2026-11-20 10:00 UTC),
        last_seen: datetime!(2026-11-28 09:00 UTC),
        sightings: 3,
        tlp: Tlp::Amber,
        status: FindingStatus::New,
    }];
    let input = DigestInput {
        organisation: "Leicester City Council",
        period_start: Some(datetime!(2026-11-22 07:00 UTC)),
        period_end: datetime!(2026-11-29 07:00 UTC),
        findings: &findings,
        ack_url: Some("https://beacon.example/ack/token"),
        beacon_url: None,
    };
    let recipient = Recipient {
        email: to.to_owned(),
        kind: RecipientKind::OwnContact,
    };
    let digest = compose(&input, &recipient, &SharingPolicy::default()).expect("a digest");
    OutgoingMessage {
        to: recipient.email,
        subject: digest.subject,
        text: digest.text,
        html: digest.html,
        message_id,
        tlp: digest.tlp,
        marks: Vec::new(),
        unsubscribe: None,
        sms_template: None,
        social: None,
    }
}

#[test]
fn a_digest_arrives_with_subject_both_parts_and_tlp_header() {
    let Some((host, port, spool)) = sink() else {
        return;
    };
    let id = unique_id("digest");
    let mail = digest_mail("it@leicester.example", id.clone());
    mailer(&host, port)
        .send(&mail)
        .expect("the sink accepts the message");

    let found = arrived(&spool, &id);
    assert_eq!(
        found.len(),
        1,
        "expected one message with Message-ID <{id}>"
    );
    let message = &found[0];
    assert_eq!(message["rcpt_tos"][0], "it@leicester.example");
    assert_eq!(message["mail_from"], "beacon@partnership.example");
    assert_eq!(message["content_type"], "multipart/alternative");
    assert_eq!(
        header(message, "Subject").as_deref(),
        Some("Beacon: 1 new address for Leicester City Council — TLP:AMBER")
    );
    assert_eq!(
        header(message, "X-Beacon-TLP").as_deref(),
        Some("TLP:AMBER")
    );
    let text = part(message, "text/plain");
    let html = part(message, "text/html");
    assert!(text.starts_with("TLP:AMBER\n"), "{text}");
    assert!(text.contains("Phishing pages (1)"));
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script"));
    assert!(html.contains("<a href=\"https://beacon.example/ack/token\">"));
}

#[test]
fn a_resend_after_a_crash_carries_the_same_message_id() {
    let Some((host, port, spool)) = sink() else {
        return;
    };
    let id = unique_id("resend");
    let mail = digest_mail("it@leicester.example", id.clone());
    let mailer = mailer(&host, port);
    mailer.send(&mail).expect("first send");
    mailer.send(&mail).expect("the resend");
    let found = arrived(&spool, &id);
    assert_eq!(found.len(), 2);
    assert_eq!(header(&found[0], "Subject"), header(&found[1], "Subject"));
}

#[test]
fn a_refused_recipient_is_permanent_and_a_busy_one_transient() {
    let Some((host, port, _)) = sink() else {
        return;
    };
    let mailer = mailer(&host, port);
    let refused = mailer.send(&digest_mail(
        "reject@leicester.example",
        unique_id("reject"),
    ));
    assert!(
        matches!(refused, Err(SendError::Permanent(ref message)) if message.contains("550")),
        "{refused:?}"
    );
    let busy = mailer.send(&digest_mail("busy@leicester.example", unique_id("busy")));
    assert!(
        matches!(busy, Err(SendError::Transient(ref message)) if message.contains("451")),
        "{busy:?}"
    );
}

#[test]
fn a_refused_connection_is_transient() {
    // Bind, note the port and close it again: nothing listens there now.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port();
    let result =
        mailer("127.0.0.1", port).send(&digest_mail("it@leicester.example", unique_id("refused")));
    assert!(matches!(result, Err(SendError::Transient(_))), "{result:?}");
}
