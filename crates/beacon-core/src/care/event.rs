//! What the officer records on a case, each kind with the values it may take, so a case's
//! history reads the same whoever wrote it.

use serde::{Deserialize, Serialize};

/// The outcome of trying to contact a victim.
pub const CONTACT_OUTCOMES: [(&str, &str); 5] = [
    ("reached", "Spoke to them"),
    ("no_answer", "No answer"),
    ("left_message", "Left a message"),
    ("wrong_number", "Wrong number"),
    ("declined", "They declined to talk"),
];

/// The safeguarding referrals an officer makes.
pub const REFERRALS: [(&str, &str); 4] = [
    ("call_blocker", "Call blocker"),
    ("banking_protocol", "Banking protocol"),
    ("adult_social_care", "Adult social care"),
    ("power_of_attorney", "Power of attorney"),
];

/// How a case ends.
pub const CLOSING_OUTCOMES: [(&str, &str); 4] = [
    ("supported", "Supported"),
    ("declined_support", "Declined support"),
    ("unable_to_contact", "Could not be contacted"),
    ("referred_on", "Referred on to another service"),
];

/// One thing done on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum CaseEvent {
    /// A call or visit attempted, with its outcome (one of [`CONTACT_OUTCOMES`]).
    ContactAttempt(String),
    /// Protect advice given: an advice library item's slug.
    Advice(String),
    /// A safeguarding referral (one of [`REFERRALS`]).
    Referral(String),
    /// The case handed to another officer (their username).
    Handover(String),
    /// The case closed with its outcome (one of [`CLOSING_OUTCOMES`]).
    Closed(String),
}

impl CaseEvent {
    /// The stored kind.
    pub fn kind(&self) -> &'static str {
        match self {
            CaseEvent::ContactAttempt(_) => "contact_attempt",
            CaseEvent::Advice(_) => "advice",
            CaseEvent::Referral(_) => "referral",
            CaseEvent::Handover(_) => "handover",
            CaseEvent::Closed(_) => "closed",
        }
    }

    /// The stored detail.
    pub fn detail(&self) -> &str {
        match self {
            CaseEvent::ContactAttempt(detail)
            | CaseEvent::Advice(detail)
            | CaseEvent::Referral(detail)
            | CaseEvent::Handover(detail)
            | CaseEvent::Closed(detail) => detail,
        }
    }

    /// The event from its stored kind and detail, checked; why not, in words.
    ///
    /// # Errors
    /// An unknown kind, or a detail that is not one of the kind's values (an empty slug or
    /// username for advice and hand-overs).
    pub fn from_parts(kind: &str, detail: &str) -> Result<CaseEvent, String> {
        let detail = detail.trim();
        let one_of = |values: &[(&str, &str)], what: &str| {
            if values.iter().any(|(value, _)| *value == detail) {
                Ok(detail.to_owned())
            } else {
                Err(format!(
                    "Choose {what}: one of {}",
                    values
                        .iter()
                        .map(|(value, _)| *value)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        };
        let given = |what: &str| {
            if detail.is_empty() || detail.len() > 80 {
                Err(format!("Enter {what} (at most 80 characters)"))
            } else {
                Ok(detail.to_owned())
            }
        };
        match kind {
            "contact_attempt" => {
                one_of(&CONTACT_OUTCOMES, "how the contact went").map(CaseEvent::ContactAttempt)
            }
            "advice" => given("the advice given").map(CaseEvent::Advice),
            "referral" => one_of(&REFERRALS, "the referral").map(CaseEvent::Referral),
            "handover" => given("who the case goes to").map(CaseEvent::Handover),
            "closed" => one_of(&CLOSING_OUTCOMES, "how the case ended").map(CaseEvent::Closed),
            other => Err(format!("'{other}' is not something recorded on a case")),
        }
    }

    /// What the case's history says, e.g. "Contact attempt: No answer".
    pub fn describe(&self) -> String {
        let label = |values: &[(&str, &str)], value: &str| {
            values
                .iter()
                .find(|(each, _)| *each == value)
                .map_or_else(|| value.to_owned(), |(_, label)| (*label).to_owned())
        };
        match self {
            CaseEvent::ContactAttempt(outcome) => {
                format!("Contact attempt: {}", label(&CONTACT_OUTCOMES, outcome))
            }
            CaseEvent::Advice(slug) => format!("Advice given: {slug}"),
            CaseEvent::Referral(referral) => {
                format!("Referral: {}", label(&REFERRALS, referral))
            }
            CaseEvent::Handover(to) => format!("Handed over to {to}"),
            CaseEvent::Closed(outcome) => format!("Closed: {}", label(&CLOSING_OUTCOMES, outcome)),
        }
    }
}
