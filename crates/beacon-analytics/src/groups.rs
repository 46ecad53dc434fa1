//! `--by` breakdowns: measures for every combination of the chosen dimensions.

use crate::measures::{Accumulator, Measures};
use crate::month_label;
use beacon_core::report::AgeBand;
use beacon_core::{Category, Fact, FactSet, Period, Taxonomy};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;
use std::str::FromStr;

/// A dimension to break figures down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// ONS district code (`unknown` when not known).
    District,
    /// Fraud-type key.
    FraudType,
    /// ONS fraud-type group.
    TypeGroup,
    /// Fraud or cyber crime.
    Category,
    /// Month reported, `YYYY-MM`.
    Month,
    /// Individual or organisation.
    VictimType,
    /// Age band (`unknown` when not known).
    AgeBand,
    /// Local issue (`none` for reports with none; a report with two issues counts in both).
    LocalIssue,
    /// Enabled by a digital device: `yes`, `no`, `unknown`.
    CyberEnabled,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: [Dimension; 9] = [
        Dimension::District,
        Dimension::FraudType,
        Dimension::TypeGroup,
        Dimension::Category,
        Dimension::Month,
        Dimension::VictimType,
        Dimension::AgeBand,
        Dimension::LocalIssue,
        Dimension::CyberEnabled,
    ];

    /// The name used on the command line and as the output column.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::District => "district",
            Dimension::FraudType => "fraud_type",
            Dimension::TypeGroup => "type_group",
            Dimension::Category => "category",
            Dimension::Month => "month",
            Dimension::VictimType => "victim_type",
            Dimension::AgeBand => "age_band",
            Dimension::LocalIssue => "local_issue",
            Dimension::CyberEnabled => "cyber_enabled",
        }
    }
}

impl FromStr for Dimension {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let folded = beacon_core::text::fold(text);
        Dimension::ALL
            .into_iter()
            .find(|d| beacon_core::text::fold(d.name()) == folded)
            .or(match folded.as_str() {
                "type" | "nfib" => Some(Dimension::FraudType),
                "group" => Some(Dimension::TypeGroup),
                "issue" | "issues" => Some(Dimension::LocalIssue),
                "age" => Some(Dimension::AgeBand),
                "cyber" => Some(Dimension::CyberEnabled),
                _ => None,
            })
            .ok_or_else(|| {
                let names: Vec<&str> = Dimension::ALL.iter().map(|d| d.name()).collect();
                format!(
                    "'{text}' is not a dimension; choose from {}",
                    names.join(", ")
                )
            })
    }
}

/// One combination of dimension values and its measures.
#[derive(Debug, Clone, Serialize)]
pub struct GroupRow {
    /// Dimension name → value.
    #[serde(flatten)]
    pub keys: BTreeMap<&'static str, String>,
    /// The measures.
    #[serde(flatten)]
    pub measures: Measures,
}

const MAX_DIMENSIONS: usize = 9;
type Key = [u32; MAX_DIMENSIONS];

/// Measures for every combination of `dimensions` seen in the period, sorted by the
/// dimension values. Rates use the district's population when `district` is a
/// dimension, otherwise the area's (`area_population`).
pub fn group_by(
    facts: &FactSet,
    period: Period,
    dimensions: &[Dimension],
    taxonomy: &Taxonomy,
    district_population: &dyn Fn(&str) -> Option<u64>,
    area_population: u64,
) -> Vec<GroupRow> {
    let may_repeat = crate::measures::repeat_candidates(&facts.facts);
    group_by_with_candidates(
        facts,
        &may_repeat,
        Breakdown {
            period,
            dimensions,
            taxonomy,
            district_population,
            area_population,
        },
    )
}

/// What a breakdown is of, for [`group_by_with_candidates`].
pub struct Breakdown<'a> {
    /// The period.
    pub period: Period,
    /// The dimensions, in output order.
    pub dimensions: &'a [Dimension],
    /// Fraud types, for type groups.
    pub taxonomy: &'a Taxonomy,
    /// A district's residents, by code.
    pub district_population: &'a dyn Fn(&str) -> Option<u64>,
    /// The area's residents.
    pub area_population: u64,
}

/// [`group_by`] with the repeat-victim candidates already found (see
/// [`crate::measures::repeat_candidates`]).
pub fn group_by_with_candidates(
    facts: &FactSet,
    may_repeat: &[bool],
    breakdown: Breakdown<'_>,
) -> Vec<GroupRow> {
    let Breakdown {
        period,
        dimensions,
        taxonomy,
        district_population,
        area_population,
    } = breakdown;
    let mut dimensions: Vec<Dimension> = dimensions.to_vec();
    dimensions.dedup();
    dimensions.truncate(MAX_DIMENSIONS);
    let groups_of_type: Vec<String> = facts
        .fraud_types
        .iter()
        .map(|key| {
            taxonomy
                .get(key)
                .map_or_else(|| "Not in the taxonomy".to_owned(), |t| t.group.clone())
        })
        .collect();
    let mut group_names: Vec<String> = groups_of_type.clone();
    group_names.sort();
    group_names.dedup();
    let group_index: Vec<u32> = groups_of_type
        .iter()
        .map(|g| group_names.iter().position(|n| n == g).unwrap_or(0) as u32)
        .collect();
    let issue_position = dimensions.iter().position(|d| *d == Dimension::LocalIssue);

    let mut accumulators: FxHashMap<Key, Accumulator> = FxHashMap::default();
    for (fact, &may_repeat) in facts.facts.iter().zip(may_repeat) {
        if !period.contains(fact.reported_on) {
            continue;
        }
        let mut key: Key = [0; MAX_DIMENSIONS];
        for (slot, dimension) in dimensions.iter().enumerate() {
            key[slot] = code(*dimension, fact, &group_index);
        }
        match issue_position {
            Some(slot) if fact.issues != 0 => {
                for issue in 0..facts.issues.len() {
                    if fact.issues & (1 << issue) != 0 {
                        key[slot] = issue as u32 + 1;
                        accumulators.entry(key).or_default().add(fact, may_repeat);
                    }
                }
            }
            _ => accumulators.entry(key).or_default().add(fact, may_repeat),
        }
    }
    let mut keys: Vec<Key> = accumulators.keys().copied().collect();
    keys.sort_unstable();
    let district_slot = dimensions.iter().position(|d| *d == Dimension::District);
    keys.into_iter()
        .filter_map(|key| {
            let accumulator = accumulators.remove(&key)?;
            let labels: BTreeMap<&'static str, String> = dimensions
                .iter()
                .enumerate()
                .map(|(slot, dimension)| {
                    (
                        dimension.name(),
                        label(*dimension, key[slot], facts, &group_names),
                    )
                })
                .collect();
            let population = match district_slot {
                Some(slot) if key[slot] == 0 => None,
                Some(slot) => facts
                    .districts
                    .get(key[slot] as usize - 1)
                    .and_then(|code| district_population(code.as_str())),
                None => Some(area_population),
            };
            Some(GroupRow {
                keys: labels,
                measures: accumulator.finish(population),
            })
        })
        .collect()
}

/// A dimension's value for a fact, as a small number that sorts in a sensible order.
fn code(dimension: Dimension, fact: &Fact, group_index: &[u32]) -> u32 {
    match dimension {
        Dimension::District => fact.district.map_or(0, |d| u32::from(d) + 1),
        Dimension::FraudType => u32::from(fact.fraud_type),
        Dimension::TypeGroup => group_index
            .get(usize::from(fact.fraud_type))
            .copied()
            .unwrap_or(0),
        Dimension::Category => u32::from(fact.category == Category::Cyber),
        Dimension::Month => {
            let key = beacon_core::period::month_key(fact.reported_on);
            u32::try_from(key).unwrap_or(0)
        }
        Dimension::VictimType => fact.victim_type as u32,
        Dimension::AgeBand => fact.age_band.map_or(u32::MAX, |band| band as u32),
        Dimension::LocalIssue => 0,
        Dimension::CyberEnabled => match fact.cyber_enabled {
            Some(true) => 0,
            Some(false) => 1,
            None => 2,
        },
    }
}

fn label(dimension: Dimension, value: u32, facts: &FactSet, group_names: &[String]) -> String {
    match dimension {
        Dimension::District => match value {
            0 => "unknown".to_owned(),
            v => facts
                .districts
                .get(v as usize - 1)
                .map_or_else(String::new, ToString::to_string),
        },
        Dimension::FraudType => facts
            .fraud_types
            .get(value as usize)
            .cloned()
            .unwrap_or_default(),
        Dimension::TypeGroup => group_names.get(value as usize).cloned().unwrap_or_default(),
        Dimension::Category => if value == 1 { "cyber" } else { "fraud" }.to_owned(),
        Dimension::Month => {
            let year = (value / 100) as i32;
            let month = time::Month::try_from((value % 100) as u8).unwrap_or(time::Month::January);
            month_label(year, month)
        }
        Dimension::VictimType => if value == 1 {
            "organisation"
        } else {
            "individual"
        }
        .to_owned(),
        Dimension::AgeBand => AgeBand::ALL
            .get(value as usize)
            .map_or_else(|| "unknown".to_owned(), |band| band.as_str().to_owned()),
        Dimension::LocalIssue => match value {
            0 => "none".to_owned(),
            v => facts
                .issues
                .get(v as usize - 1)
                .cloned()
                .unwrap_or_default(),
        },
        Dimension::CyberEnabled => ["yes", "no", "unknown"][value.min(2) as usize].to_owned(),
    }
}
