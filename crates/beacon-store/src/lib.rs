//! Beacon's store: everything Beacon keeps, with SQLite (embedded default) and PostgreSQL
//! (multi-user) behind one [`Store`] trait.
//!
//! # Areas
//!
//! The store is sliced by capability. Each area is a folder holding its trait and types
//! (`mod.rs`) and its two dialects side by side (`sqlite.rs`, `postgres.rs`, each an
//! `impl AreaTrait for …Store`); [`Store`] combines the area traits, so a caller that needs
//! one area can take only that one.
//!
//! | area | trait | what it keeps |
//! | --- | --- | --- |
//! | [`reference`](mod@reference) | [`Reference`] | districts, fraud types, postcodes and sectors, settings |
//! | [`runs`] | [`Runs`] | ingest runs (begin, finish, fail), quarantined rows, column layouts |
//! | [`reports`] | [`Reports`] | report batches, the packed facts analytics scan, date range |
//! | [`audit`] | [`Audit`] | the audit log: writing, searching, the origin of an event |
//! | [`register`] | [`Register`] | organisations, feed batches, addresses, sightings, events |
//! | [`accounts`] | [`Accounts`] | users, sessions, API tokens, sign-in lock-outs |
//! | [`explore`] | [`Explore`] | the report explorer's filtered groups and rows |
//! | [`outbox`] | [`Outbox`] | every outgoing message (digests, notices, injects, …): queue, lease, retry, acknowledge |
//! | [`inventory`] | [`Inventory`] | partners' assets, the products on them, their advisory contacts |
//! | [`advisories`] | [`Advisories`] | advisories and their revisions, matches to partners' assets, notices and asset statuses |
//! | [`readiness`] | [`Readiness`] | the exercise scenario library, exercise runs (players, injects, responses, observations), self-assessments |
//! | [`education`] | [`Education`] | staff learning (invitations, learners, quiz attempts, certificates) and consented phishing simulations |
//! | [`advice`] | [`AdviceLibrary`] | the protect advice library: every version of every item, and which are published |
//! | [`campaigns`] | [`Campaigns`] | protect campaigns: drafts, locked evaluation plans, launches with their recipients and outbox messages, events and figures per arm and cluster |
//! | [`contacts`] | [`Contacts`] | campaign contacts (coarse attributes, addresses, consent evidence), the suppression list, segment counts, retention and subject access |
//! | [`front_door`] | [`FrontDoor`] | the public front door's consented local reports (fixed answers only) and their counts by district and sector |
//!
//! The connection modules [`sqlite`] and [`postgres`] hold only the connection: opening,
//! pragmas, migrating, prepared statements and dialect helpers. What both backends share
//! before SQL (stored spellings, time text, the victim hash, SQL written once with `?N`
//! placeholders and rewritten to `$N` for PostgreSQL, one row reader for both) lives in
//! `neutral`, which imports from neither backend.
//!
//! # Architecture invariants
//!
//! * **All SQL lives in this crate**; callers never see a dialect, and the same story
//!   tests (`tests/story/<area>.rs`) run every behaviour on both backends.
//! * **Migrations are never edited once landed.** They are numbered files under
//!   `migrations/{sqlite,postgres}/`, embedded in the binary and applied in order on open.
//! * **One transaction per batch.** A report or feed batch, its quarantined rows and its
//!   run's counters are written in one transaction, so a crash at any point leaves every
//!   run's counts adding up; a digest and its organisation's watermark likewise.
//! * The PostgreSQL backend never imports from the SQLite one, and `migrate` is imported by
//!   the connection modules, never the other way round.

pub mod accounts;
pub mod advice;
pub mod advisories;
pub mod audit;
pub mod campaigns;
pub mod care;
pub mod contacts;
pub mod education;
pub mod engagement;
pub mod explore;
pub mod front_door;
pub mod inventory;
mod migrate;
mod neutral;
pub mod outbox;
pub mod postgres;
pub mod prevent;
pub mod readiness;
pub mod reference;
pub mod register;
pub mod reports;
pub mod runs;
pub mod sqlite;

pub use accounts::{
    Accounts, ApiTokenRecord, NameLock, NewSession, NewUser, SessionRecord, TokenHolder, User,
    UserChange,
};
pub use advice::{
    AdviceFilter, AdviceLibrary, AdviceVersion, PutOutcome, StoredAdvice, content_hash,
};
pub use advisories::{
    Advisories, AdvisoryBatch, AdvisoryFilter, AdvisoryItem, AdvisoryWrite, AssetStatusRecord,
    MatchFilter, MatchRecord, NewNotice, NoticeFilter, NoticeMessage, NoticeRecord, NoticeWrite,
    StatusChange, StoredAdvisory, StoredMatch,
};
pub use audit::{Audit, AuditEvent, AuditFilter, AuditOrigin, AuditRecord};
pub use campaigns::{
    AdviceVersions, ArmFigures, CampaignEventKind, CampaignRecipientRecord, CampaignRecord,
    CampaignState, Campaigns, ClusterFigures, LaunchOutcome, LockedPlanRecord, NewCampaign,
    NewCampaignEvent, NewCampaignRecipient, StratumFigures,
};
pub use care::{
    Care, CareBoardCase, CareCaseRecord, CareQueueFilter, CareQueuePage, CaseEventRecord,
    NewCareCase, NewCaseEvent, TriageInput,
};
pub use contacts::Contacts;
pub use education::{
    AttemptRecord, Education, InvitationRecord, LearnerRecord, NewAttempt, NewInvitation,
    NewSimulation, NewSimulationEvent, NewSimulationRecipient, SimulationEventKind,
    SimulationRecipientRecord, SimulationRecord, SimulationTarget, TargetResult,
};
pub use engagement::{
    EngagementFact, EngagementRecord, EngagementWrite, Engagements, NewEngagement,
};
pub use explore::{Explore, LOSS_BANDS, ReportFilter, ReportGroup, ReportRow, ReportSort};
pub use front_door::{
    FrontDoor, FrontDoorCount, FrontDoorCounts, FrontDoorPage, FrontDoorRecord, NewFrontDoorReport,
};
pub use inventory::{Inventory, InventoryChange, InventoryRow, StoredAsset, StoredContact};
pub use outbox::{
    Channel, DigestDetail, Message, MessageContent, MessageDetail, MessageKind, NewDigest,
    NewMessage, Outbox, OutboxEntry, OutboxStatus,
};
pub use prevent::{
    CyberChoices, NewReferral, NewReferralStep, ReferralRecord, ReferralStepRecord, StepRule,
};
pub use readiness::{
    AssessmentRecord, ExerciseRunRecord, InjectMessage, NewAssessment, NewExerciseRun, NewResponse,
    ObservationRecord, Player, Readiness, ResponseRecord, RunState, ScenarioPut, StoredScenario,
};
pub use reference::Reference;
pub use register::{
    AddressFilter, AddressKind, AddressRecord, FeedBatch, Register, RegisterEvent, RegisterTotals,
    SightingFact,
};
pub use reports::{ReportBatch, Reports};
pub use runs::{QuarantinedRow, RunEnd, Runs};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL said no.
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// The database location could not be understood.
    #[error("cannot open the database '{0}': use a file path, a sqlite: URL or a postgres:// URL")]
    BadLocation(String),
    /// Stored data did not read back as expected.
    #[error("stored data is not as expected: {0}")]
    Corrupt(String),
    /// The database was written by a newer Beacon.
    #[error(
        "the database has migration {found} but this Beacon knows only up to {known}; upgrade Beacon"
    )]
    TooNew {
        /// Highest migration in the database.
        found: i64,
        /// Highest migration this build has.
        known: i64,
    },
    /// Something with this name already exists (names are unique in any case), so the
    /// caller can say so rather than report a database failure.
    #[error("there is already an {what} called {name}")]
    Duplicate {
        /// What kind of thing, e.g. `account`.
        what: &'static str,
        /// The name as given.
        name: String,
    },
    /// The thing an operation is about does not exist (an ingest run, say), so the
    /// caller can tell a wrong id from a database failure.
    #[error("there is no {what} {id}")]
    NotFound {
        /// What kind of thing, e.g. `ingest run`.
        what: &'static str,
        /// Its id.
        id: i64,
    },
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Which backend a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Everything Beacon keeps: every area's trait. Callers are written against this trait
/// (or only the area traits they need) and never know the backend; the same story tests
/// run on both.
pub trait Store:
    Reference
    + Runs
    + Reports
    + Audit
    + Register
    + Accounts
    + Explore
    + Outbox
    + Inventory
    + Advisories
    + Readiness
    + Education
    + Campaigns
    + Care
    + CyberChoices
    + Engagements
    + Contacts
    + AdviceLibrary
    + FrontDoor
    + Send
{
    /// Which backend this is.
    fn backend(&self) -> Backend;
}

impl Store for sqlite::SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
}

impl Store for postgres::PostgresStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }
}

/// Opens a store from a location: a file path or `sqlite:` URL (SQLite), or a
/// `postgres://` / `postgresql://` URL. Applies migrations.
pub fn open(location: &str) -> StoreResult<Box<dyn Store>> {
    let location = location.trim();
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return Ok(Box::new(postgres::PostgresStore::connect(location)?));
    }
    let path = location
        .strip_prefix("sqlite://")
        .or_else(|| location.strip_prefix("sqlite:"))
        .unwrap_or(location);
    if path.is_empty() || path.contains("://") {
        return Err(StoreError::BadLocation(location.to_owned()));
    }
    Ok(Box::new(sqlite::SqliteStore::open(std::path::Path::new(
        path,
    ))?))
}
