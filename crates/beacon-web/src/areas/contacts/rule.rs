//! A segment rule, channel and basis read from a query string with repeated keys
//! (`district=Melton&district=Blaby`), as the segment builder's GET form and the API send
//! them.

use crate::chrome::error::WebError;
use beacon_app::contacts::{self, ContactError};
use beacon_core::protect::{ContactKind, LawfulBasis, SegmentRule};
use beacon_core::{AgeBand, Channel, OrgSize};
use beacon_store::Store;

/// What the query asks for, before its districts are resolved.
#[derive(Debug, Clone)]
pub struct SegmentQuery {
    /// The rule without districts.
    pub rule: SegmentRule,
    /// Districts as given (codes or names).
    pub districts: Vec<String>,
    /// Sectors as typed (comma separated in one field, or repeated).
    pub sectors_text: String,
    /// The channel.
    pub channel: Channel,
    /// The basis.
    pub basis: LawfulBasis,
    /// What could not be read.
    pub problems: Vec<String>,
}

/// Reads a query string.
pub fn parse(query: Option<&str>) -> SegmentQuery {
    let mut read = SegmentQuery {
        rule: SegmentRule::default(),
        districts: Vec::new(),
        sectors_text: String::new(),
        channel: Channel::Email,
        basis: LawfulBasis::PublicTask,
        problems: Vec::new(),
    };
    let mut sectors = Vec::new();
    for pair in query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        let value = value.trim();
        let key = decode(key);
        // An empty free-text box means nothing; an empty choice is not one of the choices.
        if value.is_empty() && matches!(key.as_str(), "sector" | "district") {
            continue;
        }
        match key.as_str() {
            "kind" => match ContactKind::from_stored(value) {
                Some(kind) => {
                    read.rule.kinds.insert(kind);
                }
                None => read
                    .problems
                    .push(format!("'{value}' is not a kind of contact")),
            },
            "sole_trader" => match value {
                "yes" => read.rule.sole_trader = Some(true),
                "no" => read.rule.sole_trader = Some(false),
                "any" => read.rule.sole_trader = None,
                _ => read
                    .problems
                    .push(format!("sole_trader '{value}' is not yes, no or any")),
            },
            "district" => read.districts.push(value.to_owned()),
            "age_band" => match AgeBand::from_label(value) {
                Some(band) => {
                    read.rule.age_bands.insert(band);
                }
                None => read.problems.push(format!("'{value}' is not an age band")),
            },
            "sector" if value.chars().any(char::is_control) || value.chars().count() > 200 => {
                read.problems
                    .push("a sector must be plain text of at most 200 characters".to_owned());
            }
            "sector" => sectors.extend(
                value
                    .split(',')
                    .map(|sector| sector.trim().to_lowercase())
                    .filter(|sector| !sector.is_empty()),
            ),
            "size" => match OrgSize::parse(value) {
                Ok(Some(size)) => {
                    read.rule.sizes.insert(size);
                }
                _ => read
                    .problems
                    .push(format!("'{value}' is not a business size")),
            },
            "channel" => match Channel::from_stored(value) {
                Some(channel @ (Channel::Email | Channel::Sms | Channel::Social)) => {
                    read.channel = channel;
                }
                _ => read
                    .problems
                    .push(format!("'{value}' is not email, sms or social")),
            },
            "basis" => match LawfulBasis::from_stored(value) {
                Some(basis) => read.basis = basis,
                None => read
                    .problems
                    .push(format!("'{value}' is not a lawful basis")),
            },
            _ => {}
        }
    }
    read.sectors_text = sectors.join(", ");
    read.rule.sectors = sectors.into_iter().collect();
    read
}

/// The whole rule, its districts resolved against the area's reference data.
pub fn resolve(store: &mut dyn Store, query: &SegmentQuery) -> Result<SegmentRule, WebError> {
    let mut rule = query.rule.clone();
    rule.districts = contacts::resolve_districts(store, &query.districts).map_err(web_error)?;
    Ok(rule)
}

/// A contacts use case's error as the web shows it.
pub fn web_error(error: ContactError) -> WebError {
    match error {
        ContactError::Store(error) => WebError::Store(error),
        ContactError::NotFound(_) => WebError::NotFound,
        ContactError::File(refused) => WebError::BadRequest(refused.to_string()),
        ContactError::Invalid(message) => WebError::BadRequest(message),
    }
}

/// Percent-decoding of a form value (`+` is a space); bad escapes are kept as written.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        index += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_make_sets_and_bad_values_are_named() {
        let read = parse(Some(
            "kind=resident&district=Melton&district=E07000129&age_band=70-79&age_band=80%2B&sector=Retail%2C+hospitality&channel=sms&basis=consent&size=huge",
        ));
        assert_eq!(read.rule.kinds.len(), 1);
        assert_eq!(read.districts, ["Melton", "E07000129"]);
        assert!(read.rule.age_bands.contains(&AgeBand::EightyPlus));
        assert!(read.rule.sectors.contains("hospitality") && read.rule.sectors.contains("retail"));
        assert_eq!(
            (read.channel, read.basis),
            (Channel::Sms, LawfulBasis::Consent)
        );
        assert_eq!(read.problems.len(), 1, "{:?}", read.problems);
        assert_eq!(decode("a%2"), "a%2");
    }
}
