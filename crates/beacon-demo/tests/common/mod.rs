//! Shared helpers for the integration tests: generate, read the CSV back, and check
//! each row the way a correct ingest would, using Beacon's own field parsers.

#![allow(dead_code)]

use beacon_core::report::{parse_age, parse_date, parse_flag, parse_reference};
use beacon_core::{DistrictCode, Gender, OrgSize, Pence, Postcode, VictimType};
use beacon_demo::{DemoConfig, Expected, generate};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;
use time::Date;

/// One CSV row as text, by header name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rec {
    pub fields: Vec<String>,
}

impl Rec {
    pub fn get(&self, name: &str) -> &str {
        let index = beacon_demo::HEADER
            .iter()
            .position(|h| *h == name)
            .expect("known column");
        &self.fields[index]
    }

    pub fn reported(&self) -> Date {
        parse_date("reported_date", self.get("reported_date")).expect("valid row has a date")
    }

    pub fn loss_pence(&self) -> i64 {
        Pence::parse_pounds(self.get("loss_gbp"))
            .expect("valid loss")
            .map_or(0, |p| p.0)
    }

    pub fn age(&self) -> Option<u8> {
        self.get("victim_age").parse().ok()
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.get("tags").split(';').any(|t| t == tag)
    }
}

/// A generated file: its bytes, parsed header and rows, and the generator's counts.
pub struct Generated {
    pub bytes: Vec<u8>,
    pub header: Vec<String>,
    pub rows: Vec<Rec>,
    pub expected: Expected,
}

pub fn run(config: &DemoConfig) -> Generated {
    let mut bytes = Vec::new();
    let expected = generate(config, &mut bytes).expect("generation succeeds");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| Rec {
            fields: r
                .expect("well-formed CSV")
                .iter()
                .map(str::to_owned)
                .collect(),
        })
        .collect();
    Generated {
        bytes,
        header,
        rows,
        expected,
    }
}

/// The default data set, generated once per test binary.
pub fn default_data() -> &'static Generated {
    static DATA: OnceLock<Generated> = OnceLock::new();
    DATA.get_or_init(|| run(&DemoConfig::default()))
}

fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/reference")
}

fn read_reference(name: &str) -> Vec<csv::StringRecord> {
    let path = reference_dir().join(name);
    csv::Reader::from_path(&path)
        .expect("reference file opens")
        .into_records()
        .map(|r| r.expect("reference row"))
        .collect()
}

/// fraud_types.csv, read independently: code or name → computer_misuse.
pub fn fraud_types() -> &'static HashMap<String, bool> {
    static TYPES: OnceLock<HashMap<String, bool>> = OnceLock::new();
    TYPES.get_or_init(|| {
        let mut map = HashMap::new();
        for row in read_reference("fraud_types.csv") {
            let misuse = &row[3] == "true";
            if !row[0].is_empty() {
                map.insert(row[0].to_owned(), misuse);
            }
            map.insert(row[1].to_owned(), misuse);
        }
        map
    })
}

/// llr_postcodes.csv, read independently: pcds → lad_code.
pub fn postcodes() -> &'static HashMap<String, String> {
    static POSTCODES: OnceLock<HashMap<String, String>> = OnceLock::new();
    POSTCODES.get_or_init(|| {
        read_reference("llr_postcodes.csv")
            .into_iter()
            .map(|row| (row[1].to_owned(), row[2].to_owned()))
            .collect()
    })
}

/// The nine LLR district codes.
pub fn districts() -> &'static HashSet<String> {
    static DISTRICTS: OnceLock<HashSet<String>> = OnceLock::new();
    DISTRICTS.get_or_init(|| {
        read_reference("llr_districts.csv")
            .into_iter()
            .map(|row| row[0].to_owned())
            .collect()
    })
}

/// True for computer-misuse (cyber crime) rows.
pub fn is_cyber(rec: &Rec) -> bool {
    *fraud_types()
        .get(rec.get("fraud_type"))
        .expect("known fraud type")
}

/// Checks a row as a strict ingest would; `Err` says why it would be rejected.
pub fn check(rec: &Rec) -> Result<(), String> {
    if rec.fields.len() != beacon_demo::HEADER.len() {
        return Err("field count".into());
    }
    parse_reference(rec.get("reference"))?;
    let reported = parse_date("reported_date", rec.get("reported_date"))?;
    if !rec.get("offence_date").is_empty() {
        let offence = parse_date("offence_date", rec.get("offence_date"))?;
        if offence > reported {
            return Err("offence after report".into());
        }
    }
    if !fraud_types().contains_key(rec.get("fraud_type")) {
        return Err(format!("unknown type {}", rec.get("fraud_type")));
    }
    let victim = VictimType::parse(rec.get("victim_type"))?;
    let (age, _) = parse_age(rec.get("victim_age"))?;
    Gender::parse(rec.get("victim_gender"))?;
    let size = OrgSize::parse(rec.get("org_size"))?;
    match victim {
        VictimType::Individual => {
            if age.is_none() || size.is_some() || !rec.get("org_sector").is_empty() {
                return Err("individual with organisation fields".into());
            }
        }
        VictimType::Organisation => {
            if age.is_some() || size.is_none() || rec.get("org_sector").is_empty() {
                return Err("organisation without its fields".into());
            }
        }
    }
    let contact = rec.get("contact_method");
    let contacts = [
        "",
        "phone",
        "email",
        "text",
        "social_media",
        "online",
        "in_person",
        "post",
    ];
    if !contacts.contains(&contact) {
        return Err(format!("contact {contact}"));
    }
    let postcode = rec.get("postcode");
    let district = rec.get("district_code");
    if !postcode.is_empty() {
        let parsed = Postcode::parse(postcode).map_err(|e| e.to_string())?;
        if parsed.as_str() != postcode {
            return Err("postcode not canonical".into());
        }
        if postcodes().get(postcode).map(String::as_str) != Some(district) {
            return Err(format!("postcode {postcode} not in district {district}"));
        }
    }
    if !district.is_empty() {
        district
            .parse::<DistrictCode>()
            .map_err(|e| e.to_string())?;
        if !districts().contains(district) {
            return Err("district outside LLR".into());
        }
    }
    Pence::parse_pounds(rec.get("loss_gbp")).map_err(|e| e.to_string())?;
    for flag in ["cyber_enabled", "vulnerable", "repeat_victim"] {
        if !matches!(rec.get(flag), "Y" | "N") {
            parse_flag(flag, rec.get(flag))?;
            return Err(format!("{flag} not Y/N"));
        }
    }
    Ok(())
}

/// The good, distinct rows: valid, first occurrence of each reference.
pub fn good_rows(data: &Generated) -> Vec<&Rec> {
    let mut seen = HashSet::new();
    data.rows
        .iter()
        .filter(|rec| check(rec).is_ok())
        .filter(|rec| seen.insert(rec.get("reference").to_owned()))
        .collect()
}
