//! The two calibrated windows from the partnership's board update of 15 June 2018, and
//! how a window's generated rows are made to match them exactly.
//!
//! The plan already gives each window exactly its number of reports. Once the window's
//! rows exist (held in memory: about 7,000 rows), `calibrate` rescales their losses
//! to the target total and, for fraud, flips just enough `cyber_enabled` flags.
//! Losses under £250 are left alone; only the part of each larger loss above £250 is
//! scaled, so the "58% under £250" shape survives.

use crate::row::Row;
use crate::sampling::{STREAM_CALIBRATION, stream};
use crate::world::World;
use beacon_core::Category;
use rand::Rng;
use rand::seq::SliceRandom;
use serde::Serialize;
use time::Date;
use time::macros::date;

/// Where the calibration figures come from.
pub const BOARD_UPDATE: &str = "Leicester, Leicestershire and Rutland cyber crime and fraud \
    partnership, board update of 15 June 2018";

/// A period whose generated figures are fixed to a published figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CalibrationWindow {
    /// Plain-words name.
    pub name: &'static str,
    /// Which family is counted: fraud (non-computer-misuse types) or cyber crime.
    pub category: Category,
    /// First reported date included.
    pub from: Date,
    /// Last reported date included.
    pub to: Date,
    /// Exact number of distinct valid reports of the family reported in the window.
    pub reports: u64,
    /// Exact total loss generated, in pence.
    pub loss_pence: i64,
    /// The published loss as stated, e.g. "£3.6m".
    pub loss_published: &'static str,
    /// Loss totals that round to the published figure: `[low, high)` in pence.
    pub loss_band_pence: (i64, i64),
    /// Exact number of the reports with `cyber_enabled = Y`, when the figure is published.
    pub cyber_enabled: Option<u64>,
    /// The published statement.
    pub source: &'static str,
}

impl CalibrationWindow {
    /// True when a reported date falls inside the window.
    pub fn contains(&self, reported: Date) -> bool {
        self.from <= reported && reported <= self.to
    }
}

/// Fraud in January–June 2017: 4,726 reports, £3.6m lost, 59% cyber-enabled.
pub const FRAUD_WINDOW: CalibrationWindow = CalibrationWindow {
    name: "Fraud reports, 1 January to 30 June 2017",
    category: Category::Fraud,
    from: date!(2017 - 01 - 01),
    to: date!(2017 - 06 - 30),
    reports: 4_726,
    loss_pence: 360_000_000,
    loss_published: "£3.6m",
    loss_band_pence: (355_000_000, 365_000_000),
    // round(0.59 × 4,726) = 2,788, which is 58.99%: rounds to 59%.
    cyber_enabled: Some(2_788),
    source: "4,726 fraud reports in Leicestershire in January–June 2017 with £3.6m lost, \
        59% enabled by a digital device (board update, 15 June 2018)",
};

/// Cyber crime in April–September 2017: 146 reports, £110k lost.
pub const CYBER_WINDOW: CalibrationWindow = CalibrationWindow {
    name: "Cyber crimes, 1 April to 30 September 2017",
    category: Category::Cyber,
    from: date!(2017 - 04 - 01),
    to: date!(2017 - 09 - 30),
    reports: 146,
    loss_pence: 11_000_000,
    loss_published: "£110k",
    loss_band_pence: (10_950_000, 11_050_000),
    cyber_enabled: None,
    source: "146 cyber crimes April–September 2017 with £110k lost (board update, 15 June 2018)",
};

/// The two calibrated windows, fraud first.
pub fn calibration_windows() -> [CalibrationWindow; 2] {
    [FRAUD_WINDOW, CYBER_WINDOW]
}

/// The first and last day any window covers: the rows of these months are held in
/// memory together and calibrated before they are written.
pub(crate) fn span() -> (Date, Date) {
    let windows = calibration_windows();
    let from = windows
        .iter()
        .map(|w| w.from)
        .min()
        .unwrap_or(FRAUD_WINDOW.from);
    let to = windows
        .iter()
        .map(|w| w.to)
        .max()
        .unwrap_or(FRAUD_WINDOW.to);
    (from, to)
}

/// Losses from this amount up are rescaled (only the part above it).
const SCALE_FROM_PENCE: i64 = 25_000;

/// Makes the rows of every window match its figures exactly.
pub(crate) fn calibrate(months: &mut [Vec<Row>], world: &World, seed: u64) {
    let mut rng = stream(seed, STREAM_CALIBRATION);
    for window in calibration_windows() {
        let mut rows: Vec<&mut Row> = months
            .iter_mut()
            .flatten()
            .filter(|row| {
                window.contains(row.reported) && world.category(row.profile) == window.category
            })
            .collect();
        debug_assert_eq!(rows.len() as u64, window.reports);
        scale_losses(&mut rows, window.loss_pence);
        if let Some(target) = window.cyber_enabled {
            fix_flags(&mut rows, target, world, &mut rng);
        }
    }
}

/// Rescales losses so they sum to exactly `target` pence.
pub(crate) fn scale_losses(rows: &mut [&mut Row], target: i64) {
    if rows.is_empty() {
        return;
    }
    let small: i64 = rows
        .iter()
        .filter_map(|row| row.loss)
        .filter(|&loss| loss < SCALE_FROM_PENCE)
        .sum();
    let big: Vec<i64> = rows
        .iter()
        .filter_map(|row| row.loss)
        .filter(|&loss| loss >= SCALE_FROM_PENCE)
        .collect();
    let excess: i64 = big.iter().map(|loss| loss - SCALE_FROM_PENCE).sum();
    let wanted_excess = target - small - SCALE_FROM_PENCE * big.len() as i64;
    if excess > 0 && wanted_excess >= 0 {
        let factor = wanted_excess as f64 / excess as f64;
        for row in rows.iter_mut() {
            if let Some(loss) = row.loss.filter(|&loss| loss >= SCALE_FROM_PENCE) {
                let scaled = ((loss - SCALE_FROM_PENCE) as f64 * factor).round() as i64;
                row.loss = Some(SCALE_FROM_PENCE + scaled);
            }
        }
    } else {
        // Unusual: no large losses, or far too many. Scale every positive loss instead.
        let total: i64 = rows.iter().filter_map(|row| row.loss).sum();
        if total > 0 {
            let factor = target as f64 / total as f64;
            for row in rows.iter_mut() {
                if let Some(loss) = row.loss {
                    row.loss = Some((loss as f64 * factor).round() as i64);
                }
            }
        }
    }
    // Put the rounding difference (or, if nothing was lost at all, the whole target)
    // on the largest loss.
    let total: i64 = rows.iter().filter_map(|row| row.loss).sum();
    let largest = (0..rows.len())
        .max_by_key(|&i| (rows[i].loss.unwrap_or(-1), std::cmp::Reverse(i)))
        .unwrap_or(0);
    let current = rows[largest].loss.unwrap_or(0);
    rows[largest].loss = Some((current + target - total).max(0));
}

/// Flips `cyber_enabled` on as few rows as needed so exactly `target` rows have it,
/// preferring types where either answer is plausible.
fn fix_flags<R: Rng>(rows: &mut [&mut Row], target: u64, world: &World, rng: &mut R) {
    let current = rows.iter().filter(|row| row.cyber_enabled).count() as u64;
    let (from, needed) = if current > target {
        (true, current - target)
    } else {
        (false, target - current)
    };
    let mut candidates: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].cyber_enabled == from)
        .collect();
    candidates.shuffle(rng);
    let plausibility = |i: usize| {
        let chance = world.profile(rows[i].profile).cyber_enabled;
        u8::from(!(0.1..=0.9).contains(&chance)) + u8::from(!(0.03..=0.97).contains(&chance))
    };
    candidates.sort_by_key(|&i| plausibility(i));
    for &i in candidates
        .iter()
        .take(usize::try_from(needed).unwrap_or(usize::MAX))
    {
        rows[i].cyber_enabled = !from;
    }
}
