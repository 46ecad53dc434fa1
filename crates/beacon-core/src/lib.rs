//! Beacon's domain: the types every other crate shares, each valid once it exists.
//!
//! **Architecture invariant:** this crate does no I/O and knows no database. Values are
//! parsed once at the edge (`FromStr`/`parse` functions here) and trusted afterwards.

pub mod advisory;
pub mod care;
pub mod district;
pub mod engagement;
pub mod event;
pub mod facts;
pub mod front_door;
pub mod inventory;
pub mod issues;
pub mod message;
pub mod money;
pub mod network;
pub mod organisation;
pub mod period;
pub mod postcode;
pub mod prevent;
pub mod protect;
pub mod readiness;
pub mod register;
pub mod report;
pub mod role;
pub mod run;
pub mod taxonomy;
pub mod text;
pub mod tlp;

pub use advisory::{
    Advisory, AdvisorySource, Applicability, Criterion, Priority, ProductPattern,
    ValidationFailure, VersionBounds,
};
pub use district::{District, DistrictCode, Districts};
pub use event::Event;
pub use facts::{Fact, FactSet};
pub use inventory::{
    Asset, AssetStatus, Confidence, ContactRole, Delivery, PartnerContact, ProductEntry,
};
pub use issues::{IssueMatcher, IssueRule, LocalIssueRules};
pub use message::Channel;
pub use money::Pence;
pub use network::Cidr;
pub use organisation::{Organisation, StoredOrganisation};
pub use period::Period;
pub use postcode::Postcode;
pub use register::SightingFact;
pub use report::{AgeBand, Gender, OrgSize, Report, VictimType};
pub use role::{Permission, Role};
pub use run::{IngestRun, RejectedRow, RunCounts, RunStatus};
pub use taxonomy::{Category, FraudType, Taxonomy};
pub use tlp::Tlp;
