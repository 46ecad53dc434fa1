//! Partner inventory and contact files (CSV): what each organisation runs, and who hears
//! about advisories.
//!
//! ```csv
//! organisation,asset,kind,owner,hostname,network,cpe,purl,vendor,product,version
//! Leicester City Council,Payroll server,server,it@leicester.gov.uk,payroll01,192.0.2.0/24,cpe:2.3:a:sap:netweaver:7.5:*:*:*:*:*:*:*,,,,
//! Leicester City Council,Payroll server,,,,,,pkg:npm/lodash@4.17.20,,,
//! ```
//!
//! Column names are matched case-insensitively, in any order. Each row is one product on
//! one asset; rows with the same organisation and asset add products to one asset, and
//! may leave the asset's details empty, but must not contradict each other. An import is
//! all or nothing: if any row has a problem, every problem is returned with its line (the
//! header is line 1) and nothing is imported, so a partner fixes the file in one go.
//!
//! CPE and purl syntax is only checked for its structure here; full parsing belongs to
//! matching.

use crate::text_input::decode_text;
use beacon_core::inventory::{ContactRole, Delivery};
use beacon_core::organisation::parse_contact;
use beacon_core::{Asset, Cidr, PartnerContact, ProductEntry};
use std::collections::HashMap;
use std::fmt;
use std::io::{Cursor, Read};

/// One problem in an inventory or contacts file, where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// The line (the header is line 1).
    pub line: u64,
    /// The column at fault, if one is.
    pub column: Option<String>,
    /// What is wrong, in plain words.
    pub reason: String,
}

impl LineProblem {
    fn new(line: u64, column: Option<&str>, reason: impl Into<String>) -> LineProblem {
        LineProblem {
            line,
            column: column.map(str::to_owned),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}: column {column}: {}", self.line, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// An inventory file as read: each organisation's assets, in the order first named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryImport {
    /// (organisation as written, asset with its products).
    pub assets: Vec<(String, Asset)>,
    /// Data rows read (blank rows are not counted).
    pub rows: u64,
}

/// Columns of an inventory file.
const INVENTORY_COLUMNS: [&str; 11] = [
    "organisation",
    "asset",
    "kind",
    "owner",
    "hostname",
    "network",
    "cpe",
    "purl",
    "vendor",
    "product",
    "version",
];

/// Columns of a contacts file.
const CONTACT_COLUMNS: [&str; 5] = ["organisation", "name", "email", "role", "delivery"];

/// A CSV file decoded and split into its header and rows.
struct Table {
    /// Column name → index.
    columns: HashMap<String, usize>,
    /// (line, fields) of each non-blank row.
    rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    /// Decodes (UTF-8 with or without BOM, or Windows-1252, as report files are) and
    /// splits a file, checking its header names only `known` columns and has `required`.
    fn read(bytes: &[u8], known: &[&str], required: &[&str]) -> Result<Table, Vec<LineProblem>> {
        let refused = |reason: String| vec![LineProblem::new(1, None, reason)];
        let (mut reader, _) = decode_text(Box::new(Cursor::new(bytes.to_vec())))
            .map_err(|error| refused(error.to_string()))?;
        let mut text = String::new();
        reader
            .read_to_string(&mut text)
            .map_err(|error| refused(format!("the file cannot be read as text: {error}")))?;
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header = csv
            .headers()
            .map_err(|error| refused(format!("the header cannot be read: {error}")))?
            .clone();
        let mut problems = Vec::new();
        let mut columns = HashMap::new();
        for (index, name) in header.iter().enumerate() {
            let name = name.trim().to_lowercase();
            if name.is_empty() {
                continue;
            }
            if !known.contains(&name.as_str()) {
                problems.push(LineProblem::new(
                    1,
                    Some(&name),
                    format!("is not a column of this file (use {})", known.join(", ")),
                ));
            } else if columns.insert(name.clone(), index).is_some() {
                problems.push(LineProblem::new(1, Some(&name), "is named twice"));
            }
        }
        for name in required {
            if !columns.contains_key(*name) {
                problems.push(LineProblem::new(
                    1,
                    Some(name),
                    "is required but missing from the header",
                ));
            }
        }
        let mut rows = Vec::new();
        for record in csv.records() {
            match record {
                Ok(record) => {
                    if record.iter().all(str::is_empty) {
                        continue;
                    }
                    let line = record.position().map_or(0, |p| p.line());
                    rows.push((line, record.iter().map(str::to_owned).collect()));
                }
                Err(error) => {
                    let line = error.position().map_or(0, |p| p.line());
                    problems.push(LineProblem::new(
                        line,
                        None,
                        format!("the row cannot be read: {error}"),
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(Table { columns, rows })
        } else {
            Err(problems)
        }
    }

    /// The trimmed field of `column` in a row (empty when the column or field is absent).
    fn field<'a>(&self, row: &'a [String], column: &str) -> &'a str {
        self.columns
            .get(column)
            .and_then(|&index| row.get(index))
            .map_or("", String::as_str)
    }
}

/// The details of an asset and where each was first given.
struct Building {
    organisation: String,
    asset: Asset,
    /// Column → (value, line) of details already given.
    given: HashMap<&'static str, (String, u64)>,
}

/// Reads an inventory file: every asset, or every problem.
pub fn parse_inventory_csv(bytes: &[u8]) -> Result<InventoryImport, Vec<LineProblem>> {
    let table = Table::read(bytes, &INVENTORY_COLUMNS, &["organisation", "asset"])?;
    let mut problems = Vec::new();
    let mut building: Vec<Building> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for (line, row) in &table.rows {
        let line = *line;
        let field = |column: &str| table.field(row, column);
        let before = problems.len();
        for column in ["organisation", "asset"] {
            if field(column).is_empty() {
                problems.push(LineProblem::new(line, Some(column), "is empty"));
            }
        }
        let product = read_product(line, &field, &mut problems);
        let owner = match field("owner") {
            "" => None,
            raw => match parse_contact(raw) {
                Ok(owner) => Some(owner),
                Err(_) => {
                    problems.push(LineProblem::new(
                        line,
                        Some("owner"),
                        format!("'{raw}' is not an email address"),
                    ));
                    None
                }
            },
        };
        let network = match field("network") {
            "" => None,
            raw => match raw.parse::<Cidr>() {
                Ok(network) => Some(network),
                Err(error) => {
                    problems.push(LineProblem::new(line, Some("network"), error.to_string()));
                    None
                }
            },
        };
        if problems.len() > before {
            continue;
        }
        let key = (
            field("organisation").to_lowercase(),
            field("asset").to_lowercase(),
        );
        let at = *index.entry(key).or_insert_with(|| {
            building.push(Building {
                organisation: field("organisation").to_owned(),
                asset: Asset {
                    name: field("asset").to_owned(),
                    kind: String::new(),
                    owner: None,
                    hostname: None,
                    network: None,
                    products: Vec::new(),
                },
                given: HashMap::new(),
            });
            building.len() - 1
        });
        let entry = &mut building[at];
        let details: [(&'static str, String); 4] = [
            ("kind", field("kind").to_owned()),
            ("owner", owner.clone().unwrap_or_default()),
            ("hostname", field("hostname").to_owned()),
            (
                "network",
                network.map(|n| n.to_string()).unwrap_or_default(),
            ),
        ];
        for (column, value) in details {
            if value.is_empty() {
                continue;
            }
            match entry.given.get(column) {
                Some((first, first_line)) if !first.eq_ignore_ascii_case(&value) => {
                    problems.push(LineProblem::new(
                        line,
                        Some(column),
                        format!("'{value}' contradicts '{first}' given for asset '{}' of {} on line {first_line}", entry.asset.name, entry.organisation),
                    ));
                }
                Some(_) => {}
                None => {
                    entry.given.insert(column, (value.clone(), line));
                    match column {
                        "kind" => entry.asset.kind = value,
                        "owner" => entry.asset.owner = owner.clone(),
                        "hostname" => entry.asset.hostname = Some(value),
                        _ => entry.asset.network = network,
                    }
                }
            }
        }
        if let Some(product) = product
            && !entry.asset.products.contains(&product)
        {
            entry.asset.products.push(product);
        }
    }
    if problems.is_empty() {
        Ok(InventoryImport {
            assets: building
                .into_iter()
                .map(|b| (b.organisation, b.asset))
                .collect(),
            rows: table.rows.len() as u64,
        })
    } else {
        Err(problems)
    }
}

/// The product a row names, recording its problems.
fn read_product<'a>(
    line: u64,
    field: &impl Fn(&str) -> &'a str,
    problems: &mut Vec<LineProblem>,
) -> Option<ProductEntry> {
    let optional = |column: &str| {
        Some(field(column))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let (cpe, purl, vendor, product) = (
        optional("cpe"),
        optional("purl"),
        optional("vendor"),
        optional("product"),
    );
    let before = problems.len();
    if let Some(cpe) = &cpe
        && let Err(reason) = check_cpe(cpe)
    {
        problems.push(LineProblem::new(line, Some("cpe"), reason));
    }
    if let Some(purl) = &purl
        && let Err(reason) = check_purl(purl)
    {
        problems.push(LineProblem::new(line, Some("purl"), reason));
    }
    match (&vendor, &product) {
        (Some(vendor), None) if cpe.is_none() && purl.is_none() => {
            problems.push(LineProblem::new(
                line,
                Some("product"),
                format!("is empty, but the vendor '{vendor}' needs a product"),
            ));
        }
        (None, Some(product)) if cpe.is_none() && purl.is_none() => {
            problems.push(LineProblem::new(
                line,
                Some("vendor"),
                format!("is empty, but the product '{product}' needs a vendor"),
            ));
        }
        (None, None) if cpe.is_none() && purl.is_none() => {
            problems.push(LineProblem::new(
                line,
                None,
                "the row names no product: give a cpe, a purl, or vendor and product",
            ));
        }
        _ => {}
    }
    (problems.len() == before).then(|| ProductEntry {
        cpe,
        purl,
        vendor,
        product,
        version: optional("version"),
        derived_cpe: None,
    })
}

/// Checks a CPE's structure: a 2.3 formatted string of 13 parts (`\:` does not split) or
/// a 2.2 URI.
fn check_cpe(cpe: &str) -> Result<(), String> {
    if let Some(rest) = cpe.strip_prefix("cpe:/") {
        return if rest.starts_with(['a', 'o', 'h']) {
            Ok(())
        } else {
            Err(format!(
                "'{cpe}' is not a CPE 2.2 name (its part must be a, o or h)"
            ))
        };
    }
    if !cpe.starts_with("cpe:2.3:") {
        return Err(format!(
            "'{cpe}' is not a CPE name (it must start 'cpe:2.3:' or 'cpe:/')"
        ));
    }
    let mut parts = 1;
    let mut escaped = false;
    for c in cpe.chars() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, ':') => parts += 1,
            _ => {}
        }
    }
    if parts != 13 {
        return Err(format!("'{cpe}' is not a CPE 2.3 name (it needs 13 parts)"));
    }
    if !matches!(
        cpe.as_bytes().get(8),
        Some(b'a' | b'o' | b'h' | b'*' | b'-')
    ) || cpe.as_bytes().get(9) != Some(&b':')
    {
        return Err(format!(
            "'{cpe}' is not a CPE 2.3 name (its part must be a, o or h)"
        ));
    }
    Ok(())
}

/// Checks a purl's structure: `pkg:`, a type, and a name.
fn check_purl(purl: &str) -> Result<(), String> {
    let refused = || {
        Err(format!(
            "'{purl}' is not a package URL (it needs pkg:type/name)"
        ))
    };
    let Some(rest) = purl.strip_prefix("pkg:") else {
        return refused();
    };
    let path = rest
        .trim_start_matches('/')
        .split(['?', '#'])
        .next()
        .unwrap_or("");
    let Some((kind, name)) = path.split_once('/') else {
        return refused();
    };
    let name = name.rsplit_once('@').map_or(name, |(name, _)| name);
    let last = name.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if kind.is_empty() || last.is_empty() {
        return refused();
    }
    Ok(())
}

/// Reads a contacts file (`organisation,name,email,role[,delivery]`): every contact, or
/// every problem.
pub fn parse_contacts_csv(bytes: &[u8]) -> Result<Vec<(String, PartnerContact)>, Vec<LineProblem>> {
    let table = Table::read(
        bytes,
        &CONTACT_COLUMNS,
        &["organisation", "name", "email", "role"],
    )?;
    let mut problems = Vec::new();
    let mut contacts = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    for (line, row) in &table.rows {
        let line = *line;
        let field = |column: &str| table.field(row, column);
        let before = problems.len();
        for column in ["organisation", "name"] {
            if field(column).is_empty() {
                problems.push(LineProblem::new(line, Some(column), "is empty"));
            }
        }
        let email = parse_contact(field("email"));
        if email.is_err() {
            problems.push(LineProblem::new(
                line,
                Some("email"),
                format!("'{}' is not an email address", field("email")),
            ));
        }
        let role = field("role").parse::<ContactRole>();
        if let Err(error) = &role {
            problems.push(LineProblem::new(line, Some("role"), error.to_string()));
        }
        let delivery = Delivery::parse(field("delivery"));
        if delivery.is_none() {
            problems.push(LineProblem::new(
                line,
                Some("delivery"),
                format!(
                    "'{}' is not a delivery: use immediate or daily_digest",
                    field("delivery")
                ),
            ));
        }
        let (Ok(email), Ok(role), Some(delivery)) = (email, role, delivery) else {
            continue;
        };
        if problems.len() > before {
            continue;
        }
        let key = (field("organisation").to_lowercase(), email.to_lowercase());
        if let Some(first) = seen.insert(key, line) {
            problems.push(LineProblem::new(
                line,
                Some("email"),
                format!(
                    "'{email}' is already a contact of {} on line {first}",
                    field("organisation")
                ),
            ));
            continue;
        }
        contacts.push((
            field("organisation").to_owned(),
            PartnerContact {
                name: field("name").to_owned(),
                email,
                role,
                delivery,
            },
        ));
    }
    if problems.is_empty() {
        Ok(contacts)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpe_and_purl_structure() {
        assert!(check_cpe("cpe:2.3:a:vendor:pro\\:duct:1.0:*:*:*:*:*:*:*").is_ok());
        assert!(check_cpe("cpe:/a:vendor:product:1.0").is_ok());
        assert_eq!(
            check_cpe("cpe:2.3:a:x"),
            Err("'cpe:2.3:a:x' is not a CPE 2.3 name (it needs 13 parts)".into())
        );
        assert!(check_cpe("cpe:2.3:q:v:p:1:*:*:*:*:*:*:*").is_err());
        assert!(check_purl("pkg:npm/%40angular/core@1.0.0?x=y").is_ok());
        assert!(check_purl("pkg:npm").is_err());
        assert!(check_purl("pkg:maven/@1.0").is_err());
    }
}
