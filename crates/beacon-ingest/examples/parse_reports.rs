//! Times the report parser alone (no store) on a CSV file, to see how much of an ingest
//! is parsing: `cargo run --release -p beacon-ingest --example parse_reports -- FILE`.

#![allow(clippy::print_stdout)]

use beacon_core::Taxonomy;
use beacon_ingest::ReportReader;
use beacon_ingest::reference::{
    SHIPPED_AREA_NAME, SHIPPED_DISTRICTS, SHIPPED_FRAUD_TYPES, SHIPPED_RULES, parse_districts,
    parse_fraud_types, parse_rules,
};
use beacon_ingest::reports::{ReportRules, RowOutcome};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: parse_reports FILE")?;
    let taxonomy = Taxonomy::new(parse_fraud_types(SHIPPED_FRAUD_TYPES)?);
    let districts = parse_districts(SHIPPED_DISTRICTS, SHIPPED_AREA_NAME)?;
    let issues = parse_rules(SHIPPED_RULES)?.matcher();
    let rules = ReportRules {
        taxonomy: &taxonomy,
        districts: &districts,
        today: time::OffsetDateTime::now_utc().date(),
    };
    let started = std::time::Instant::now();
    let file = std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(&path)?);
    let mut reader = ReportReader::open(Box::new(file))?;
    let (mut reports, mut rejected, mut tagged) = (0u64, 0u64, 0u64);
    while let Some(row) = reader.next_row(&rules) {
        match row {
            RowOutcome::Report(report, _) => {
                reports += 1;
                let found =
                    issues.classify(&report.fraud_type, &report.tags, report.summary.as_deref());
                tagged += u64::from(!found.is_empty());
            }
            RowOutcome::Rejected(_) => rejected += 1,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{reports} reports, {rejected} rejected, {tagged} tagged in {seconds:.2} s ({:.0} rows/s)",
        (reports + rejected) as f64 / seconds
    );
    Ok(())
}
