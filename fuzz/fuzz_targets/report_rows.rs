//! Fuzz target: arbitrary bytes through the report CSV reader never panic, and every row
//! is accounted for: reports + rejections equals the rows an independent count finds
//! (the CSV records after the header that are not blank, read by the `csv` crate from
//! the same decoded text), each at a later line than the one before.
#![no_main]

use beacon_core::{Districts, Taxonomy};
use beacon_ingest::ReportReader;
use beacon_ingest::reference::{
    SHIPPED_AREA_NAME, SHIPPED_DISTRICTS, SHIPPED_FRAUD_TYPES, parse_districts, parse_fraud_types,
};
use beacon_ingest::reports::{ReportRules, RowOutcome};
use beacon_ingest::text_input::decode_text;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

/// The shipped reference data, read once rather than for every input.
static REFERENCE: LazyLock<(Taxonomy, Districts)> = LazyLock::new(|| {
    (
        Taxonomy::new(parse_fraud_types(SHIPPED_FRAUD_TYPES).expect("shipped types")),
        parse_districts(SHIPPED_DISTRICTS, SHIPPED_AREA_NAME).expect("shipped districts"),
    )
});

/// The rows after the header that are not blank, counted without Beacon's reader: the
/// `csv` crate over the decoded text. `None` when the text cannot be decoded.
fn countable_rows(bytes: &[u8]) -> Option<u64> {
    let (text, _) = decode_text(Box::new(std::io::Cursor::new(bytes.to_vec()))).ok()?;
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text);
    let mut record = csv::ByteRecord::new();
    let (mut header, mut rows) = (true, 0);
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => return Some(rows),
            Ok(true) if std::mem::take(&mut header) => {}
            Ok(true) => {
                if !record
                    .iter()
                    .all(|field| field.iter().all(u8::is_ascii_whitespace))
                {
                    rows += 1;
                }
            }
            // A row the CSV layer cannot read is still a row, and Beacon rejects it.
            Err(_) => rows += 1,
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (taxonomy, districts) = &*REFERENCE;
    let rules = ReportRules {
        taxonomy,
        districts,
        today: time::macros::date!(2026 - 11 - 29),
    };
    // With the real header first, so rows reach the field parsers…
    let mut with_header = b"reference,reported_date,fraud_type,victim_type,offence_date,victim_age,victim_gender,postcode,district_code,loss_gbp,cyber_enabled,tags,summary\n".to_vec();
    with_header.extend_from_slice(data);
    // …and raw, so the header and encoding checks are fuzzed too.
    for input in [with_header, data.to_vec()] {
        let Ok(mut reader) = ReportReader::open(Box::new(std::io::Cursor::new(input.clone())))
        else {
            continue;
        };
        let (mut outcomes, mut last_line) = (0u64, 1u64);
        while let Some(outcome) = reader.next_row(&rules) {
            let line = match &outcome {
                RowOutcome::Report(_, line) => *line,
                RowOutcome::Rejected(row) => row.line,
            };
            assert!(
                line > last_line,
                "row at line {line} after line {last_line}"
            );
            last_line = line;
            outcomes += 1;
        }
        let expected = countable_rows(&input).expect("a file the reader opened decodes");
        assert_eq!(
            outcomes, expected,
            "reports + rejections must equal the file's rows"
        );
    }
});
