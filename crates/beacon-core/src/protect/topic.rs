//! What protect advice is about (the threat) and who it is for (the audience), with the
//! slugs used in the advice files, the store and addresses.

use serde::{Deserialize, Serialize};

/// A threat protect advice addresses. The first four are the partnership's local issues
/// (their slugs are the local-issue names of `data/rules/local_issues.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Threat {
    /// Ransomware.
    Ransomware,
    /// Courier fraud (criminals posing as police or bank staff collect cards or cash).
    CourierFraud,
    /// Romance fraud.
    RomanceFraud,
    /// Sextortion.
    Sextortion,
    /// Phishing emails, texts and calls.
    Phishing,
    /// Passwords and two-step verification.
    #[serde(rename = "passwords_2fa")]
    Passwords2fa,
    /// Software and device updates.
    Updates,
    /// Backups.
    Backups,
    /// Invoice and mandate fraud (changed bank details).
    InvoiceMandateFraud,
    /// Investment fraud.
    InvestmentFraud,
    /// Online shopping and auction fraud.
    OnlineShoppingFraud,
}

impl Threat {
    /// Every threat, in the order pages list them.
    pub const ALL: [Threat; 11] = [
        Threat::Ransomware,
        Threat::CourierFraud,
        Threat::RomanceFraud,
        Threat::Sextortion,
        Threat::Phishing,
        Threat::Passwords2fa,
        Threat::Updates,
        Threat::Backups,
        Threat::InvoiceMandateFraud,
        Threat::InvestmentFraud,
        Threat::OnlineShoppingFraud,
    ];

    /// The slug used in files, the store and addresses, e.g. `courier_fraud`.
    pub fn slug(self) -> &'static str {
        match self {
            Threat::Ransomware => "ransomware",
            Threat::CourierFraud => "courier_fraud",
            Threat::RomanceFraud => "romance_fraud",
            Threat::Sextortion => "sextortion",
            Threat::Phishing => "phishing",
            Threat::Passwords2fa => "passwords_2fa",
            Threat::Updates => "updates",
            Threat::Backups => "backups",
            Threat::InvoiceMandateFraud => "invoice_mandate_fraud",
            Threat::InvestmentFraud => "investment_fraud",
            Threat::OnlineShoppingFraud => "online_shopping_fraud",
        }
    }

    /// How pages name it.
    pub fn label(self) -> &'static str {
        match self {
            Threat::Ransomware => "Ransomware",
            Threat::CourierFraud => "Courier fraud",
            Threat::RomanceFraud => "Romance fraud",
            Threat::Sextortion => "Sextortion",
            Threat::Phishing => "Phishing",
            Threat::Passwords2fa => "Passwords and 2-step verification",
            Threat::Updates => "Updates",
            Threat::Backups => "Backups",
            Threat::InvoiceMandateFraud => "Invoice and mandate fraud",
            Threat::InvestmentFraud => "Investment fraud",
            Threat::OnlineShoppingFraud => "Online shopping fraud",
        }
    }

    /// Reads a slug (any case; `-` and spaces read as `_`); `None` for one Beacon does
    /// not know.
    pub fn from_slug(text: &str) -> Option<Threat> {
        let key = slug_key(text);
        Threat::ALL.into_iter().find(|threat| threat.slug() == key)
    }
}

/// Who protect advice is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Residents aged 65 and over, and those who care for them.
    OlderResidents,
    /// Young people (about 11 to 24).
    YoungPeople,
    /// Parents and carers of children.
    Parents,
    /// Small and medium businesses, sole traders and charities (advice may name sectors).
    Smes,
    /// Staff of the partner organisations.
    PartnerStaff,
    /// People using public services at contact points (libraries, council offices,
    /// surgeries, job centres).
    ContactPoints,
}

impl Audience {
    /// Every audience, in the order pages list them.
    pub const ALL: [Audience; 6] = [
        Audience::OlderResidents,
        Audience::YoungPeople,
        Audience::Parents,
        Audience::Smes,
        Audience::PartnerStaff,
        Audience::ContactPoints,
    ];

    /// The slug used in files, the store and addresses, e.g. `older_residents`.
    pub fn slug(self) -> &'static str {
        match self {
            Audience::OlderResidents => "older_residents",
            Audience::YoungPeople => "young_people",
            Audience::Parents => "parents",
            Audience::Smes => "smes",
            Audience::PartnerStaff => "partner_staff",
            Audience::ContactPoints => "contact_points",
        }
    }

    /// How pages name it.
    pub fn label(self) -> &'static str {
        match self {
            Audience::OlderResidents => "Older residents",
            Audience::YoungPeople => "Young people",
            Audience::Parents => "Parents and carers",
            Audience::Smes => "Small businesses",
            Audience::PartnerStaff => "Partner staff",
            Audience::ContactPoints => "People at service contact points",
        }
    }

    /// Reads a slug (any case; `-` and spaces read as `_`); `None` for one Beacon does
    /// not know.
    pub fn from_slug(text: &str) -> Option<Audience> {
        let key = slug_key(text);
        Audience::ALL
            .into_iter()
            .find(|audience| audience.slug() == key)
    }
}

fn slug_key(text: &str) -> String {
    text.trim().to_ascii_lowercase().replace(['-', ' '], "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_read_back_and_local_issues_keep_their_names() {
        for threat in Threat::ALL {
            assert_eq!(Threat::from_slug(threat.slug()), Some(threat));
            let json = serde_json::to_string(&threat).expect("serialises");
            assert_eq!(json, format!("\"{}\"", threat.slug()));
        }
        for audience in Audience::ALL {
            assert_eq!(Audience::from_slug(audience.slug()), Some(audience));
            let json = serde_json::to_string(&audience).expect("serialises");
            assert_eq!(json, format!("\"{}\"", audience.slug()));
        }
        assert_eq!(
            Threat::from_slug("Courier-Fraud"),
            Some(Threat::CourierFraud)
        );
        assert_eq!(Threat::from_slug("vishing"), None);
        let rules = include_str!("../../../../data/rules/local_issues.toml");
        for threat in &Threat::ALL[..4] {
            assert!(rules.contains(&format!("issue = \"{}\"", threat.slug())));
        }
    }
}
