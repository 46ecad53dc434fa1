//! Cyber Choices: a referral opens with its summary, each stage is recorded once and
//! only when the caller's rule allows it after the stages so far, and referrals read
//! back newest first with their stages in the order they happened.

use super::*;
use beacon_store::{NewReferral, NewReferralStep, ReferralStepRecord, StoreError};
use time::macros::datetime;

stories!(with_store =>
    a_referral_opens_with_its_summary_and_gains_stages_in_turn,
);

fn step(referral_id: i64, step: &str, on: Date, result: &str) -> NewReferralStep {
    NewReferralStep {
        referral_id,
        step: step.to_owned(),
        on,
        result: result.to_owned(),
        note: String::new(),
        by: "prevent".to_owned(),
        at: datetime!(2026-12-01 10:00 UTC),
    }
}

fn a_referral_opens_with_its_summary_and_gains_stages_in_turn(store: &mut dyn Store) {
    let open = |store: &mut dyn Store, concern: &str| {
        store
            .add_referral(&NewReferral {
                referrer: "school".into(),
                age_band: "13_15".into(),
                district_code: "E06000016".into(),
                concern: concern.into(),
                summary_on: date!(2026 - 11 - 02),
                note: "Year 10, booter site".into(),
                by: "prevent".into(),
                at: datetime!(2026-11-02 09:30 UTC),
            })
            .expect("a referral")
    };
    let first = open(store, "ddos");
    let second = open(store, "account_access");
    assert!(second > first);

    // Nothing stands in the way: the stage is written.
    let allow = |_: &[ReferralStepRecord]| Ok(());
    store
        .add_referral_step(
            &step(first, "suitability", date!(2026 - 11 - 04), "suitable"),
            &allow,
        )
        .expect("stored")
        .expect("allowed");
    // The rule sees the stages so far, in order, and a refusal writes nothing.
    let seen = std::cell::RefCell::new(Vec::new());
    let refuse = |so_far: &[ReferralStepRecord]| {
        seen.borrow_mut()
            .extend(so_far.iter().map(|s| s.step.clone()));
        Err("not now".to_owned())
    };
    let refused = store
        .add_referral_step(
            &step(first, "full_referral", date!(2026 - 11 - 09), ""),
            &refuse,
        )
        .expect("stored");
    assert_eq!(refused, Err("not now".to_owned()));
    assert_eq!(*seen.borrow(), ["summary", "suitability"]);
    // A referral that does not exist is named.
    assert!(matches!(
        store.add_referral_step(&step(999_999, "contact", date!(2026 - 11 - 09), ""), &allow),
        Err(StoreError::NotFound { id: 999_999, .. })
    ));
    // The database holds each stage once, whatever the rule says.
    assert!(
        store
            .add_referral_step(
                &step(first, "suitability", date!(2026 - 11 - 05), "suitable"),
                &allow
            )
            .is_err()
    );

    let referrals = store.referrals().expect("referrals");
    let ids: Vec<i64> = referrals.iter().map(|r| r.id).collect();
    assert_eq!(ids, [second, first]);
    let read = store.referral(first).expect("read").expect("the referral");
    assert_eq!(read.concern, "ddos");
    assert_eq!(read.district_code, "E06000016");
    assert_eq!(read.created_at, datetime!(2026-11-02 09:30 UTC));
    let steps: Vec<(&str, Date, &str, &str)> = read
        .steps
        .iter()
        .map(|s| (s.step.as_str(), s.on, s.result.as_str(), s.note.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("summary", date!(2026 - 11 - 02), "", "Year 10, booter site"),
            ("suitability", date!(2026 - 11 - 04), "suitable", ""),
        ]
    );
    assert_eq!(referrals[1], read);
    assert_eq!(store.referral(999_999).expect("read"), None);
}
