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
