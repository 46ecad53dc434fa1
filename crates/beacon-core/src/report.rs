//! A fraud or cyber crime report as Beacon keeps it, and the rules for reading its fields.
//!
//! Each `parse_*` function takes one raw field and returns a valid value or a plain-words
//! reason; the ingest layer adds file and line.

use crate::district::DistrictCode;
use crate::money::Pence;
use crate::postcode::Postcode;
use crate::taxonomy::Category;
use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// A validated report, ready to store. Every field has been parsed once at the edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The Action Fraud reference: the record's stable key (upper case).
    pub reference: String,
    /// Day the report was made.
    pub reported_on: Date,
    /// Day the offence took place, where known.
    pub offence_on: Option<Date>,
    /// Fraud-type key from the taxonomy, or an unknown NFIB code as given.
    pub fraud_type: String,
    /// Fraud or cyber crime.
    pub category: Category,
    /// Person or organisation.
    pub victim_type: VictimType,
    /// Exact age in years, where given.
    pub victim_age: Option<u8>,
    /// Age band, from the age or given directly.
    pub age_band: Option<AgeBand>,
    /// Gender, where given.
    pub victim_gender: Option<Gender>,
    /// How the victim was contacted, lower case, e.g. `phone`.
    pub contact_method: Option<String>,
    /// Sector of an organisation victim.
    pub org_sector: Option<String>,
    /// Size of an organisation victim.
    pub org_size: Option<OrgSize>,
    /// Postcode or sector, canonical.
    pub postcode: Option<Postcode>,
    /// District of the area, or `None` when unknown or outside the area.
    pub district: Option<DistrictCode>,
    /// Loss; `None` means unknown, which is not zero.
    pub loss: Option<Pence>,
    /// A digital device enabled the offence.
    pub cyber_enabled: Option<bool>,
    /// The reporting officer judged the victim vulnerable.
    pub vulnerable: Option<bool>,
    /// The victim says they were a victim before.
    pub repeat_victim: Option<bool>,
    /// Pseudonymous victim identifier for linking repeat victims.
    pub victim_key: Option<String>,
    /// Labels given in the file, lower case.
    pub tags: Vec<String>,
    /// Local issues matched by the rules file, e.g. `courier_fraud`.
    pub local_issues: Vec<String>,
    /// Free text; restricted, never shown in aggregates.
    pub summary: Option<String>,
}

/// Who the victim was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VictimType {
    /// A person.
    Individual,
    /// A business, charity or public body.
    Organisation,
}

impl VictimType {
    /// Reads `individual`/`person` or `organisation`/`organization`/`business`/`org`.
    pub fn parse(raw: &str) -> Result<VictimType, String> {
        match crate::text::Lowered::new(raw).as_str() {
            "individual" | "person" | "i" => Ok(VictimType::Individual),
            "organisation" | "organization" | "business" | "org" | "o" => {
                Ok(VictimType::Organisation)
            }
            "" => Err("victim type is empty; give individual or organisation".into()),
            other => Err(format!(
                "victim type '{other}' is not individual or organisation"
            )),
        }
    }

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            VictimType::Individual => "individual",
            VictimType::Organisation => "organisation",
        }
    }
}

/// Age bands used in every table: 0-19, then decades, then 80+.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgeBand {
    /// 0 to 19.
    #[serde(rename = "0-19")]
    Under20,
    /// 20 to 29.
    #[serde(rename = "20-29")]
    Twenties,
    /// 30 to 39.
    #[serde(rename = "30-39")]
    Thirties,
    /// 40 to 49.
    #[serde(rename = "40-49")]
    Forties,
    /// 50 to 59.
    #[serde(rename = "50-59")]
    Fifties,
    /// 60 to 69.
    #[serde(rename = "60-69")]
    Sixties,
    /// 70 to 79.
    #[serde(rename = "70-79")]
    Seventies,
    /// 80 and over.
    #[serde(rename = "80+")]
    EightyPlus,
}

impl AgeBand {
    /// Every band in order.
    pub const ALL: [AgeBand; 8] = [
        AgeBand::Under20,
        AgeBand::Twenties,
        AgeBand::Thirties,
        AgeBand::Forties,
        AgeBand::Fifties,
        AgeBand::Sixties,
        AgeBand::Seventies,
        AgeBand::EightyPlus,
    ];

    /// The band holding an age in years.
    pub fn from_age(age: u8) -> AgeBand {
        match age {
            0..=19 => AgeBand::Under20,
            20..=29 => AgeBand::Twenties,
            30..=39 => AgeBand::Thirties,
            40..=49 => AgeBand::Forties,
            50..=59 => AgeBand::Fifties,
            60..=69 => AgeBand::Sixties,
            70..=79 => AgeBand::Seventies,
            _ => AgeBand::EightyPlus,
        }
    }

    /// The label, e.g. `70-79`.
    pub fn as_str(self) -> &'static str {
        match self {
            AgeBand::Under20 => "0-19",
            AgeBand::Twenties => "20-29",
            AgeBand::Thirties => "30-39",
            AgeBand::Forties => "40-49",
            AgeBand::Fifties => "50-59",
            AgeBand::Sixties => "60-69",
            AgeBand::Seventies => "70-79",
            AgeBand::EightyPlus => "80+",
        }
    }

    /// Reads a stored label.
    pub fn from_label(label: &str) -> Option<AgeBand> {
        AgeBand::ALL.into_iter().find(|band| band.as_str() == label)
    }

    /// The lowest age in the band.
    fn lowest(self) -> u8 {
        match self {
            AgeBand::Under20 => 0,
            AgeBand::EightyPlus => 80,
            other => 10 * (other as u8 + 1),
        }
    }

    /// The highest age in the band (120 for 80+).
    fn highest(self) -> u8 {
        match self {
            AgeBand::Under20 => 19,
            AgeBand::EightyPlus => 120,
            other => other.lowest() + 9,
        }
    }
}

/// Reads `victim_age`: whole years 0–120 (exact age kept), or a band such as `70-79`,
/// `80+`, `18-19` that lies within one of Beacon's bands.
pub fn parse_age(raw: &str) -> Result<(Option<u8>, Option<AgeBand>), String> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok((None, None));
    }
    if let Ok(age) = text.parse::<u16>() {
        return match u8::try_from(age) {
            Ok(age) if age <= 120 => Ok((Some(age), Some(AgeBand::from_age(age)))),
            _ => Err(format!("victim age {text} is not between 0 and 120")),
        };
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let refuse = || {
        format!(
            "victim age '{text}' is not a whole number of years or an age band such as 70-79 or 80+"
        )
    };
    if let Some(lowest) = compact
        .strip_suffix('+')
        .or_else(|| compact.strip_suffix("andover"))
    {
        let lowest: u8 = lowest.parse().map_err(|_| refuse())?;
        return if (80..=120).contains(&lowest) {
            Ok((None, Some(AgeBand::EightyPlus)))
        } else {
            Err(format!(
                "age band '{text}' spans several of Beacon's bands (0-19, decades, 80+)"
            ))
        };
    }
    let (low, high) = compact
        .split_once(['-', '–'])
        .or_else(|| compact.split_once("to"))
        .ok_or_else(refuse)?;
    let (low, high): (u8, u8) = (
        low.parse().map_err(|_| refuse())?,
        high.parse().map_err(|_| refuse())?,
    );
    if low > high || high > 120 {
        return Err(refuse());
    }
    let band = AgeBand::from_age(low);
    if AgeBand::from_age(high) == band && band.lowest() <= low && high <= band.highest() {
        Ok((None, Some(band)))
    } else {
        Err(format!(
            "age band '{text}' spans several of Beacon's bands (0-19, decades, 80+)"
        ))
    }
}

/// A victim's gender as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Any other recorded gender.
    Other,
}

impl Gender {
    /// Reads `female`/`f`/`woman`, `male`/`m`/`man`, `other`/`non-binary`/`x`; empty or
    /// `unknown`/`not stated` is no value.
    pub fn parse(raw: &str) -> Result<Option<Gender>, String> {
        match crate::text::Lowered::new(raw).as_str() {
            "" | "unknown" | "not stated" | "not known" | "u" => Ok(None),
            "female" | "f" | "woman" => Ok(Some(Gender::Female)),
            "male" | "m" | "man" => Ok(Some(Gender::Male)),
            "other" | "non-binary" | "nonbinary" | "x" => Ok(Some(Gender::Other)),
            other => Err(format!(
                "victim gender '{other}' is not female, male, other or unknown"
            )),
        }
    }

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Other => "other",
        }
    }
}

/// Size of an organisation victim, by staff (UK company-size bands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgSize {
    /// Fewer than 10 staff.
    Micro,
    /// 10 to 49 staff.
    Small,
    /// 50 to 249 staff.
    Medium,
    /// 250 staff or more.
    Large,
}

impl OrgSize {
    /// Reads `micro`, `small`, `medium`, `large` (any case); empty is no value.
    pub fn parse(raw: &str) -> Result<Option<OrgSize>, String> {
        match crate::text::Lowered::new(raw).as_str() {
            "" | "unknown" => Ok(None),
            "micro" => Ok(Some(OrgSize::Micro)),
            "small" => Ok(Some(OrgSize::Small)),
            "medium" => Ok(Some(OrgSize::Medium)),
            "large" => Ok(Some(OrgSize::Large)),
            other => Err(format!(
                "organisation size '{other}' is not micro, small, medium or large"
            )),
        }
    }

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgSize::Micro => "micro",
            OrgSize::Small => "small",
            OrgSize::Medium => "medium",
            OrgSize::Large => "large",
        }
    }
}

/// Reads a yes/no flag: `Y/N`, `yes/no`, `true/false`, `1/0` in any case; empty is unknown.
pub fn parse_flag(field: &str, raw: &str) -> Result<Option<bool>, String> {
    match crate::text::Lowered::new(raw).as_str() {
        "" => Ok(None),
        "y" | "yes" | "true" | "1" | "t" => Ok(Some(true)),
        "n" | "no" | "false" | "0" | "f" => Ok(Some(false)),
        other => Err(format!(
            "{field} '{other}' is not yes or no (Y/N, yes/no, true/false, 1/0)"
        )),
    }
}

/// Reads a date: `YYYY-MM-DD`, `DD/MM/YYYY`, or an ISO 8601 date-time (converted to UTC).
pub fn parse_date(field: &str, raw: &str) -> Result<Date, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(format!("{field} is empty"));
    }
    let bad = |why: &str| format!("{field} '{text}' {why}");
    let numbers = |parts: &[&str]| -> Option<Vec<u32>> {
        parts.iter().map(|part| part.parse::<u32>().ok()).collect()
    };
    let build = |year: u32, month: u32, day: u32| -> Result<Date, String> {
        let month = u8::try_from(month)
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .ok_or_else(|| bad("has no such month"))?;
        let year = i32::try_from(year).map_err(|_| bad("has no such year"))?;
        if !(1900..=2999).contains(&year) {
            return Err(bad("has a year outside 1900-2999"));
        }
        let day = u8::try_from(day).map_err(|_| bad("is not a real date"))?;
        Date::from_calendar_date(year, month, day).map_err(|_| bad("is not a real date"))
    };
    if text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-' {
        let parts: Vec<&str> = text.split('-').collect();
        let values = numbers(&parts).ok_or_else(|| bad("is not a date"))?;
        return build(values[0], values[1], values[2]);
    }
    if text.contains('/') {
        let parts: Vec<&str> = text.split('/').collect();
        if parts.len() == 3 && parts[2].len() == 4 && parts[0].len() <= 2 && parts[1].len() <= 2 {
            let values = numbers(&parts).ok_or_else(|| bad("is not a date"))?;
            return build(values[2], values[1], values[0]);
        }
        return Err(bad("is not a date in DD/MM/YYYY form"));
    }
    if text.len() > 10
        && text
            .as_bytes()
            .get(10)
            .is_some_and(|b| *b == b'T' || *b == b' ')
    {
        let iso = text.replacen(' ', "T", 1);
        if let Ok(moment) = OffsetDateTime::parse(
            &iso,
            &time::format_description::well_known::Iso8601::DEFAULT,
        ) {
            return Ok(moment.to_offset(UtcOffset::UTC).date());
        }
        if let Ok(moment) = PrimitiveDateTime::parse(
            &iso,
            &time::format_description::well_known::Iso8601::DEFAULT,
        ) {
            return Ok(moment.date());
        }
        // A real calendar date with an unreadable time part is still refused, plainly.
        return Err(bad("is not an ISO 8601 date-time"));
    }
    Err(bad(
        "is not a date (use YYYY-MM-DD, DD/MM/YYYY or an ISO 8601 date-time)",
    ))
}

/// Checks an Action Fraud reference: 1–64 letters, digits, `-`, `_` or `/`. Upper-cased.
pub fn parse_reference(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("reference is empty".into());
    }
    if text.len() > 64 {
        return Err(format!(
            "reference is {} characters long; at most 64 are allowed",
            text.len()
        ));
    }
    if !text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/'))
    {
        return Err(format!(
            "reference '{}' may only hold letters, digits, '-', '_' and '/'",
            text.escape_default()
        ));
    }
    Ok(text.to_ascii_uppercase())
}

/// Splits `;`-separated labels, lower-cased, trimmed, without empties or repeats.
pub fn parse_tags(raw: &str) -> Vec<String> {
    let mut tags: Vec<String> = raw
        .split(';')
        .map(|tag| tag.trim().to_lowercase())
        .filter(|tag| !tag.is_empty())
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn reads_the_three_date_forms() {
        assert_eq!(parse_date("d", "2017-01-31"), Ok(date!(2017 - 01 - 31)));
        assert_eq!(parse_date("d", "31/01/2017"), Ok(date!(2017 - 01 - 31)));
        assert_eq!(parse_date("d", "1/2/2017"), Ok(date!(2017 - 02 - 01)));
        assert_eq!(
            parse_date("d", "2017-01-31T23:30:00Z"),
            Ok(date!(2017 - 01 - 31))
        );
        assert_eq!(
            parse_date("d", "2017-02-01T00:30:00+01:00"),
            Ok(date!(2017 - 01 - 31))
        );
        assert_eq!(
            parse_date("d", "2017-01-31T10:00:00"),
            Ok(date!(2017 - 01 - 31))
        );
    }

    #[test]
    fn refuses_impossible_dates_plainly() {
        let error = parse_date("reported_date", "31/02/2017").expect_err("no 31 February");
        assert!(error.contains("not a real date"), "{error}");
        assert!(parse_date("d", "2017-13-01").is_err());
        assert!(parse_date("d", "01/31/2017").is_err());
        assert!(parse_date("d", "yesterday").is_err());
        assert!(parse_date("d", "").is_err());
        assert!(parse_date("d", "0017-01-01").is_err());
    }

    #[test]
    fn reads_ages_and_bands() {
        assert_eq!(parse_age("84"), Ok((Some(84), Some(AgeBand::EightyPlus))));
        assert_eq!(parse_age("70-79"), Ok((None, Some(AgeBand::Seventies))));
        assert_eq!(parse_age("80+"), Ok((None, Some(AgeBand::EightyPlus))));
        assert_eq!(parse_age("18-19"), Ok((None, Some(AgeBand::Under20))));
        assert_eq!(parse_age(""), Ok((None, None)));
        assert!(parse_age("121").is_err());
        assert!(parse_age("-3").is_err());
        assert!(parse_age("25-34").is_err());
        assert!(parse_age("old").is_err());
    }

    #[test]
    fn reads_flags_and_victim_types() {
        assert_eq!(parse_flag("f", "Y"), Ok(Some(true)));
        assert_eq!(parse_flag("f", "false"), Ok(Some(false)));
        assert_eq!(parse_flag("f", ""), Ok(None));
        assert!(parse_flag("f", "maybe").is_err());
        assert_eq!(VictimType::parse("Business"), Ok(VictimType::Organisation));
        assert_eq!(VictimType::parse("person"), Ok(VictimType::Individual));
        assert!(VictimType::parse("dog").is_err());
    }

    #[test]
    fn references_are_upper_cased_and_checked() {
        assert_eq!(
            parse_reference(" nfrc17010012345 "),
            Ok("NFRC17010012345".into())
        );
        assert!(parse_reference("").is_err());
        assert!(parse_reference("NFRC 1").is_err());
        assert!(parse_reference(&"A".repeat(65)).is_err());
    }

    #[test]
    fn tags_are_split_and_normalised() {
        assert_eq!(
            parse_tags(" Courier; elderly;;courier "),
            vec!["courier", "elderly"]
        );
    }

    proptest::proptest! {
        /// Whatever the text, each parser gives a value that keeps its promises (and reads
        /// back as itself) or a reason that names the field.
        #[test]
        fn field_parsers_give_valid_values_or_reasons(text in "\\PC*|[0-9/ +-]{0,12}") {
            match parse_date("offence_date", &text) {
                Ok(date) => {
                    proptest::prop_assert!((1900..=2999).contains(&date.year()));
                    proptest::prop_assert_eq!(parse_date("d", &date.to_string()), Ok(date));
                }
                Err(reason) => proptest::prop_assert!(reason.starts_with("offence_date")),
            }
            if let Ok((age, band)) = parse_age(&text) {
                if let Some(age) = age {
                    proptest::prop_assert!(age <= 120);
                    proptest::prop_assert_eq!(band, Some(AgeBand::from_age(age)));
                }
                proptest::prop_assert!(band.is_some() || text.trim().is_empty());
            }
            if let Ok(Some(flag)) = parse_flag("f", &text) {
                let spelled = if flag { "yes" } else { "no" };
                proptest::prop_assert_eq!(parse_flag("f", spelled), Ok(Some(flag)));
            }
            match parse_reference(&text) {
                Ok(reference) => {
                    proptest::prop_assert!((1..=64).contains(&reference.len()));
                    proptest::prop_assert_eq!(parse_reference(&reference), Ok(reference.clone()));
                }
                Err(reason) => proptest::prop_assert!(reason.starts_with("reference")),
            }
            if let Ok(Some(gender)) = Gender::parse(&text) {
                proptest::prop_assert_eq!(Gender::parse(gender.as_str()), Ok(Some(gender)));
            }
        }
    }
}
