//! Protect campaigns: the vocabulary shared by the advice library, contacts and consent,
//! segments, campaigns and their delivery, so the parsers, the store, the engines and the
//! pages all name the same things.
//!
//! * [`topic`]: the threats advice is about and the audiences it is for.
//! * [`advice`]: an item of the advice library, where to report, and its checks.
//! * [`reading`]: the reading-level check (Flesch reading ease, Flesch–Kincaid grade).
//! * [`contact`]: a contact's coarse attributes (never more than district, age band,
//!   sector and size), the lawful basis of a campaign and the consent evidence kept.
//! * [`segment`]: rules over contacts' attributes that pick a campaign's recipients.
//! * [`delivery`]: where one recipient's message of a campaign stands.

pub mod advice;
pub mod contact;
pub mod delivery;
pub mod reading;
pub mod segment;
pub mod topic;

pub use advice::{AdviceItem, AdviceProblem, Attribution, ReportRoute, SHORT_FORM_LIMIT};
pub use contact::{
    ConsentEvidence, ContactAttributes, ContactKind, LawfulBasis, normalise_address, parse_email,
    parse_uk_mobile,
};
pub use delivery::RecipientStatus;
pub use reading::ReadingLevel;
pub use segment::SegmentRule;
pub use topic::{Audience, Threat};
