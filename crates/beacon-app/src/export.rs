//! Exporting the register's events (or one organisation's) for partners as a STIX 2.1
//! bundle, a MISP feed folder or CSV, never above a TLP ceiling, and auditing it.
//!
//! Three steps, so the caller can open its destination between them: [`select`] the
//! events, [`Selection::write`] them, [`record_export`] in the audit log.

use beacon_core::{Event, Tlp};
use beacon_export::misp::FeedInfo;
use beacon_store::{AuditEvent, Store, StoreError, StoreResult};
use std::io::Write;
use std::path::Path;
use time::{Date, Duration, Time};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// No organisation has the name asked for.
    #[error("there is no organisation called '{0}'")]
    UnknownOrganisation(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the export failed.
    #[error(transparent)]
    Write(#[from] beacon_export::ExportError),
}

/// Which events to export.
#[derive(Debug, Clone)]
pub struct ExportQuery {
    /// The most restricted TLP that may be exported; events above it are held back.
    pub ceiling: Tlp,
    /// First day seen.
    pub from: Option<Date>,
    /// Last day seen (inclusive).
    pub to: Option<Date>,
    /// Only this organisation's addresses (its name, any case).
    pub organisation: Option<String>,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A STIX 2.1 bundle (JSON), one indicator per address.
    Stix,
    /// A MISP feed folder (manifest.json, the event, hashes.csv).
    Misp,
    /// CSV with IntelMQ's column names.
    Csv,
}

/// Where an export goes, in which format: a stream for STIX and CSV, a folder for MISP.
pub enum ExportTarget<'a> {
    /// A STIX 2.1 bundle to a stream.
    Stix(Box<dyn Write + 'a>),
    /// CSV to a stream.
    Csv(Box<dyn Write + 'a>),
    /// A MISP feed into an existing folder.
    Misp(&'a Path),
}

/// The events chosen for an export, before the ceiling holds any back.
#[derive(Debug, Clone)]
pub struct Selection {
    events: Vec<Event>,
    ceiling: Tlp,
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exported {
    /// The format written.
    pub format: ExportFormat,
    /// The ceiling applied.
    pub ceiling: Tlp,
    /// Events exported.
    pub exported: usize,
    /// Events held back as above the ceiling.
    pub withheld: usize,
}

/// Reads the events a query asks for.
///
/// # Errors
/// When the organisation is unknown or the store fails.
pub fn select(store: &mut dyn Store, query: &ExportQuery) -> Result<Selection, ExportError> {
    let organisation_id = match &query.organisation {
        Some(name) => Some(
            store
                .organisations()?
                .into_iter()
                .find(|o| o.organisation.name.eq_ignore_ascii_case(name.trim()))
                .map(|o| o.id)
                .ok_or_else(|| ExportError::UnknownOrganisation(name.clone()))?,
        ),
        None => None,
    };
    let start = |date: Date| date.with_time(Time::MIDNIGHT).assume_utc();
    let events = store.feed_events(
        query.from.map(start),
        query.to.map(|to| start(to) + Duration::days(1)),
        organisation_id,
    )?;
    Ok(Selection {
        events,
        ceiling: query.ceiling,
    })
}

impl Selection {
    /// Writes the events at or below the ceiling to `target`.
    ///
    /// # Errors
    /// When writing fails.
    pub fn write(&self, target: ExportTarget<'_>) -> Result<Exported, ExportError> {
        let (shared, withheld) = beacon_export::shareable(&self.events, self.ceiling);
        let format = match target {
            ExportTarget::Stix(writer) => {
                beacon_export::stix::write_bundle(&shared, writer)?;
                ExportFormat::Stix
            }
            ExportTarget::Csv(writer) => {
                beacon_export::csv::write_csv(&shared, writer)?;
                ExportFormat::Csv
            }
            ExportTarget::Misp(folder) => {
                beacon_export::misp::write_feed(&shared, &FeedInfo::default(), folder)?;
                ExportFormat::Misp
            }
        };
        Ok(Exported {
            format,
            ceiling: self.ceiling,
            exported: shared.len(),
            withheld,
        })
    }
}

/// Records an export in the audit log as done by `actor`, to `destination` (a path, or
/// `-` for standard output).
///
/// # Errors
/// When the store fails.
pub fn record_export(
    store: &mut dyn Store,
    actor: &str,
    destination: &str,
    exported: &Exported,
) -> StoreResult<()> {
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: "export_register".into(),
        subject: destination.to_owned(),
        detail: format!(
            "{:?}, ceiling {}, {} events exported, {} withheld",
            exported.format,
            exported.ceiling.as_str(),
            exported.exported,
            exported.withheld
        ),
    })
}
