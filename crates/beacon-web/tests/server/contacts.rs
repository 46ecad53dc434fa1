//! Contacts and segments: a coordinator imports a contacts file and sees what was added
//! and which lines were quarantined and why (never their raw text); importing it again
//! changes nothing; a file with a personal-data column is refused naming it; the counts
//! page and the segment builder show the breakdown without JavaScript, and the API gives
//! the same count as JSON.

use super::*;

scenarios!(
    a_coordinator_imports_contacts_and_sees_the_quarantined_lines,
    the_segment_builder_and_the_api_count_the_same,
);

const FILE: &str = "ref,kind,sole_trader,district,ward,age_band,sector,size,email,mobile,consent_channel,consent_basis,consent_given_at,consent_how,consent_wording
R-1,resident,,Melton,,70-79,,,ann@example.org,,email,consent,2025-01-10T10:00:00Z,web form,Send me fraud alerts
R-2,resident,,E07000133,,80+,,,bob@example.org,,,,,,
R-3,resident,,Melton,,70-79,,,,07700 900123,sms,public_task,2025-01-10,service,Service messages
B-1,business,yes,Blaby,,,retail,micro,shop@example.org,,email,public_task,2025-02-01,survey,Service messages
X-1,resident,,Narnia,,,,,secret-x@example.org,,,,,,
";

fn upload(client: &mut Client, name: &str, contents: &[u8]) -> Reply {
    let csrf = client.csrf();
    client.post_multipart(
        "/contacts/upload",
        &[
            ("csrf_token", None, csrf.as_bytes()),
            ("file", Some(name), contents),
        ],
    )
}

fn a_coordinator_imports_contacts_and_sees_the_quarantined_lines(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let mut coordinator = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    let first = upload(&mut coordinator, "contacts.csv", FILE.as_bytes());
    first
        .expect(200)
        .shows("Contacts imported")
        .shows("Rows read 5")
        .shows("Added 4")
        .shows("Quarantined 1")
        .shows("district 'Narnia' is not a district");
    assert!(
        !first.text().contains("secret-x@example.org"),
        "a quarantined row's raw text (its address) is not shown"
    );
    upload(&mut coordinator, "contacts.csv", FILE.as_bytes())
        .expect(200)
        .shows("Added 0")
        .shows("Unchanged 4");
    let refused = upload(
        &mut coordinator,
        "bad.csv",
        b"ref,kind,Surname\nR-9,resident,Smith\n",
    );
    refused
        .expect(400)
        .shows("'Surname' looks like personal data");
    coordinator
        .get("/contacts")
        .expect(200)
        .shows("4 contacts")
        .shows("Melton 3 0 0 3")
        .shows("Blaby 0 1 0 1");
    let audit = world
        .place
        .open()
        .audit_search(&beacon_store::AuditFilter {
            action: Some("import_contacts".into()),
            limit: 10,
            ..beacon_store::AuditFilter::default()
        })
        .expect("the audit log");
    assert_eq!(audit.len(), 2, "each import is audited");
}

fn the_segment_builder_and_the_api_count_the_same(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    let server = Server::start(&world);
    let mut coordinator = Client::signed_in(&server, &world.account(Role::Coordinator).username);
    upload(&mut coordinator, "contacts.csv", FILE.as_bytes()).expect(200);
    let mut analyst = Client::signed_in(&server, &world.account(Role::Analyst).username);
    let builder = analyst.get("/segments");
    builder
        .expect(200)
        .shows("Kind of contact")
        .shows("Lawful basis");
    // The live count is an enhancement from Beacon's own origin, asking the API below.
    assert!(
        builder
            .body
            .contains(r#"<script src="/assets/segments.js""#),
        "the builder loads its live-count script"
    );
    assert!(
        builder
            .body
            .contains(r#"data-segment-count-url="/api/v1/segments/count""#)
    );
    let script = Client::new(&server).get("/assets/segments.js");
    script.expect(200);
    assert!(
        script
            .body
            .contains("new URLSearchParams(new FormData(form))")
    );
    let query =
        "kind=resident&district=Melton&age_band=70-79&age_band=80%2B&channel=email&basis=consent";
    analyst
        .get(&format!("/segments?{query}"))
        .expect(200)
        .shows("1 can be reached")
        .shows("of 3 contacts who match")
        .shows("No address on this channel 1")
        .shows("No consent for this basis 1");
    let json = analyst.get(&format!("/api/v1/segments/count?{query}"));
    let json = json.expect(200).json();
    assert_eq!(json["count"]["matching"], 3);
    assert_eq!(json["count"]["reachable"], 1);
    assert_eq!(json["count"]["no_address"], 1);
    assert_eq!(json["count"]["no_consent"], 1);
    assert_eq!(json["rule"]["districts"][0], "E07000133");
    analyst
        .get("/segments?district=Narnia")
        .expect(400)
        .shows("'Narnia' is not a district");
    analyst.get("/api/v1/segments/count?size=huge").expect(400);
    let sms = analyst.get("/api/v1/segments/count?channel=sms");
    assert_eq!(sms.expect(200).json()["count"]["reachable"], 1);
}
