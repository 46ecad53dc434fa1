//! The CSV contract: header, valid fields, unique references, exact counts, bad and
//! duplicate rows, row targets, determinism, and real reference values.

mod common;

use beacon_demo::{DemoConfig, Expected, HEADER, Totals, YearTotals, generate};
use common::{Rec, check, default_data, fraud_types, good_rows, is_cyber, postcodes, run};
use std::collections::{BTreeMap, HashMap, HashSet};

fn noisy() -> DemoConfig {
    DemoConfig {
        seed: 5,
        first_year: 2016,
        last_year: 2018,
        rows: None,
        bad_rows: 23,
        duplicate_rows: 31,
    }
}

#[test]
fn header_is_exact() {
    let data = default_data();
    assert_eq!(data.header, HEADER);
    let first_line = data
        .bytes
        .split(|&b| b == b'\n')
        .next()
        .expect("a header line");
    assert_eq!(
        first_line,
        b"reference,reported_date,offence_date,fraud_type,victim_type,victim_age,victim_gender,contact_method,org_sector,org_size,postcode,district_code,loss_gbp,cyber_enabled,vulnerable,repeat_victim,victim_key,tags,summary"
    );
}

#[test]
fn every_default_row_is_valid_and_unique() {
    let data = default_data();
    for rec in &data.rows {
        if let Err(reason) = check(rec) {
            panic!("{reason}: {rec:?}");
        }
    }
    let references: HashSet<&str> = data.rows.iter().map(|r| r.get("reference")).collect();
    assert_eq!(references.len(), data.rows.len());
    assert!(
        references
            .iter()
            .all(|r| r.len() == 15 && r.starts_with("NFRC"))
    );
    assert_eq!(data.expected.rows_written, data.rows.len() as u64);
    assert_eq!(data.expected.good_rows, data.rows.len() as u64);
    assert_eq!(
        (data.expected.bad_rows, data.expected.duplicate_rows),
        (0, 0)
    );
}

fn recount(rows: &[&Rec], years: std::ops::RangeInclusive<i32>) -> BTreeMap<i32, YearTotals> {
    let mut by_year: BTreeMap<i32, YearTotals> =
        years.map(|y| (y, YearTotals::default())).collect();
    for rec in rows {
        let year = by_year.entry(rec.reported().year()).or_default();
        let totals: &mut Totals = if is_cyber(rec) {
            &mut year.cyber
        } else {
            &mut year.fraud
        };
        totals.reports += 1;
        totals.loss_pence += rec.loss_pence();
        totals.cyber_enabled += u64::from(rec.get("cyber_enabled") == "Y");
    }
    by_year
}

#[test]
fn expected_totals_match_a_recount() {
    let data = default_data();
    assert_eq!(
        recount(&good_rows(data), 2015..=2019),
        data.expected.by_year
    );
    let data = run(&noisy());
    assert_eq!(
        recount(&good_rows(&data), 2016..=2018),
        data.expected.by_year
    );
    let json = serde_json::to_value(&data.expected).expect("serialises");
    assert_eq!(json["bad_rows"], 23);
    assert!(
        json["by_year"]["2017"]["fraud"]["reports"]
            .as_u64()
            .is_some()
    );
}

#[test]
fn bad_and_duplicate_rows_are_counted_and_spread() {
    let data = run(&noisy());
    let expected: &Expected = &data.expected;
    assert_eq!(expected.rows_written, data.rows.len() as u64);
    assert_eq!(expected.bad_rows, 23);
    assert_eq!(expected.duplicate_rows, 31);
    assert_eq!(expected.good_rows + 23 + 31, expected.rows_written);

    let mut first_seen: HashMap<&str, &Rec> = HashMap::new();
    let (mut bad, mut duplicates, mut bad_positions) = (0, 0, Vec::new());
    let mut reasons = HashSet::new();
    for (position, rec) in data.rows.iter().enumerate() {
        match check(rec) {
            Err(reason) => {
                bad += 1;
                bad_positions.push(position);
                reasons.insert(reason);
                let reference = rec.get("reference");
                assert!(
                    reference.is_empty() || reference.starts_with("NFRCBAD"),
                    "{reference}"
                );
            }
            Ok(()) => match first_seen.get(rec.get("reference")) {
                Some(earlier) => {
                    duplicates += 1;
                    assert_eq!(*earlier, rec, "a duplicate is an exact copy");
                }
                None => {
                    first_seen.insert(rec.get("reference"), rec);
                }
            },
        }
    }
    assert_eq!((bad, duplicates), (23, 31));
    assert_eq!(reasons.len(), 5, "five kinds of breakage: {reasons:?}");
    for why in [
        "reference is empty",
        "not a real date",
        "cannot be negative",
        "not an amount",
        "victim type",
    ] {
        assert!(
            reasons.iter().any(|r| r.contains(why)),
            "{why}: {reasons:?}"
        );
    }
    assert_eq!(first_seen.len() as u64, expected.good_rows);
    let bad_refs: HashSet<&str> = data
        .rows
        .iter()
        .map(|r| r.get("reference"))
        .filter(|r| r.starts_with("NFRCBAD"))
        .collect();
    assert_eq!(
        bad_refs.len(),
        23 - 23 / 5,
        "bad references are distinct; every fifth is empty"
    );
    let rows = data.rows.len();
    assert!(
        bad_positions[0] < rows / 10 && bad_positions[22] > rows * 9 / 10,
        "spread through the file"
    );
    let text = String::from_utf8(data.bytes.clone()).expect("UTF-8");
    for needle in [
        ",31/02/2017,",
        ",-50.00,",
        ",unknown-kind,",
        ",lots,",
        "\n,",
    ] {
        assert!(text.contains(needle), "a bad row with {needle:?}");
    }
}

#[test]
fn noise_rows_never_change_the_good_rows() {
    let clean = run(&DemoConfig {
        bad_rows: 0,
        duplicate_rows: 0,
        ..noisy()
    });
    let noisy = run(&noisy());
    let clean_rows: Vec<&Rec> = clean.rows.iter().collect();
    assert_eq!(good_rows(&noisy), clean_rows);
    assert_eq!(noisy.expected.by_year, clean.expected.by_year);
}

#[test]
fn rows_option_gives_exactly_n_rows() {
    for (rows, bad_rows, duplicate_rows) in [
        (0, 0, 0),
        (1, 0, 0),
        (3, 3, 0),
        (2, 0, 1),
        (17, 2, 2),
        (5_000, 0, 0),
        (120_000, 50, 50),
    ] {
        let config = DemoConfig {
            rows: Some(rows),
            bad_rows,
            duplicate_rows,
            ..DemoConfig::default()
        };
        let data = run(&config);
        assert_eq!(data.rows.len() as u64, rows, "{config:?}");
        assert_eq!(data.expected.rows_written, rows);
        assert_eq!(
            data.expected.good_rows,
            rows - u64::from(bad_rows + duplicate_rows)
        );
        assert_eq!(
            good_rows(&data).len() as u64,
            data.expected.good_rows,
            "{config:?}"
        );
        let references: HashSet<&str> = good_rows(&data)
            .iter()
            .map(|r| r.get("reference"))
            .collect();
        assert_eq!(references.len() as u64, data.expected.good_rows);
    }
}

#[test]
fn impossible_configs_are_refused() {
    let refused = |config: DemoConfig| {
        let error = generate(&config, Vec::new()).expect_err("refused");
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{config:?}");
    };
    refused(DemoConfig {
        first_year: 2019,
        last_year: 2015,
        ..DemoConfig::default()
    });
    refused(DemoConfig {
        first_year: 1999,
        ..DemoConfig::default()
    });
    refused(DemoConfig {
        last_year: 2100,
        ..DemoConfig::default()
    });
    refused(DemoConfig {
        rows: Some(4),
        bad_rows: 5,
        ..DemoConfig::default()
    });
    refused(DemoConfig {
        rows: Some(1),
        duplicate_rows: 1,
        ..DemoConfig::default()
    });
}

#[test]
fn output_is_deterministic() {
    let config = noisy();
    let first = run(&config);
    let second = run(&config);
    assert!(first.bytes == second.bytes, "same config, same bytes");
    assert_eq!(first.expected, second.expected);
    let other = run(&DemoConfig { seed: 6, ..config });
    assert!(first.bytes != other.bytes, "another seed, other data");
}

#[test]
fn fraud_types_come_from_the_reference_file() {
    let types = fraud_types();
    let data = default_data();
    let mut used = HashSet::new();
    for rec in data.rows.iter().chain(run(&noisy()).rows.iter()) {
        assert!(
            types.contains_key(rec.get("fraud_type")),
            "{}",
            rec.get("fraud_type")
        );
        used.insert(rec.get("fraud_type").to_owned());
    }
    for canonical in [
        "NFIB5A",
        "NFIB52E",
        "NFIB50A",
        "Dating scam",
        "Online shopping and auctions",
    ] {
        assert!(used.contains(canonical), "{canonical}");
    }
    assert!(
        used.iter().all(|t| !t.starts_with("nfib")),
        "codes stay canonical"
    );
}

#[test]
fn postcodes_are_real_and_in_their_district() {
    let postcodes = postcodes();
    let data = default_data();
    let mut distinct = HashSet::new();
    for rec in &data.rows {
        let postcode = rec.get("postcode");
        if !postcode.is_empty() {
            assert_eq!(
                postcodes.get(postcode).map(String::as_str),
                Some(rec.get("district_code")),
                "{postcode}"
            );
            distinct.insert(postcode);
        }
    }
    assert!(
        distinct.len() > 2_000,
        "plenty of variety: {}",
        distinct.len()
    );
}

#[test]
fn summaries_are_labelled_synthetic() {
    for rec in &default_data().rows {
        assert!(rec.get("summary").starts_with("SYNTHETIC: "), "{rec:?}");
        assert!(rec.get("summary").len() < 400);
    }
}
