//! The board-paper figures come out exactly, recounted from the CSV itself.

mod common;

use beacon_demo::{CYBER_WINDOW, CalibrationWindow, DemoConfig, FRAUD_WINDOW, calibration_windows};
use common::{Generated, default_data, good_rows, is_cyber, run};

/// (reports, loss in pence, cyber-enabled) of a window's family, from good distinct rows.
fn figures(data: &Generated, window: &CalibrationWindow) -> (u64, i64, u64) {
    let cyber_family = window.category == beacon_core::Category::Cyber;
    let rows: Vec<_> = good_rows(data)
        .into_iter()
        .filter(|rec| is_cyber(rec) == cyber_family && window.contains(rec.reported()))
        .collect();
    let loss = rows.iter().map(|rec| rec.loss_pence()).sum();
    let enabled = rows
        .iter()
        .filter(|rec| rec.get("cyber_enabled") == "Y")
        .count() as u64;
    (rows.len() as u64, loss, enabled)
}

fn assert_calibrated(data: &Generated, label: &str) {
    let (reports, loss, enabled) = figures(data, &FRAUD_WINDOW);
    assert_eq!(reports, 4_726, "{label}: fraud reports");
    assert!(
        (355_000_000..365_000_000).contains(&loss),
        "{label}: fraud loss {loss}"
    );
    assert_eq!(
        loss, 360_000_000,
        "{label}: fraud loss aims at £3.6m exactly"
    );
    assert_eq!(enabled, 2_788, "{label}: cyber-enabled");
    let share = (enabled as f64 / reports as f64 * 100.0).round();
    assert_eq!(share, 59.0, "{label}: cyber-enabled share rounds to 59%");
    assert_eq!(
        format!("{:.1}", loss as f64 / 1e8),
        "3.6",
        "{label}: £3.6m to one decimal"
    );

    let (reports, loss, _) = figures(data, &CYBER_WINDOW);
    assert_eq!(reports, 146, "{label}: cyber crimes");
    assert!(
        (10_950_000..11_050_000).contains(&loss),
        "{label}: cyber loss {loss}"
    );
    assert_eq!(
        (loss as f64 / 100_000.0).round(),
        110.0,
        "{label}: £110k to the nearest thousand"
    );
}

#[test]
fn default_config_meets_both_windows() {
    assert_calibrated(default_data(), "default");
}

#[test]
fn windows_hold_for_other_seeds_years_and_noise_rows() {
    let cases = [
        (2, 2017, 2017, 0, 0),
        (3, 2016, 2018, 25, 40),
        (77, 2017, 2019, 7, 3),
        (u64::MAX, 2010, 2020, 0, 12),
    ];
    for (seed, first_year, last_year, bad_rows, duplicate_rows) in cases {
        let config = DemoConfig {
            seed,
            first_year,
            last_year,
            rows: None,
            bad_rows,
            duplicate_rows,
        };
        assert_calibrated(&run(&config), &format!("{config:?}"));
    }
}

#[test]
fn rows_near_the_natural_volume_keep_calibration() {
    let natural = default_data().expected.good_rows;
    let config = DemoConfig {
        rows: Some(natural + 1_500),
        bad_rows: 10,
        ..DemoConfig::default()
    };
    let data = run(&config);
    assert_eq!(data.rows.len() as u64, natural + 1_500);
    assert_calibrated(&data, "rows near natural");
}

#[test]
fn calibration_windows_are_documented_constants() {
    let [fraud, cyber] = calibration_windows();
    assert_eq!(fraud.reports, 4_726);
    assert_eq!(fraud.cyber_enabled, Some(2_788));
    assert_eq!(((0.59_f64 * 4_726.0).round()) as u64, 2_788);
    assert_eq!(cyber.reports, 146);
    for window in [fraud, cyber] {
        let (low, high) = window.loss_band_pence;
        assert!(low <= window.loss_pence && window.loss_pence < high);
        assert!(window.source.contains("15 June 2018"));
    }
}

/// Distinct addresses per district in 1 April – 30 September 2017, recounted from the
/// feed files themselves: the address column of each row, placed in its district by the
/// organisation whose network holds it.
fn recount_register(seed: u64) -> (u64, std::collections::BTreeMap<String, u64>) {
    use std::collections::{BTreeMap, HashSet};
    let demo = beacon_demo::generate_register(seed).expect("the register generates");
    let owner = |address: std::net::IpAddr| {
        demo.organisations
            .iter()
            .find(|o| o.networks.iter().any(|n| n.contains(address)))
            .and_then(|o| o.district.clone())
            .map(|d| d.as_str().to_owned())
    };
    let mut all = HashSet::new();
    let mut by_district: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for file in &demo.files {
        let mut reader = csv::Reader::from_reader(file.contents.as_slice());
        let headers = reader.headers().expect("a header").clone();
        let column = |name: &str| headers.iter().position(|h| h == name);
        let address_column = column("src_ip")
            .or_else(|| column("ip"))
            .expect("an address column");
        let time_column = column("timestamp").expect("a timestamp");
        for record in reader.records() {
            let record = record.expect("a row");
            let day = &record[time_column][..10];
            if !("2017-04-01"..="2017-09-30").contains(&day) {
                continue;
            }
            let address = record[address_column].to_owned();
            let district = owner(address.parse().expect("an IP address")).expect("an owner");
            all.insert(address.clone());
            by_district.entry(district).or_default().insert(address);
        }
    }
    (
        all.len() as u64,
        by_district
            .into_iter()
            .map(|(k, v)| (k, v.len() as u64))
            .collect(),
    )
}

#[test]
fn the_register_holds_960_addresses_in_the_papers_period_for_any_seed() {
    for seed in [1, 2, 99] {
        let demo = beacon_demo::generate_register(seed).expect("the register generates");
        let (distinct, by_district) = recount_register(seed);
        assert_eq!(distinct, 960, "seed {seed}: recounted from the files");
        assert_eq!(
            demo.expected.distinct_in_period, 960,
            "seed {seed}: the generator's own count"
        );
        assert_eq!(
            demo.expected.in_period_by_district, by_district,
            "seed {seed}"
        );
        assert_eq!(
            by_district.len(),
            9,
            "seed {seed}: every LLR district has addresses"
        );
        assert!(
            demo.expected.distinct_addresses > 3 * 960,
            "seed {seed}: the register holds more than the period"
        );
        assert_eq!(demo.expected.in_period_by_type.len(), 4);
        let events: u64 = demo.files.iter().map(|f| f.rows).sum();
        assert_eq!(events, demo.expected.events);
        assert_eq!(
            demo.expected.recent_organisations.len(),
            demo.organisations.len(),
            "seed {seed}: every organisation has a recent address, so a digest"
        );
    }
}

#[test]
fn the_register_is_the_same_for_the_same_seed() {
    let one = beacon_demo::generate_register(5).expect("generates");
    let two = beacon_demo::generate_register(5).expect("generates");
    for (a, b) in one.files.iter().zip(&two.files) {
        assert_eq!(a.contents, b.contents, "{}", a.file_name);
    }
    let other = beacon_demo::generate_register(6).expect("generates");
    assert_ne!(one.files[0].contents, other.files[0].contents);
}
