//! Advisory formats: one module per format, each turning a whole advisory document into
//! [`Advisory`]s, skipped records, rejected records and notes — never touching a database
//! or the network.
//!
//! This mirrors [`crate::feeds`]: adding a format is adding a module that implements
//! [`AdvisoryFormat`] and listing it in [`registry`]; `--format auto` asks each format in
//! turn whether it recognises the file ([`detect_format`]). Unlike feeds, advisory
//! documents are JSON or XML documents read whole, so `parse` takes the bytes.
//!
//! **Invariant:** a bad entry never aborts a document: it comes back as
//! [`AdvisoryRecord::Rejected`] with its record number and raw text, so
//! `read = stored + rejected (+ skipped)` can hold for the run.

pub mod csaf;
pub mod feed;
pub mod kev;
pub mod nvd;
mod text;

use beacon_core::{Advisory, RejectedRow, Tlp, ValidationFailure};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// What a parser needs besides the bytes.
#[derive(Debug, Clone)]
pub struct AdvisoryContext {
    /// The file's name, for detection and messages.
    pub file_name: String,
    /// TLP to apply when the document itself says none (feeds, CSAF without a
    /// distribution label).
    pub default_tlp: Tlp,
    /// When the document was read, for records that carry no time of their own.
    pub observed_at: OffsetDateTime,
}

/// One record of an advisory document, as parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum AdvisoryRecord {
    /// An advisory, ready to be stored.
    Advisory {
        /// The advisory.
        advisory: Box<Advisory>,
        /// Its 1-based record number (catalogue entry, feed item) or line.
        record: u64,
        /// CSAF mandatory tests it fails (section 6.1); empty when valid or not CSAF. A
        /// failing document is still read, so the coordinator sees what was wrong.
        failures: Vec<ValidationFailure>,
        /// SHA-256 (hex) of the record's raw bytes (the whole document for CSAF), so a
        /// store can tell an unchanged re-import from a new revision.
        raw_sha256: String,
    },
    /// A well-formed record that carries no advisory (e.g. a catalogue entry withdrawn),
    /// with the reason. Counted, not stored.
    Skipped {
        /// Record number.
        record: u64,
        /// Why, in plain words.
        reason: String,
    },
    /// A malformed record, for quarantine (its `line` is the record number).
    Rejected(RejectedRow),
    /// A remark about the document as a whole, for the run's notes (e.g. an NVD
    /// configuration that could not be represented). Not a record: not counted as read.
    Note(String),
}

/// Why a whole document was refused.
#[derive(Debug, thiserror::Error)]
#[error("{format}: {reason}")]
pub struct AdvisoryError {
    /// The format that refused it.
    pub format: &'static str,
    /// What is wrong, in plain words.
    pub reason: String,
}

impl AdvisoryError {
    /// A refusal by `format` for `reason`.
    pub(crate) fn new(format: &'static str, reason: impl Into<String>) -> AdvisoryError {
        AdvisoryError {
            format,
            reason: reason.into(),
        }
    }
}

/// An advisory format.
pub trait AdvisoryFormat: Sync {
    /// The name used with `--format`, e.g. `csaf`.
    fn name(&self) -> &'static str;
    /// True when this format recognises the file from its name and first bytes.
    fn detect(&self, file_name: &str, head: &[u8]) -> bool;
    /// Parses a whole document. Bad entries come back as [`AdvisoryRecord::Rejected`],
    /// never as errors; only a document that cannot be this format at all is refused.
    fn parse(
        &self,
        bytes: &[u8],
        context: &AdvisoryContext,
    ) -> Result<Vec<AdvisoryRecord>, AdvisoryError>;
}

/// Every advisory format Beacon reads, in the order `--format auto` tries them (the
/// JSON formats look for their own top-level keys, so their order does not matter).
pub fn registry() -> Vec<&'static dyn AdvisoryFormat> {
    vec![&csaf::Csaf, &kev::Kev, &nvd::Nvd, &feed::Rss]
}

/// The format called `name`.
pub fn by_name(name: &str) -> Option<&'static dyn AdvisoryFormat> {
    registry().into_iter().find(|format| format.name() == name)
}

/// The first format that recognises a file, for `--format auto`.
pub fn detect_format(file_name: &str, head: &[u8]) -> Option<&'static dyn AdvisoryFormat> {
    registry()
        .into_iter()
        .find(|format| format.detect(file_name, head))
}

/// Hex SHA-256 of some bytes.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The text of a file's head without a byte-order mark or leading white space, lossily
/// decoded, for detection.
pub(crate) fn head_text(head: &[u8]) -> String {
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    String::from_utf8_lossy(head).trim_start().to_owned()
}

/// Parses a JSON document, refusing text that is not JSON with a plain reason.
pub(crate) fn parse_json(
    format: &'static str,
    bytes: &[u8],
) -> Result<serde_json::Value, AdvisoryError> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    serde_json::from_slice(bytes)
        .map_err(|error| AdvisoryError::new(format, format!("this is not JSON: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_found_by_name_and_detected() {
        let names: Vec<_> = registry().iter().map(|format| format.name()).collect();
        assert_eq!(names, ["csaf", "kev", "nvd", "rss"]);
        assert_eq!(by_name("kev").map(|f| f.name()), Some("kev"));
        let csaf = br#"{"document": {"csaf_version": "2.0", "category": "csaf_vex"}}"#;
        assert_eq!(
            detect_format("a.json", csaf).map(|f| f.name()),
            Some("csaf")
        );
        let kev = br#"{"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "1", "vulnerabilities": [{"cveID": "CVE-2024-0001"}]}"#;
        assert_eq!(
            detect_format("kev.json", kev).map(|f| f.name()),
            Some("kev")
        );
        let nvd = br#"{"resultsPerPage": 1, "format": "NVD_CVE", "vulnerabilities": [{"cve": {"id": "CVE-2024-0001"}}]}"#;
        assert_eq!(
            detect_format("nvd.json", nvd).map(|f| f.name()),
            Some("nvd")
        );
        let rss = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel></channel></rss>";
        assert_eq!(
            detect_format("feed.xml", rss).map(|f| f.name()),
            Some("rss")
        );
        assert!(detect_format("x.csv", b"a,b,c\n").is_none());
    }
}
