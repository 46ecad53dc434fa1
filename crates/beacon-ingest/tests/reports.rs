//! The report CSV parser against the bad-input corpus and the encodings users meet.

use beacon_core::Report;
use beacon_core::{Districts, Taxonomy};
use beacon_ingest::reference::{
    SHIPPED_AREA_NAME, SHIPPED_DISTRICTS, SHIPPED_FRAUD_TYPES, parse_districts, parse_fraud_types,
};
use beacon_ingest::reports::{ReportRules, RowOutcome};
use beacon_ingest::{HeaderError, ReportReader, RowError};
use time::macros::date;

struct Reference {
    taxonomy: Taxonomy,
    districts: Districts,
}

fn reference() -> Reference {
    Reference {
        taxonomy: Taxonomy::new(parse_fraud_types(SHIPPED_FRAUD_TYPES).expect("shipped types")),
        districts: parse_districts(SHIPPED_DISTRICTS, SHIPPED_AREA_NAME)
            .expect("shipped districts"),
    }
}

/// Reads every row of a file: the valid reports and the rejected rows.
fn read(bytes: &[u8]) -> Result<(Vec<Report>, Vec<RowError>), HeaderError> {
    let reference = reference();
    let rules = ReportRules {
        taxonomy: &reference.taxonomy,
        districts: &reference.districts,
        today: date!(2026 - 11 - 29),
    };
    let mut reader = ReportReader::open(Box::new(std::io::Cursor::new(bytes.to_vec())))?;
    let (mut reports, mut rejected) = (Vec::new(), Vec::new());
    while let Some(row) = reader.next_row(&rules) {
        match row {
            RowOutcome::Report(report, _) => reports.push(*report),
            RowOutcome::Rejected(error) => rejected.push(error),
        }
    }
    Ok((reports, rejected))
}

const HEADER: &str = "reference,reported_date,fraud_type,victim_type,loss_gbp,postcode,victim_age";

#[test]
fn a_good_file_gives_every_report() {
    let text = format!(
        "{HEADER}\nNFRC1,2017-01-05,NFIB5A,individual,£1,234.50,LE1 5WW,84\nnfrc2,05/01/2017,Dating scam,person,,,\n"
    );
    // "£1,234.50" is unquoted, so the comma splits it: that row is ragged and rejected.
    let (reports, rejected) = read(text.as_bytes()).expect("header");
    assert_eq!(reports.len(), 1);
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].line, 2);
    assert!(
        rejected[0].reason.contains("8 fields but the header has 7"),
        "{}",
        rejected[0].reason
    );
    let report = &reports[0];
    assert_eq!(report.reference, "NFRC2");
    assert_eq!(report.fraud_type, "dating-scam");
    assert_eq!(report.loss, None, "an empty loss is unknown, not zero");
}

#[test]
fn quoted_fields_hold_commas_and_newlines() {
    let text = format!(
        "{HEADER},summary\r\nNFRC1,2017-01-05,nfib5a,individual,\"£1,234.50\",LE1 5WW,84,\"Caller said \"\"police\"\",\nsent a courier\"\r\n"
    );
    let (reports, rejected) = read(text.as_bytes()).expect("header");
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(reports[0].loss, Some(beacon_core::Pence(123_450)));
    assert_eq!(reports[0].fraud_type, "NFIB5A");
    assert_eq!(
        reports[0].summary.as_deref(),
        Some("Caller said \"police\",\nsent a courier")
    );
}

#[test]
fn header_aliases_match_ignoring_case_spaces_and_punctuation() {
    let text = "Crime Reference Number,Date Reported,NFIB Code,Victim-Type,Amount Lost,Extra Column\nNFRC9,2017-02-01,NFIB52B,business,10,x\n";
    let reference = reference();
    let rules = ReportRules {
        taxonomy: &reference.taxonomy,
        districts: &reference.districts,
        today: date!(2026 - 11 - 29),
    };
    let mut reader = ReportReader::open(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())))
        .expect("header");
    assert_eq!(reader.ignored_columns(), ["Extra Column"]);
    let Some(RowOutcome::Report(report, line)) = reader.next_row(&rules) else {
        panic!("expected a report");
    };
    assert_eq!(line, 2);
    assert_eq!(report.category, beacon_core::Category::Cyber);
    assert_eq!(report.victim_type, beacon_core::VictimType::Organisation);
}

#[test]
fn an_empty_file_is_refused_plainly() {
    let error = read(b"").expect_err("empty");
    assert!(matches!(error, HeaderError::Empty));
    assert!(error.to_string().contains("the file is empty"));
}

#[test]
fn a_header_only_file_has_no_rows() {
    let (reports, rejected) = read(format!("{HEADER}\n").as_bytes()).expect("header");
    assert!(reports.is_empty() && rejected.is_empty());
}

#[test]
fn a_missing_required_column_is_named() {
    let error = read(b"reference,reported_date,victim_type\nA,2017-01-01,individual\n")
        .expect_err("missing");
    assert!(
        error.to_string().contains("no column for fraud_type"),
        "{error}"
    );
}

#[test]
fn a_repeated_column_is_refused() {
    let error =
        read(b"reference,ref,reported_date,fraud_type,victim_type\n").expect_err("repeated");
    assert!(error.to_string().contains("reference twice"), "{error}");
}

#[test]
fn bad_values_are_rejected_with_reasons_and_raw_text() {
    let text = format!(
        "{HEADER}\n\
         A1,31/02/2017,NFIB5A,individual,10,,\n\
         A2,2017-01-01,NFIB5A,individual,-50.00,,\n\
         A3,2017-01-01,NFIB5A,individual,lots,,\n\
         A4,2017-01-01,Banana fraud,individual,1,,\n\
         A5,2017-01-01,NFIB5A,alien,1,,\n\
         A6,2017-01-01,NFIB5A,individual,1,,130\n\
         A7,2017-01-01,NFIB5A,individual,1,not a postcode,\n\
         ,2017-01-01,NFIB5A,individual,1,,\n\
         A9,2099-01-01,NFIB5A,individual,1,,\n\
         A10,2017-01-01,NFIB5A\n\
         A11,2017-01-01,NFIB5A,individual,1,,,extra\n"
    );
    let (reports, rejected) = read(text.as_bytes()).expect("header");
    assert!(reports.is_empty(), "{reports:?}");
    let reasons: Vec<(u64, &str)> = rejected
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    let expect = [
        (2, "is not a real date"),
        (3, "cannot be negative"),
        (4, "not an amount of money"),
        (5, "neither an NFIB code"),
        (6, "not individual or organisation"),
        (7, "not between 0 and 120"),
        (8, "not a UK postcode"),
        (9, "reference is empty"),
        (10, "in the future"),
        (11, "3 fields but the header has 7"),
        (12, "8 fields but the header has 7"),
    ];
    assert_eq!(reasons.len(), expect.len(), "{reasons:?}");
    for ((line, reason), (want_line, want)) in reasons.iter().zip(expect) {
        assert_eq!(*line, want_line);
        assert!(
            reason.contains(want),
            "line {line}: '{reason}' should say '{want}'"
        );
    }
    assert_eq!(rejected[0].raw, "A1,31/02/2017,NFIB5A,individual,10,,");
}

#[test]
fn every_problem_of_a_row_is_listed_at_once() {
    let text = format!("{HEADER}\nA1,31/02/2017,Banana,alien,-1,,\n");
    let (_, rejected) = read(text.as_bytes()).expect("header");
    let reason = &rejected[0].reason;
    for part in [
        "not a real date",
        "neither an NFIB code",
        "not individual",
        "negative",
    ] {
        assert!(reason.contains(part), "'{reason}' should mention '{part}'");
    }
}

#[test]
fn a_utf8_byte_order_mark_and_crlf_are_read() {
    let text = format!("\u{feff}{HEADER}\r\nA1,2017-01-01,NFIB5A,individual,1,,\r\n");
    let (reports, rejected) = read(text.as_bytes()).expect("header");
    assert_eq!((reports.len(), rejected.len()), (1, 0));
}

#[test]
fn a_windows_1252_file_is_read_correctly() {
    let mut bytes = format!("{HEADER},summary\nA1,2017-01-01,NFIB5A,individual,\"").into_bytes();
    bytes.extend_from_slice(b"\xA3250\",,,Caf\xE9 owner\n");
    let (reports, rejected) = read(&bytes).expect("header");
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(reports[0].loss, Some(beacon_core::Pence(25_000)));
    assert_eq!(reports[0].summary.as_deref(), Some("Café owner"));
}

#[test]
fn a_bad_byte_late_in_a_utf8_file_loses_only_its_row() {
    let mut bytes = format!("{HEADER},summary\n").into_bytes();
    for index in 0..3000 {
        bytes.extend_from_slice(
            format!("R{index},2017-01-01,NFIB5A,individual,1,,,ok ünïcödé\n").as_bytes(),
        );
    }
    bytes.extend_from_slice(b"BAD,2017-01-01,NFIB5A,individual,1,,,Caf\xE9\n");
    let (reports, rejected) = read(&bytes).expect("header");
    assert_eq!(reports.len(), 3000);
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].line, 3002);
    assert!(
        rejected[0].reason.contains("not valid UTF-8"),
        "{}",
        rejected[0].reason
    );
}

#[test]
fn huge_fields_are_rejected_not_stored() {
    let text = format!(
        "{HEADER},summary\nA1,2017-01-01,NFIB5A,individual,1,,,{}\n",
        "x".repeat(2_000_000)
    );
    let (reports, rejected) = read(text.as_bytes()).expect("header");
    assert!(reports.is_empty());
    assert!(
        rejected[0].reason.contains("at most 10000"),
        "{}",
        rejected[0].reason
    );
    assert!(rejected[0].raw.len() < 17 * 1024, "raw text is cut");
}

#[test]
fn binary_garbage_is_refused() {
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let error = read(&garbage).expect_err("binary");
    assert!(error.to_string().contains("not a text file"), "{error}");
}

#[test]
fn a_district_outside_the_area_is_kept_as_unknown() {
    let text = "reference,reported_date,fraud_type,victim_type,district_code\nA1,2017-01-01,NFIB5A,individual,E09000001\nA2,2017-01-01,NFIB5A,individual,E06000016\n";
    let (reports, rejected) = read(text.as_bytes()).expect("header");
    assert!(rejected.is_empty());
    assert_eq!(reports[0].district, None);
    assert_eq!(
        reports[1].district.as_ref().map(|d| d.as_str()),
        Some("E06000016")
    );
}

#[test]
fn an_unknown_nfib_code_is_kept() {
    let text = format!("{HEADER}\nA1,2017-01-01,nfib99z,individual,1,,\n");
    let (reports, rejected) = read(text.as_bytes()).expect("header");
    assert!(rejected.is_empty());
    assert_eq!(reports[0].fraud_type, "NFIB99Z");
}

/// A report file whose middle row has the postcode `LE1 1A•X`, with the bullet as given.
fn file_with_a_bullet_in_a_postcode(bullet: &[u8]) -> Vec<u8> {
    let mut bytes =
        format!("{HEADER}\nA1,2017-01-01,NFIB5A,individual,1,LE1 5WW,40\n").into_bytes();
    bytes.extend_from_slice(b"A2,2017-01-02,NFIB5A,individual,2,LE1 1A");
    bytes.extend_from_slice(bullet);
    bytes.extend_from_slice(b"X,41\nA3,2017-01-03,NFIB5A,individual,3,LE1 5WW,42\n");
    bytes
}

/// The crash the `report_rows` fuzz target found: a non-ASCII character in a postcode
/// panicked the parser at a byte-index split. The row is quarantined and the rest load.
#[test]
fn a_non_ascii_postcode_is_quarantined_and_the_rest_of_the_file_loads() {
    for (encoding, bullet) in [("UTF-8", "•".as_bytes()), ("Windows-1252", &[0x95][..])] {
        let (reports, rejected) =
            read(&file_with_a_bullet_in_a_postcode(bullet)).expect("the header is good");
        let references: Vec<&str> = reports.iter().map(|r| r.reference.as_str()).collect();
        assert_eq!(references, ["A1", "A3"], "{encoding}");
        assert_eq!(rejected.len(), 1, "{encoding}: {rejected:?}");
        assert_eq!(rejected[0].line, 3, "{encoding}");
        assert_eq!(
            rejected[0].reason,
            "'LE1 1A•X' is not a UK postcode or postcode sector (such as LE1 5WW or LE1 5)",
            "{encoding}"
        );
        assert_eq!(
            rejected[0].raw, "A2,2017-01-02,NFIB5A,individual,2,LE1 1A•X,41",
            "{encoding}"
        );
    }
}

/// The rows after the header that are not blank, counted without Beacon's reader: the
/// `csv` crate over the decoded text (the `report_rows` fuzz target counts the same way).
/// `None` when the text cannot be decoded.
fn countable_rows(bytes: &[u8]) -> Option<usize> {
    let (text, _) =
        beacon_ingest::text_input::decode_text(Box::new(std::io::Cursor::new(bytes.to_vec())))
            .ok()?;
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
            Err(_) => rows += 1,
        }
    }
}

/// The header the `report_rows` fuzz target puts before its input.
const FUZZ_HEADER: &str = "reference,reported_date,fraud_type,victim_type,offence_date,victim_age,victim_gender,postcode,district_code,loss_gbp,cyber_enabled,tags,summary\n";

/// Reads `body` as the fuzz target does (after the full header, and as it is): whenever
/// the file opens, reports + rejections equal its countable rows. Returns the rows read.
fn assert_every_row_accounted_for(body: &[u8]) -> usize {
    let mut with_header = FUZZ_HEADER.as_bytes().to_vec();
    with_header.extend_from_slice(body);
    let mut total = 0;
    for input in [with_header, body.to_vec()] {
        if let Ok((reports, rejected)) = read(&input) {
            let expected = countable_rows(&input).expect("a file the reader opened decodes");
            assert_eq!(
                reports.len() + rejected.len(),
                expected,
                "every row is a report or a rejection: {:?}",
                String::from_utf8_lossy(&input)
            );
            total += expected;
        }
    }
    total
}

/// Inputs the fuzz targets crashed on (or found miscounted), kept in
/// `tests/fixtures/fuzz/report_rows/`: each still reads with every row accounted for.
#[test]
fn fuzz_crash_inputs_are_read_with_every_row_accounted_for() {
    let folder = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/fuzz/report_rows"
    );
    let mut inputs = 0;
    for entry in std::fs::read_dir(folder).expect("the crash inputs") {
        let path = entry.expect("an entry").path();
        let bytes = std::fs::read(&path).expect("a crash input");
        assert!(
            assert_every_row_accounted_for(&bytes) > 0,
            "{}: no row was read",
            path.display()
        );
        inputs += 1;
    }
    assert!(inputs >= 3, "the crash inputs are kept");
}

/// Found by the `report_rows` fuzz target once it counted rows: bare carriage returns end
/// lines too (old Mac exports), so each row is read and numbered by its own line; before,
/// every row of such a file was quarantined as line 2.
#[test]
fn rows_ended_by_bare_carriage_returns_are_each_accounted_for() {
    let text = format!(
        "{HEADER}\rA1,2017-01-01,NFIB5A,individual,1,,\rA2,2017-01-02,NFIB5A,individual,x,,\rA3,2017-01-03,NFIB5A,individual,y,,\r"
    );
    let (reports, rejected) = read(text.as_bytes()).expect("the header is read");
    assert_eq!(reports.len(), 1);
    let lines: Vec<u64> = rejected.iter().map(|row| row.line).collect();
    assert_eq!(lines, [3, 4]);
    assert_eq!(rejected[0].raw, "A2,2017-01-02,NFIB5A,individual,x,,");
}

/// Lines ended by `\r\n`, `\n` and `\r` in one file, with blank lines and a quoted line
/// break: each row is numbered by the line it starts on.
#[test]
fn line_numbers_hold_whatever_ends_the_lines() {
    let text = format!(
        "{HEADER}\r\nB1,2017-01-01,NFIB5A,individual,x,,\r\n\r\nB2,2017-01-02,NFIB5A,individual,x,,\nB3,2017-01-03,NFIB5A,individual,\"x\r\ny\",,\rB4,2017-01-04,NFIB5A,individual,x,,\r\rB5,2017-01-05,NFIB5A,individual,x,,"
    );
    let (reports, rejected) = read(text.as_bytes()).expect("the header is read");
    assert!(reports.is_empty(), "{reports:?}");
    let lines: Vec<u64> = rejected.iter().map(|row| row.line).collect();
    assert_eq!(lines, [2, 4, 5, 7, 9]);
}

/// A field of a generated row, as (value, as written): plain, or quoted holding commas,
/// line breaks and doubled quotes.
fn field() -> impl proptest::strategy::Strategy<Value = (String, String)> {
    use proptest::prelude::*;
    prop_oneof![
        "[A-Za-z0-9/\\-£. ]{0,12}".prop_map(|text| (text.clone(), text)),
        "[A-Za-z0-9,\n\" ]{0,12}"
            .prop_map(|text| (text.clone(), format!("\"{}\"", text.replace('"', "\"\"")))),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_give_one_outcome_per_row(body in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
        assert_every_row_accounted_for(&body);
        let mut after_short_header = format!("{HEADER},summary\n").into_bytes();
        after_short_header.extend_from_slice(&body);
        if let (Ok((reports, rejected)), Some(rows)) = (read(&after_short_header), countable_rows(&after_short_header)) {
            proptest::prop_assert_eq!(reports.len() + rejected.len(), rows);
        }
    }

    #[test]
    fn every_row_is_a_report_or_a_rejection(rows in proptest::collection::vec(proptest::collection::vec(field(), 1..9), 0..40)) {
        let mut text = format!("{HEADER}\n");
        for row in &rows {
            let written: Vec<&str> = row.iter().map(|(_, written)| written.as_str()).collect();
            text.push_str(&written.join(","));
            text.push('\n');
        }
        // Rows whose every field is blank are layout; every other row is one outcome,
        // whatever quoted line breaks it holds.
        let countable = rows
            .iter()
            .filter(|row| !row.iter().all(|(value, _)| value.trim_ascii().is_empty()))
            .count();
        let (reports, rejected) = read(text.as_bytes()).expect("the header is good");
        proptest::prop_assert_eq!(reports.len() + rejected.len(), countable);
    }
}

#[test]
fn line_numbers_count_blank_lines() {
    let text = format!(
        "{HEADER}\n\n\nA1,31/02/2017,NFIB5A,individual,1,,\n\nA2,2017-01-01,NFIB5A,alien,1,,\n"
    );
    let (_, rejected) = read(text.as_bytes()).expect("header");
    let lines: Vec<u64> = rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![4, 6]);
    assert_eq!(rejected[0].raw, "A1,31/02/2017,NFIB5A,individual,1,,");
}
