//! Reach to businesses: how many the partnership reached in a period, how, how often,
//! and whether the reach is sustained; by district and by sector; and the reporting gap
//! (front-door reports against Action Fraud reports, by sector).
//!
//! **Sustained reach:** a business reached in the period that was reached on at least
//! two days [`SUSTAINED_APART_DAYS`] or more apart within the 12 months to the period's
//! end; a one-off visit is reach, not yet sustained reach. Pure: the caller passes the
//! engagements from 12 months before the period's end (or the period's start, whichever
//! is earlier) to its end.

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use time::{Date, Duration};

/// How far apart two engagements must be for the reach to count as sustained.
pub const SUSTAINED_APART_DAYS: i64 = 90;

/// An engagement as the figures read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The business (any stable id).
    pub business: i64,
    /// Its sector.
    pub sector: String,
    /// Its district (code or name: the caller's choice, used as given).
    pub district: String,
    /// How it was reached.
    pub how: String,
    /// The day.
    pub on: Date,
}

/// Reach within one district or sector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReachRow {
    /// The district or sector.
    pub key: String,
    /// Businesses reached in the period.
    pub reached: u64,
    /// Of those, reached in a sustained way.
    pub sustained: u64,
}

impl ReachRow {
    /// The sustained share in whole per cent; `None` when none was reached.
    pub fn sustained_percent(&self) -> Option<u64> {
        (self.reached > 0).then(|| (self.sustained * 100 + self.reached / 2) / self.reached)
    }
}

/// The reach figures of a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReachFigures {
    /// Businesses reached in the period.
    pub businesses: u64,
    /// Engagements in the period.
    pub engagements: u64,
    /// Engagements in the period by way, in the order of first appearance of each way.
    pub by_how: Vec<(String, u64)>,
    /// Businesses reached more than once in the period.
    pub more_than_once: u64,
    /// Businesses reached in a sustained way.
    pub sustained: u64,
    /// By district, most reached first (then by name).
    pub by_district: Vec<ReachRow>,
    /// By sector, most reached first (then by name).
    pub by_sector: Vec<ReachRow>,
}

impl ReachFigures {
    /// The sustained share in whole per cent; `None` when none was reached.
    pub fn sustained_percent(&self) -> Option<u64> {
        ReachRow {
            key: String::new(),
            reached: self.businesses,
            sustained: self.sustained,
        }
        .sustained_percent()
    }
}

fn rows(counts: BTreeMap<String, (u64, u64)>) -> Vec<ReachRow> {
    let mut rows: Vec<ReachRow> = counts
        .into_iter()
        .map(|(key, (reached, sustained))| ReachRow {
            key,
            reached,
            sustained,
        })
        .collect();
    rows.sort_by(|a, b| b.reached.cmp(&a.reached).then_with(|| a.key.cmp(&b.key)));
    rows
}

/// The reach of the period `(from, to)` over `contacts` (see the module's documentation
/// for what they must cover).
pub fn reach(contacts: &[Contact], (from, to): (Date, Date)) -> ReachFigures {
    let year_from = to - Duration::days(365);
    let mut figures = ReachFigures::default();
    let mut days: HashMap<i64, Vec<Date>> = HashMap::new();
    let mut in_period: HashMap<i64, (&str, &str, u64)> = HashMap::new();
    for contact in contacts {
        if contact.on > to {
            continue;
        }
        if contact.on >= year_from {
            days.entry(contact.business).or_default().push(contact.on);
        }
        if contact.on >= from {
            figures.engagements += 1;
            match figures
                .by_how
                .iter_mut()
                .find(|(how, _)| *how == contact.how)
            {
                Some((_, count)) => *count += 1,
                None => figures.by_how.push((contact.how.clone(), 1)),
            }
            // The sector and district as last recorded in the period.
            let entry = in_period.entry(contact.business).or_insert((
                &contact.sector,
                &contact.district,
                0,
            ));
            *entry = (&contact.sector, &contact.district, entry.2 + 1);
        }
    }
    let mut by_district: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut by_sector: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (business, (sector, district, count)) in &in_period {
        figures.businesses += 1;
        if *count > 1 {
            figures.more_than_once += 1;
        }
        let sustained = days.get(business).is_some_and(|days| {
            let first = days.iter().min();
            let last = days.iter().max();
            matches!((first, last), (Some(first), Some(last))
                if (*last - *first).whole_days() >= SUSTAINED_APART_DAYS)
        });
        figures.sustained += u64::from(sustained);
        for (map, key) in [(&mut by_district, *district), (&mut by_sector, *sector)] {
            let row = map.entry(key.to_owned()).or_default();
            row.0 += 1;
            row.1 += u64::from(sustained);
        }
    }
    figures.by_district = rows(by_district);
    figures.by_sector = rows(by_sector);
    figures
}

/// One sector's reporting gap: reports made through Beacon's front door by businesses,
/// against Action Fraud reports by organisations, in the same period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapRow {
    /// The sector (lower case).
    pub sector: String,
    /// Front-door reports by businesses of the sector.
    pub front_door: u64,
    /// Action Fraud reports by organisations of the sector.
    pub action_fraud: u64,
}

impl GapRow {
    /// Front-door reports for every 100 Action Fraud reports, to one decimal place as
    /// tenths (3 against 12 is 25.0, as 250); `None` when there is no Action Fraud report
    /// to compare with.
    pub fn per_hundred_tenths(&self) -> Option<u64> {
        (self.action_fraud > 0)
            .then(|| (self.front_door * 1000 + self.action_fraud / 2) / self.action_fraud)
    }
}

/// The reporting gap by sector from the two sources' counts (sectors compared in lower
/// case), most front-door reports first, then by name; sectors neither source has are
/// left out.
pub fn reporting_gap(front_door: &[(String, u64)], action_fraud: &[(String, u64)]) -> Vec<GapRow> {
    let mut by_sector: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (sector, count) in front_door {
        by_sector.entry(sector.trim().to_lowercase()).or_default().0 += count;
    }
    for (sector, count) in action_fraud {
        by_sector.entry(sector.trim().to_lowercase()).or_default().1 += count;
    }
    let mut rows: Vec<GapRow> = by_sector
        .into_iter()
        .filter(|(sector, (a, b))| !sector.is_empty() && a + b > 0)
        .map(|(sector, (front_door, action_fraud))| GapRow {
            sector,
            front_door,
            action_fraud,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.front_door
            .cmp(&a.front_door)
            .then_with(|| a.sector.cmp(&b.sector))
    });
    rows
}

/// What the board update says of businesses in a period: the reach, and the reporting
/// gap by sector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BusinessFigures {
    /// The reach to businesses.
    pub reach: ReachFigures,
    /// Front-door reports by businesses against Action Fraud reports by organisations,
    /// by sector.
    pub gap: Vec<GapRow>,
}

impl BusinessFigures {
    /// Front-door reports by businesses in all.
    pub fn front_door_reports(&self) -> u64 {
        self.gap.iter().map(|row| row.front_door).sum()
    }

    /// Action Fraud reports by organisations (with a sector) in all.
    pub fn action_fraud_reports(&self) -> u64 {
        self.gap.iter().map(|row| row.action_fraud).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn contact(business: i64, sector: &str, district: &str, how: &str, on: Date) -> Contact {
        Contact {
            business,
            sector: sector.into(),
            district: district.into(),
            how: how.into(),
            on,
        }
    }

    #[test]
    fn reach_is_sustained_when_repeated_months_apart() {
        let period = (date!(2019 - 10 - 01), date!(2019 - 12 - 31));
        let figures = reach(
            &[
                // Reached in March and November: sustained.
                contact(1, "retail", "Leicester", "event", date!(2019 - 03 - 05)),
                contact(1, "retail", "Leicester", "visit", date!(2019 - 11 - 04)),
                // Twice in the period, a month apart: more than once, not sustained.
                contact(2, "retail", "Melton", "email", date!(2019 - 10 - 01)),
                contact(2, "retail", "Melton", "email", date!(2019 - 11 - 01)),
                // Once, and before the 12 months: not sustained.
                contact(3, "construction", "Melton", "visit", date!(2018 - 06 - 01)),
                contact(
                    3,
                    "construction",
                    "Melton",
                    "front_door_report",
                    date!(2019 - 12 - 30),
                ),
                // Only before the period: not reached in it.
                contact(4, "charity", "Leicester", "event", date!(2019 - 05 - 01)),
            ],
            period,
        );
        assert_eq!(figures.businesses, 3);
        assert_eq!(figures.engagements, 4);
        assert_eq!(figures.more_than_once, 1);
        assert_eq!(figures.sustained, 1);
        assert_eq!(figures.sustained_percent(), Some(33));
        assert_eq!(
            figures.by_how,
            [
                ("visit".to_owned(), 1),
                ("email".to_owned(), 2),
                ("front_door_report".to_owned(), 1)
            ]
        );
        let districts: Vec<(&str, u64, u64)> = figures
            .by_district
            .iter()
            .map(|row| (row.key.as_str(), row.reached, row.sustained))
            .collect();
        assert_eq!(districts, [("Melton", 2, 0), ("Leicester", 1, 1)]);
        assert_eq!(figures.by_sector[0].key, "retail");
        assert_eq!(figures.by_sector[0].sustained_percent(), Some(50));
        assert_eq!(reach(&[], period).sustained_percent(), None);
    }

    #[test]
    fn the_gap_compares_sectors_in_lower_case() {
        let gap = reporting_gap(
            &[("Retail".into(), 3), ("hospitality".into(), 1)],
            &[
                ("retail".into(), 12),
                ("construction".into(), 4),
                ("".into(), 9),
            ],
        );
        let rows: Vec<(&str, u64, u64, Option<u64>)> = gap
            .iter()
            .map(|row| {
                (
                    row.sector.as_str(),
                    row.front_door,
                    row.action_fraud,
                    row.per_hundred_tenths(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("retail", 3, 12, Some(250)),
                ("hospitality", 1, 0, None),
                ("construction", 0, 4, Some(0)),
            ]
        );
    }
}
