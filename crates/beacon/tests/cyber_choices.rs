//! `beacon cyber-choices` end to end on SQLite and PostgreSQL: a referral opened from its
//! summary goes through its stages, the list shows its stage and the contact measure in
//! words and as JSON, a stage out of order is refused with why (exit 2, nothing
//! recorded), and a referral that was found not suitable is closed.

mod common;

use beacon_store::Backend;
use beacon_testing::TestDatabase;
use common::{beacon, json};
use std::process::Output;

fn text(output: &Output) -> String {
    assert!(
        output.status.success(),
        "beacon failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

fn a_referral_goes_through_its_stages(backend: Backend) {
    let Some(database) = TestDatabase::fresh(backend, "choices_cli") else {
        return;
    };
    let location = database.location();
    let run = |args: &[&str]| beacon(location, None, args, &[]);
    let opened = text(&run(&[
        "cyber-choices",
        "open",
        "--referrer",
        "school",
        "--age-band",
        "13_15",
        "--district",
        "E06000016",
        "--concern",
        "ddos",
        "--summary-on",
        "2019-12-16",
        "--note",
        "Year 10, booter site",
    ]));
    assert_eq!(opened.trim(), "Opened Cyber Choices referral CC00001.");
    // Out of order: refused with why, nothing recorded.
    let refused = run(&[
        "cyber-choices",
        "record",
        "CC00001",
        "--stage",
        "meeting",
        "--on",
        "2019-12-20",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("Record the full referral received first"),
        "{stderr}"
    );
    assert!(stderr.contains("Nothing was recorded."), "{stderr}");
    for (stage, on, result) in [
        ("suitability", "2019-12-18", "suitable"),
        ("full_referral", "2019-12-20", ""),
        ("contact", "2020-01-02", ""),
    ] {
        text(&run(&[
            "cyber-choices",
            "record",
            "cc00001",
            "--stage",
            stage,
            "--on",
            on,
            "--result",
            result,
        ]));
    }
    // A second referral, found not suitable: closed.
    text(&run(&[
        "cyber-choices",
        "open",
        "--referrer",
        "parent_or_carer",
        "--age-band",
        "16_17",
        "--district",
        "E07000130",
        "--concern",
        "account_access",
        "--summary-on",
        "2020-01-06",
    ]));
    text(&run(&[
        "cyber-choices",
        "record",
        "CC00002",
        "--stage",
        "suitability",
        "--on",
        "2020-01-07",
        "--result",
        "not_suitable",
    ]));

    let listed = text(&run(&["cyber-choices", "list", "--as-of", "2020-01-31"]));
    assert!(
        listed.contains("2 referrals: 1 open (first contact made 1), 1 closed."),
        "{listed}"
    );
    // Friday 20 December: due Tuesday 31 December (Christmas and Boxing Day are bank
    // holidays); contacted Thursday 2 January, after 6 working days (New Year's Day is one too).
    assert!(
        listed.contains("Contacted late (due 2019-12-31, after 6 working days)"),
        "{listed}"
    );
    assert!(
        listed.contains("Contacted within 5 working days of the full referral: 0 of 1 (0%)."),
        "{listed}"
    );
    assert!(listed.contains("CC00002  2020-01-06  Getting into other people's accounts, 16 to 17, Charnwood: Suitability check (Not suitable)"), "{listed}");

    let as_json = json(&run(&[
        "cyber-choices",
        "show",
        "CC00001",
        "--json",
        "--as-of",
        "2020-01-31",
    ]));
    assert_eq!(as_json["summary"]["stage"], "First contact made");
    assert_eq!(as_json["summary"]["contact"]["status"], "late");
    assert_eq!(as_json["summary"]["contact"]["working_days"], 6);
    let steps: Vec<&str> = as_json["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|step| step["stage"].as_str().expect("a stage"))
        .collect();
    assert_eq!(
        steps,
        [
            "Anonymised summary received",
            "Suitability check",
            "Full referral received",
            "First contact made"
        ]
    );
    let next: Vec<&str> = as_json["next"]
        .as_array()
        .expect("next")
        .iter()
        .map(|step| step["key"].as_str().expect("a key"))
        .collect();
    assert_eq!(next, ["meeting", "outcome"]);
    let closed = text(&run(&["cyber-choices", "show", "CC00002"]));
    assert!(
        closed.contains("Closed: nothing more can be recorded."),
        "{closed}"
    );
}

#[test]
fn a_referral_goes_through_its_stages_on_sqlite() {
    a_referral_goes_through_its_stages(Backend::Sqlite);
}

#[test]
fn a_referral_goes_through_its_stages_on_postgres() {
    a_referral_goes_through_its_stages(Backend::Postgres);
}
