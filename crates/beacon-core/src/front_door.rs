//! The public front door's vocabulary: the fixed answers a resident or business may give
//! when reporting an incident to the partnership (who they are, what happened, how they
//! were contacted, a business's sector), each with the key the store keeps and the words
//! the pages show.
//!
//! **Invariant:** answers are keys from these short lists only, never free text, so what
//! is stored can be counted and cannot identify anyone.

use crate::protect::Threat;
use serde::{Deserialize, Serialize};

/// Declares a fixed list of answers: the enum, `ALL` in page order, the stored `key` and
/// the page's `label`, and reading a key back.
macro_rules! answers {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $key:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $key)] $variant,)+
        }

        impl $name {
            /// Every answer, in the order the page lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The key the form sends and the store keeps.
            pub fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key,)+
                }
            }

            /// How the page and the summary name it.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            /// Reads a key; `None` for anything else (the page then asks again).
            pub fn from_key(key: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|answer| answer.key() == key)
            }
        }
    };
}

answers! {
    /// Who is reporting.
    ReporterKind {
        /// A resident, for themselves or someone they look after.
        Resident => "resident", "A resident (for yourself or someone you care for)";
        /// A business, charity or other organisation.
        Business => "business", "A business, charity or other organisation";
    }
}

answers! {
    /// What happened, in the words people use; each maps to the advice library's threats.
    WhatHappened {
        /// A scam email or text message.
        Phishing => "phishing", "A scam email, text message or phone call";
        /// Someone got into an email, social media or other account.
        HackedAccount => "hacked_account", "Someone got into an email, social media or other account";
        /// Ransomware, a virus or other malicious software.
        Malware => "malware", "Ransomware, a virus or other harmful software";
        /// Goods bought online that never came or were fake.
        OnlineShopping => "online_shopping", "Buying or selling online (goods that never came or were fake)";
        /// An investment, pension or cryptocurrency scam.
        Investment => "investment", "An investment, pension or cryptocurrency scam";
        /// Someone met online asked for money.
        Romance => "romance", "Someone met online or on a dating site asked for money";
        /// Someone pretending to be the police, a bank or a company.
        Impersonation => "impersonation", "Someone pretending to be the police, a bank or a company";
        /// Threats to share intimate images unless paid.
        Sextortion => "sextortion", "Threats to share intimate images or videos unless paid";
        /// Changed bank details on an invoice or a request to pay.
        InvoiceFraud => "invoice_fraud", "An invoice or payment request with changed bank details";
        /// Something else.
        Other => "other", "Something else";
    }
}

impl WhatHappened {
    /// The advice library's threats that suit this, most relevant first.
    pub fn threats(self) -> &'static [Threat] {
        match self {
            WhatHappened::Phishing => &[Threat::Phishing],
            WhatHappened::HackedAccount => &[Threat::Passwords2fa, Threat::Phishing],
            WhatHappened::Malware => &[Threat::Ransomware, Threat::Backups, Threat::Updates],
            WhatHappened::OnlineShopping => &[Threat::OnlineShoppingFraud],
            WhatHappened::Investment => &[Threat::InvestmentFraud],
            WhatHappened::Romance => &[Threat::RomanceFraud],
            WhatHappened::Impersonation => &[Threat::CourierFraud, Threat::Phishing],
            WhatHappened::Sextortion => &[Threat::Sextortion],
            WhatHappened::InvoiceFraud => &[Threat::InvoiceMandateFraud],
            WhatHappened::Other => &[Threat::Phishing],
        }
    }

    /// Whether Action Fraud would call it a cyber crime (computer misuse) rather than a
    /// fraud, so the summary says which.
    pub fn is_cyber(self) -> bool {
        matches!(
            self,
            WhatHappened::HackedAccount | WhatHappened::Malware | WhatHappened::Sextortion
        )
    }
}

answers! {
    /// How the criminal first made contact.
    ContactMethod {
        /// A phone call.
        PhoneCall => "phone_call", "A phone call";
        /// A text or messaging app.
        TextMessage => "text_message", "A text message or messaging app (such as WhatsApp)";
        /// An email.
        Email => "email", "An email";
        /// Social media.
        SocialMedia => "social_media", "Social media";
        /// A website or app.
        Website => "website", "A website or app";
        /// In person, at the door or in the street.
        InPerson => "in_person", "In person (at the door or in the street)";
        /// A letter.
        Letter => "letter", "A letter";
        /// Some other way.
        Other => "other", "Another way";
    }
}

answers! {
    /// A business's sector (the sectors the protect advice library and contacts name).
    BusinessSector {
        /// Shops.
        Retail => "retail", "Retail";
        /// Pubs, restaurants, hotels.
        Hospitality => "hospitality", "Hospitality";
        /// Building trades.
        Construction => "construction", "Construction";
        /// Accountants, solicitors and other professional services.
        ProfessionalServices => "professional_services", "Professional services";
        /// Making things.
        Manufacturing => "manufacturing", "Manufacturing";
        /// Health and social care.
        HealthAndCare => "health_and_care", "Health and care";
        /// Charities and community groups.
        Charity => "charity", "Charity or community group";
        /// Transport and logistics.
        Transport => "transport", "Transport and logistics";
        /// Anything else.
        Other => "other", "Another sector";
    }
}

impl BusinessSector {
    /// The sector a report file or engagement log names in its own words (`professional
    /// services`, `Health`, `charities`, `logistics`), so sources can be set side by side;
    /// [`BusinessSector::Other`] for any sector not on the front door's list.
    pub fn from_words(words: &str) -> BusinessSector {
        let folded = crate::text::fold(words);
        let named = |names: &[&str]| names.iter().any(|name| folded == *name);
        if named(&["retail", "shop", "shops"]) {
            BusinessSector::Retail
        } else if named(&["hospitality"]) {
            BusinessSector::Hospitality
        } else if named(&["construction", "building"]) {
            BusinessSector::Construction
        } else if named(&["professionalservices", "professional"]) {
            BusinessSector::ProfessionalServices
        } else if named(&["manufacturing"]) {
            BusinessSector::Manufacturing
        } else if named(&[
            "health",
            "healthandcare",
            "care",
            "socialcare",
            "healthandsocialcare",
        ]) {
            BusinessSector::HealthAndCare
        } else if named(&[
            "charity",
            "charities",
            "communitygroup",
            "charityorcommunitygroup",
            "voluntary",
        ]) {
            BusinessSector::Charity
        } else if named(&["transport", "logistics", "transportandlogistics"]) {
            BusinessSector::Transport
        } else {
            BusinessSector::Other
        }
    }

    /// The advice library's sector slug this matches, if it names one.
    pub fn advice_sector(self) -> Option<&'static str> {
        match self {
            BusinessSector::Retail => Some("retail"),
            BusinessSector::Hospitality => Some("hospitality"),
            BusinessSector::Construction => Some("construction"),
            BusinessSector::ProfessionalServices => Some("professional-services"),
            BusinessSector::Manufacturing => Some("manufacturing"),
            BusinessSector::HealthAndCare => Some("health-and-care"),
            BusinessSector::Charity => Some("charities"),
            BusinessSector::Transport => Some("transport"),
            BusinessSector::Other => None,
        }
    }
}

/// Where a report is placed when it is not in one of the area's districts.
pub const OUTSIDE_AREA: &str = "outside";
/// Where a report is placed when the reporter was not sure.
pub const PLACE_NOT_SURE: &str = "not_sure";

/// The letters and digits a front-door reference is made of: no 0/O, 1/I/L, 5/S or 2/Z,
/// so a reference read out over the phone is not misheard.
pub const REFERENCE_ALPHABET: &[u8] = b"346789ABCDEFGHJKMNPQRTUVWXY";

/// How many characters follow `LR-` in a reference.
pub const REFERENCE_LENGTH: usize = 8;

/// A front-door reference from random numbers (one per character), e.g. `LR-7KQ4XM9A`.
pub fn reference_from(random: impl IntoIterator<Item = u32>) -> String {
    let letters: String = random
        .into_iter()
        .take(REFERENCE_LENGTH)
        .map(|n| {
            let index = usize::try_from(n).unwrap_or(0) % REFERENCE_ALPHABET.len();
            char::from(REFERENCE_ALPHABET[index])
        })
        .collect();
    format!("LR-{letters}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_and_serialise_as_keys() {
        for what in WhatHappened::ALL {
            assert_eq!(WhatHappened::from_key(what.key()), Some(*what));
            assert!(!what.threats().is_empty());
        }
        for method in ContactMethod::ALL {
            assert_eq!(ContactMethod::from_key(method.key()), Some(*method));
        }
        for sector in BusinessSector::ALL {
            assert_eq!(BusinessSector::from_key(sector.key()), Some(*sector));
            assert_eq!(BusinessSector::from_words(sector.key()), *sector);
        }
        assert_eq!(
            ReporterKind::from_key("business"),
            Some(ReporterKind::Business)
        );
        assert_eq!(ReporterKind::from_key("<script>"), None);
        assert_eq!(
            serde_json::to_string(&WhatHappened::HackedAccount).expect("json"),
            "\"hacked_account\""
        );
    }

    #[test]
    fn references_use_the_unambiguous_alphabet() {
        let reference = reference_from([0, 1, 2, 26, 27, 100, 7, 8]);
        assert_eq!(reference.len(), 3 + REFERENCE_LENGTH);
        assert!(reference.starts_with("LR-"));
        assert!(
            reference[3..]
                .bytes()
                .all(|b| REFERENCE_ALPHABET.contains(&b))
        );
        assert_eq!(reference, "LR-346Y3QBC");
    }
}
