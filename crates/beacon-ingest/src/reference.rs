//! Reference files: districts, fraud types, postcode directories and local-issue rules.
//!
//! Beacon ships LLR's files (embedded below, sources in `data/reference/README.md`);
//! another area loads its own through the same parsers.

use crate::reports::RowError;
use crate::text_input::open_text;
use beacon_core::care::TriageWeights;
use beacon_core::text::fold;
use beacon_core::{District, DistrictCode, Districts, FraudType, LocalIssueRules, Postcode};
use std::io::Read;

/// The shipped LLR districts (ONS codes, names, census populations).
pub const SHIPPED_DISTRICTS: &str = include_str!("../../../data/reference/llr_districts.csv");
/// The shipped fraud-type taxonomy.
pub const SHIPPED_FRAUD_TYPES: &str = include_str!("../../../data/reference/fraud_types.csv");
/// The shipped LLR postcode lookup (NSPL extract).
pub const SHIPPED_POSTCODES: &str = include_str!("../../../data/reference/llr_postcodes.csv");
/// The shipped district boundaries (GeoJSON, WGS84).
pub const SHIPPED_BOUNDARIES: &str = include_str!("../../../data/reference/llr_districts.geojson");
/// The shipped local-issue rules.
pub const SHIPPED_RULES: &str = include_str!("../../../data/rules/local_issues.toml");

/// The shipped triage weights (`data/care/triage.toml`).
pub const SHIPPED_TRIAGE_WEIGHTS: &str = include_str!("../../../data/care/triage.toml");

/// The bank holidays of England and Wales, as shipped (`data/prevent/bank_holidays.csv`):
/// the working days Cyber Choices counts contact in.
pub const SHIPPED_BANK_HOLIDAYS: &str = include_str!("../../../data/prevent/bank_holidays.csv");

/// The area the shipped districts make up, as board papers name it.
pub const SHIPPED_AREA_NAME: &str = "Leicester, Leicestershire and Rutland";

/// Why a reference file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    /// The file is not CSV with the expected columns.
    #[error("{file}: {reason}")]
    Invalid {
        /// Which kind of file.
        file: &'static str,
        /// What is wrong.
        reason: String,
    },
}

fn invalid(file: &'static str, reason: impl Into<String>) -> ReferenceError {
    ReferenceError::Invalid {
        file,
        reason: reason.into(),
    }
}

/// Finds a column by any of its names (folded), or says which names were expected.
fn column(
    headers: &csv::StringRecord,
    file: &'static str,
    names: &[&str],
) -> Result<usize, ReferenceError> {
    headers
        .iter()
        .position(|header| names.iter().any(|name| fold(name) == fold(header)))
        .ok_or_else(|| invalid(file, format!("no column named {}", names.join(" or "))))
}

/// Reads a districts file: `lad_code, lad_name, kind, census2011_usual_residents,
/// census2021_usual_residents`. Every row must be valid; the file is small and curated.
pub fn parse_districts(text: &str, area_name: &str) -> Result<Districts, ReferenceError> {
    const FILE: &str = "districts file";
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| invalid(FILE, e.to_string()))?
        .clone();
    let code = column(&headers, FILE, &["lad_code", "code", "ladcd"])?;
    let name = column(&headers, FILE, &["lad_name", "name", "ladnm"])?;
    let kind = column(&headers, FILE, &["kind"]).ok();
    let pop2011 = column(
        &headers,
        FILE,
        &["census2011_usual_residents", "population_2011"],
    )?;
    let pop2021 = column(
        &headers,
        FILE,
        &["census2021_usual_residents", "population_2021"],
    )?;
    let mut list = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|e| invalid(FILE, format!("line {line}: {e}")))?;
        let get = |i: usize| record.get(i).unwrap_or("").trim();
        let population = |i: usize| {
            get(i).parse::<u32>().map_err(|_| {
                invalid(
                    FILE,
                    format!("line {line}: population '{}' is not a whole number", get(i)),
                )
            })
        };
        list.push(District {
            code: get(code)
                .parse::<DistrictCode>()
                .map_err(|e| invalid(FILE, format!("line {line}: {e}")))?,
            name: get(name).to_owned(),
            kind: kind.map(|k| get(k).to_owned()).unwrap_or_default(),
            population_2011: population(pop2011)?,
            population_2021: population(pop2021)?,
        });
    }
    if list.is_empty() {
        return Err(invalid(FILE, "no districts in the file"));
    }
    Ok(Districts {
        area_name: area_name.to_owned(),
        list,
    })
}

/// Reads a fraud-types file: `code, name, group, computer_misuse`.
pub fn parse_fraud_types(text: &str) -> Result<Vec<FraudType>, ReferenceError> {
    const FILE: &str = "fraud types file";
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| invalid(FILE, e.to_string()))?
        .clone();
    let code = column(&headers, FILE, &["code", "nfib_code"])?;
    let name = column(&headers, FILE, &["name"])?;
    let group = column(&headers, FILE, &["group"])?;
    let misuse = column(&headers, FILE, &["computer_misuse"])?;
    let mut types = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|e| invalid(FILE, format!("line {line}: {e}")))?;
        let get = |i: usize| record.get(i).unwrap_or("").trim();
        if get(name).is_empty() {
            return Err(invalid(FILE, format!("line {line}: the name is empty")));
        }
        let computer_misuse = match get(misuse).to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => true,
            "false" | "no" | "n" | "0" | "" => false,
            other => {
                return Err(invalid(
                    FILE,
                    format!("line {line}: computer_misuse '{other}' is not true or false"),
                ));
            }
        };
        let code_text = get(code);
        types.push(FraudType::new(
            (!code_text.is_empty()).then_some(code_text),
            get(name),
            get(group),
            computer_misuse,
        ));
    }
    Ok(types)
}

/// Reads local-issue rules (TOML, see `data/rules/local_issues.toml`).
pub fn parse_rules(text: &str) -> Result<LocalIssueRules, ReferenceError> {
    let rules: LocalIssueRules =
        toml::from_str(text).map_err(|e| invalid("rules file", e.to_string()))?;
    for rule in &rules.rules {
        if rule.issue.trim().is_empty() {
            return Err(invalid("rules file", "an issue has an empty name"));
        }
    }
    Ok(rules)
}

/// Reads the triage weights (TOML, see `data/care/triage.toml`) and checks them.
pub fn parse_triage_weights(text: &str) -> Result<TriageWeights, ReferenceError> {
    const FILE: &str = "triage weights file";
    let weights: TriageWeights = toml::from_str(text).map_err(|e| invalid(FILE, e.to_string()))?;
    weights.validate().map_err(|problems| {
        invalid(
            FILE,
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    Ok(weights)
}

/// A postcode directory (NSPL / ONSPD layout) read row by row.
pub struct PostcodeDirectory {
    reader: csv::Reader<Box<dyn Read>>,
    postcode: usize,
    district: usize,
    record: csv::StringRecord,
}

/// One postcode directory row: stored, skipped (no district, e.g. a non-geographic
/// postcode), or rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostcodeRow {
    /// A postcode and its district.
    Entry(Postcode, DistrictCode),
    /// A row without a district code (NSPL leaves some empty or uses pseudo-codes).
    NoDistrict,
    /// A bad row.
    Rejected(RowError),
}

impl PostcodeDirectory {
    /// Opens a directory, finding the postcode and district columns by their header names
    /// (`pcds`/`pcd`/`pcd7`/`postcode`, and `laua`/`oslaua`/`lad_code`/`ladNNcd`).
    pub fn open(input: Box<dyn Read + Send>) -> Result<PostcodeDirectory, ReferenceError> {
        const FILE: &str = "postcode directory";
        let text = open_text(input).map_err(|e| invalid(FILE, e.to_string()))?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.reader);
        let headers = reader
            .headers()
            .map_err(|e| invalid(FILE, e.to_string()))?
            .clone();
        let postcode = column(&headers, FILE, &["pcds", "pcd", "pcd2", "pcd7", "postcode"])?;
        let district = headers
            .iter()
            .position(|header| {
                let folded = fold(header);
                matches!(
                    folded.as_str(),
                    "laua" | "oslaua" | "ladcode" | "districtcode"
                ) || (folded.starts_with("lad") && folded.ends_with("cd"))
            })
            .ok_or_else(|| {
                invalid(
                    FILE,
                    "no district column (laua, oslaua, lad_code or LADnnCD)",
                )
            })?;
        Ok(PostcodeDirectory {
            reader,
            postcode,
            district,
            record: csv::StringRecord::new(),
        })
    }

    /// The next row, or `None` at the end.
    pub fn next_row(&mut self) -> Option<PostcodeRow> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Err(error) => Some(PostcodeRow::Rejected(RowError {
                line: error.position().map_or(0, csv::Position::line),
                reason: format!("the row could not be read as CSV: {error}"),
                raw: String::new(),
            })),
            Ok(true) => {
                let line = self.record.position().map_or(0, csv::Position::line);
                let raw = || self.record.iter().collect::<Vec<_>>().join(",");
                let district_text = self.record.get(self.district).unwrap_or("").trim();
                let postcode_text = self.record.get(self.postcode).unwrap_or("").trim();
                if district_text.is_empty() || district_text.ends_with("99999999") {
                    return Some(PostcodeRow::NoDistrict);
                }
                let parsed = Postcode::parse(postcode_text)
                    .map_err(|e| e.to_string())
                    .and_then(|postcode| match postcode {
                        Postcode::Full(_) => Ok(postcode),
                        Postcode::Sector(_) => Err(format!(
                            "'{postcode_text}' is a sector, not a full postcode"
                        )),
                    });
                Some(match (parsed, district_text.parse::<DistrictCode>()) {
                    (Ok(postcode), Ok(district)) => PostcodeRow::Entry(postcode, district),
                    (Err(reason), _) => PostcodeRow::Rejected(RowError {
                        line,
                        reason,
                        raw: raw(),
                    }),
                    (_, Err(error)) => PostcodeRow::Rejected(RowError {
                        line,
                        reason: error.to_string(),
                        raw: raw(),
                    }),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_triage_weights_parse_and_a_bad_file_says_why() {
        let weights = parse_triage_weights(SHIPPED_TRIAGE_WEIGHTS).expect("the shipped weights");
        assert_eq!(weights.levels.len(), 4);
        let error = parse_triage_weights(
            &SHIPPED_TRIAGE_WEIGHTS.replace("from_score = 80", "from_score = 10"),
        )
        .expect_err("refused")
        .to_string();
        assert!(
            error.contains("level 4 must start at a higher score than level 3"),
            "{error}"
        );
        let error = parse_triage_weights("[age]\nseventies = 1\n")
            .expect_err("refused")
            .to_string();
        assert!(error.contains("eighty_plus"), "{error}");
    }

    #[test]
    fn shipped_reference_data_parses() {
        let districts = parse_districts(SHIPPED_DISTRICTS, SHIPPED_AREA_NAME).expect("districts");
        assert_eq!(districts.list.len(), 9);
        assert_eq!(districts.population_in(2021), 1_119_000);
        let types = parse_fraud_types(SHIPPED_FRAUD_TYPES).expect("types");
        assert!(
            types
                .iter()
                .any(|t| t.key == "NFIB52B" && t.computer_misuse)
        );
        assert!(types.iter().any(|t| t.key == "dating-scam"));
        let rules = parse_rules(SHIPPED_RULES).expect("rules");
        let issues: Vec<&str> = rules.rules.iter().map(|r| r.issue.as_str()).collect();
        assert_eq!(
            issues,
            ["ransomware", "courier_fraud", "romance_fraud", "sextortion"]
        );
    }

    #[test]
    fn reads_an_nspl_style_directory() {
        let text = "pcd,pcd2,pcds,doterm,laua\nLE1 1AA,LE1  1AA,LE1 1AA,,E06000016\nGY1 1AA,GY1  1AA,GY1 1AA,,L99999999\nXX,XX,XX,,E06000016\n";
        let mut directory =
            PostcodeDirectory::open(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())))
                .expect("header");
        assert!(
            matches!(directory.next_row(), Some(PostcodeRow::Entry(p, d)) if p.as_str() == "LE1 1AA" && d.as_str() == "E06000016")
        );
        assert_eq!(directory.next_row(), Some(PostcodeRow::NoDistrict));
        assert!(matches!(directory.next_row(), Some(PostcodeRow::Rejected(e)) if e.line == 4));
        assert_eq!(directory.next_row(), None);
    }

    #[test]
    fn refuses_a_directory_without_a_district_column() {
        let text = "pcds,easting\nLE1 1AA,1\n";
        assert!(
            PostcodeDirectory::open(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())))
                .is_err()
        );
    }
}
