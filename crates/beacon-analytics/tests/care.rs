//! Victim triage with the shipped weights (`data/care/triage.toml`), against answers
//! worked by hand: every reason and its points, the level (with the vulnerable floor),
//! the contact-due time, missing data scored as nothing but shown, repeat victims linked
//! by their key within the look-back only, and ties ordered the same way every time.

use beacon_analytics::care::{CareLevel, CaseFacts, TriageContext, TriageWeights, queue, triage};
use beacon_core::{AgeBand, VictimType};
use time::macros::{date, datetime};
use time::{Date, Duration};

const TODAY: Date = date!(2026 - 11 - 30);

fn shipped() -> TriageWeights {
    let weights: TriageWeights =
        toml::from_str(include_str!("../../../data/care/triage.toml")).expect("the shipped file");
    weights.validate().expect("valid");
    weights
}

fn case(reference: &str, days_ago: i64) -> CaseFacts {
    CaseFacts {
        reference: reference.to_owned(),
        reported_on: TODAY - Duration::days(days_ago),
        victim_type: VictimType::Individual,
        age_band: None,
        fraud_type: "other-consumer-non-investment-fraud".to_owned(),
        fraud_type_name: "Other consumer non-investment fraud".to_owned(),
        fraud_group: "Consumer and retail fraud".to_owned(),
        local_issues: Vec::new(),
        loss_pence: None,
        vulnerable: None,
        repeat_victim: None,
        victim_key: None,
    }
}

/// The hand-worked set: see each case's comment for its points.
fn cases() -> Vec<CaseFacts> {
    // A: 80+ (30), courier fraud (25), £12,000 (15), 15 times the median of people
    // (£800: 10), judged vulnerable (30), 3 days ago (10) = 120, level 4.
    let mut a = case("R-A", 3);
    a.age_band = Some(AgeBand::EightyPlus);
    a.local_issues = vec!["courier_fraud".to_owned()];
    a.loss_pence = Some(1_200_000);
    a.vulnerable = Some(true);
    // B: 70-79 (20), reported once before by the same key 80 days earlier (15), a dating
    // scam (25), £800 (no band, 1 times the median), 20 days ago (5) = 65, level 3.
    let mut b = case("R-B", 20);
    b.age_band = Some(AgeBand::Seventies);
    b.fraud_type = "dating-scam".to_owned();
    b.fraud_type_name = "Dating scam".to_owned();
    b.fraud_group = "Advance fee payments".to_owned();
    b.loss_pence = Some(80_000);
    b.victim_key = Some("v1".to_owned());
    // C: B's earlier report: no age, no loss (shown, 0 each), 100 days ago = 0, level 1.
    let mut c = case("R-C", 100);
    c.fraud_type = "mandate-fraud".to_owned();
    c.fraud_type_name = "Mandate fraud".to_owned();
    c.victim_key = Some("v1".to_owned());
    // D: an organisation: not in the queue, but its loss sets the organisations' median.
    let mut d = case("R-D", 2);
    d.victim_type = VictimType::Organisation;
    d.loss_pence = Some(10_000_000);
    // E: 30-39, says they were a victim before with no key (10), investment fraud by its
    // group (20), £2,000 (5), 40 days ago = 35, level 2.
    let mut e = case("R-E", 40);
    e.age_band = Some(AgeBand::Thirties);
    e.fraud_type = "share-sales-or-boiler-room-fraud".to_owned();
    e.fraud_type_name = "Share sales or boiler room fraud".to_owned();
    e.fraud_group = "Financial investment fraud".to_owned();
    e.loss_pence = Some(200_000);
    e.repeat_victim = Some(true);
    // F and G: the same facts, £100, 10 days ago (5) = 5, level 1: a tie, by reference.
    let mut f = case("R-F", 10);
    f.age_band = Some(AgeBand::Forties);
    f.loss_pence = Some(10_000);
    let mut g = f.clone();
    g.reference = "R-G".to_owned();
    // H: 20-29, judged vulnerable (30), no loss given, 60 days ago = 30: level 2 by the
    // score, raised to 3 by the vulnerable floor.
    let mut h = case("R-H", 60);
    h.age_band = Some(AgeBand::Twenties);
    h.vulnerable = Some(true);
    // Given out of order, so the queue's order is its own.
    vec![g, c, h, f, e, d, b, a]
}

fn reasons(entry: &beacon_analytics::care::Triage) -> Vec<(&str, u32)> {
    entry
        .reasons
        .iter()
        .map(|reason| (reason.text.as_str(), reason.points))
        .collect()
}

#[test]
fn the_queue_is_ordered_by_level_score_waiting_time_and_reference() {
    let queued = queue(&cases(), &shipped(), TODAY);
    let order: Vec<(&str, u32, u8)> = queued
        .iter()
        .map(|entry| (entry.reference.as_str(), entry.score, entry.level.number()))
        .collect();
    assert_eq!(
        order,
        [
            ("R-A", 120, 4),
            ("R-B", 65, 3),
            ("R-H", 30, 3),
            ("R-E", 35, 2),
            ("R-F", 5, 1),
            ("R-G", 5, 1),
            ("R-C", 0, 1),
        ]
    );
    // The same cases in another order give the same queue.
    let mut reversed = cases();
    reversed.reverse();
    assert_eq!(queue(&reversed, &shipped(), TODAY), queued);
}

#[test]
fn every_point_has_its_reason() {
    let weights = shipped();
    let all = cases();
    let context = TriageContext::of(&all);
    let by_reference = |reference: &str| {
        let found = all.iter().find(|c| c.reference == reference).expect("case");
        triage(found, &weights, &context, TODAY)
    };
    let a = by_reference("R-A");
    assert_eq!(
        reasons(&a),
        [
            ("Aged 80 or over", 30),
            ("Courier fraud", 25),
            ("Lost £12,000 (at least £10,000)", 15),
            ("Lost 15 times the usual loss of a person victim (£800)", 10),
            ("Judged vulnerable by the reporting officer", 30),
            ("Reported in the last 7 days", 10),
        ]
    );
    assert_eq!(a.level, CareLevel::FaceToFace);
    // Due 48 hours (level 4) from the day it was reported.
    assert_eq!(a.contact_due, datetime!(2026-11-29 00:00));
    assert_eq!(
        reasons(&by_reference("R-B")),
        [
            ("Aged 70 to 79", 20),
            (
                "Reported 1 time before in the 365 days before this report",
                15
            ),
            ("Romance fraud", 25),
            ("Reported in the last 28 days", 5),
        ]
    );
    // Missing data adds nothing, and the officer is told what is missing.
    let c = by_reference("R-C");
    assert_eq!(reasons(&c), [("Age not given", 0), ("Loss not given", 0)]);
    assert_eq!((c.score, c.level), (0, CareLevel::AutomatedAdvice));
    assert_eq!(c.contact_due, datetime!(2026-08-27 00:00));
    assert_eq!(
        reasons(&by_reference("R-E")),
        [
            (
                "Says they were a victim before (no earlier report linked)",
                10
            ),
            ("Investment fraud", 20),
            ("Lost £2,000 (at least £1,000)", 5),
        ]
    );
    let h = by_reference("R-H");
    assert_eq!(h.score, 30);
    assert_eq!(h.level, CareLevel::VulnerablePhoneContact);
    assert_eq!(
        h.reasons.last().map(|reason| reason.text.as_str()),
        Some("Judged vulnerable, so at least level 3: Vulnerable: contact by phone")
    );
    // Every score is the sum of its reasons' points.
    for entry in queue(&all, &weights, TODAY) {
        assert_eq!(
            entry.score,
            entry
                .reasons
                .iter()
                .map(|reason| reason.points)
                .sum::<u32>(),
            "{}",
            entry.reference
        );
    }
}

#[test]
fn earlier_reports_count_only_within_the_look_back_and_up_to_the_most() {
    let weights = shipped();
    let mut all = Vec::new();
    for (index, days_ago) in [0, 30, 60, 90, 500].into_iter().enumerate() {
        let mut report = case(&format!("K-{index}"), days_ago);
        report.victim_key = Some("same-person".to_owned());
        all.push(report);
    }
    let context = TriageContext::of(&all);
    let latest = triage(&all[0], &weights, &context, TODAY);
    // Three earlier reports within 365 days (the one 500 days ago is not): 3 × 15 = 45,
    // capped at 30.
    assert_eq!(
        latest.reasons[1],
        beacon_analytics::care::Reason {
            text: "Reported 3 times before in the 365 days before this report".to_owned(),
            points: 30,
        }
    );
    // The oldest has no earlier report at all.
    let oldest = triage(&all[4], &weights, &context, TODAY);
    assert!(
        oldest
            .reasons
            .iter()
            .all(|reason| !reason.text.contains("before"))
    );
}

#[test]
fn weights_that_cannot_work_are_refused_with_every_reason() {
    let mut weights = shipped();
    weights.levels.swap(1, 2);
    weights.levels[0].from_score = 5;
    weights.vulnerable.at_least_level = 7;
    weights.relative_loss.times = 0.5;
    weights.frauds[0].local_issues.clear();
    let problems: Vec<String> = weights
        .validate()
        .expect_err("refused")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        problems.iter().any(|p| p.contains("in order 1, 2, 3, 4")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("vulnerable.at_least_level")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("relative_loss.times")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("\"Courier fraud\" matches nothing")),
        "{problems:?}"
    );
    let mut weights = shipped();
    weights.levels[0].from_score = 5;
    weights.levels[3].from_score = 40;
    let problems = weights.validate().expect_err("refused");
    assert_eq!(problems.len(), 2, "{problems:?}");
}
