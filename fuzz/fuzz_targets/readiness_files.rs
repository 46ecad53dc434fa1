//! Fuzz target: arbitrary bytes through the readiness readers (exercise files in either
//! format, question banks, modules, simulation templates, consent lists, reported emails)
//! never panic; a scenario that reads without error has no problems left, and writing it
//! out reads back to the same scenario.
#![no_main]

use beacon_ingest::readiness::{consent, exercise, library, reported};
use libfuzzer_sys::fuzz_target;

/// Starts of real files, so mutated bytes reach the readers' inner parts.
const PREFIXES: &[&[u8]] = &[
    b"",
    b"{\"format\":\"beacon-exercise/1\",\"id\":\"x\",\"title\":\"T\",\"summary\":\"S\",\"duration_minutes\":60,\"phases\":[{\"id\":\"p\",\"title\":\"P\",\"narrative\":\"N\",\"starts_at_minutes\":0,\"injects\":[",
    b"{\"exercise\":{\"name\":\"x\",\"uuid\":\"u\"},\"inject_flow\":[{\"inject_uuid\":\"i\",\"timing\":{\"triggered_at\":",
    b"{\"format\":\"beacon-assessment/1\",\"version\":\"1\",\"questions\":[",
    b"{\"format\":\"beacon-module/1\",\"id\":\"m\",\"title\":\"M\",\"summary\":\"S\",\"minutes\":3,\"sections\":[],\"quiz\":[",
    b"organisation,email,consented_at,evidence\n",
    b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let mut input = PREFIXES[usize::from(selector) % PREFIXES.len()].to_vec();
    input.extend_from_slice(rest);
    if let Ok(scenario) = exercise::read_exercise_file("fuzz.json", &input) {
        assert!(scenario.problems().is_empty(), "a scenario read without error has no problems");
        let written = exercise::write_scenario(&scenario);
        let again = exercise::read_scenario(written.as_bytes()).expect("written scenarios read back");
        assert_eq!(again, scenario);
    }
    let _ = library::read_question_bank(&input);
    let _ = library::read_module(&input);
    let _ = library::read_simulation(&input);
    if let Err(problems) = consent::parse_consent_csv(&input) {
        assert!(problems.iter().all(|p| p.line >= 1 && !p.reason.is_empty()));
    }
    for token in reported::tokens_in_report(&input) {
        assert_eq!(token.len(), 64);
    }
});
