//! Threat-feed formats: one module per format, each turning a feed file into harmonised
//! [`Event`]s, skipped records and rejected rows — never touching a database or network.
//!
//! Adding a format is adding a module that implements [`FeedFormat`] and listing it in
//! [`registry`]. `--format auto` asks each format in turn whether it recognises the file.

pub mod misp;
pub mod stix;

pub mod abusech;
pub mod cert_eu;
mod common;
pub mod generic_csv;
pub mod lists;
pub mod shadowserver;
pub mod spamhaus;

use beacon_core::{Event, RejectedRow, Tlp};
use std::io::Read;
use time::OffsetDateTime;

/// What a parser needs besides the bytes.
#[derive(Debug, Clone)]
pub struct FeedContext {
    /// The file's name (some formats, like Shadowserver's, carry the report type in it).
    pub file_name: String,
    /// When the feed was read: `time.observation` of every event.
    pub observed_at: OffsetDateTime,
    /// TLP to apply when the feed itself says none.
    pub default_tlp: Tlp,
}

/// One record of a feed, as parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedRecord {
    /// A harmonised event, with the line (or record number) it came from.
    Event(Box<Event>, u64),
    /// A well-formed record that names nothing the register holds (e.g. a STIX indicator
    /// for a file hash), with the reason. Counted, not stored.
    Skipped {
        /// Line or record number.
        line: u64,
        /// Why, in plain words.
        reason: String,
    },
    /// A malformed record, for quarantine.
    Rejected(RejectedRow),
    /// A remark about the file as a whole, for the run's notes (e.g. "3 rows were short of
    /// trailing fields; read as empty"). Not a record: it is not counted as read. A parser
    /// gives each note once, after the records it speaks of.
    Note(String),
}

/// Why a whole feed file was refused.
#[derive(Debug, thiserror::Error)]
#[error("{format}: {reason}")]
pub struct FeedError {
    /// The format that refused it.
    pub format: &'static str,
    /// What is wrong, in plain words.
    pub reason: String,
}

/// A feed format.
pub trait FeedFormat: Sync {
    /// The name used with `--format`, e.g. `shadowserver`.
    fn name(&self) -> &'static str;
    /// True when this format recognises the file from its name and first bytes.
    fn detect(&self, file_name: &str, head: &[u8]) -> bool;
    /// Parses a file into a stream of records, so memory stays flat for line-based
    /// formats (JSON documents are read whole). Bad records come back as
    /// [`FeedRecord::Rejected`], never as errors; only a file that cannot be this format
    /// at all is refused.
    fn parse<'a>(
        &self,
        input: Box<dyn Read + Send + 'a>,
        context: &FeedContext,
    ) -> Result<Box<dyn Iterator<Item = FeedRecord> + Send + 'a>, FeedError>;
}

/// Every format Beacon reads, in the order `--format auto` tries them.
pub fn registry() -> Vec<&'static dyn FeedFormat> {
    vec![
        &shadowserver::Shadowserver,
        &abusech::Urlhaus,
        &abusech::Feodo,
        &cert_eu::CertEu,
        &spamhaus::SpamhausDrop,
        &spamhaus::SpamhausAsnDrop,
        &lists::OpenPhish,
        &stix::Stix,
        &misp::Misp,
        // Generic lists take almost any file of addresses: keep them last.
        &lists::GenericList::BLACKLIST,
    ]
}

/// The format called `name`.
pub fn by_name(name: &str) -> Option<&'static dyn FeedFormat> {
    registry().into_iter().find(|format| format.name() == name)
}

/// The first format that recognises a file.
pub fn detect(file_name: &str, head: &[u8]) -> Option<&'static dyn FeedFormat> {
    registry()
        .into_iter()
        .find(|format| format.detect(file_name, head))
}
