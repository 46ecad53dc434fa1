//! Readiness library files: exercise scenarios, the self-assessment question bank,
//! learning modules and phishing-simulation templates, read from JSON into
//! `beacon_core::readiness` types and checked, with every problem in words for the
//! person who wrote the file.
//!
//! The formats are described in `docs/readiness-format.md`. Each file carries a format
//! tag (`"format": "beacon-exercise/1"` and so on) so that a file of another kind is
//! refused before its fields are read. Exercise files are also read from MISP's Common
//! Exercise Format ([`cexf`]); [`exercise::read_exercise_file`] tells the two apart.
//!
//! **Invariant:** a value returned by any reader here has no problems by its type's
//! `problems()` check; anything else comes back as a [`ReadinessFileError`] listing
//! every problem found, a JSON mistake with its line and column.

pub mod cexf;
pub mod consent;
pub mod exercise;
pub mod library;
pub mod reported;

pub use exercise::{
    ExerciseFileError, ExerciseFormat, detect_exercise_format, exercise_format_by_name,
    exercise_formats, read_exercise_file, read_scenario, write_scenario,
};
pub use library::{
    read_module, read_question_bank, read_simulation, shipped_modules, shipped_question_bank,
    shipped_scenarios, shipped_simulations, simulation_problems,
};

use crate::text_input::{FileRefused, decode_text};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::error::Category;
use std::io::Read;

/// Largest readiness file read. The shipped files are a few tens of KiB; a MISP exercise
/// with embedded payloads can be larger, but nothing a person writes comes near this.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Why a readiness file was refused: every problem found, one sentence each, so the
/// author can fix them all in one go. Displays one problem per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problems.join("\n"))]
pub struct ReadinessFileError {
    /// What kind of file it was read as, e.g. `exercise file`.
    pub file: &'static str,
    /// Where the JSON stopped making sense (1-based line and column), when it did.
    pub position: Option<(usize, usize)>,
    /// Every problem, in words.
    pub problems: Vec<String>,
}

impl ReadinessFileError {
    /// A refusal listing these problems.
    pub(crate) fn new(file: &'static str, problems: Vec<String>) -> ReadinessFileError {
        ReadinessFileError {
            file,
            position: None,
            problems,
        }
    }

    /// A refusal for one reason.
    pub(crate) fn one(file: &'static str, problem: impl Into<String>) -> ReadinessFileError {
        ReadinessFileError::new(file, vec![problem.into()])
    }

    /// A refusal for a JSON mistake, with its position.
    fn json(file: &'static str, error: &serde_json::Error) -> ReadinessFileError {
        let position = (error.line() > 0).then(|| (error.line(), error.column()));
        ReadinessFileError {
            file,
            position,
            problems: vec![json_problem(error)],
        }
    }

    /// Whether any problem mentions `text` (for tests and callers that look for one).
    pub fn mentions(&self, text: &str) -> bool {
        self.problems.iter().any(|problem| problem.contains(text))
    }
}

/// The bytes as UTF-8 text without a byte-order mark. Windows-1252 (a file saved from an
/// old editor) is transcoded; binary and UTF-16 files are refused in plain words.
fn read_text(file: &'static str, bytes: &[u8]) -> Result<String, ReadinessFileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ReadinessFileError::one(
            file,
            format!(
                "the file is larger than {} MiB, which is far more than a {file} needs",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let refused = |error: FileRefused| {
        let reason = match error {
            FileRefused::Binary(at) => {
                format!(
                    "this is not a text file (it holds binary data near byte {at}); save it as JSON"
                )
            }
            FileRefused::Utf16 => {
                "this file is UTF-16 text; save it as UTF-8 and load it again".to_owned()
            }
            FileRefused::Io(error) => format!("could not read the file: {error}"),
        };
        ReadinessFileError::one(file, reason)
    };
    let (mut reader, _) = decode_text(Box::new(bytes)).map_err(refused)?;
    let mut text = String::with_capacity(bytes.len());
    reader
        .read_to_string(&mut text)
        .map_err(|error| refused(FileRefused::Io(error)))?;
    Ok(text)
}

/// Reads a JSON document of any shape, refusing text that is not JSON (with the line and
/// column) or not a JSON object.
pub(crate) fn read_object(
    file: &'static str,
    bytes: &[u8],
) -> Result<(String, serde_json::Map<String, Value>), ReadinessFileError> {
    let text = read_text(file, bytes)?;
    let value: Value =
        serde_json::from_str(&text).map_err(|error| ReadinessFileError::json(file, &error))?;
    match value {
        Value::Object(object) => Ok((text, object)),
        _ => Err(ReadinessFileError::one(
            file,
            format!("a {file} is one JSON object, starting with {{"),
        )),
    }
}

/// Reads a Beacon library file: checks its `format` tag first (so a file of another kind
/// or version is refused by name, not by its first unknown field), then its shape.
pub(crate) fn read_tagged<T: DeserializeOwned>(
    file: &'static str,
    format: &str,
    bytes: &[u8],
) -> Result<T, ReadinessFileError> {
    let (text, object) = read_object(file, bytes)?;
    match object.get("format") {
        None => {
            return Err(ReadinessFileError::one(
                file,
                format!("the file has no \"format\" field: a {file} says \"format\": \"{format}\""),
            ));
        }
        Some(Value::String(tag)) if tag == format => {}
        Some(Value::String(tag)) => {
            return Err(ReadinessFileError::one(
                file,
                format!("the file says it is '{tag}', not {format}"),
            ));
        }
        Some(other) => {
            return Err(ReadinessFileError::one(
                file,
                format!("the \"format\" field should be the text \"{format}\", not {other}"),
            ));
        }
    }
    serde_json::from_str(&text).map_err(|error| ReadinessFileError::json(file, &error))
}

/// A serde_json error in plain words, led by its position.
fn json_problem(error: &serde_json::Error) -> String {
    let (line, column) = (error.line(), error.column());
    let full = error.to_string();
    let bare = full
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&full);
    let message = match error.classify() {
        Category::Eof => {
            "the file ends before the JSON is complete: is it cut short, or missing a closing bracket?"
                .to_owned()
        }
        Category::Syntax => format!("this is not valid JSON ({bare})"),
        Category::Data => plain_data_message(bare),
        Category::Io => bare.to_owned(),
    };
    if line == 0 {
        message
    } else {
        format!("line {line}, column {column}: {message}")
    }
}

/// serde's shape messages, reworded where they are common.
fn plain_data_message(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        if expected.is_empty() {
            format!("the field {field} is not part of this format")
        } else {
            format!("the field {field} is not part of this format (expected {expected})")
        }
    } else if let Some(field) = message.strip_prefix("missing field ") {
        format!("the field {field} is missing")
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (value, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another value"));
        format!("{value} is not allowed here: use {expected}")
    } else {
        message.to_owned()
    }
}

/// Whether a text is an id Beacon stores: lower-case letters, digits, `-` and `_`.
pub(crate) fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Tagged {
        format: String,
        name: String,
    }

    fn read(text: &str) -> Result<Tagged, ReadinessFileError> {
        read_tagged("test file", "test/1", text.as_bytes())
    }

    #[test]
    fn reads_a_tagged_file_with_a_byte_order_mark() {
        let tagged = read("\u{feff}{\"format\": \"test/1\", \"name\": \"a\"}").expect("reads");
        assert_eq!(tagged.name, "a");
    }

    #[test]
    fn names_the_format_before_the_fields() {
        let error = read("{\"format\": \"other/1\", \"colour\": 1}").expect_err("refused");
        assert_eq!(
            error.problems,
            ["the file says it is 'other/1', not test/1"]
        );
        let error = read("{\"name\": \"a\"}").expect_err("refused");
        assert!(error.mentions("no \"format\" field"), "{error}");
        let error = read("[1, 2]").expect_err("refused");
        assert!(error.mentions("one JSON object"), "{error}");
    }

    #[test]
    fn json_mistakes_have_positions_and_plain_words() {
        let error = read("{\n  \"format\": \"test/1\",\n  \"name\": \"a\",\n  \"extra\": 1\n}")
            .expect_err("refused");
        assert_eq!(error.position.map(|(line, _)| line), Some(4));
        assert!(error.mentions("line 4"), "{error}");
        assert!(
            error.mentions("the field `extra` is not part of this format"),
            "{error}"
        );
        let error = read("{\"format\": \"test/1\"}").expect_err("refused");
        assert!(error.mentions("the field `name` is missing"), "{error}");
        let error = read("{\n\"format\": \"test/1\",\n\"name\": ").expect_err("refused");
        assert!(error.mentions("line 3"), "{error}");
        assert!(
            error.mentions("ends before the JSON is complete"),
            "{error}"
        );
        let error = read("{\"format\": \"test/1\" \"name\": 1}").expect_err("refused");
        assert!(error.mentions("not valid JSON"), "{error}");
    }

    #[test]
    fn refuses_binary_and_oversized_files() {
        let error = read_text("test file", b"PK\x03\x04\x00\x00").expect_err("binary");
        assert!(error.mentions("not a text file"), "{error}");
        let big = vec![b' '; MAX_FILE_BYTES + 1];
        let error = read_text("test file", &big).expect_err("too big");
        assert!(error.mentions("larger than"), "{error}");
    }
}
