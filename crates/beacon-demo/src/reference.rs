//! The public reference data the generator draws from, embedded at build time.
//!
//! The fraud types, the nine LLR districts with their Census 2021 populations, and the
//! ONS postcode directory extract all come from `data/reference/`. Only a spread-out
//! subset of each district's postcodes is kept (every n-th in file order, at most
//! [`POSTCODES_PER_DISTRICT`]), which is plenty of variety for demo data.

use std::sync::OnceLock;

const FRAUD_TYPES_CSV: &str = include_str!("../../../data/reference/fraud_types.csv");
const DISTRICTS_CSV: &str = include_str!("../../../data/reference/llr_districts.csv");
const POSTCODES_CSV: &str = include_str!("../../../data/reference/llr_postcodes.csv");

/// Most postcodes kept per district.
pub(crate) const POSTCODES_PER_DISTRICT: usize = 400;

/// One fraud or computer-misuse type from `fraud_types.csv`.
#[derive(Debug, Clone)]
pub(crate) struct TypeRef {
    /// What the CSV's `fraud_type` column holds: the NFIB code where known, else the name.
    pub label: String,
    /// The name as ONS publishes it.
    pub name: String,
    /// True for computer-misuse types (cyber crime).
    pub computer_misuse: bool,
}

/// One district with the postcodes the generator may use in it.
#[derive(Debug, Clone)]
pub(crate) struct DistrictRef {
    /// ONS code, e.g. `E06000016`.
    pub code: String,
    /// Census 2021 usual residents: the weight for choosing the district.
    pub population: u32,
    /// Canonical postcodes (`pcds`) in the district, a spread-out subset.
    pub postcodes: Vec<String>,
}

/// Everything read from the reference files.
#[derive(Debug)]
pub(crate) struct Reference {
    /// Types in file order.
    pub types: Vec<TypeRef>,
    /// Districts in file order.
    pub districts: Vec<DistrictRef>,
}

impl Reference {
    /// The index of a type by its published name.
    pub(crate) fn type_index(&self, name: &str) -> Option<usize> {
        self.types.iter().position(|t| t.name == name)
    }

    /// The index of a district by ONS code.
    pub(crate) fn district_index(&self, code: &str) -> Option<usize> {
        self.districts.iter().position(|d| d.code == code)
    }
}

/// The reference data, read once.
pub(crate) fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(load)
}

fn records(text: &'static str) -> impl Iterator<Item = csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .into_records()
        .map(|record| record.expect("embedded reference CSV is well formed"))
}

fn load() -> Reference {
    let types = records(FRAUD_TYPES_CSV)
        .map(|row| {
            let code = row.get(0).unwrap_or("").trim();
            let name = row.get(1).unwrap_or("").trim().to_owned();
            TypeRef {
                label: if code.is_empty() {
                    name.clone()
                } else {
                    code.to_owned()
                },
                name,
                computer_misuse: row.get(3).is_some_and(|v| v.trim() == "true"),
            }
        })
        .collect();
    let mut districts: Vec<DistrictRef> = records(DISTRICTS_CSV)
        .map(|row| DistrictRef {
            code: row.get(0).unwrap_or("").trim().to_owned(),
            population: row
                .get(4)
                .and_then(|v| v.trim().parse().ok())
                .expect("llr_districts.csv gives a Census 2021 population"),
            postcodes: Vec::new(),
        })
        .collect();
    let mut all: Vec<Vec<String>> = vec![Vec::new(); districts.len()];
    for row in records(POSTCODES_CSV) {
        let (Some(pcds), Some(lad)) = (row.get(1), row.get(2)) else {
            continue;
        };
        if let Some(index) = districts.iter().position(|d| d.code == lad) {
            all[index].push(pcds.to_owned());
        }
    }
    for (district, postcodes) in districts.iter_mut().zip(all) {
        let stride = postcodes.len().div_ceil(POSTCODES_PER_DISTRICT).max(1);
        district.postcodes = postcodes.into_iter().step_by(stride).collect();
        assert!(
            !district.postcodes.is_empty(),
            "every LLR district has postcodes in llr_postcodes.csv"
        );
    }
    Reference { types, districts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_embedded_files() {
        let reference = reference();
        assert_eq!(reference.types.len(), 45);
        assert_eq!(reference.districts.len(), 9);
        assert!(reference.types.iter().any(|t| t.label == "NFIB5A"));
        assert!(reference.types.iter().any(|t| t.label == "Dating scam"));
        assert_eq!(
            reference.types.iter().filter(|t| t.computer_misuse).count(),
            8
        );
        for district in &reference.districts {
            assert!(district.postcodes.len() > 100, "{}", district.code);
            assert!(district.postcodes.len() <= POSTCODES_PER_DISTRICT);
        }
        assert_eq!(reference.district_index("E07000135"), Some(8));
    }
}
