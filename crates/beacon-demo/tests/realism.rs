//! The demo data looks like the public figures say it should, the local-issue rules
//! find exactly the planted issues, and the planted spikes stand out.

mod common;

use beacon_core::LocalIssueRules;
use beacon_demo::{DemoConfig, planted_spikes};
use common::{Rec, default_data, good_rows, is_cyber, run};
use std::collections::HashSet;

fn share(rows: &[&Rec], test: impl Fn(&Rec) -> bool) -> f64 {
    rows.iter().filter(|rec| test(rec)).count() as f64 / rows.len() as f64
}

fn within(label: &str, value: f64, range: std::ops::Range<f64>) {
    assert!(
        range.contains(&value),
        "{label}: {value:.3} not in {range:?}"
    );
}

#[test]
fn volumes_per_year_are_plausible() {
    for (year, totals) in &default_data().expected.by_year {
        within(
            &format!("{year} fraud"),
            totals.fraud.reports as f64,
            8_500.0..10_600.0,
        );
        within(
            &format!("{year} cyber"),
            totals.cyber.reports as f64,
            230.0..420.0,
        );
    }
}

#[test]
fn shares_match_the_public_figures() {
    for seed in [1, 2] {
        let data = if seed == 1 {
            default_data()
        } else {
            &run(&DemoConfig {
                seed,
                ..DemoConfig::default()
            })
        };
        let rows = good_rows(data);
        let fraud: Vec<&Rec> = rows.iter().copied().filter(|r| !is_cyber(r)).collect();
        within(
            "organisations",
            share(&rows, |r| r.get("victim_type") == "organisation"),
            0.13..0.16,
        );
        within(
            "no loss",
            share(&fraud, |r| r.get("loss_gbp") == "0.00"),
            0.22..0.26,
        );
        within(
            "unknown loss",
            share(&fraud, |r| r.get("loss_gbp").is_empty()),
            0.02..0.04,
        );
        let lost: Vec<&Rec> = fraud
            .iter()
            .copied()
            .filter(|r| r.loss_pence() > 0)
            .collect();
        within(
            "under £250",
            share(&lost, |r| r.loss_pence() < 25_000),
            0.55..0.61,
        );
        within(
            "cyber-enabled",
            share(&fraud, |r| r.get("cyber_enabled") == "Y"),
            0.55..0.63,
        );
        within(
            "postcode missing",
            share(&rows, |r| {
                r.get("postcode").is_empty() && !r.get("district_code").is_empty()
            }),
            0.09..0.11,
        );
        within(
            "district unknown",
            share(&rows, |r| r.get("district_code").is_empty()),
            0.005..0.015,
        );
        within(
            "gender missing",
            share(&rows, |r| {
                r.get("victim_type") == "individual" && r.get("victim_gender").is_empty()
            }),
            0.01..0.05,
        );
        let individuals: Vec<&Rec> = rows
            .iter()
            .copied()
            .filter(|r| r.get("victim_type") == "individual")
            .collect();
        let mut keys = HashSet::new();
        let reused: Vec<bool> = individuals
            .iter()
            .map(|r| !keys.insert(r.get("victim_key")))
            .collect();
        within(
            "reused victim keys",
            reused.iter().filter(|&&x| x).count() as f64 / individuals.len() as f64,
            0.07..0.09,
        );
        for (rec, reused) in individuals.iter().zip(reused) {
            if reused {
                assert_eq!(rec.get("repeat_victim"), "Y");
            }
        }
    }
}

#[test]
fn local_issues_look_like_the_national_figures() {
    let rows = good_rows(default_data());
    let tagged =
        |tag: &str| -> Vec<&Rec> { rows.iter().copied().filter(|r| r.has_tag(tag)).collect() };
    let people = |rows: &[&Rec]| -> Vec<u8> { rows.iter().filter_map(|r| r.age()).collect() };
    let mean_loss = |rows: &[&Rec]| {
        let lost: Vec<i64> = rows
            .iter()
            .map(|r| r.loss_pence())
            .filter(|&l| l > 0)
            .collect();
        lost.iter().sum::<i64>() as f64 / lost.len() as f64 / 100.0
    };

    let courier = tagged("courier");
    assert!(courier.iter().all(|r| r.get("fraud_type") == "NFIB5A"));
    let ages = people(&courier);
    within(
        "courier 80+",
        ages.iter().filter(|&&a| a >= 80).count() as f64 / ages.len() as f64,
        0.5..0.62,
    );
    within(
        "courier under 50",
        ages.iter().filter(|&&a| a < 50).count() as f64 / ages.len() as f64,
        0.0..0.05,
    );
    within("courier mean loss", mean_loss(&courier), 7_000.0..9_800.0);
    within(
        "courier vulnerable",
        share(&courier, |r| r.get("vulnerable") == "Y"),
        0.4..0.8,
    );

    let romance = tagged("romance");
    assert!(romance.iter().all(|r| r.get("fraud_type") == "Dating scam"));
    let ages = people(&romance);
    within(
        "romance mean age",
        ages.iter().map(|&a| f64::from(a)).sum::<f64>() / ages.len() as f64,
        47.0..53.0,
    );
    let known: Vec<&Rec> = romance
        .iter()
        .copied()
        .filter(|r| !r.get("victim_gender").is_empty())
        .collect();
    within(
        "romance women",
        share(&known, |r| r.get("victim_gender") == "female"),
        0.57..0.69,
    );
    within("romance mean loss", mean_loss(&romance), 9_000.0..13_500.0);

    let sextortion = tagged("sextortion");
    assert!(sextortion.iter().all(|r| r.get("fraud_type") == "NFIB52E"));
    let known: Vec<&Rec> = sextortion
        .iter()
        .copied()
        .filter(|r| !r.get("victim_gender").is_empty())
        .collect();
    within(
        "sextortion men",
        share(&known, |r| r.get("victim_gender") == "male"),
        0.9..1.0,
    );
    let ages = people(&sextortion);
    within(
        "sextortion 17-25",
        ages.iter().filter(|&&a| (17..=25).contains(&a)).count() as f64 / ages.len() as f64,
        0.7..0.9,
    );
    within(
        "sextortion over 60",
        ages.iter().filter(|&&a| a > 60).count() as f64 / ages.len() as f64,
        0.05..0.2,
    );
    within(
        "sextortion small losses",
        share(&sextortion, |r| r.loss_pence() < 25_000),
        0.9..1.0,
    );

    let ransomware = tagged("ransomware");
    assert!(ransomware.iter().all(|r| r.get("fraud_type") == "NFIB50A"));
    let organisations: Vec<&Rec> = ransomware
        .iter()
        .copied()
        .filter(|r| r.get("victim_type") == "organisation")
        .collect();
    within(
        "ransomware organisations",
        organisations.len() as f64 / ransomware.len() as f64,
        0.5..0.75,
    );
    within(
        "ransomware small businesses",
        share(&organisations, |r| {
            matches!(r.get("org_size"), "micro" | "small")
        }),
        0.6..0.9,
    );
}

#[test]
fn issue_rules_find_exactly_the_planted_issues() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/rules/local_issues.toml"
    );
    let text = std::fs::read_to_string(path).expect("the shipped rules file");
    let rules: LocalIssueRules = toml::from_str(&text).expect("rules parse");
    let issue_of = |tag: &str| match tag {
        "courier" => Some("courier_fraud"),
        "romance" => Some("romance_fraud"),
        "sextortion" => Some("sextortion"),
        "ransomware" => Some("ransomware"),
        _ => None,
    };
    let mut found = HashSet::new();
    for rec in good_rows(default_data()) {
        let tags: Vec<String> = rec
            .get("tags")
            .split(';')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        let planted: Vec<String> = tags
            .iter()
            .filter_map(|t| issue_of(t))
            .map(str::to_owned)
            .collect();
        assert!(planted.len() <= 1);
        let summary = Some(rec.get("summary"));
        assert_eq!(
            rules.classify("", &tags, None),
            planted,
            "tags alone: {rec:?}"
        );
        assert_eq!(
            rules.classify("", &[], summary),
            planted,
            "summary alone: {rec:?}"
        );
        assert_eq!(
            rules.classify(rec.get("fraud_type"), &tags, summary),
            planted,
            "{rec:?}"
        );
        found.extend(planted);
    }
    assert_eq!(found.len(), 4);
}

#[test]
fn planted_spikes_stand_out() {
    let rows = good_rows(default_data());
    for spike in planted_spikes() {
        let count_in = |year: i32, month: u8| {
            rows.iter()
                .filter(|r| {
                    r.has_tag(spike.issue_tag) && r.get("district_code") == spike.district_code
                })
                .filter(|r| r.reported().year() == year && u8::from(r.reported().month()) == month)
                .count()
        };
        let at_spike = count_in(spike.year, spike.month);
        let mut others = Vec::new();
        for year in 2015..=2019 {
            for month in 1..=12 {
                if (year, month) != (spike.year, spike.month) {
                    others.push(count_in(year, month));
                }
            }
        }
        let busiest_other = others.iter().copied().max().unwrap_or(0);
        assert!(
            at_spike as u64 >= spike.extra_reports,
            "{}: {at_spike}",
            spike.name
        );
        assert!(
            at_spike >= 3 * busiest_other.max(1),
            "{}: {at_spike} vs {busiest_other}",
            spike.name
        );
    }
}
