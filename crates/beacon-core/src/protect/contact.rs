//! A contact of a protect campaign as Beacon keeps it: coarse attributes only (district,
//! age band, sector, size), never a name, a date of birth or a street address; and the
//! lawful basis and consent evidence that decide who may be sent what.

use crate::message::Channel;
use crate::{AgeBand, DistrictCode, OrgSize};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Who a contact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// A resident of the area.
    Resident,
    /// A business, charity or other organisation (a sole trader is one, but is treated
    /// as an individual: see [`ContactAttributes::is_individual`]).
    Business,
    /// A member of a partner organisation's staff.
    Staff,
}

impl ContactKind {
    /// Every kind, in the order pages list them.
    pub const ALL: [ContactKind; 3] = [
        ContactKind::Resident,
        ContactKind::Business,
        ContactKind::Staff,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Resident => "resident",
            ContactKind::Business => "business",
            ContactKind::Staff => "staff",
        }
    }

    /// Reads the stored spelling (any case); `None` for another word.
    pub fn from_stored(text: &str) -> Option<ContactKind> {
        let key = text.trim().to_ascii_lowercase();
        ContactKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == key)
    }
}

/// What Beacon knows about a contact besides its addresses: coarse on purpose, enough to
/// target and to stratify, too little to identify anyone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContactAttributes {
    /// Who the contact is (`None` only while being built).
    pub kind: Option<ContactKind>,
    /// A business run by one person on their own account: an individual in law (PECR
    /// treats sole traders as individual subscribers).
    pub sole_trader: bool,
    /// District of the area.
    pub district: Option<DistrictCode>,
    /// Ward code (ONS, e.g. `E05010458`), for cluster randomisation by ward.
    pub ward: Option<String>,
    /// Age band of a resident or staff member.
    pub age_band: Option<AgeBand>,
    /// Sector of a business, lower case, e.g. `retail`.
    pub sector: Option<String>,
    /// Size of a business.
    pub size: Option<OrgSize>,
}

impl ContactAttributes {
    /// Whether the contact is an individual (a resident, a member of staff, or a sole
    /// trader): individuals get consent-based campaigns only with their recorded consent.
    pub fn is_individual(&self) -> bool {
        match self.kind {
            Some(ContactKind::Business) => self.sole_trader,
            _ => true,
        }
    }
}

/// Why a campaign may message its recipients, chosen per campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LawfulBasis {
    /// A service message in the partnership's public task (UK GDPR article 6(1)(e)): advice
    /// about a current threat, not promotion.
    PublicTask,
    /// The recipient's consent (article 6(1)(a)), with its evidence kept.
    Consent,
}

impl LawfulBasis {
    /// Both bases, in the order pages list them.
    pub const ALL: [LawfulBasis; 2] = [LawfulBasis::PublicTask, LawfulBasis::Consent];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LawfulBasis::PublicTask => "public_task",
            LawfulBasis::Consent => "consent",
        }
    }

    /// How pages name it.
    pub fn label(self) -> &'static str {
        match self {
            LawfulBasis::PublicTask => "Public task (service message)",
            LawfulBasis::Consent => "Consent",
        }
    }

    /// Reads the stored spelling (any case, `-` as `_`); `None` for another word.
    pub fn from_stored(text: &str) -> Option<LawfulBasis> {
        let key = text.trim().to_ascii_lowercase().replace('-', "_");
        LawfulBasis::ALL
            .into_iter()
            .find(|basis| basis.as_str() == key)
    }
}

/// Evidence that a contact may be messaged on one channel: on which basis, since when,
/// how it was given and the words they agreed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEvidence {
    /// The channel it covers.
    pub channel: Channel,
    /// The basis it records.
    pub basis: LawfulBasis,
    /// When it was given (or the service relationship began).
    #[serde(with = "time::serde::rfc3339")]
    pub given_at: OffsetDateTime,
    /// How: `web form`, `paper form at event`, `phone`, …
    pub how: String,
    /// The wording the contact agreed to (or the service notice they were given).
    pub wording: String,
    /// When it was withdrawn, if it was.
    #[serde(with = "time::serde::rfc3339::option")]
    pub withdrawn_at: Option<OffsetDateTime>,
}

impl ConsentEvidence {
    /// Whether this evidence lets a campaign on `basis` message the contact on its channel
    /// at `at`. Withdrawn evidence permits nothing. A public-task campaign may use either
    /// kind of evidence; a consent campaign needs consent from an individual, while a
    /// business that is not a sole trader (a corporate subscriber) may be sent it on
    /// either, and can opt out like anyone else.
    pub fn permits(
        &self,
        attributes: &ContactAttributes,
        basis: LawfulBasis,
        at: OffsetDateTime,
    ) -> bool {
        if self.withdrawn_at.is_some_and(|withdrawn| withdrawn <= at) || self.given_at > at {
            return false;
        }
        match basis {
            LawfulBasis::PublicTask => true,
            LawfulBasis::Consent => {
                self.basis == LawfulBasis::Consent || !attributes.is_individual()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn evidence(basis: LawfulBasis) -> ConsentEvidence {
        ConsentEvidence {
            channel: Channel::Email,
            basis,
            given_at: datetime!(2024-01-10 09:00 UTC),
            how: "web form".to_owned(),
            wording: "Send me fraud alerts by email".to_owned(),
            withdrawn_at: None,
        }
    }

    #[test]
    fn sole_traders_need_consent_like_residents_but_companies_do_not() {
        let at = datetime!(2024-03-01 09:00 UTC);
        let resident = ContactAttributes {
            kind: Some(ContactKind::Resident),
            ..ContactAttributes::default()
        };
        let company = ContactAttributes {
            kind: Some(ContactKind::Business),
            ..ContactAttributes::default()
        };
        let sole_trader = ContactAttributes {
            sole_trader: true,
            ..company.clone()
        };
        let service = evidence(LawfulBasis::PublicTask);
        assert!(service.permits(&resident, LawfulBasis::PublicTask, at));
        assert!(!service.permits(&resident, LawfulBasis::Consent, at));
        assert!(!service.permits(&sole_trader, LawfulBasis::Consent, at));
        assert!(service.permits(&company, LawfulBasis::Consent, at));
        assert!(evidence(LawfulBasis::Consent).permits(&resident, LawfulBasis::Consent, at));
    }

    #[test]
    fn withdrawn_or_future_evidence_permits_nothing() {
        let at = datetime!(2024-03-01 09:00 UTC);
        let resident = ContactAttributes::default();
        let mut withdrawn = evidence(LawfulBasis::Consent);
        withdrawn.withdrawn_at = Some(datetime!(2024-02-01 09:00 UTC));
        assert!(!withdrawn.permits(&resident, LawfulBasis::PublicTask, at));
        assert!(withdrawn.permits(
            &resident,
            LawfulBasis::Consent,
            datetime!(2024-01-20 0:00 UTC)
        ));
        assert!(!evidence(LawfulBasis::Consent).permits(
            &resident,
            LawfulBasis::Consent,
            datetime!(2024-01-01 0:00 UTC)
        ));
    }
}
