//! CSV with IntelMQ's column names, one row per event, for spreadsheets and IntelMQ's
//! CSV parser.
//!
//! **Invariants:** the header is always [`COLUMNS`], in that order; empty cells are absent
//! values; times are RFC 3339; `tlp` is the TLP 2.0 label (`TLP:AMBER`).

use crate::{ExportError, rfc3339};
use beacon_core::Event;
use std::io::Write;

/// The columns, in order.
pub const COLUMNS: [&str; 14] = [
    "time.source",
    "time.observation",
    "source.ip",
    "source.network",
    "source.fqdn",
    "source.url",
    "source.port",
    "source.asn",
    "classification.taxonomy",
    "classification.type",
    "classification.identifier",
    "malware.name",
    "feed.name",
    "tlp",
];

/// The cells of one event, in [`COLUMNS`] order.
pub fn row(event: &Event) -> [String; 14] {
    fn text<T: ToString>(value: Option<T>) -> String {
        value.map(|value| value.to_string()).unwrap_or_default()
    }
    [
        text(event.time_source.map(rfc3339)),
        rfc3339(event.time_observation),
        text(event.source_ip),
        text(event.source_network),
        text(event.source_fqdn.as_deref()),
        text(event.source_url.as_deref()),
        text(event.source_port),
        text(event.source_asn),
        event.classification_taxonomy.clone(),
        event.classification_type.clone(),
        text(event.classification_identifier.as_deref()),
        text(event.malware_name.as_deref()),
        event.feed_name.clone(),
        event.tlp.as_str().to_owned(),
    ]
}

/// Writes already-filtered events (see [`crate::shareable`]) as CSV, in input order.
pub fn write_csv<W: Write>(events: &[&Event], writer: W) -> Result<(), ExportError> {
    let mut out = ::csv::Writer::from_writer(writer);
    out.write_record(COLUMNS)?;
    for event in events {
        out.write_record(row(event))?;
    }
    out.flush()?;
    Ok(())
}
