//! Beacon's parsers: bytes from outside become core types, or row-level errors as data.
//!
//! **Architecture invariant:** nothing here touches a database or the network. A bad row
//! never aborts a file: it comes back as a [`reports::RowError`] with its line number,
//! the reason in plain words and its raw text, for the caller to quarantine.

pub mod advice;
pub mod advisories;
pub mod contacts;
pub mod engagement;
pub mod feeds;
pub mod inventory;
pub mod organisations;
pub mod readiness;
pub mod reference;
pub mod reports;
pub mod text_input;

pub use reports::{HeaderError, ReportReader, RowError, RowOutcome};
pub use text_input::{Encoding, FileRefused};
