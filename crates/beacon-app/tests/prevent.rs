//! Cyber Choices on both backends: a referral opened from its summary goes through its
//! stages in order with the contact measure counted in working days; bad answers are
//! refused with the field they are about and nothing stored; every read and change is
//! audited exactly once; and the board's figures count the period's referrals.

use beacon_analytics::prevent::ContactStatus;
use beacon_app::prevent::{
    Opening, PreventError, StepEntry, figures, list, open_referral, record_step, shipped_calendar,
    show,
};
use beacon_app::reference::ensure_reference_data;
use beacon_core::prevent::ReferralDetails;
use beacon_store::{Backend, Store};
use time::Date;
use time::macros::{date, datetime};

fn stores() -> Vec<(beacon_testing::TestDatabase, Box<dyn Store>)> {
    [Backend::Sqlite, Backend::Postgres]
        .into_iter()
        .filter_map(|backend| beacon_testing::TestDatabase::fresh(backend, "app_prevent"))
        .map(|database| {
            let mut store = database.open();
            ensure_reference_data(store.as_mut()).expect("reference data");
            (database, store)
        })
        .collect()
}

fn count(store: &mut dyn Store, action: &str) -> usize {
    store
        .audit_events(500)
        .expect("audit")
        .iter()
        .filter(|event| event.event.action == action)
        .count()
}

fn opening(summary_on: Option<Date>) -> Opening {
    Opening {
        details: ReferralDetails {
            referrer: "school".into(),
            age_band: "13_15".into(),
            district: "E06000016".into(),
            concern: "ddos".into(),
        },
        summary_on,
        note: "Year 10 pupil using a booter site".into(),
    }
}

fn entry(step: &str, on: Date, result: &str) -> StepEntry {
    StepEntry {
        step: step.into(),
        on: Some(on),
        result: result.into(),
        note: String::new(),
    }
}

#[test]
fn a_referral_goes_through_its_stages_and_every_read_and_change_is_audited() {
    let calendar = shipped_calendar();
    let today = date!(2019 - 12 - 31);
    let at = datetime!(2019-12-31 12:00 UTC);
    for (_database, mut store) in stores() {
        let store = store.as_mut();
        let reference = open_referral(
            store,
            "prevent",
            &opening(Some(date!(2019 - 12 - 16))),
            today,
            at,
        )
        .expect("opened");
        assert_eq!(reference, "CC00001");
        let steps = [
            entry("suitability", date!(2019 - 12 - 18), "suitable"),
            // Friday 20 December: 5 working days on is Tuesday 31 December (25 and 26
            // are bank holidays).
            entry("full_referral", date!(2019 - 12 - 20), ""),
        ];
        for step in &steps {
            record_step(store, "prevent", &reference, step, today, at).expect("recorded");
        }
        let view = show(store, "prevent", "cc00001", &calendar, today).expect("shown");
        let contact = view.summary.contact.expect("a measure");
        assert_eq!(contact.due, date!(2019 - 12 - 31));
        assert_eq!(contact.status, ContactStatus::Pending);
        assert_eq!(view.summary.district, "Leicester");
        assert_eq!(view.summary.stage, "Full referral received");
        let next: Vec<&str> = view.next.iter().map(|step| step.key).collect();
        assert_eq!(next, ["contact", "meeting", "outcome"]);

        // Out of order, a future day, a stage twice: refused with the field, nothing kept.
        let refused = |store: &mut dyn Store, step: StepEntry| match record_step(
            store, "prevent", &reference, &step, today, at,
        ) {
            Err(PreventError::Invalid(problems)) => problems,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(
            refused(store, entry("diversion_plan", today, "")),
            [("step", "Record the first meeting first".to_owned())]
        );
        assert_eq!(
            refused(store, entry("contact", date!(2020 - 01 - 02), "")),
            [("on", "The date must be today or in the past".to_owned())]
        );
        assert_eq!(
            refused(store, entry("full_referral", today, ""))[0].0,
            "step"
        );
        assert!(matches!(
            record_step(
                store,
                "prevent",
                "CC09999",
                &entry("contact", today, ""),
                today,
                at
            ),
            Err(PreventError::NotFound(_))
        ));

        record_step(
            store,
            "prevent",
            &reference,
            &entry("contact", date!(2019 - 12 - 30), ""),
            today,
            at,
        )
        .expect("contacted");
        let listed = list(store, "prevent", &calendar, today).expect("listed");
        assert_eq!(listed.entries.len(), 1);
        assert_eq!(
            listed.entries[0]
                .contact
                .map(|m| (m.status, m.working_days)),
            Some((ContactStatus::Met, Some(4)))
        );
        assert_eq!(listed.contact.met_percent(), Some(100));
        let open: Vec<(&str, u64)> = listed
            .open_by_stage
            .iter()
            .filter(|count| count.open > 0)
            .map(|count| (count.stage, count.open))
            .collect();
        assert_eq!(open, [("First contact made", 1)]);

        // Audited once per read and per change (refusals change nothing).
        assert_eq!(count(store, "open_cyber_choices_referral"), 1);
        assert_eq!(count(store, "update_cyber_choices_referral"), 3);
        assert_eq!(count(store, "view_cyber_choices_referral"), 1);
        assert_eq!(count(store, "view_cyber_choices"), 1);

        let board = figures(store, &calendar, (date!(2019 - 12 - 01), today)).expect("figures");
        assert_eq!(board.referrals, 1);
        assert_eq!(board.contact.met, 1);
        assert_eq!(board.completed, 0);
    }
}

#[test]
fn a_referral_with_bad_answers_names_each_and_stores_nothing() {
    let today = date!(2019 - 12 - 31);
    let at = datetime!(2019-12-31 12:00 UTC);
    for (_database, mut store) in stores() {
        let store = store.as_mut();
        let mut bad = opening(Some(date!(2020 - 01 - 05)));
        bad.details.district = "E06000099".into();
        bad.details.concern = String::new();
        bad.note = "x".repeat(501);
        let Err(PreventError::Invalid(problems)) = open_referral(store, "prevent", &bad, today, at)
        else {
            panic!("refused");
        };
        let fields: Vec<&str> = problems.iter().map(|(field, _)| *field).collect();
        assert_eq!(fields, ["concern", "district", "summary_on", "note"]);
        assert!(matches!(
            open_referral(store, "prevent", &opening(None), today, at),
            Err(PreventError::Invalid(problems)) if problems[0].0 == "summary_on"
        ));
        assert!(store.referrals().expect("referrals").is_empty());
        assert_eq!(count(store, "open_cyber_choices_referral"), 0);
    }
}
