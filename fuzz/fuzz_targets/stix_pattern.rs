//! Fuzz target: arbitrary text through the STIX pattern parser never panics, and every
//! pattern it accepts prints (canonically) as a pattern that parses back to the same tree.
//! The same text as an indicator's pattern in a bundle never panics the bundle reader.
#![no_main]

use beacon_core::Tlp;
use beacon_ingest::feeds::stix::pattern;
use beacon_ingest::feeds::{self, FeedContext};
use libfuzzer_sys::fuzz_target;

/// The text as a JSON string literal (the fuzz crate has no JSON library of its own).
fn json_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            control if u32::from(control) < 0x20 => {
                quoted.push_str(&format!("\\u{:04x}", u32::from(control)));
            }
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = pattern::parse(text) {
        let printed = parsed.to_string();
        let again = pattern::parse(&printed).expect("a printed pattern parses");
        assert_eq!(again, parsed, "printing changed the pattern: {printed}");
        assert_eq!(again.to_string(), printed, "printing is not canonical");
    }
    let bundle = format!(
        r#"{{"type": "bundle", "objects": [{{"type": "indicator", "pattern": {}, "valid_from": "2024-01-01T00:00:00Z"}}]}}"#,
        json_string(text)
    );
    let context = FeedContext {
        file_name: "fuzz.json".to_owned(),
        observed_at: time::OffsetDateTime::UNIX_EPOCH,
        default_tlp: Tlp::Amber,
    };
    let stix = feeds::by_name("stix").expect("STIX is registered");
    let records = stix
        .parse(
            Box::new(std::io::Cursor::new(bundle.into_bytes())),
            &context,
        )
        .expect("a bundle with one indicator is a STIX document");
    assert!(records.count() >= 1, "an indicator always gives a record");
});
