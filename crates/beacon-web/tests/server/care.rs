//! Victim care's pages: the vulnerability officer scores the queue on the page and reads
//! it with every reason; the reading is audited; an analyst is refused; without the
//! anti-forgery token nothing is scored.

use super::*;
use beacon_core::{Pence, Report};
use beacon_store::ReportBatch;
use time::{Duration, OffsetDateTime};

scenarios!(the_officer_scores_and_reads_the_queue_with_its_reasons,);

fn recent(reference: &str, days_ago: i64) -> Report {
    beacon_testing::blank_report(
        reference,
        OffsetDateTime::now_utc().date() - Duration::days(days_ago),
    )
}

fn the_officer_scores_and_reads_the_queue_with_its_reasons(kind: Backend) {
    let Some(world) = World::new(kind, false) else {
        return;
    };
    {
        let mut store = world.place.open();
        let run = store.begin_run("reports", "care.csv", 3600).expect("run");
        let courier = Report {
            age_band: Some(beacon_core::AgeBand::EightyPlus),
            vulnerable: Some(true),
            local_issues: vec!["courier_fraud".to_owned()],
            loss: Some(Pence(1_200_000)),
            ..recent("CARE-<B>1", 2)
        };
        let quiet = recent("CARE-2", 40);
        store
            .store_report_batch(
                run,
                &ReportBatch {
                    reports: vec![courier, quiet],
                    rejects: Vec::new(),
                },
            )
            .expect("stored");
    }
    let server = Server::start(&world);
    let mut officer =
        Client::signed_in(&server, &world.account(Role::VulnerabilityOfficer).username);
    let empty = officer.get("/care");
    empty
        .expect(200)
        .shows("Triage queue")
        .shows("The queue is empty");
    let csrf = empty.hidden("csrf_token");
    // Without the token nothing is scored.
    officer.post_form("/care/triage", &[]).expect(403);
    officer
        .post_form("/care/triage", &[("csrf_token", csrf.as_str())])
        .expect(303);
    let page = officer.get("/care");
    page.expect(200)
        .shows("Cases 1 to 2 of 2")
        .shows("Level 4")
        .shows("Face-to-face by the local force")
        .shows("+30 Aged 80 or over")
        .shows("+25 Courier fraud")
        .shows("+30 Judged vulnerable by the reporting officer")
        .shows("Age not given");
    let at = page.body.find("CARE-").expect("a case");
    assert!(
        !page.body.contains("CARE-<B>1"),
        "the reference is escaped: {}",
        &page.body[at..at + 30]
    );
    let first = page.text().find("CARE-<B>1").expect("the courier case");
    let second = page.text().find("CARE-2").expect("the other case");
    assert!(first < second, "the level 4 case comes first");
    // Filtered: one level, or only overdue first contacts; a level that is not one is 400.
    officer
        .get("/care?level=4")
        .expect(200)
        .shows("Cases 1 to 1 of 1")
        .shows("Level 4");
    officer
        .get("/care?level=2")
        .expect(200)
        .shows("No open case matches these choices");
    officer
        .get("/care?overdue=yes")
        .expect(200)
        .shows("Cases 1 to 2 of 2");
    officer.get("/care?level=9").expect(400);
    assert!(!world.audit("view_care_queue").is_empty());
    assert_eq!(world.audit("triage_care_queue").len(), 1);
    // The case (40 days old, level 1: due 120 hours from its day, so reached late): its
    // timer, reasons and forms; a refused record keeps what was typed.
    let path = "/care/cases/CARE-2";
    let case = officer.get(path);
    case.expect(200)
        .shows("Case CARE-2")
        .shows("Nothing recorded yet")
        .shows("Record a contact attempt");
    let csrf = case.hidden("csrf_token");
    let events = format!("{path}/events");
    let refused = officer.post_form(
        &events,
        &[
            ("csrf_token", csrf.as_str()),
            ("kind", "contact_attempt"),
            ("note", "Rang <twice>"),
        ],
    );
    refused
        .expect(400)
        .shows("There is a problem")
        .shows("Choose how the contact went");
    assert!(refused.body.contains("href=\"#detail-contact_attempt\""));
    assert!(
        refused.body.contains("Rang &lt;twice&gt;")
            || refused.body.contains("Rang &#60;twice&#62;")
    );
    officer
        .post_form(
            &events,
            &[
                ("csrf_token", csrf.as_str()),
                ("kind", "contact_attempt"),
                ("detail-contact_attempt", "reached"),
                ("note", "Spoke to them"),
            ],
        )
        .expect(303);
    officer
        .post_form(
            &events,
            &[
                ("csrf_token", csrf.as_str()),
                ("kind", "referral"),
                ("detail-referral", "call_blocker"),
            ],
        )
        .expect(303);
    officer
        .get(path)
        .expect(200)
        .shows("Contact attempt: Spoke to them")
        .shows("Referral: Call blocker")
        .shows("First contact made late");
    assert_eq!(world.audit("update_care_case").len(), 2);
    // The queue says the same: reached, late.
    officer.get("/care").expect(200).shows("Reached late");
    assert!(world.audit("view_care_case").len() >= 3);
    // An analyst sees no victims' cases.
    let mut analyst = Client::signed_in(&server, &world.account(Role::Analyst).username);
    analyst.get("/care").expect(403);
    analyst.get(path).expect(403);
}
