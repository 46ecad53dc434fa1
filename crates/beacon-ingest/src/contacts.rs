//! The contacts file of protect campaigns: one contact a row, coarse attributes only, with
//! the addresses needed to send and any consent evidence.
//!
//! ```csv
//! ref,kind,sole_trader,district,ward,age_band,sector,size,email,mobile,consent_channel,consent_basis,consent_given_at,consent_how,consent_wording
//! R-0001,resident,,Melton,,70-79,,,ann@example.org,,email,consent,2025-01-10T10:00:00Z,web form,Send me fraud alerts by email
//! B-0042,business,yes,E07000129,,,retail,micro,,07700 900123,sms,public_task,2025-02-01,business survey,Service messages about current scams
//! ```
//!
//! | column | meaning |
//! | --- | --- |
//! | `ref` | required: the importer's own id for the contact; a re-import updates by it |
//! | `kind` | required: `resident`, `business` or `staff` |
//! | `sole_trader` | `yes`/`no` (businesses only; a sole trader is an individual in law) |
//! | `district` | ONS code or district name from the area's reference data |
//! | `ward` | ONS ward code, e.g. `E05010458` |
//! | `age_band` | a band such as `70-79` or `80+` (never an exact age) |
//! | `sector` | a business's sector, e.g. `retail` (stored lower case) |
//! | `size` | `micro`, `small`, `medium` or `large` |
//! | `email` | email address (trimmed, lower-cased) |
//! | `mobile` | UK mobile number (stored as E.164, `+447…`) |
//! | `consent_channel` | `email` or `sms`: the channel the evidence covers |
//! | `consent_basis` | `consent` or `public_task` |
//! | `consent_given_at` | when: RFC 3339 time or a `YYYY-MM-DD` date (midnight UTC) |
//! | `consent_how` | how it was given: `web form`, `paper form at event`, … |
//! | `consent_wording` | the words agreed to (or the service notice given) |
//!
//! Column names match case-insensitively, ignoring spaces and punctuation. A column that
//! looks like personal data beyond these (a name, a date of birth, an address, a postcode,
//! a telephone number) refuses the whole file, naming the column; so does any other
//! unknown column, since Beacon cannot tell what it holds.
//!
//! **Invariant:** every data row comes back as a contact or as a quarantined row with its
//! line and reason, so `read = contacts + quarantined`; nothing here touches a database.

use crate::organisations::resolve_district;
use beacon_core::protect::{
    ConsentEvidence, ContactAttributes, ContactKind, LawfulBasis, parse_email, parse_uk_mobile,
};
use beacon_core::report::{parse_age, parse_flag};
use beacon_core::text::fold;
use beacon_core::{Channel, DistrictCode, Districts, OrgSize, RejectedRow};
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, Time};

/// The columns of a contacts file, in the order Beacon writes them.
pub const CONTACT_COLUMNS: [&str; 15] = [
    "ref",
    "kind",
    "sole_trader",
    "district",
    "ward",
    "age_band",
    "sector",
    "size",
    "email",
    "mobile",
    "consent_channel",
    "consent_basis",
    "consent_given_at",
    "consent_how",
    "consent_wording",
];

/// Words in a column name that mark personal data Beacon never keeps about a contact.
const PERSONAL_DATA_WORDS: [&str; 12] = [
    "name",
    "dob",
    "birth",
    "address",
    "street",
    "postcode",
    "postalcode",
    "zip",
    "phone",
    "landline",
    "gender",
    "age",
];

/// Why a contacts file was refused whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactFileError {
    /// The header cannot be read or lacks a required column.
    #[error("the contacts file needs a header with 'ref' and 'kind' columns: {0}")]
    Header(String),
    /// A column holds personal data Beacon does not keep about contacts.
    #[error(
        "column '{column}' looks like personal data (a name, date of birth, address, postcode \
         or telephone number); Beacon keeps only coarse attributes about contacts: remove the \
         column and import again"
    )]
    PersonalData {
        /// The column as written in the header.
        column: String,
    },
    /// A column Beacon does not know.
    #[error("column '{column}' is not a contacts column; the columns are {}", CONTACT_COLUMNS.join(", "))]
    UnknownColumn {
        /// The column as written in the header.
        column: String,
    },
    /// A column appears twice.
    #[error("column '{column}' appears twice")]
    DuplicateColumn {
        /// The column as written in the header.
        column: String,
    },
}

/// One contact read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    /// Line where the row starts (the header is line 1).
    pub line: u64,
    /// The importer's reference.
    pub reference: String,
    /// Coarse attributes (`kind` always set).
    pub attributes: ContactAttributes,
    /// Email address, normalised.
    pub email: Option<String>,
    /// UK mobile in E.164.
    pub mobile: Option<String>,
    /// The row's consent evidence, if it has some.
    pub consent: Option<ConsentEvidence>,
}

/// What a contacts file held: the contacts, and the rows quarantined with their reasons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactsFile {
    /// Data rows read (blank rows are not counted).
    pub read: u64,
    /// Contacts, in file order.
    pub contacts: Vec<ContactRecord>,
    /// Rows that could not be taken, with line and reason.
    pub quarantined: Vec<RejectedRow>,
}

/// Reads a contacts file against the area's districts. Only the header can refuse the
/// whole file; every data row becomes a contact or a quarantined row.
pub fn parse_contacts(
    bytes: &[u8],
    districts: &Districts,
) -> Result<ContactsFile, ContactFileError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|error| ContactFileError::Header(error.to_string()))?
        .clone();
    let mut at: HashMap<&'static str, usize> = HashMap::new();
    for (index, column) in header.iter().enumerate() {
        let folded = fold(column);
        if folded.is_empty() {
            continue;
        }
        let Some(known) = CONTACT_COLUMNS
            .into_iter()
            .find(|known| fold(known) == folded)
        else {
            let personal = PERSONAL_DATA_WORDS
                .iter()
                .any(|word| folded.contains(word) && folded != "ageband");
            return Err(if personal {
                ContactFileError::PersonalData {
                    column: column.to_owned(),
                }
            } else {
                ContactFileError::UnknownColumn {
                    column: column.to_owned(),
                }
            });
        };
        if at.insert(known, index).is_some() {
            return Err(ContactFileError::DuplicateColumn {
                column: column.to_owned(),
            });
        }
    }
    for required in ["ref", "kind"] {
        if !at.contains_key(required) {
            return Err(ContactFileError::Header(format!("no '{required}' column")));
        }
    }
    let mut file = ContactsFile::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
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
        let raw: String = record.iter().collect::<Vec<_>>().join(",");
        let row = Row {
            record: &record,
            at: &at,
        };
        match contact_from(&row, line, districts) {
            Ok(contact) => {
                if let Some(first) = seen.get(&contact.reference) {
                    file.quarantined.push(RejectedRow {
                        line,
                        reason: format!(
                            "ref {} already appears on line {first}",
                            contact.reference
                        ),
                        raw,
                    });
                } else {
                    seen.insert(contact.reference.clone(), line);
                    file.contacts.push(contact);
                }
            }
            Err(reasons) => file.quarantined.push(RejectedRow {
                line,
                reason: reasons.join("; "),
                raw,
            }),
        }
    }
    Ok(file)
}

/// A data row with the header's column positions.
struct Row<'a> {
    record: &'a csv::StringRecord,
    at: &'a HashMap<&'static str, usize>,
}

impl<'a> Row<'a> {
    /// A column's trimmed text (empty when the column or the field is missing).
    fn field(&self, name: &str) -> &'a str {
        self.at
            .get(name)
            .and_then(|index| self.record.get(*index))
            .map_or("", str::trim)
    }
}

/// One row's contact, or every reason it cannot be taken.
fn contact_from(
    row: &Row<'_>,
    line: u64,
    districts: &Districts,
) -> Result<ContactRecord, Vec<String>> {
    let mut reasons = Vec::new();
    let reference = row.field("ref");
    let reference = take(
        &mut reasons,
        if reference.is_empty() {
            Err("ref is empty".to_owned())
        } else if reference.chars().count() > 100 {
            Err("ref is longer than 100 characters".to_owned())
        } else {
            Ok(reference.to_owned())
        },
    );
    let kind = take(
        &mut reasons,
        match row.field("kind") {
            "" => Err("kind is empty (resident, business or staff)".to_owned()),
            text => ContactKind::from_stored(text)
                .ok_or_else(|| format!("kind '{text}' is not resident, business or staff")),
        },
    );
    let sole_trader = take(
        &mut reasons,
        parse_flag("sole_trader", row.field("sole_trader")),
    )
    .flatten()
    .unwrap_or(false);
    if sole_trader && kind.is_some_and(|kind| kind != ContactKind::Business) {
        take(
            &mut reasons,
            Err::<(), _>("sole_trader is yes but the kind is not business".to_owned()),
        );
    }
    let district = take(&mut reasons, district(row.field("district"), districts)).flatten();
    let ward = take(&mut reasons, ward(row.field("ward"))).flatten();
    let age_band = take(
        &mut reasons,
        match row.field("age_band") {
            "" => Ok(None),
            text => match parse_age(text) {
                Ok((None, band)) => Ok(band),
                Ok((Some(_), _)) => Err(format!(
                    "age_band '{text}' is an exact age; give a band such as 70-79 or 80+"
                )),
                Err(reason) => Err(reason.replace("victim age", "age band")),
            },
        },
    )
    .flatten();
    let sector = take(&mut reasons, sector(row.field("sector"))).flatten();
    let size = take(&mut reasons, OrgSize::parse(row.field("size"))).flatten();
    let email = take(
        &mut reasons,
        match row.field("email") {
            "" => Ok(None),
            text => parse_email(text).map(Some),
        },
    )
    .flatten();
    let mobile = take(
        &mut reasons,
        match row.field("mobile") {
            "" => Ok(None),
            text => parse_uk_mobile(text).map(Some),
        },
    )
    .flatten();
    let consent = take(
        &mut reasons,
        consent(row, email.is_some(), mobile.is_some()),
    )
    .flatten();
    match (reference, kind) {
        (Some(reference), Some(kind)) if reasons.is_empty() => Ok(ContactRecord {
            line,
            reference,
            attributes: ContactAttributes {
                kind: Some(kind),
                sole_trader,
                district,
                ward,
                age_band,
                sector,
                size,
            },
            email,
            mobile,
            consent,
        }),
        _ => Err(reasons),
    }
}

/// The value of a field's result, or `None` with its reason kept.
fn take<T>(reasons: &mut Vec<String>, result: Result<T, String>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(reason) => {
            reasons.push(reason);
            None
        }
    }
}

/// A district by code or name, from the area's reference data.
fn district(text: &str, districts: &Districts) -> Result<Option<DistrictCode>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    resolve_district(text, districts).map(Some).ok_or_else(|| {
        format!(
            "district '{text}' is not a district of {}",
            districts.area_name
        )
    })
}

/// An ONS ward code: a letter and eight digits.
fn ward(text: &str) -> Result<Option<String>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let code = text.to_ascii_uppercase();
    let mut characters = code.chars();
    let letter = characters.next().is_some_and(|c| c.is_ascii_uppercase());
    if letter && code.len() == 9 && characters.all(|c| c.is_ascii_digit()) {
        Ok(Some(code))
    } else {
        Err(format!(
            "ward '{text}' is not an ONS ward code such as E05010458"
        ))
    }
}

/// A sector: lower case words, at most 60 characters.
fn sector(text: &str) -> Result<Option<String>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let sector = text.to_lowercase();
    if sector.chars().count() <= 60
        && sector
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '&' | '_'))
    {
        Ok(Some(sector))
    } else {
        Err(format!(
            "sector '{text}' is not a sector name (letters, digits, spaces and hyphens, at most 60)"
        ))
    }
}

/// The row's consent evidence: none when every consent column is empty, else all five.
fn consent(
    row: &Row<'_>,
    has_email: bool,
    has_mobile: bool,
) -> Result<Option<ConsentEvidence>, String> {
    let columns = [
        "consent_channel",
        "consent_basis",
        "consent_given_at",
        "consent_how",
        "consent_wording",
    ];
    if columns.iter().all(|column| row.field(column).is_empty()) {
        return Ok(None);
    }
    let missing: Vec<&str> = columns
        .into_iter()
        .filter(|column| row.field(column).is_empty())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "consent evidence needs every consent column; {} empty",
            missing.join(", ")
        ));
    }
    let channel = match row.field("consent_channel").to_ascii_lowercase().as_str() {
        "email" => Channel::Email,
        "sms" | "mobile" | "text" => Channel::Sms,
        other => return Err(format!("consent_channel '{other}' is not email or sms")),
    };
    if (channel == Channel::Email && !has_email) || (channel == Channel::Sms && !has_mobile) {
        return Err(format!(
            "consent is for {} but the row has no {} address",
            channel.as_str(),
            if channel == Channel::Email {
                "email"
            } else {
                "mobile"
            }
        ));
    }
    let basis_text = row.field("consent_basis");
    let basis = LawfulBasis::from_stored(basis_text)
        .ok_or_else(|| format!("consent_basis '{basis_text}' is not consent or public_task"))?;
    let given_text = row.field("consent_given_at");
    let given_at = OffsetDateTime::parse(given_text, &Rfc3339)
        .ok()
        .or_else(|| {
            Date::parse(
                given_text,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .ok()
            .map(|day| day.with_time(Time::MIDNIGHT).assume_utc())
        })
        .ok_or_else(|| {
            format!(
                "consent_given_at '{given_text}' is not a time such as 2025-01-10T10:00:00Z or a date such as 2025-01-10"
            )
        })?;
    Ok(Some(ConsentEvidence {
        channel,
        basis,
        given_at: given_at.to_offset(time::UtcOffset::UTC),
        how: row.field("consent_how").to_owned(),
        wording: row.field("consent_wording").to_owned(),
        withdrawn_at: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::{AgeBand, District};

    fn districts() -> Districts {
        Districts {
            area_name: "Leicester, Leicestershire and Rutland".into(),
            list: vec![District {
                code: "E07000133".parse().expect("code"),
                name: "Melton".into(),
                kind: "district".into(),
                population_2011: 50_376,
                population_2021: 51_800,
            }],
        }
    }

    const HEADER: &str = "ref,kind,sole_trader,district,ward,age_band,sector,size,email,mobile,consent_channel,consent_basis,consent_given_at,consent_how,consent_wording\n";

    #[test]
    fn reads_contacts_with_districts_by_name_and_consent_evidence() {
        let file = format!(
            "{HEADER}R1,Resident,,melton,e05010458,70-79,,,Ann@Example.ORG,,email,consent,2025-01-10T10:00:00Z,web form,Send me alerts\n\
             B1,business,yes,E07000133,,,Retail,micro,,07700 900123,sms,public_task,2025-02-01,survey,Service messages\n"
        );
        let parsed = parse_contacts(file.as_bytes(), &districts()).expect("parsed");
        assert_eq!(parsed.read, 2);
        assert!(parsed.quarantined.is_empty(), "{:?}", parsed.quarantined);
        let resident = &parsed.contacts[0];
        assert_eq!(resident.line, 2);
        assert_eq!(resident.email.as_deref(), Some("ann@example.org"));
        assert_eq!(resident.attributes.age_band, Some(AgeBand::Seventies));
        assert_eq!(resident.attributes.ward.as_deref(), Some("E05010458"));
        assert_eq!(
            resident.attributes.district.as_ref().map(|d| d.as_str()),
            Some("E07000133")
        );
        assert_eq!(
            resident.consent.as_ref().map(|c| c.basis),
            Some(LawfulBasis::Consent)
        );
        let shop = &parsed.contacts[1];
        assert!(shop.attributes.sole_trader);
        assert!(!shop.attributes.is_individual() || shop.attributes.sole_trader);
        assert_eq!(shop.mobile.as_deref(), Some("+447700900123"));
        assert_eq!(shop.attributes.sector.as_deref(), Some("retail"));
        let consent = shop.consent.as_ref().expect("consent");
        assert_eq!(
            consent.given_at,
            time::macros::datetime!(2025-02-01 00:00 UTC)
        );
    }

    #[test]
    fn bad_rows_are_quarantined_with_line_and_reason_and_counts_add_up() {
        let file = format!(
            "{HEADER}R1,resident,,Narnia,,,,,a@example.org,,,,,,\n\
             R2,martian,,,,,,,,,,,,,\n\
             ,,,,,,,,,,,,,,\n\
             R3,resident,,,,42,,,,,,,,,\n\
             R4,resident,yes,,,,,,not-an-email,01164960000,,,,,\n\
             R5,resident,,,,,,,,,email,consent,2025-01-01,web,words\n\
             R6,resident,,,,,,,b@example.org,,email,consent,,web,words\n\
             R7,resident,,,,,,,c@example.org,,,,,,\n\
             R7,staff,,,,,,,d@example.org,,,,,,\n"
        );
        let parsed = parse_contacts(file.as_bytes(), &districts()).expect("parsed");
        assert_eq!(parsed.read, 8, "the blank row is not counted");
        assert_eq!(
            parsed.read,
            (parsed.contacts.len() + parsed.quarantined.len()) as u64
        );
        assert_eq!(parsed.contacts.len(), 1);
        let reason = |line: u64| {
            parsed
                .quarantined
                .iter()
                .find(|row| row.line == line)
                .map(|row| row.reason.clone())
                .unwrap_or_default()
        };
        assert!(reason(2).contains("district 'Narnia'"), "{}", reason(2));
        assert!(reason(3).contains("kind 'martian'"));
        assert!(reason(5).contains("exact age"));
        let r4 = reason(6);
        assert!(
            r4.contains("sole_trader") && r4.contains("email") && r4.contains("mobile"),
            "{r4}"
        );
        assert!(reason(7).contains("no email address"));
        assert!(reason(8).contains("consent_given_at empty"));
        assert!(reason(10).contains("already appears on line 9"));
    }

    #[test]
    fn columns_that_look_like_personal_data_refuse_the_file() {
        for column in [
            "Name",
            "first_name",
            "DOB",
            "date of birth",
            "Address",
            "Postcode",
            "phone",
        ] {
            let file = format!("ref,kind,{column}\nR1,resident,x\n");
            match parse_contacts(file.as_bytes(), &districts()) {
                Err(ContactFileError::PersonalData { column: named }) => {
                    assert_eq!(named, column);
                }
                other => panic!("{column}: {other:?}"),
            }
        }
        assert!(matches!(
            parse_contacts(b"ref,kind,colour\n", &districts()),
            Err(ContactFileError::UnknownColumn { .. })
        ));
        assert!(matches!(
            parse_contacts(b"ref,district\n", &districts()),
            Err(ContactFileError::Header(_))
        ));
        let message = parse_contacts(b"ref,kind,Surname\n", &districts())
            .expect_err("refused")
            .to_string();
        assert!(message.contains("'Surname'"), "{message}");
    }
}
