//! Cyber Choices, the cyber prevent programme: referrals of people (mostly young) at risk
//! of drifting into computer misuse, and the stages each one goes through, from an
//! anonymised summary to the outcome of a diversion plan.
//!
//! A referral holds no names: a reference, who referred, an age band, a district and the
//! concern. Its stages ([`Step`]) are recorded in order, each with its date and who
//! recorded it ([`check_step`] says what may come next); the programme's measure is
//! whether the person was contacted within 5 working days of the full referral
//! ([`WorkingCalendar`] knows the working days).

pub mod calendar;
pub mod referral;
pub mod step;

pub use calendar::{CalendarProblem, WorkingCalendar};
pub use referral::{AGE_BANDS, CONCERNS, REFERRERS, ReferralDetails, label_of};
pub use step::{OUTCOMES, RecordedStep, SUITABILITY, Step, check_step, stage_of};

/// How many working days after the full referral first contact is due.
pub const CONTACT_WITHIN_WORKING_DAYS: u32 = 5;
