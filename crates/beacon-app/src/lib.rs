//! Beacon's application layer: one module per use case (load reports, load feeds, send
//! digests, reference data, figures for a period, the register's address counts, the
//! board update's data, organisations, exports) and what Beacon ships with
//! ([`defaults`]). The command line and the web application call these; neither reaches
//! around them into the store for a use case.
//!
//! Ingest data flows one way, from a file through a parser and enrichment into the store.
//!
//! ```text
//! file ─▶ beacon-ingest (parse → validate ─▶ quarantine) ─▶ enrich (district, issues) ─▶ store
//! ```
//!
//! **Invariants:** every row read is stored, counted as a duplicate or quarantined, and the
//! run's counters are written in the same transaction as its rows; re-running a file
//! stores nothing new.

pub mod accounts;
pub mod addresses;
pub mod advice;
pub mod advisories;
pub mod board;
pub mod campaigns;
pub mod care;
pub mod contacts;
pub mod credentials;
pub mod defaults;
pub mod engagement;
pub mod export;
pub mod fault;
pub mod feeds;
pub mod front_door;
pub mod notify;
pub mod organisations;
pub mod period;
pub mod prevent;
pub mod readiness;
pub mod reference;
pub mod reports;
pub mod stats;

pub use feeds::{
    FeedIngestError, FeedOptions, FeedOutcome, Owners, ingest_feed, ingest_misp_folder,
};
pub use reports::{IngestError, IngestOptions, IngestOutcome, Progress, ingest_reports};
