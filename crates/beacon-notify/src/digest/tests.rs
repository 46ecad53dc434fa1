use super::*;
use crate::policy::RecipientKind;
use time::macros::datetime;

fn finding(observable: &str, kind: &str, tlp: Tlp, status: FindingStatus) -> Finding {
    Finding {
        observable: observable.to_owned(),
        classification_taxonomy: "malicious-code".to_owned(),
        classification_type: kind.to_owned(),
        identifier: None,
        malware: Some("mirai".to_owned()),
        port: Some(23),
        feeds: vec!["shadowserver-infected".to_owned()],
        first_seen: datetime!(2026-11-03 10:00 UTC),
        last_seen: datetime!(2026-11-28 09:00 UTC),
        sightings: 14,
        tlp,
        status,
    }
}

fn own() -> Recipient {
    Recipient {
        email: "it@leicester.example".to_owned(),
        kind: RecipientKind::OwnContact,
    }
}

fn extra() -> Recipient {
    Recipient {
        email: "partnership@llr.example".to_owned(),
        kind: RecipientKind::Extra,
    }
}

fn input(findings: &[Finding]) -> DigestInput<'_> {
    DigestInput {
        organisation: "Leicester City Council",
        period_start: Some(datetime!(2026-11-22 07:00 UTC)),
        period_end: datetime!(2026-11-29 07:00 UTC),
        findings,
        ack_url: Some("https://beacon.example/ack/abc.def"),
        beacon_url: Some("https://beacon.example/"),
    }
}

fn mixed() -> Vec<Finding> {
    vec![
        finding(
            "192.0.2.1",
            "infected-system",
            Tlp::Green,
            FindingStatus::New,
        ),
        finding(
            "192.0.2.2",
            "infected-system",
            Tlp::Amber,
            FindingStatus::StillActive,
        ),
        finding(
            "192.0.2.3",
            "vulnerable-system",
            Tlp::Clear,
            FindingStatus::New,
        ),
        finding(
            "192.0.2.4",
            "phishing",
            Tlp::AmberStrict,
            FindingStatus::New,
        ),
        finding("192.0.2.5", "c2-server", Tlp::Red, FindingStatus::New),
        finding(
            "192.0.2.6",
            "c2-server",
            Tlp::Red,
            FindingStatus::StillActive,
        ),
    ]
}

#[test]
fn own_contacts_get_everything_but_red_and_a_note_about_red() {
    let findings = mixed();
    let digest = compose(&input(&findings), &own(), &SharingPolicy::default()).expect("digest");
    assert_eq!((digest.included, digest.withheld), (4, 2));
    assert_eq!(digest.tlp, Tlp::AmberStrict);
    assert_eq!(
        digest.subject,
        "Beacon: 3 new and 1 still-active addresses for Leicester City Council — TLP:AMBER+STRICT"
    );
    assert!(
        digest
            .text
            .contains("2 more findings are not in this email")
    );
    assert!(digest.text.contains("2 marked TLP:RED"));
    assert!(digest.text.contains("never leave Beacon by email"));
    assert!(digest.text.contains("https://beacon.example/"));
    for hidden in ["192.0.2.5", "192.0.2.6"] {
        assert!(!digest.text.contains(hidden) && !digest.html.contains(hidden));
    }
    for shown in ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"] {
        assert!(digest.text.contains(shown) && digest.html.contains(shown));
    }
}

#[test]
fn extra_recipients_get_only_clear_and_green_by_default() {
    let findings = mixed();
    let digest = compose(&input(&findings), &extra(), &SharingPolicy::default()).expect("digest");
    assert_eq!((digest.included, digest.withheld), (2, 4));
    assert_eq!(digest.tlp, Tlp::Green);
    assert!(digest.text.contains("192.0.2.1") && digest.text.contains("192.0.2.3"));
    assert!(!digest.text.contains("192.0.2.2") && !digest.text.contains("192.0.2.4"));
    assert!(
        digest
            .text
            .contains("2 marked TLP:RED, 1 marked TLP:AMBER+STRICT and 1 marked TLP:AMBER")
    );
    assert!(
        digest
            .text
            .contains("only to the organisation's own contacts")
    );
}

#[test]
fn when_everything_is_withheld_a_short_note_still_goes() {
    let findings = mixed();
    let nothing = SharingPolicy {
        extra_may_receive_clear: false,
        extra_may_receive_green: false,
    };
    let digest = compose(&input(&findings), &extra(), &nothing).expect("note");
    assert_eq!((digest.included, digest.withheld), (0, 6));
    assert_eq!(digest.tlp, Tlp::Clear);
    assert_eq!(
        digest.subject,
        "Beacon: 6 findings waiting in Beacon for Leicester City Council — TLP:CLEAR"
    );
    assert!(digest.text.starts_with("TLP:CLEAR\n"));
    assert!(digest.text.contains("6 findings are not in this email"));
    assert!(
        digest
            .text
            .contains("not set up to receive TLP:CLEAR or TLP:GREEN")
    );
    assert!(!digest.text.contains("192.0.2."));
    assert!(!digest.html.contains("192.0.2."));
}

#[test]
fn no_findings_means_no_digest() {
    assert_eq!(
        compose(&input(&[]), &own(), &SharingPolicy::default()),
        None
    );
}

#[test]
fn tlp_label_comes_first_in_both_bodies() {
    let findings = mixed();
    let digest = compose(&input(&findings), &own(), &SharingPolicy::default()).expect("digest");
    assert!(digest.text.starts_with("TLP:AMBER+STRICT\n"));
    let body = digest.html.split("<body").nth(1).expect("a body");
    assert!(
        visible_text(body)
            .trim_start()
            .starts_with("TLP:AMBER+STRICT ")
    );
}

/// The text a reader sees, without tags (enough for these tests' simple markup).
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = true; // starts inside the <body ...> tag
    for character in html.chars() {
        match character {
            '<' => in_tag = true,
            '>' => in_tag = false,
            other if !in_tag => out.push(other),
            _ => {}
        }
    }
    out
}

#[test]
fn hostile_feed_data_is_escaped_and_defanged() {
    let mut hostile = finding(
        "http://bad.example/\"><img src=x onerror=alert(1)><script>alert(2)</script>",
        "<script>alert(3)</script>",
        Tlp::Green,
        FindingStatus::New,
    );
    hostile.malware = Some("\"><img src=x>".to_owned());
    hostile.identifier = Some("line\r\nBcc: victim@example".to_owned());
    hostile.feeds = vec!["<b>feed</b>".to_owned()];
    hostile.classification_taxonomy = "\r\nX-Injected: 1".to_owned();
    let findings = [hostile];
    let mut input = input(&findings);
    input.organisation = "Council\r\nBcc: attacker@example";
    let digest = compose(&input, &own(), &SharingPolicy::default()).expect("digest");
    for needle in ["<script", "<img", "<b>", "onerror=alert(1)>"] {
        assert!(
            !digest.html.contains(needle),
            "unescaped {needle:?} in HTML"
        );
    }
    assert!(digest.html.contains("&lt;script&gt;"));
    assert!(digest.html.contains("&quot;&gt;&lt;img"));
    assert!(digest.html.contains("hxxp[://]bad[.]example/"));
    assert!(!digest.html.contains("http://bad.example"));
    assert!(!digest.text.contains("http://bad.example"));
    assert!(!digest.subject.contains(['\r', '\n']));
    assert_eq!(
        digest.subject,
        "Beacon: 1 new address for Council Bcc: attacker@example — TLP:GREEN"
    );
    assert!(
        !digest.text.contains("\nBcc:"),
        "feed data started a line in the text part"
    );
    assert!(digest.text.contains("Web addresses are written with [.]"));
}

#[test]
fn groups_come_most_urgent_first_with_advice_once_and_new_before_still_active() {
    let findings = vec![
        finding(
            "192.0.2.10",
            "vulnerable-system",
            Tlp::Clear,
            FindingStatus::New,
        ),
        finding(
            "192.0.2.11",
            "infected-system",
            Tlp::Clear,
            FindingStatus::StillActive,
        ),
        finding(
            "192.0.2.12",
            "infected-system",
            Tlp::Clear,
            FindingStatus::New,
        ),
    ];
    let digest = compose(&input(&findings), &own(), &SharingPolicy::default()).expect("digest");
    let text = &digest.text;
    let infected = text.find("Infected devices (2)").expect("infected heading");
    let vulnerable = text
        .find("Systems with a known security weakness (1)")
        .expect("vulnerable heading");
    assert!(infected < vulnerable);
    assert!(text.find("192.0.2.12").expect("new") < text.find("192.0.2.11").expect("still active"));
    let meaning = advice::advice_for("malicious-code", "infected-system").meaning;
    assert_eq!(text.matches(meaning).count(), 1);
    assert!(
        text.contains("First seen 3 November 2026. Last seen 28 November 2026. Seen 14 times.")
    );
    assert!(text.contains("Since your last digest on 22 November 2026"));
    assert!(text.contains("2 are new. 1 was in an earlier digest and is still active."));
    assert!(digest.html.contains("<td style=\"border-bottom: 1px solid #b1b4b6; padding: 4px 8px; text-align: left; vertical-align: top;\">3 November 2026</td>"));
}

#[test]
fn subject_counts_read_naturally() {
    let one_new = [finding(
        "192.0.2.1",
        "scanner",
        Tlp::Clear,
        FindingStatus::New,
    )];
    let digest = compose(&input(&one_new), &own(), &SharingPolicy::default()).expect("digest");
    assert_eq!(
        digest.subject,
        "Beacon: 1 new address for Leicester City Council — TLP:CLEAR"
    );
    let two_active = [
        finding(
            "192.0.2.1",
            "scanner",
            Tlp::Clear,
            FindingStatus::StillActive,
        ),
        finding(
            "192.0.2.2",
            "scanner",
            Tlp::Green,
            FindingStatus::StillActive,
        ),
    ];
    let digest = compose(&input(&two_active), &own(), &SharingPolicy::default()).expect("digest");
    assert_eq!(
        digest.subject,
        "Beacon: 2 still-active addresses for Leicester City Council — TLP:GREEN"
    );
}

#[test]
fn first_digest_and_unknown_types_are_worded_sensibly() {
    let mut odd = finding(
        "bad.example",
        "brand-new-type",
        Tlp::Clear,
        FindingStatus::New,
    );
    odd.classification_taxonomy = "fraud".to_owned();
    let findings = [odd];
    let mut input = input(&findings);
    input.period_start = None;
    input.ack_url = None;
    let digest = compose(&input, &own(), &SharingPolicy::default()).expect("digest");
    assert!(digest.text.contains("Up to 29 November 2026"));
    assert!(digest.text.contains("This is your first Beacon digest."));
    assert!(digest.text.contains("Other findings: brand-new-type (1)"));
    assert!(
        digest
            .text
            .contains(advice::advice_for("fraud", "anything").meaning)
    );
    assert!(digest.text.contains("bad[.]example"));
    assert!(
        digest
            .text
            .contains("please reply to this email to tell us")
    );
}

#[test]
fn an_ack_link_placeholder_becomes_a_real_link_once_replaced() {
    let findings = mixed();
    let mut with_placeholder = input(&findings);
    // beacon-app composes with a placeholder and puts the signed link in its place
    // as the message goes out.
    with_placeholder.ack_url = Some("BEACON-ACKNOWLEDGEMENT-LINK");
    let digest = compose(&with_placeholder, &own(), &SharingPolicy::default()).expect("digest");
    let html = digest.html.replace(
        "BEACON-ACKNOWLEDGEMENT-LINK",
        "https://beacon.example/ack/abc.def",
    );
    assert!(
        html.contains(
            "<a href=\"https://beacon.example/ack/abc.def\">tell us by opening this link</a>"
        ),
        "{html}"
    );
    // Beacon's own link is the only link: feed data stays unlinked.
    assert_eq!(html.matches("<a ").count(), 1, "{html}");
    let mut hostile = input(&findings);
    hostile.ack_url = Some("javascript:alert(1)");
    let digest = compose(&hostile, &own(), &SharingPolicy::default()).expect("digest");
    assert!(!digest.html.contains("<a "), "{}", digest.html);
}

#[test]
fn ack_link_is_in_both_bodies() {
    let findings = mixed();
    let digest = compose(&input(&findings), &own(), &SharingPolicy::default()).expect("digest");
    assert!(digest.text.contains("https://beacon.example/ack/abc.def"));
    assert!(
        digest
            .html
            .contains("<a href=\"https://beacon.example/ack/abc.def\">")
    );
    assert!(digest.text.contains("Replying to this email reaches"));
}

#[test]
fn a_note_with_nothing_shown_asks_for_no_acknowledgement() {
    let findings = [finding(
        "192.0.2.9",
        "c2-server",
        Tlp::Red,
        FindingStatus::New,
    )];
    let digest = compose(&input(&findings), &own(), &SharingPolicy::default()).expect("note");
    assert_eq!((digest.included, digest.withheld), (0, 1));
    assert!(digest.text.contains(
        "1 finding is not in this email because of its sharing label: 1 marked TLP:RED."
    ));
    assert!(!digest.text.contains("/ack/") && !digest.html.contains("/ack/"));
    assert!(digest.text.contains("Replying to this email reaches"));
}
