//! Beacon's demo data: a seeded generator of clearly labelled **synthetic** fraud and
//! cyber crime reports for Leicester, Leicestershire and Rutland, as a report CSV.
//!
//! Nothing here is real. Every summary begins `SYNTHETIC:`; postcodes are real LLR
//! postcodes chosen at random, victims are pseudonymous keys. The data is shaped by
//! public figures so that dashboards look plausible, and two windows are calibrated
//! exactly to the partnership's board update of 15 June 2018 (see [`calibration`]).
//! `docs/demo-data.md` describes every figure and its source.
//!
//! ```no_run
//! let config = beacon_demo::DemoConfig::default();
//! let file = std::fs::File::create("demo.csv")?;
//! let expected = beacon_demo::generate(&config, std::io::BufWriter::new(file))?;
//! assert!(expected.by_year[&2017].fraud.reports > 9_000);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The output is deterministic: the same configuration gives byte-identical output on
//! the same platform. Rows are made month by month and written as they are made, so
//! memory stays flat however many rows are asked for.

pub mod advisories;
pub mod calibration;
pub mod campaigns;
pub mod care;
pub mod contacts;
pub mod engagement;
pub mod front_door;
mod people;
mod places;
mod plan;
mod profiles;
pub mod readiness;
mod reference;
pub mod register;
mod row;
mod sampling;
mod world;
mod writer;

pub use calibration::{CYBER_WINDOW, CalibrationWindow, FRAUD_WINDOW, calibration_windows};
pub use plan::{SPIKES, Spike, planted_spikes};
pub use register::{RegisterDemo, RegisterExpected, generate_register};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;

/// The report CSV header, exactly as written.
pub const HEADER: [&str; 19] = [
    "reference",
    "reported_date",
    "offence_date",
    "fraud_type",
    "victim_type",
    "victim_age",
    "victim_gender",
    "contact_method",
    "org_sector",
    "org_size",
    "postcode",
    "district_code",
    "loss_gbp",
    "cyber_enabled",
    "vulnerable",
    "repeat_victim",
    "victim_key",
    "tags",
    "summary",
];

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoConfig {
    /// Seed for every random choice; the same config always gives the same file.
    pub seed: u64,
    /// First year of reported dates (2000–2099).
    pub first_year: i32,
    /// Last year of reported dates (2000–2099, not before `first_year`).
    pub last_year: i32,
    /// Exact number of data rows to write, for benchmarks; `None` gives the natural
    /// volume (about 9,500 fraud reports and 300 cyber crimes a year). Calibration is
    /// kept only when the good rows asked for are within 10% of the natural volume.
    pub rows: Option<u64>,
    /// Deliberately malformed rows to mix in (a correct ingest rejects them).
    pub bad_rows: u32,
    /// Exact repeats of earlier good rows to mix in (a correct ingest stores them once).
    pub duplicate_rows: u32,
}

impl Default for DemoConfig {
    /// Seed 1, years 2015 to 2019, natural volume, no bad or duplicate rows.
    fn default() -> Self {
        DemoConfig {
            seed: 1,
            first_year: 2015,
            last_year: 2019,
            rows: None,
            bad_rows: 0,
            duplicate_rows: 0,
        }
    }
}

/// Counts for one family (fraud or cyber crime) in one year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Distinct valid reports.
    pub reports: u64,
    /// Sum of losses in pence (an empty, unknown loss counts as zero).
    pub loss_pence: i64,
    /// Reports with `cyber_enabled = Y`.
    pub cyber_enabled: u64,
}

/// A year's totals for fraud and for cyber crime.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct YearTotals {
    /// Fraud: every type that is not computer misuse.
    pub fraud: Totals,
    /// Cyber crime: the computer-misuse types.
    pub cyber: Totals,
}

/// What a correct ingest of the generated file should find, counted from what was
/// actually written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Expected {
    /// Data rows in the file (excluding the header).
    pub rows_written: u64,
    /// Distinct valid reports: what a correct ingest stores.
    pub good_rows: u64,
    /// Exact repeats of earlier rows (same reference).
    pub duplicate_rows: u64,
    /// Deliberately malformed rows: what a correct ingest rejects.
    pub bad_rows: u64,
    /// Totals of the good rows by reported year (every configured year is present).
    pub by_year: BTreeMap<i32, YearTotals>,
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

fn validate(config: &DemoConfig) -> io::Result<()> {
    if !(2000..=2099).contains(&config.first_year) || !(2000..=2099).contains(&config.last_year) {
        return Err(invalid(format!(
            "years {}–{} are outside 2000–2099 (references carry a two-digit year)",
            config.first_year, config.last_year
        )));
    }
    if config.first_year > config.last_year {
        return Err(invalid(format!(
            "the first year {} is after the last year {}",
            config.first_year, config.last_year
        )));
    }
    if let Some(rows) = config.rows {
        let noise = u64::from(config.bad_rows) + u64::from(config.duplicate_rows);
        let needed = noise + u64::from(config.duplicate_rows > 0);
        if rows < needed {
            return Err(invalid(format!(
                "{rows} rows cannot hold {} bad and {} duplicate rows (duplicates need at least one good row)",
                config.bad_rows, config.duplicate_rows
            )));
        }
    }
    Ok(())
}

/// Writes a synthetic report CSV (header and rows) and returns what it holds.
///
/// Errors: `InvalidInput` for an impossible configuration, or any write error.
pub fn generate<W: io::Write>(config: &DemoConfig, out: W) -> io::Result<Expected> {
    validate(config)?;
    let world = world::world();
    let plan = plan::build(config);
    let good: u64 = plan.months.iter().map(plan::MonthPlan::total).sum();
    let mut output = writer::Output::start(
        out,
        world,
        config.seed,
        (config.first_year, config.last_year),
        good,
        u64::from(config.bad_rows),
        u64::from(config.duplicate_rows),
    )?;
    let mut maker = row::Maker::new(world, config.seed);
    let (span_from, span_to) = calibration::span();
    let held = |year: i32, month0: u8| {
        let month = (year, month0 + 1);
        (span_from.year(), u8::from(span_from.month())) <= month
            && month <= (span_to.year(), u8::from(span_to.month()))
    };
    let mut block: Vec<Vec<row::Row>> = Vec::new();
    for (index, month) in plan.months.iter().enumerate() {
        let rows = maker.month(month);
        if plan.calibrated && held(month.year, month.month0) {
            block.push(rows);
            let next_held = plan
                .months
                .get(index + 1)
                .is_some_and(|m| held(m.year, m.month0));
            if !next_held {
                calibration::calibrate(&mut block, world, config.seed);
                for rows in block.drain(..) {
                    output.month(&rows)?;
                }
            }
        } else {
            output.month(&rows)?;
        }
    }
    output.finish()
}
