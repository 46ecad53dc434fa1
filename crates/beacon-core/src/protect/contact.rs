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

/// Reads an email address as Beacon stores it: trimmed and lower-cased, with one `@`, a
/// local part, and a domain holding a dot; an error says what is wrong in plain words.
pub fn parse_email(raw: &str) -> Result<String, String> {
    let address = raw.trim().to_lowercase();
    let refuse = |why: &str| Err(format!("email '{}' {why}", raw.trim()));
    if address.is_empty() {
        return refuse("is empty");
    }
    if address.len() > 254 {
        return refuse("is longer than 254 characters");
    }
    if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return refuse("contains a space");
    }
    let Some((local, domain)) = address.split_once('@') else {
        return refuse("has no @");
    };
    if local.is_empty() || domain.contains('@') {
        return refuse("is not one mailbox (one @ with a name before it)");
    }
    if !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return refuse("has no domain such as example.org after the @");
    }
    Ok(address)
}

/// Reads a UK mobile number into E.164 (`+447…`): accepts `07…`, `447…`, `+447…`, `00447…`
/// and `+44 (0)7…`, with spaces, dots, dashes or brackets between the digits.
pub fn parse_uk_mobile(raw: &str) -> Result<String, String> {
    let text = raw.trim().replace("(0)", "");
    let refuse = || {
        Err(format!(
            "mobile '{}' is not a UK mobile number (07 and 9 more digits, or +447…)",
            raw.trim()
        ))
    };
    let plus = text.starts_with('+');
    let mut digits = String::new();
    for (index, character) in text.chars().enumerate() {
        match character {
            '0'..='9' => digits.push(character),
            '+' if index == 0 => {}
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return refuse(),
        }
    }
    let national = if let Some(rest) = digits.strip_prefix("0044") {
        rest
    } else if let Some(rest) = digits
        .strip_prefix("44")
        .filter(|_| plus || digits.len() == 12)
    {
        rest
    } else if plus {
        return refuse();
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest
    } else {
        return refuse();
    };
    if national.len() == 10 && national.starts_with('7') {
        Ok(format!("+44{national}"))
    } else {
        refuse()
    }
}

/// The canonical form of an address on a channel, for comparing and hashing: what
/// [`parse_email`] or [`parse_uk_mobile`] gives, or for text they refuse (a suppression
/// entered by hand, say) the trimmed, lower-cased text without spaces.
pub fn normalise_address(channel: Channel, raw: &str) -> String {
    let parsed = match channel {
        Channel::Email => parse_email(raw),
        Channel::Sms => parse_uk_mobile(raw),
        Channel::Webhook | Channel::Social => Err(String::new()),
    };
    parsed.unwrap_or_else(|_| {
        raw.trim()
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    })
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

    #[test]
    fn emails_are_trimmed_and_lower_cased_and_mobiles_become_e164() {
        assert_eq!(
            parse_email("  Ann.Example@Example.ORG ").as_deref(),
            Ok("ann.example@example.org")
        );
        for bad in [
            "",
            "no-at.example.org",
            "a@b",
            "a b@example.org",
            "@example.org",
            "a@@x.org",
        ] {
            assert!(parse_email(bad).is_err(), "{bad} should be refused");
        }
        for good in [
            "07700 900123",
            "+44 7700 900123",
            "447700900123",
            "0044 7700-900-123",
            "+44 (0)7700 900123",
        ] {
            assert_eq!(
                parse_uk_mobile(good).as_deref(),
                Ok("+447700900123"),
                "{good}"
            );
        }
        for bad in [
            "0116 496 0000",
            "07700 90012",
            "+1 202 555 0100",
            "07700x900123",
            "",
        ] {
            assert!(parse_uk_mobile(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(
            normalise_address(Channel::Sms, "07700 900123"),
            "+447700900123"
        );
        assert_eq!(normalise_address(Channel::Sms, " 12 34 "), "1234");
        assert_eq!(
            normalise_address(Channel::Email, " A@Example.org"),
            "a@example.org"
        );
    }
}
