//! The monthly plan: how many fraud and cyber reports each month gets, before any row
//! is made.
//!
//! Natural volumes follow a mild upward trend and a mild seasonal pattern, with
//! Poisson-like noise from the seed. Then, when the years cover 2017, the months of the
//! two calibration windows are pinned so their counts are exactly the board paper's
//! figures. With `rows: Some(n)` the plan is rescaled to give exactly `n` rows; the
//! pinned months are kept only when `n` is within 10% of the natural volume.

use crate::DemoConfig;
use crate::calibration::{CalibrationWindow, calibration_windows};
use crate::sampling::{STREAM_PLAN, apportion, noisy_count, stream};
use beacon_core::Category;
use serde::Serialize;

/// Fraud reports a year across LLR in 2017 before calibration (board paper: 4,726 in
/// January–June 2017).
const FRAUD_PER_YEAR_2017: f64 = 9_450.0;
/// Year-on-year growth in fraud reports.
const FRAUD_GROWTH: f64 = 1.03;
/// Cyber crimes a year across LLR in 2017 (board paper: 146 in April–September 2017).
const CYBER_PER_YEAR_2017: f64 = 292.0;
/// Year-on-year growth in cyber crime reports.
const CYBER_GROWTH: f64 = 1.06;
/// Mild seasonality per calendar month (busier in January and late autumn).
const SEASON: [f64; 12] = [
    1.05, 0.96, 1.02, 0.97, 1.00, 0.96, 0.98, 0.97, 0.99, 1.03, 1.05, 1.02,
];
/// How far `rows: Some(n)` may be from the natural volume and still keep calibration.
const CALIBRATION_TOLERANCE: f64 = 0.10;

/// A planted, visible spike of one local issue in one district and month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spike {
    /// Plain-words description.
    pub name: &'static str,
    /// The local-issue tag the extra reports carry, e.g. `courier`.
    pub issue_tag: &'static str,
    /// ONS code of the district.
    pub district_code: &'static str,
    /// Name of the district.
    pub district_name: &'static str,
    /// Year of the spike.
    pub year: i32,
    /// Month of the spike, 1–12.
    pub month: u8,
    /// First day of the month with extra reports.
    pub first_day: u8,
    /// Last day of the month with extra reports.
    pub last_day: u8,
    /// Extra reports on top of the usual volume (at the natural volume; scaled with
    /// `rows: Some(n)`).
    pub extra_reports: u64,
}

/// The spikes planted in the demo data, when their year is generated.
pub const SPIKES: [Spike; 3] = [
    Spike {
        name: "Courier-fraud wave in Oadby and Wigston",
        issue_tag: "courier",
        district_code: "E07000135",
        district_name: "Oadby and Wigston",
        year: 2018,
        month: 10,
        first_day: 8,
        last_day: 26,
        extra_reports: 40,
    },
    Spike {
        name: "Sextortion wave in Leicester",
        issue_tag: "sextortion",
        district_code: "E06000016",
        district_name: "Leicester",
        year: 2018,
        month: 7,
        first_day: 1,
        last_day: 31,
        extra_reports: 30,
    },
    Spike {
        name: "Ransomware attacks on small businesses in Charnwood",
        issue_tag: "ransomware",
        district_code: "E07000130",
        district_name: "Charnwood",
        year: 2019,
        month: 3,
        first_day: 4,
        last_day: 22,
        extra_reports: 12,
    },
];

/// The spikes planted in the demo data.
pub fn planted_spikes() -> &'static [Spike] {
    &SPIKES
}

/// Reports planned for one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MonthPlan {
    /// Year.
    pub year: i32,
    /// Month, 0 = January.
    pub month0: u8,
    /// Ordinary fraud reports.
    pub fraud: u64,
    /// Ordinary cyber crime reports.
    pub cyber: u64,
    /// Spike reports: (index into [`SPIKES`], count).
    pub spikes: Vec<(usize, u64)>,
}

impl MonthPlan {
    /// All reports planned in the month.
    pub(crate) fn total(&self) -> u64 {
        self.fraud + self.cyber + self.spikes.iter().map(|(_, n)| n).sum::<u64>()
    }
}

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Every month of the configured years, in order.
    pub months: Vec<MonthPlan>,
    /// True when the calibration windows are pinned and must be calibrated.
    pub calibrated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Fraud,
    Cyber,
    Spike(usize),
}

#[derive(Debug, Clone)]
struct Cell {
    month: usize,
    kind: Kind,
    natural: f64,
    count: u64,
    pinned: bool,
}

fn spike_category(spike: &Spike) -> Category {
    if spike.issue_tag == "courier" {
        Category::Fraud
    } else {
        Category::Cyber
    }
}

/// Share of a year's reports that fall in a month.
fn month_share(year: i32, month0: usize) -> f64 {
    let weight = |m: usize| {
        let month = time::Month::try_from(m as u8 + 1).expect("months are 1-12");
        SEASON[m] * f64::from(time::util::days_in_month(month, year))
    };
    weight(month0) / (0..12).map(weight).sum::<f64>()
}

/// True when a window covers the month.
fn in_window(window: &CalibrationWindow, year: i32, month0: u8) -> bool {
    let month = (year, month0 + 1);
    (window.from.year(), u8::from(window.from.month())) <= month
        && month <= (window.to.year(), u8::from(window.to.month()))
}

/// Builds the plan for a configuration (already validated).
pub(crate) fn build(config: &DemoConfig) -> Plan {
    let mut rng = stream(config.seed, STREAM_PLAN);
    let mut months = Vec::new();
    let mut cells = Vec::new();
    for year in config.first_year..=config.last_year {
        let offset = year - 2017;
        let fraud_year = FRAUD_PER_YEAR_2017 * FRAUD_GROWTH.powi(offset);
        let cyber_year = CYBER_PER_YEAR_2017 * CYBER_GROWTH.powi(offset);
        for month0 in 0..12u8 {
            let month = months.len();
            months.push(MonthPlan {
                year,
                month0,
                fraud: 0,
                cyber: 0,
                spikes: Vec::new(),
            });
            let share = month_share(year, usize::from(month0));
            for (kind, mean) in [
                (Kind::Fraud, fraud_year * share),
                (Kind::Cyber, cyber_year * share),
            ] {
                let count = noisy_count(&mut rng, mean);
                cells.push(Cell {
                    month,
                    kind,
                    natural: count as f64,
                    count,
                    pinned: false,
                });
            }
            for (index, spike) in SPIKES.iter().enumerate() {
                if spike.year == year && spike.month == month0 + 1 {
                    let count = spike.extra_reports;
                    cells.push(Cell {
                        month,
                        kind: Kind::Spike(index),
                        natural: count as f64,
                        count,
                        pinned: false,
                    });
                }
            }
        }
    }
    let can_calibrate = (config.first_year..=config.last_year).contains(&2017);
    if can_calibrate {
        for window in calibration_windows() {
            pin(&mut cells, &months, &window);
        }
    }
    let mut calibrated = can_calibrate;
    if let Some(rows) = config.rows {
        let target = rows - u64::from(config.bad_rows) - u64::from(config.duplicate_rows);
        let total: u64 = cells.iter().map(|c| c.count).sum();
        let pinned: u64 = cells.iter().filter(|c| c.pinned).map(|c| c.count).sum();
        let near = (target as f64 - total as f64).abs() <= CALIBRATION_TOLERANCE * total as f64;
        let free: Vec<usize> = (0..cells.len()).filter(|&i| !cells[i].pinned).collect();
        if calibrated && near && target >= pinned && !free.is_empty() {
            let weights: Vec<f64> = free.iter().map(|&i| cells[i].natural).collect();
            for (&i, count) in free.iter().zip(apportion(&weights, target - pinned)) {
                cells[i].count = count;
            }
        } else {
            calibrated = false;
            let weights: Vec<f64> = cells.iter().map(|c| c.natural).collect();
            for (cell, count) in cells.iter_mut().zip(apportion(&weights, target)) {
                cell.count = count;
            }
        }
    }
    for cell in cells {
        let month = &mut months[cell.month];
        match cell.kind {
            Kind::Fraud => month.fraud = cell.count,
            Kind::Cyber => month.cyber = cell.count,
            Kind::Spike(index) => month.spikes.push((index, cell.count)),
        }
    }
    Plan { months, calibrated }
}

/// Sets the ordinary cells of a window's family so the window holds exactly its count.
fn pin(cells: &mut [Cell], months: &[MonthPlan], window: &CalibrationWindow) {
    let inside = |cell: &Cell| {
        let month = &months[cell.month];
        in_window(window, month.year, month.month0)
    };
    let spike_rows: u64 = cells
        .iter()
        .filter(|c| inside(c))
        .filter_map(|c| match c.kind {
            Kind::Spike(i) if spike_category(&SPIKES[i]) == window.category => Some(c.count),
            _ => None,
        })
        .sum();
    let wanted = match window.category {
        Category::Fraud => Kind::Fraud,
        Category::Cyber => Kind::Cyber,
    };
    let chosen: Vec<usize> = (0..cells.len())
        .filter(|&i| cells[i].kind == wanted && inside(&cells[i]))
        .collect();
    let weights: Vec<f64> = chosen.iter().map(|&i| cells[i].natural).collect();
    let counts = apportion(&weights, window.reports.saturating_sub(spike_rows));
    for (&i, count) in chosen.iter().zip(counts) {
        cells[i].count = count;
        cells[i].pinned = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window_total(plan: &Plan, window: &CalibrationWindow) -> u64 {
        plan.months
            .iter()
            .filter(|m| in_window(window, m.year, m.month0))
            .map(|m| match window.category {
                Category::Fraud => m.fraud,
                Category::Cyber => m.cyber,
            })
            .sum()
    }

    #[test]
    fn windows_are_pinned_for_any_seed() {
        for seed in 0..20 {
            let plan = build(&DemoConfig {
                seed,
                ..DemoConfig::default()
            });
            assert!(plan.calibrated);
            assert_eq!(plan.months.len(), 60);
            for window in calibration_windows() {
                assert_eq!(window_total(&plan, &window), window.reports);
            }
        }
    }

    #[test]
    fn natural_volumes_are_plausible() {
        let plan = build(&DemoConfig::default());
        for year in 2015..=2019 {
            let months = plan.months.iter().filter(|m| m.year == year);
            let fraud: u64 = months.clone().map(|m| m.fraud).sum();
            let cyber: u64 = months.map(|m| m.cyber).sum();
            assert!((8_500..=10_500).contains(&fraud), "{year}: {fraud}");
            assert!((230..=370).contains(&cyber), "{year}: {cyber}");
        }
    }

    #[test]
    fn rows_are_scaled_exactly() {
        for rows in [0, 1, 999, 48_000, 1_000_000] {
            let config = DemoConfig {
                rows: Some(rows),
                ..DemoConfig::default()
            };
            let plan = build(&config);
            assert_eq!(plan.months.iter().map(MonthPlan::total).sum::<u64>(), rows);
        }
        let near = build(&DemoConfig {
            rows: Some(49_000),
            ..DemoConfig::default()
        });
        assert!(near.calibrated);
        for window in calibration_windows() {
            assert_eq!(window_total(&near, &window), window.reports);
        }
        assert!(
            !build(&DemoConfig {
                rows: Some(1_000_000),
                ..DemoConfig::default()
            })
            .calibrated
        );
    }

    #[test]
    fn spikes_lie_outside_the_calibration_windows() {
        for spike in SPIKES {
            for window in calibration_windows() {
                assert!(
                    !in_window(&window, spike.year, spike.month - 1),
                    "{}",
                    spike.name
                );
            }
            assert!(spike.first_day >= 1 && spike.first_day <= spike.last_day);
        }
    }
}
