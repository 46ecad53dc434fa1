//! The narrow, interned form of reports that analytics work on.
//!
//! Analytics never need names, postcodes or summaries, so the store hands them a compact
//! row per report (about 48 bytes) with text values replaced by small indexes into
//! per-set dictionaries. Victim keys are hashed: analytics only need to know which
//! reports share a victim.

use crate::district::DistrictCode;
use crate::report::{AgeBand, Gender, VictimType};
use crate::taxonomy::Category;
use time::Date;

/// One report, as analytics see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    /// Day reported.
    pub reported_on: Date,
    /// Index into [`FactSet::districts`], or `None` when the district is unknown.
    pub district: Option<u16>,
    /// Index into [`FactSet::fraud_types`].
    pub fraud_type: u16,
    /// Fraud or cyber crime.
    pub category: Category,
    /// Person or organisation.
    pub victim_type: VictimType,
    /// Age band, where known.
    pub age_band: Option<AgeBand>,
    /// Gender, where known.
    pub gender: Option<Gender>,
    /// Enabled by a digital device, where known.
    pub cyber_enabled: Option<bool>,
    /// Loss in pence, where known.
    pub loss_pence: Option<i64>,
    /// Bit `i` set when the report has local issue `FactSet::issues[i]`.
    pub issues: u32,
    /// Hash of the pseudonymous victim key, where given.
    pub victim: Option<u64>,
    /// The victim says they were a victim before.
    pub repeat_victim: Option<bool>,
    /// Judged vulnerable.
    pub vulnerable: Option<bool>,
}

/// Facts with their dictionaries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactSet {
    /// District codes referred to by [`Fact::district`].
    pub districts: Vec<DistrictCode>,
    /// Fraud-type keys referred to by [`Fact::fraud_type`].
    pub fraud_types: Vec<String>,
    /// Local issue names referred to by [`Fact::issues`] bits (at most 32).
    pub issues: Vec<String>,
    /// The facts, in no particular order.
    pub facts: Vec<Fact>,
}

impl FactSet {
    /// The index of a district, adding it if new.
    pub fn district_index(&mut self, code: &str) -> Option<u16> {
        if let Some(index) = self.districts.iter().position(|d| d.as_str() == code) {
            return u16::try_from(index).ok();
        }
        let parsed = code.parse::<DistrictCode>().ok()?;
        self.districts.push(parsed);
        u16::try_from(self.districts.len() - 1).ok()
    }

    /// The index of a fraud type, adding it if new.
    pub fn fraud_type_index(&mut self, key: &str) -> u16 {
        if let Some(index) = self.fraud_types.iter().position(|k| k == key) {
            return u16::try_from(index).unwrap_or(u16::MAX);
        }
        self.fraud_types.push(key.to_owned());
        u16::try_from(self.fraud_types.len() - 1).unwrap_or(u16::MAX)
    }

    /// The bit mask for `;`-separated issue names, adding new names (up to 32).
    pub fn issue_mask(&mut self, names: &str) -> u32 {
        let mut mask = 0;
        for name in names.split(';').filter(|n| !n.is_empty()) {
            let index = match self.issues.iter().position(|i| i == name) {
                Some(index) => index,
                None if self.issues.len() < 32 => {
                    self.issues.push(name.to_owned());
                    self.issues.len() - 1
                }
                None => continue,
            };
            mask |= 1 << index;
        }
        mask
    }
}
