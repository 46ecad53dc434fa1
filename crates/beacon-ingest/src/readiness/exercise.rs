//! Exercise files: Beacon's own format (`"format": "beacon-exercise/1"`, exactly the serde
//! form of [`Scenario`]) read and written, and a small registry of the exercise formats
//! Beacon reads so a loaded file can be recognised without the user naming its format.
//!
//! Adding a format is adding a type that implements [`ExerciseFormat`] and listing it in
//! [`exercise_formats`], as the feed and advisory registries do.

use super::{ReadinessFileError, read_tagged};
use beacon_core::readiness::Scenario;
use beacon_core::readiness::exercise::EXERCISE_FORMAT;

/// Why an exercise file was refused: every problem, one per line when displayed.
pub type ExerciseFileError = ReadinessFileError;

/// What the errors call an exercise file.
pub(crate) const FILE: &str = "exercise file";

/// Reads a Beacon exercise file and checks it: a JSON mistake comes back with its line
/// and column; a file that parses comes back with every [`Scenario::problems`] (a file
/// without `phases`, or with an empty list, is "the scenario has no phases").
pub fn read_scenario(bytes: &[u8]) -> Result<Scenario, ExerciseFileError> {
    let scenario: Scenario = read_tagged(FILE, EXERCISE_FORMAT, bytes)?;
    checked(scenario)
}

/// The scenario if it has no problems, otherwise all of them.
pub(crate) fn checked(scenario: Scenario) -> Result<Scenario, ExerciseFileError> {
    let problems = scenario.problems();
    if problems.is_empty() {
        Ok(scenario)
    } else {
        Err(ReadinessFileError::new(
            FILE,
            problems.iter().map(ToString::to_string).collect(),
        ))
    }
}

/// Writes a scenario as a Beacon exercise file: pretty JSON (two-space indent, fields in
/// the order of the type) with a trailing newline. [`read_scenario`] of the result gives
/// the same scenario back, and the shipped files are stored exactly in this form.
pub fn write_scenario(scenario: &Scenario) -> String {
    let mut text = serde_json::to_string_pretty(scenario)
        .expect("a scenario is plain strings, numbers and lists, which always serialise");
    text.push('\n');
    text
}

/// An exercise file format Beacon can read.
pub trait ExerciseFormat: Sync {
    /// The name used to choose it, e.g. `beacon`.
    fn name(&self) -> &'static str;
    /// What people call it, for pages and messages.
    fn label(&self) -> &'static str;
    /// True when this format recognises the file from its name and first bytes.
    fn detect(&self, file_name: &str, head: &[u8]) -> bool;
    /// Reads the whole file into a checked scenario.
    fn read(&self, bytes: &[u8]) -> Result<Scenario, ExerciseFileError>;
}

/// Beacon's own exercise format.
pub struct BeaconExercise;

impl ExerciseFormat for BeaconExercise {
    fn name(&self) -> &'static str {
        "beacon"
    }

    fn label(&self) -> &'static str {
        "Beacon exercise file"
    }

    /// Any JSON that names a `beacon-exercise/…` format (a wrong version is then refused
    /// by name when read).
    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        let text = String::from_utf8_lossy(head);
        text.trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
            && text.contains("\"beacon-exercise/")
    }

    fn read(&self, bytes: &[u8]) -> Result<Scenario, ExerciseFileError> {
        read_scenario(bytes)
    }
}

/// Every exercise format Beacon reads, in the order detection tries them.
pub fn exercise_formats() -> Vec<&'static dyn ExerciseFormat> {
    vec![&BeaconExercise, &super::cexf::CommonExerciseFormat]
}

/// The exercise format called `name`.
pub fn exercise_format_by_name(name: &str) -> Option<&'static dyn ExerciseFormat> {
    exercise_formats()
        .into_iter()
        .find(|format| format.name() == name)
}

/// The first exercise format that recognises a file.
pub fn detect_exercise_format(file_name: &str, head: &[u8]) -> Option<&'static dyn ExerciseFormat> {
    exercise_formats()
        .into_iter()
        .find(|format| format.detect(file_name, head))
}

/// Reads an exercise file in whichever format it is. A file no format recognises is read
/// as a Beacon file, so its author hears what is missing from it (usually the `format`
/// tag) rather than only that it was not recognised.
pub fn read_exercise_file(file_name: &str, bytes: &[u8]) -> Result<Scenario, ExerciseFileError> {
    detect_exercise_format(file_name, bytes)
        .unwrap_or(&BeaconExercise)
        .read(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_found_by_name_and_detected() {
        let names: Vec<_> = exercise_formats().iter().map(|f| f.name()).collect();
        assert_eq!(names, ["beacon", "cexf"]);
        assert_eq!(
            exercise_format_by_name("cexf").map(|f| f.name()),
            Some("cexf")
        );
        let beacon = br#"{"format": "beacon-exercise/1", "id": "x"}"#;
        assert_eq!(
            detect_exercise_format("x.json", beacon).map(|f| f.name()),
            Some("beacon")
        );
        let cexf = br#"{"exercise": {"name": "x"}, "inject_flow": [], "injects": []}"#;
        assert_eq!(
            detect_exercise_format("x.json", cexf).map(|f| f.name()),
            Some("cexf")
        );
        assert!(detect_exercise_format("x.json", b"{\"format\": \"beacon-module/1\"}").is_none());
    }

    #[test]
    fn an_unrecognised_file_is_told_what_it_lacks() {
        let error = read_exercise_file("x.json", b"{\"title\": \"x\"}").expect_err("refused");
        assert!(error.mentions("no \"format\" field"), "{error}");
        let error = read_exercise_file("x.json", b"{\"format\": \"beacon-module/1\"}")
            .expect_err("refused");
        assert!(
            error.mentions("'beacon-module/1', not beacon-exercise/1"),
            "{error}"
        );
    }
}
