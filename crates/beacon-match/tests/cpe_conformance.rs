//! The CPE parser against the CSAF 2.1 CPE pattern's test lists in
//! `shared/data/external/advisories/cpe`: every line of the valid list parses, every
//! line of the invalid list is refused.

use beacon_match::Cpe;
use std::path::PathBuf;

fn lines(name: &str) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/external/advisories/cpe")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_valid_example_parses_and_round_trips() {
    let valid = lines("csaf21-cpe-regex-valid.txt");
    assert!(valid.len() >= 10);
    for line in valid {
        let cpe = Cpe::parse(&line).unwrap_or_else(|e| panic!("{e}"));
        // The formatted string it writes reads back to the same name.
        assert_eq!(Cpe::parse(&cpe.to_string()), Ok(cpe), "{line}");
    }
}

#[test]
fn every_invalid_example_is_refused() {
    let invalid = lines("csaf21-cpe-regex-invalid.txt");
    assert!(invalid.len() >= 9);
    for line in invalid {
        assert!(Cpe::parse(&line).is_err(), "accepted {line}");
    }
}
