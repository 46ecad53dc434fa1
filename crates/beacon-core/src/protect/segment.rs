//! A segment: the rules that pick a campaign's recipients from the contacts by their
//! coarse attributes. Every field narrows; an empty set means "any".

use super::contact::{ContactAttributes, ContactKind};
use crate::{AgeBand, DistrictCode, OrgSize};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Rules over contacts' attributes, as the segment builder saves them. A contact is in
/// the segment when every non-empty set holds its value (a contact without that
/// attribute is then out).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SegmentRule {
    /// Kinds of contact.
    pub kinds: BTreeSet<ContactKind>,
    /// Only sole traders (`Some(true)`), only others (`Some(false)`), or either.
    pub sole_trader: Option<bool>,
    /// Districts.
    pub districts: BTreeSet<DistrictCode>,
    /// Age bands.
    pub age_bands: BTreeSet<AgeBand>,
    /// Business sectors, lower case.
    pub sectors: BTreeSet<String>,
    /// Business sizes.
    pub sizes: BTreeSet<OrgSize>,
}

impl SegmentRule {
    /// Whether a contact with these attributes is in the segment.
    pub fn matches(&self, contact: &ContactAttributes) -> bool {
        fn within<T: Ord>(set: &BTreeSet<T>, value: Option<&T>) -> bool {
            set.is_empty() || value.is_some_and(|value| set.contains(value))
        }
        within(&self.kinds, contact.kind.as_ref())
            && self
                .sole_trader
                .is_none_or(|wanted| wanted == contact.sole_trader)
            && within(&self.districts, contact.district.as_ref())
            && within(&self.age_bands, contact.age_band.as_ref())
            && within(&self.sectors, contact.sector.as_ref())
            && within(&self.sizes, contact.size.as_ref())
    }

    /// Whether the rule picks every contact (nothing narrows it).
    pub fn is_everyone(&self) -> bool {
        *self == SegmentRule::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_narrows_and_a_missing_attribute_is_out() {
        let older_in_melton = SegmentRule {
            kinds: [ContactKind::Resident].into(),
            districts: ["E07000133".parse().expect("code")].into(),
            age_bands: [AgeBand::Seventies, AgeBand::EightyPlus].into(),
            ..SegmentRule::default()
        };
        let mut contact = ContactAttributes {
            kind: Some(ContactKind::Resident),
            district: Some("E07000133".parse().expect("code")),
            age_band: Some(AgeBand::Seventies),
            ..ContactAttributes::default()
        };
        assert!(older_in_melton.matches(&contact));
        contact.age_band = None;
        assert!(!older_in_melton.matches(&contact));
        contact.age_band = Some(AgeBand::Sixties);
        assert!(!older_in_melton.matches(&contact));
        assert!(SegmentRule::default().matches(&contact));
        assert!(SegmentRule::default().is_everyone());
        let sole_traders = SegmentRule {
            sole_trader: Some(true),
            ..SegmentRule::default()
        };
        assert!(!sole_traders.matches(&contact));
    }
}
