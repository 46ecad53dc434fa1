//! The organisation directory file: one partner organisation a row, with what it owns.
//!
//! ```csv
//! name,sector,district,contacts,networks,asns,domains
//! Leicester City Council,local-government,E06000016,soc@leicester.gov.uk,192.0.2.0/24;2001:db8::/32,64500,leicester.gov.uk
//! ```
//!
//! Lists (contacts, networks, ASNs, domains) are separated by `;` or spaces. The district
//! is an ONS code or a district name. Column names are matched case-insensitively, and
//! `organisation` is accepted for `name`. A directory is imported whole or not at all, so
//! every problem in the file is reported at once with its line.

use beacon_core::organisation::{normalise_domain, parse_contact};
use beacon_core::text::fold;
use beacon_core::{Cidr, DistrictCode, Districts, Organisation, RejectedRow};

/// Columns of the directory file, in the order written by `beacon org list --csv`.
pub const ORGANISATION_COLUMNS: [&str; 7] = [
    "name", "sector", "district", "contacts", "networks", "asns", "domains",
];

/// Why a directory file was refused.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The file has no usable header.
    #[error("the organisation file needs a header with at least a 'name' column: {0}")]
    Header(String),
    /// Some rows are wrong; nothing was imported.
    #[error("{} row(s) of the organisation file need fixing; nothing was imported", .0.len())]
    Rows(Vec<RejectedRow>),
}

/// Reads a directory file. Every organisation is returned, or every problem.
pub fn parse_organisations(
    bytes: &[u8],
    districts: &Districts,
) -> Result<Vec<Organisation>, DirectoryError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|error| DirectoryError::Header(error.to_string()))?
        .clone();
    let index = |names: &[&str]| {
        header
            .iter()
            .position(|column| names.contains(&fold(column).replace(' ', "_").as_str()))
    };
    let name_at = index(&["name", "organisation", "organization"])
        .ok_or_else(|| DirectoryError::Header("no 'name' column".to_owned()))?;
    let columns = [
        index(&["sector"]),
        index(&["district", "district_code"]),
        index(&["contacts", "contact", "email", "emails"]),
        index(&["networks", "network", "ranges", "cidrs"]),
        index(&["asns", "asn"]),
        index(&["domains", "domain"]),
    ];
    let mut organisations = Vec::new();
    let mut problems = Vec::new();
    let mut names = std::collections::HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                problems.push(RejectedRow {
                    line,
                    reason: format!("the row cannot be read: {error}"),
                    raw: String::new(),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let raw = record.iter().collect::<Vec<_>>().join(",");
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        let field = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("").trim();
        let [sector, district, contacts, networks, asns, domains] = columns.map(field);
        match build(
            field(Some(name_at)),
            sector,
            district,
            [contacts, networks, asns, domains],
            districts,
        ) {
            Ok(organisation) => {
                if let Some(first) = names.insert(organisation.name.to_lowercase(), line) {
                    problems.push(RejectedRow {
                        line,
                        reason: format!("'{}' is already named on line {first}", organisation.name),
                        raw,
                    });
                } else {
                    organisations.push(organisation);
                }
            }
            Err(reasons) => problems.push(RejectedRow {
                line,
                reason: reasons.join("; "),
                raw,
            }),
        }
    }
    if problems.is_empty() {
        Ok(organisations)
    } else {
        Err(DirectoryError::Rows(problems))
    }
}

/// Builds one organisation from its fields, or lists everything wrong with them.
pub fn build(
    name: &str,
    sector: &str,
    district: &str,
    [contacts, networks, asns, domains]: [&str; 4],
    districts: &Districts,
) -> Result<Organisation, Vec<String>> {
    let mut reasons = Vec::new();
    if name.is_empty() {
        reasons.push("the name is empty".to_owned());
    }
    let district = if district.is_empty() {
        None
    } else {
        let found = resolve_district(district, districts);
        if found.is_none() {
            reasons.push(format!(
                "'{district}' is not a district of {} (use an ONS code or a district name)",
                districts.area_name
            ));
        }
        found
    };
    let mut organisation = Organisation {
        name: name.to_owned(),
        sector: sector.to_ascii_lowercase(),
        district,
        ..Organisation::default()
    };
    for item in list(contacts) {
        match parse_contact(item) {
            Ok(contact) => organisation.contacts.push(contact),
            Err(error) => reasons.push(error.to_string()),
        }
    }
    for item in list(networks) {
        match item.parse::<Cidr>() {
            Ok(network) => organisation.networks.push(network),
            Err(error) => reasons.push(error.to_string()),
        }
    }
    for item in list(asns) {
        let digits = item.trim_start_matches(['A', 'S', 'a', 's']);
        match digits.parse::<u32>() {
            Ok(asn) => organisation.asns.push(asn),
            Err(_) => reasons.push(format!("'{item}' is not an AS number")),
        }
    }
    for item in list(domains) {
        match normalise_domain(item) {
            Some(domain) => organisation.domains.push(domain),
            None => reasons.push(format!("'{item}' is not a domain name")),
        }
    }
    organisation.networks.sort();
    organisation.networks.dedup();
    organisation.asns.sort_unstable();
    organisation.asns.dedup();
    organisation.domains.sort();
    organisation.domains.dedup();
    organisation.contacts.dedup();
    if reasons.is_empty() {
        Ok(organisation)
    } else {
        Err(reasons)
    }
}

/// A district by ONS code or by name (case and punctuation ignored).
pub fn resolve_district(raw: &str, districts: &Districts) -> Option<DistrictCode> {
    if let Ok(code) = raw.parse::<DistrictCode>() {
        return districts.contains(&code).then_some(code);
    }
    let wanted = fold(raw);
    districts
        .list
        .iter()
        .find(|district| fold(&district.name) == wanted)
        .map(|district| district.code.clone())
}

/// Items of a list field, split on `;`, `,` or whitespace.
fn list(field: &str) -> impl Iterator<Item = &str> {
    field
        .split(|c: char| c == ';' || c == ',' || c.is_whitespace())
        .filter(|item| !item.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::District;

    fn districts() -> Districts {
        Districts {
            area_name: "Leicester, Leicestershire and Rutland".into(),
            list: vec![District {
                code: "E06000016".parse().expect("code"),
                name: "Leicester".into(),
                kind: "unitary".into(),
                population_2011: 329_839,
                population_2021: 368_581,
            }],
        }
    }

    #[test]
    fn reads_a_directory() {
        let file = "Name,Sector,District,Contacts,Networks,ASNs,Domains\n\
            City Council,local-government,leicester,soc@example.org it@example.org,192.0.2.0/24;2001:db8::/32,AS64500,*.Example.org.\n\
            Small Shop,business,,,198.51.100.7,,\n";
        let organisations = parse_organisations(file.as_bytes(), &districts()).expect("parsed");
        assert_eq!(organisations.len(), 2);
        let council = &organisations[0];
        assert_eq!(
            council.district.as_ref().map(|d| d.as_str()),
            Some("E06000016")
        );
        assert_eq!(council.contacts.len(), 2);
        assert_eq!(council.networks.len(), 2);
        assert_eq!(council.asns, vec![64500]);
        assert_eq!(council.domains, vec!["example.org".to_owned()]);
        assert_eq!(organisations[1].networks[0].to_string(), "198.51.100.7/32");
    }

    #[test]
    fn reports_every_problem_with_its_line() {
        let file = "name,district,networks,contacts\n\
            ,Nowhere,300.1.1.1/8,not-an-email\n\
            Fine,,10.0.0.0/8,\n\
            fine,,10.1.0.0/16,\n";
        let Err(DirectoryError::Rows(rows)) = parse_organisations(file.as_bytes(), &districts())
        else {
            panic!("accepted a bad directory");
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert!(
            rows[0].reason.contains("name is empty"),
            "{}",
            rows[0].reason
        );
        assert!(rows[0].reason.contains("Nowhere"));
        assert!(rows[0].reason.contains("not-an-email"));
        assert_eq!(rows[1].line, 4);
        assert!(rows[1].reason.contains("already named on line 3"));
    }

    #[test]
    fn needs_a_name_column() {
        assert!(matches!(
            parse_organisations(b"sector,district\nx,y\n", &districts()),
            Err(DirectoryError::Header(_))
        ));
    }
}
