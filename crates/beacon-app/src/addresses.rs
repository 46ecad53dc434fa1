//! How many distinct addresses the feeds saw in the area in a period, by district, type,
//! organisation, feed or month, with the figure for the period before of the same length.
//! `beacon addresses` reads them through here; its JSON form is [`AddressFigures`].

use beacon_analytics::register::{
    AddressDimension, AddressGroup, attributed_addresses, distinct_addresses, group_addresses,
};
use beacon_core::SightingFact;
use beacon_store::{Store, StoreResult};
use serde::Serialize;
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime, Time};

/// Which sightings to count.
#[derive(Debug, Clone)]
pub struct AddressQuery {
    /// First day; `None` for the whole register (then there is no period before).
    pub from: Option<Date>,
    /// Last day (inclusive). The caller checks it is not before `from`.
    pub to: Date,
    /// Break down by these, in this order (none: no breakdown).
    pub by: Vec<AddressDimension>,
}

/// Distinct addresses in one district.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictCount {
    /// ONS code, or `unknown`.
    pub district: String,
    /// The district's name.
    pub name: String,
    /// Distinct addresses.
    pub addresses: u64,
}

/// The figure for the period before, of the same length.
#[derive(Debug, Clone, Serialize)]
pub struct Previous {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Distinct addresses seen in it.
    pub distinct_addresses: u64,
    /// Percentage change, when the period before had any.
    pub change_percent: Option<f64>,
}

/// The register's figures for a period: what `beacon addresses --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct AddressFigures {
    /// First day, when one was given.
    pub from: Option<String>,
    /// Last day.
    pub to: String,
    /// Distinct addresses seen.
    pub distinct_addresses: u64,
    /// Of them, those belonging to a registered organisation.
    pub attributed_addresses: u64,
    /// Every district of the area, then those not attributed to one.
    pub by_district: Vec<DistrictCount>,
    /// By month seen.
    pub by_month: Vec<AddressGroup>,
    /// The period before, when the period has a first day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_period: Option<Previous>,
    /// The breakdown asked for, organisations by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<AddressGroup>,
}

/// The figures and the sightings they count (for breakdowns the caller words itself).
#[derive(Debug, Clone)]
pub struct CountedAddresses {
    /// The figures.
    pub figures: AddressFigures,
    /// The period's sightings.
    pub facts: Vec<SightingFact>,
}

fn start_of(date: Date) -> OffsetDateTime {
    date.with_time(Time::MIDNIGHT).assume_utc()
}

/// Reads and counts the sightings a query asks for, and those of the period before.
///
/// # Errors
/// When the store fails.
pub fn count_addresses(
    store: &mut dyn Store,
    query: &AddressQuery,
) -> StoreResult<CountedAddresses> {
    let (from, to) = (query.from, query.to);
    let end = start_of(to) + Duration::days(1);
    let facts = store.sighting_facts(from.map(start_of), Some(end))?;
    let previous = match from {
        Some(from) => {
            let days = (to - from).whole_days() + 1;
            let before_to = from - Duration::days(1);
            let before_from = from - Duration::days(days);
            let earlier =
                store.sighting_facts(Some(start_of(before_from)), Some(start_of(from)))?;
            Some((before_from, before_to, distinct_addresses(&earlier)))
        }
        None => None,
    };
    let figures = summarise(store, &facts, from, to, previous, &query.by)?;
    Ok(CountedAddresses { figures, facts })
}

fn summarise(
    store: &mut dyn Store,
    facts: &[SightingFact],
    from: Option<Date>,
    to: Date,
    previous: Option<(Date, Date, u64)>,
    by: &[AddressDimension],
) -> StoreResult<AddressFigures> {
    let districts = store.districts()?;
    let names: HashMap<String, String> = store
        .organisations()?
        .into_iter()
        .map(|o| (o.id.to_string(), o.organisation.name))
        .collect();
    let distinct = distinct_addresses(facts);
    let mut by_district: Vec<DistrictCount> = Vec::new();
    let counted: HashMap<String, u64> = group_addresses(facts, &[AddressDimension::District])
        .into_iter()
        .map(|g| (g.key["district"].clone(), g.addresses))
        .collect();
    for district in &districts.list {
        by_district.push(DistrictCount {
            district: district.code.to_string(),
            name: district.name.clone(),
            addresses: counted.get(district.code.as_str()).copied().unwrap_or(0),
        });
    }
    if let Some(unknown) = counted.get("unknown") {
        by_district.push(DistrictCount {
            district: "unknown".into(),
            name: "Not attributed to a district".into(),
            addresses: *unknown,
        });
    }
    let mut groups = if by.is_empty() {
        Vec::new()
    } else {
        group_addresses(facts, by)
    };
    for group in &mut groups {
        if let Some(owner) = group.key.get_mut("organisation")
            && let Some(name) = names.get(owner.as_str())
        {
            *owner = name.clone();
        }
    }
    Ok(AddressFigures {
        from: from.map(|d| d.to_string()),
        to: to.to_string(),
        distinct_addresses: distinct,
        attributed_addresses: attributed_addresses(facts),
        by_district,
        by_month: group_addresses(facts, &[AddressDimension::Month]),
        previous_period: previous.map(|(from, to, before)| Previous {
            from: from.to_string(),
            to: to.to_string(),
            distinct_addresses: before,
            change_percent: (before > 0).then(|| {
                ((distinct as f64 - before as f64) / before as f64 * 1000.0).round() / 10.0
            }),
        }),
        groups,
    })
}
