//! Fuzz target: arbitrary bytes through the report CSV reader never panic, and every row
//! comes back as a report or a rejection.
#![no_main]

use beacon_core::Taxonomy;
use beacon_ingest::ReportReader;
use beacon_ingest::reference::{
    SHIPPED_AREA_NAME, SHIPPED_DISTRICTS, SHIPPED_FRAUD_TYPES, parse_districts, parse_fraud_types,
};
use beacon_ingest::reports::ReportRules;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let taxonomy = Taxonomy::new(parse_fraud_types(SHIPPED_FRAUD_TYPES).expect("shipped types"));
    let districts = parse_districts(SHIPPED_DISTRICTS, SHIPPED_AREA_NAME).expect("shipped districts");
    let rules = ReportRules {
        taxonomy: &taxonomy,
        districts: &districts,
        today: time::macros::date!(2026 - 11 - 29),
    };
    // With the real header first, so rows reach the field parsers…
    let mut with_header = b"reference,reported_date,fraud_type,victim_type,offence_date,victim_age,victim_gender,postcode,district_code,loss_gbp,cyber_enabled,tags,summary\n".to_vec();
    with_header.extend_from_slice(data);
    // …and raw, so the header and encoding checks are fuzzed too.
    for input in [with_header, data.to_vec()] {
        if let Ok(mut reader) = ReportReader::open(Box::new(std::io::Cursor::new(input))) {
            while reader.next_row(&rules).is_some() {}
        }
    }
});
