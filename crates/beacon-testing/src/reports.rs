//! Reports for tests: one with everything optional left unknown, for a test to fill in
//! what it is about.

use beacon_core::{Category, Report, VictimType};
use time::Date;

/// A report of a person on `reported_on`, fraud type `NFIB1A`, with every optional field
/// unknown (no age, loss, district, flags or key), so a test sets only what it checks.
pub fn blank_report(reference: &str, reported_on: Date) -> Report {
    Report {
        reference: reference.to_owned(),
        reported_on,
        offence_on: None,
        fraud_type: "NFIB1A".to_owned(),
        category: Category::Fraud,
        victim_type: VictimType::Individual,
        victim_age: None,
        age_band: None,
        victim_gender: None,
        contact_method: None,
        org_sector: None,
        org_size: None,
        postcode: None,
        district: None,
        loss: None,
        cyber_enabled: None,
        vulnerable: None,
        repeat_victim: None,
        victim_key: None,
        tags: Vec::new(),
        local_issues: Vec::new(),
        summary: None,
    }
}
