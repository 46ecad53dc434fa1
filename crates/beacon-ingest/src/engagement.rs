//! The business engagement log: one row each time the partnership reached a business.
//!
//! ```csv
//! business,sector,size,district,how,date,note
//! Soar Valley Logistics Ltd,transport,small,Charnwood,visit,2019-11-04,Cyber Essentials talk
//! ```
//!
//! | column | meaning |
//! | --- | --- |
//! | `business` | required: the business's name (200 characters at most); rows of one business match by its name, ignoring case, spaces and punctuation |
//! | `sector` | required: its sector, e.g. `retail` (stored lower case) |
//! | `size` | `micro`, `small`, `medium` or `large` (may be empty) |
//! | `district` | required: ONS code or district name from the area's reference data |
//! | `how` | required: `event`, `visit`, `email` or `front_door_report` |
//! | `date` | required: `YYYY-MM-DD`, not after `today` |
//! | `note` | optional, 500 characters at most |
//!
//! Column names match case-insensitively, ignoring spaces and punctuation; an unknown
//! column refuses the file, naming it.
//!
//! **Invariant:** every data row comes back as an engagement or as a quarantined row
//! with its line and reason, so `read = engagements + quarantined`; nothing here touches
//! a database.

use crate::organisations::resolve_district;
use beacon_core::engagement::{Engagement, HOW, NAME_LIMIT, NOTE_LIMIT};
use beacon_core::text::fold;
use beacon_core::{Districts, OrgSize, RejectedRow};
use std::collections::HashMap;
use time::Date;

/// The columns of an engagement file, in the order Beacon documents them.
pub const ENGAGEMENT_COLUMNS: [&str; 7] = [
    "business", "sector", "size", "district", "how", "date", "note",
];

/// Why an engagement file was refused whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngagementFileError {
    /// The header cannot be read, has an unknown or repeated column, or lacks one.
    #[error("the engagement file's header is not usable: {0} (the columns are {cols})", cols = ENGAGEMENT_COLUMNS.join(", "))]
    Header(String),
}

/// What an engagement file held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngagementFile {
    /// Data rows read (blank rows are not counted).
    pub read: u64,
    /// Engagements, in file order, each with its line.
    pub engagements: Vec<(u64, Engagement)>,
    /// Rows that could not be taken, with line and reason.
    pub quarantined: Vec<RejectedRow>,
}

/// Reads an engagement file against the area's districts, refusing dates after `today`.
///
/// # Errors
/// Only for the header; every data row becomes an engagement or a quarantined row.
pub fn parse_engagements(
    bytes: &[u8],
    districts: &Districts,
    today: Date,
) -> Result<EngagementFile, EngagementFileError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|error| EngagementFileError::Header(error.to_string()))?
        .clone();
    let mut at: HashMap<&'static str, usize> = HashMap::new();
    for (index, column) in header.iter().enumerate() {
        let folded = fold(column);
        if folded.is_empty() {
            continue;
        }
        let Some(known) = ENGAGEMENT_COLUMNS
            .into_iter()
            .find(|known| fold(known) == folded)
        else {
            return Err(EngagementFileError::Header(format!(
                "'{column}' is not an engagement column"
            )));
        };
        if at.insert(known, index).is_some() {
            return Err(EngagementFileError::Header(format!(
                "'{column}' appears twice"
            )));
        }
    }
    for required in ["business", "sector", "district", "how", "date"] {
        if !at.contains_key(required) {
            return Err(EngagementFileError::Header(format!(
                "there is no '{required}' column"
            )));
        }
    }
    let mut file = EngagementFile::default();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                file.read += 1;
                file.quarantined.push(RejectedRow {
                    line: error.position().map_or(0, |p| p.line()),
                    reason: format!("the row cannot be read: {error}"),
                    raw: String::new(),
                });
                continue;
            }
        };
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        file.read += 1;
        let line = record.position().map_or(0, |p| p.line());
        let field = |name: &str| {
            at.get(name)
                .and_then(|index| record.get(*index))
                .map_or("", str::trim)
        };
        match engagement_from(&field, districts, today) {
            Ok(engagement) => file.engagements.push((line, engagement)),
            Err(reasons) => file.quarantined.push(RejectedRow {
                line,
                reason: reasons.join("; "),
                raw: record.iter().collect::<Vec<_>>().join(","),
            }),
        }
    }
    Ok(file)
}

/// One row's engagement, or every reason it cannot be taken.
fn engagement_from<'a>(
    field: &dyn Fn(&str) -> &'a str,
    districts: &Districts,
    today: Date,
) -> Result<Engagement, Vec<String>> {
    let mut reasons = Vec::new();
    let business = field("business");
    if business.is_empty() {
        reasons.push("the business has no name".to_owned());
    } else if business.chars().count() > NAME_LIMIT {
        reasons.push(format!(
            "the business's name is longer than {NAME_LIMIT} characters"
        ));
    }
    let sector = field("sector").to_lowercase();
    if sector.is_empty() {
        reasons.push("the sector is missing".to_owned());
    }
    let size = OrgSize::parse(field("size")).unwrap_or_else(|reason| {
        reasons.push(reason);
        None
    });
    let district = resolve_district(field("district"), districts);
    if district.is_none() {
        reasons.push(format!(
            "'{}' is not one of the area's districts",
            field("district")
        ));
    }
    let how = field("how").to_lowercase().replace(['-', ' '], "_");
    if !HOW.iter().any(|(key, _)| *key == how) {
        reasons.push(format!(
            "'{}' is not a way of reaching a business: use event, visit, email or front_door_report",
            field("how")
        ));
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let on = match Date::parse(field("date"), format) {
        Ok(day) if day > today => {
            reasons.push(format!("the date {day} is in the future"));
            None
        }
        Ok(day) => Some(day),
        Err(_) => {
            reasons.push(format!("'{}' is not a date like 2019-11-04", field("date")));
            None
        }
    };
    let note = field("note");
    if note.chars().count() > NOTE_LIMIT {
        reasons.push(format!("the note is longer than {NOTE_LIMIT} characters"));
    }
    match (district, on) {
        (Some(district), Some(on)) if reasons.is_empty() => Ok(Engagement {
            business: business.to_owned(),
            sector,
            size,
            district,
            how,
            on,
            note: note.to_owned(),
        }),
        _ => Err(reasons),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn districts() -> Districts {
        crate::reference::parse_districts(
            crate::reference::SHIPPED_DISTRICTS,
            crate::reference::SHIPPED_AREA_NAME,
        )
        .expect("the shipped districts")
    }

    #[test]
    fn every_row_is_an_engagement_or_quarantined_with_why() {
        let file = "Business,Sector,Size,District,How,Date,Note
Soar Valley Logistics Ltd,Transport,small,Charnwood,visit,2019-11-04,Cyber Essentials talk
Soar Valley Logistics Ltd,transport,small,E07000130,email,2019-12-02,
,retail,,Leicester,event,2019-11-04,
Corner Shop,retail,huge,Nowhere,phone,2020-01-05,

Bakery,hospitality,micro,Melton,front-door report,2019-12-30,
";
        let read = parse_engagements(file.as_bytes(), &districts(), date!(2019 - 12 - 31))
            .expect("the header is fine");
        assert_eq!(read.read, 5);
        assert_eq!(read.engagements.len() + read.quarantined.len(), 5);
        let first = &read.engagements[0].1;
        assert_eq!(first.sector, "transport");
        assert_eq!(first.district.as_str(), "E07000130");
        assert_eq!(read.engagements[2].1.how, "front_door_report");
        assert_eq!(read.quarantined[0].line, 4);
        assert_eq!(read.quarantined[0].reason, "the business has no name");
        let reasons = &read.quarantined[1].reason;
        for part in [
            "huge",
            "'Nowhere' is not one of the area's districts",
            "'phone' is not a way",
            "2020-01-05 is in the future",
        ] {
            assert!(reasons.contains(part), "{part}: {reasons}");
        }
        assert!(
            parse_engagements(b"business,colour\n", &districts(), date!(2019 - 12 - 31)).is_err()
        );
        assert!(
            parse_engagements(
                b"business,sector,district,how\n",
                &districts(),
                date!(2019 - 12 - 31)
            )
            .is_err()
        );
    }
}
