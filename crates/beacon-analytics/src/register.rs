//! Counting the threat-address register: distinct addresses (the board paper's "individual
//! addresses believed to be involved in the spread or delivery of tools…"), overall and
//! by any combination of district, type, organisation, feed and month.
//!
//! An address counts once in each group it was seen in: an address reported as both a
//! C2 server and an infected system counts once in each type, and once in the total.
//!
//! [`RegisterFigures`] is what the board update says about the register for a period: the
//! distinct addresses seen in it and their breakdown by district, named from the area's
//! districts. The application layer (`beacon_app::board::register_figures`) is the one
//! place that reads them from a store, so the CLI and the web board page cannot disagree.

use beacon_core::{Districts, Period, SightingFact};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;
use time::{Duration, OffsetDateTime, Time};

/// What addresses can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressDimension {
    /// District (ONS code; `unknown` when the owner is unknown or has none).
    District,
    /// IntelMQ classification type.
    Type,
    /// Owning organisation (`unattributed` when none).
    Organisation,
    /// Feed.
    Feed,
    /// Month seen, `YYYY-MM`.
    Month,
}

impl FromStr for AddressDimension {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "district" => Ok(AddressDimension::District),
            "type" | "classification" | "classification_type" => Ok(AddressDimension::Type),
            "organisation" | "organization" | "owner" => Ok(AddressDimension::Organisation),
            "feed" => Ok(AddressDimension::Feed),
            "month" => Ok(AddressDimension::Month),
            other => Err(format!(
                "'{other}' is not a dimension: use district, type, organisation, feed or month"
            )),
        }
    }
}

impl AddressDimension {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            AddressDimension::District => "district",
            AddressDimension::Type => "type",
            AddressDimension::Organisation => "organisation",
            AddressDimension::Feed => "feed",
            AddressDimension::Month => "month",
        }
    }

    /// This dimension's value for a sighting. Organisations are given by id; callers
    /// name them.
    fn value(self, fact: &SightingFact) -> String {
        match self {
            AddressDimension::District => fact.district.clone().unwrap_or_else(|| "unknown".into()),
            AddressDimension::Type => fact.classification_type.clone(),
            AddressDimension::Organisation => fact
                .organisation_id
                .map_or_else(|| "unattributed".into(), |id| id.to_string()),
            AddressDimension::Feed => fact.feed.clone(),
            AddressDimension::Month => fact.month.clone(),
        }
    }
}

/// Distinct addresses in a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressGroup {
    /// The group's value for each dimension, by dimension name.
    pub key: BTreeMap<&'static str, String>,
    /// Distinct addresses in the group.
    pub addresses: u64,
}

/// Distinct addresses among the sightings.
pub fn distinct_addresses(facts: &[SightingFact]) -> u64 {
    facts
        .iter()
        .map(|fact| fact.address_id)
        .collect::<HashSet<_>>()
        .len() as u64
}

/// Distinct addresses among the sightings with an owner.
pub fn attributed_addresses(facts: &[SightingFact]) -> u64 {
    facts
        .iter()
        .filter(|fact| fact.organisation_id.is_some())
        .map(|fact| fact.address_id)
        .collect::<HashSet<_>>()
        .len() as u64
}

/// Distinct addresses per group of the given dimensions, largest first (ties by key).
pub fn group_addresses(facts: &[SightingFact], by: &[AddressDimension]) -> Vec<AddressGroup> {
    let mut groups: BTreeMap<Vec<String>, HashSet<i64>> = BTreeMap::new();
    for fact in facts {
        let key = by.iter().map(|dimension| dimension.value(fact)).collect();
        groups.entry(key).or_default().insert(fact.address_id);
    }
    let mut rows: Vec<AddressGroup> = groups
        .into_iter()
        .map(|(values, addresses)| AddressGroup {
            key: by.iter().map(|d| d.as_str()).zip(values).collect(),
            addresses: addresses.len() as u64,
        })
        .collect();
    if !by.contains(&AddressDimension::Month) {
        rows.sort_by(|a, b| {
            b.addresses
                .cmp(&a.addresses)
                .then_with(|| a.key.cmp(&b.key))
        });
    }
    rows
}

/// Distinct addresses seen in one district in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistrictAddresses {
    /// ONS code; `None` for addresses with no known district (no owner, or an owner
    /// without one).
    pub district_code: Option<String>,
    /// The district's name, or "No known district".
    pub name: String,
    /// Distinct addresses.
    pub addresses: u64,
}

/// The register's figures for a period, as the board update states them.
///
/// Why: the board paper's third figure ("960 individual addresses believed to be
/// involved…") is a count of distinct addresses in the area in a period, broken down by
/// district; the report writers take it ready-made so they only word it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterFigures {
    /// Distinct addresses seen in the period.
    pub distinct_addresses: u64,
    /// Of those, addresses with an owning organisation.
    pub attributed_addresses: u64,
    /// Every district of the area in reference order (zero when none was seen), then
    /// "No known district" when any address had none, then districts outside the area.
    pub by_district: Vec<DistrictAddresses>,
}

/// The name the district rows give addresses without a district.
pub const NO_KNOWN_DISTRICT: &str = "No known district";

impl RegisterFigures {
    /// Counts the sightings of a period: distinct addresses overall and by district.
    pub fn from_sightings(facts: &[SightingFact], districts: &Districts) -> RegisterFigures {
        let mut counts: BTreeMap<Option<String>, u64> =
            group_addresses(facts, &[AddressDimension::District])
                .into_iter()
                .map(|group| {
                    let code = group.key.get("district").cloned().unwrap_or_default();
                    let code = (code != "unknown").then_some(code);
                    (code, group.addresses)
                })
                .collect();
        let mut by_district: Vec<DistrictAddresses> = districts
            .list
            .iter()
            .map(|district| DistrictAddresses {
                district_code: Some(district.code.as_str().to_owned()),
                name: district.name.clone(),
                addresses: counts
                    .remove(&Some(district.code.as_str().to_owned()))
                    .unwrap_or(0),
            })
            .collect();
        if let Some(addresses) = counts.remove(&None) {
            by_district.push(DistrictAddresses {
                district_code: None,
                name: NO_KNOWN_DISTRICT.to_owned(),
                addresses,
            });
        }
        // Districts outside the area (an owner placed elsewhere) keep their code as name.
        by_district.extend(
            counts
                .into_iter()
                .map(|(code, addresses)| DistrictAddresses {
                    name: code.clone().unwrap_or_default(),
                    district_code: code,
                    addresses,
                }),
        );
        RegisterFigures {
            distinct_addresses: distinct_addresses(facts),
            attributed_addresses: attributed_addresses(facts),
            by_district,
        }
    }

    /// The span of sightings the figures for `period` count: from the first day of the
    /// period to the end of its last day (UTC), as `[start, end)`.
    pub fn window(period: Period) -> (OffsetDateTime, OffsetDateTime) {
        let start =
            |day: time::Date| -> OffsetDateTime { day.with_time(Time::MIDNIGHT).assume_utc() };
        (start(period.from), start(period.to) + Duration::days(1))
    }

    /// True when the register saw nothing in the period.
    pub fn is_empty(&self) -> bool {
        self.distinct_addresses == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(address_id: i64, month: &str, kind: &str, district: Option<&str>) -> SightingFact {
        SightingFact {
            address_id,
            month: month.into(),
            classification_type: kind.into(),
            feed: "feed".into(),
            organisation_id: district.map(|_| 1),
            district: district.map(str::to_owned),
        }
    }

    #[test]
    fn an_address_counts_once_overall_and_once_per_group() {
        let facts = vec![
            fact(1, "2026-10", "c2-server", Some("E06000016")),
            fact(1, "2026-11", "infected-system", Some("E06000016")),
            fact(2, "2026-11", "infected-system", None),
        ];
        assert_eq!(distinct_addresses(&facts), 2);
        assert_eq!(attributed_addresses(&facts), 1);
        let by_type = group_addresses(&facts, &[AddressDimension::Type]);
        assert_eq!(by_type[0].key["type"], "infected-system");
        assert_eq!(by_type[0].addresses, 2);
        assert_eq!(by_type[1].addresses, 1);
        let by_month = group_addresses(&facts, &[AddressDimension::Month]);
        assert_eq!(
            by_month.iter().map(|g| g.addresses).collect::<Vec<_>>(),
            vec![1, 2],
            "months stay in time order"
        );
        let by_district = group_addresses(&facts, &[AddressDimension::District]);
        assert_eq!(by_district.len(), 2);
        assert!(by_district.iter().any(|g| g.key["district"] == "unknown"));
    }

    #[test]
    fn dimensions_parse_with_synonyms() {
        assert_eq!("Organization".parse(), Ok(AddressDimension::Organisation));
        assert!("colour".parse::<AddressDimension>().is_err());
    }

    #[test]
    fn figures_name_every_district_and_count_the_unknown() {
        let districts = Districts {
            area_name: "Area".into(),
            list: vec![
                beacon_core::District {
                    code: "E06000016".parse().expect("a code"),
                    name: "Leicester".into(),
                    kind: "unitary".into(),
                    population_2011: 1,
                    population_2021: 1,
                },
                beacon_core::District {
                    code: "E06000017".parse().expect("a code"),
                    name: "Rutland".into(),
                    kind: "unitary".into(),
                    population_2011: 1,
                    population_2021: 1,
                },
            ],
        };
        let facts = vec![
            fact(1, "2017-04", "c2-server", Some("E06000016")),
            fact(1, "2017-05", "infected-system", Some("E06000016")),
            fact(2, "2017-05", "infected-system", Some("E06000016")),
            fact(3, "2017-06", "phishing", None),
        ];
        let figures = RegisterFigures::from_sightings(&facts, &districts);
        assert_eq!(figures.distinct_addresses, 3);
        assert_eq!(figures.attributed_addresses, 2);
        let rows: Vec<(&str, u64)> = figures
            .by_district
            .iter()
            .map(|row| (row.name.as_str(), row.addresses))
            .collect();
        assert_eq!(
            rows,
            vec![("Leicester", 2), ("Rutland", 0), (NO_KNOWN_DISTRICT, 1)]
        );
        assert!(!figures.is_empty());
        assert!(RegisterFigures::from_sightings(&[], &districts).is_empty());
    }
}
