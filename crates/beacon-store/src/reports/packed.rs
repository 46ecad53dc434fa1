//! Packed facts (migration 2): what analytics read of a report, kept beside its text
//! columns as a Julian day number and one fixed-layout BLOB, `reports.fact`.
//!
//! The facts scan reads every report in a period, and through SQLite each column read
//! costs about as much per row as stepping to the row at all: thirteen text columns made
//! it slow, five integer columns still cost 0.12 s a million rows before any decoding,
//! while `(day, fact)` reads in about half that. Text values become small ids from the
//! `fact_*` dictionary tables, given on first sight at ingest and never changed.
//!
//! Layout of `fact` (integers little-endian):
//!
//! | bytes  | field                                                               |
//! |--------|---------------------------------------------------------------------|
//! | 0–7    | code: the small dimensions, see [`code`]                            |
//! | 8–15   | loss in pence (0 when unknown: see [`code::LOSS_KNOWN`])             |
//! | 16–23  | local issues: bit `n - 1` for `fact_issues` id `n` (ids 1 to 64)    |
//! | 24–31  | FNV-1a hash of the victim key (0 when none: [`code::VICTIM_KNOWN`]) |
//! | 32–    | only when an issue's id is above 64: the report's `local_issues`    |
//! |        | text, which readers then use instead of the issue bits              |
//!
//! Stored data depends on this layout: never move a field or change what its values mean.

use crate::neutral::{gender_from, parse_stored_date, victim_hash, victim_type_from};
use crate::{StoreError, StoreResult};
use beacon_core::report::{AgeBand, Gender, VictimType};
use beacon_core::{Category, Fact, FactSet};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use time::Date;

/// Bits of the code, the first field of `fact`; new fields go above the last one.
///
/// | bits  | field                                                      |
/// |-------|------------------------------------------------------------|
/// | 0     | category: 0 fraud, 1 cyber                                 |
/// | 1     | victim type: 0 individual, 1 organisation                  |
/// | 2–5   | age band: 0 unknown, 1 `0-19`, 2 `20-29` … 8 `80+`         |
/// | 6–7   | gender: 0 unknown, 1 female, 2 male, 3 other               |
/// | 8–9   | cyber enabled: 0 unknown, 1 no, 2 yes                      |
/// | 10–11 | repeat victim: 0 unknown, 1 no, 2 yes                      |
/// | 12–13 | vulnerable: 0 unknown, 1 no, 2 yes                         |
/// | 14–29 | `fact_districts` id, 0 when the district is unknown        |
/// | 30–49 | `fact_fraud_types` id                                      |
/// | 50    | the loss is known                                          |
/// | 51    | the report has a victim key                                |
mod code {
    /// Lowest bit of the category.
    pub const CATEGORY: u32 = 0;
    /// Lowest bit of the victim type.
    pub const VICTIM_TYPE: u32 = 1;
    /// Lowest bit of the age band.
    pub const AGE_BAND: u32 = 2;
    /// Lowest bit of the gender.
    pub const GENDER: u32 = 6;
    /// Lowest bit of the cyber-enabled flag.
    pub const CYBER_ENABLED: u32 = 8;
    /// Lowest bit of the repeat-victim flag.
    pub const REPEAT_VICTIM: u32 = 10;
    /// Lowest bit of the vulnerable flag.
    pub const VULNERABLE: u32 = 12;
    /// Lowest bit of the district id.
    pub const DISTRICT: u32 = 14;
    /// Width of the district id.
    pub const DISTRICT_BITS: u32 = 16;
    /// Lowest bit of the fraud-type id.
    pub const FRAUD_TYPE: u32 = 30;
    /// Width of the fraud-type id.
    pub const FRAUD_TYPE_BITS: u32 = 20;
    /// Set when the loss is known.
    pub const LOSS_KNOWN: u32 = 50;
    /// Set when the report has a victim key.
    pub const VICTIM_KNOWN: u32 = 51;
}

/// Bytes of `fact` before any issue text.
const FIXED_BYTES: usize = 32;

/// Issue ids with a bit of their own (1 to 64).
const ISSUE_BITS: usize = 64;

/// Age bands by their code (0 is unknown). Spelled out rather than taken from the enum's
/// order, because stored codes must never move.
const AGE_BANDS: [Option<AgeBand>; 16] = [
    None,
    Some(AgeBand::Under20),
    Some(AgeBand::Twenties),
    Some(AgeBand::Thirties),
    Some(AgeBand::Forties),
    Some(AgeBand::Fifties),
    Some(AgeBand::Sixties),
    Some(AgeBand::Seventies),
    Some(AgeBand::EightyPlus),
    None,
    None,
    None,
    None,
    None,
    None,
    None,
];

/// Genders by their code (0 is unknown).
const GENDERS: [Option<Gender>; 4] = [
    None,
    Some(Gender::Female),
    Some(Gender::Male),
    Some(Gender::Other),
];

/// Yes/no/unknown flags by their code.
const FLAGS: [Option<bool>; 4] = [None, Some(false), Some(true), None];

fn age_band_code(band: Option<AgeBand>) -> u64 {
    match band {
        None => 0,
        Some(AgeBand::Under20) => 1,
        Some(AgeBand::Twenties) => 2,
        Some(AgeBand::Thirties) => 3,
        Some(AgeBand::Forties) => 4,
        Some(AgeBand::Fifties) => 5,
        Some(AgeBand::Sixties) => 6,
        Some(AgeBand::Seventies) => 7,
        Some(AgeBand::EightyPlus) => 8,
    }
}

fn gender_code(gender: Option<Gender>) -> u64 {
    match gender {
        None => 0,
        Some(Gender::Female) => 1,
        Some(Gender::Male) => 2,
        Some(Gender::Other) => 3,
    }
}

fn flag_code(flag: Option<bool>) -> u64 {
    match flag {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    }
}

/// One of the fact dictionaries: a stable small id per name.
#[derive(Debug, Clone, Copy)]
enum Dictionary {
    Districts,
    FraudTypes,
    Issues,
}

impl Dictionary {
    fn find_sql(self) -> &'static str {
        match self {
            Dictionary::Districts => "SELECT id FROM fact_districts WHERE code = ?1",
            Dictionary::FraudTypes => "SELECT id FROM fact_fraud_types WHERE key = ?1",
            Dictionary::Issues => "SELECT id FROM fact_issues WHERE name = ?1",
        }
    }

    fn add_sql(self) -> &'static str {
        match self {
            Dictionary::Districts => "INSERT INTO fact_districts (code) VALUES (?1)",
            Dictionary::FraudTypes => "INSERT INTO fact_fraud_types (key) VALUES (?1)",
            Dictionary::Issues => "INSERT INTO fact_issues (name) VALUES (?1)",
        }
    }

    fn all_sql(self) -> &'static str {
        match self {
            Dictionary::Districts => "SELECT id, code FROM fact_districts",
            Dictionary::FraudTypes => "SELECT id, key FROM fact_fraud_types",
            // Only these have bits; readers take other issues from the fact's text.
            Dictionary::Issues => "SELECT id, name FROM fact_issues WHERE id <= 64",
        }
    }

    /// The largest id a packed fact can refer to (issues above 64 are kept as text).
    fn max_id(self) -> i64 {
        match self {
            Dictionary::Districts => (1 << code::DISTRICT_BITS) - 1,
            Dictionary::FraudTypes => (1 << code::FRAUD_TYPE_BITS) - 1,
            Dictionary::Issues => i64::MAX,
        }
    }
}

/// Dictionary ids already looked up. Ids never change once committed, so they can be kept
/// across batches; ids given inside a transaction that then rolls back must be forgotten.
#[derive(Debug, Default)]
pub(crate) struct FactIds {
    districts: HashMap<String, i64>,
    fraud_types: HashMap<String, i64>,
    issues: HashMap<String, i64>,
}

impl FactIds {
    /// The id of a name, giving it the next id if new. Call inside a write transaction, so
    /// no other writer comes between the look-up and the insert.
    fn id(
        &mut self,
        connection: &Connection,
        dictionary: Dictionary,
        name: &str,
    ) -> StoreResult<i64> {
        let known = match dictionary {
            Dictionary::Districts => &mut self.districts,
            Dictionary::FraudTypes => &mut self.fraud_types,
            Dictionary::Issues => &mut self.issues,
        };
        if let Some(&id) = known.get(name) {
            return Ok(id);
        }
        let found: Option<i64> = connection
            .prepare_cached(dictionary.find_sql())?
            .query_row(params![name], |row| row.get(0))
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                connection
                    .prepare_cached(dictionary.add_sql())?
                    .execute(params![name])?;
                connection.last_insert_rowid()
            }
        };
        if !(1..=dictionary.max_id()).contains(&id) {
            return Err(StoreError::Corrupt(format!(
                "{dictionary:?} id {id} for '{name}' is beyond what a packed fact can hold"
            )));
        }
        known.insert(name.to_owned(), id);
        Ok(id)
    }
}

/// What analytics read of one report, before packing (the fields of [`Fact`], with
/// names where the fact has set indexes).
pub(crate) struct FactFields<'a> {
    /// Day reported.
    pub reported_on: Date,
    /// District code, if known.
    pub district: Option<&'a str>,
    /// Fraud-type key.
    pub fraud_type: &'a str,
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
    /// A victim before, where known.
    pub repeat_victim: Option<bool>,
    /// Judged vulnerable, where known.
    pub vulnerable: Option<bool>,
    /// Loss in pence, where known.
    pub loss_pence: Option<i64>,
    /// `;`-separated, as stored in `local_issues`.
    pub local_issues: &'a str,
    /// Pseudonymous victim key, where given.
    pub victim_key: Option<&'a str>,
}

/// The packed columns of one report.
pub(crate) struct PackedFact {
    /// `reports.day`: the Julian day number of the report date.
    pub day: i64,
    /// `reports.fact`.
    pub fact: Vec<u8>,
}

impl FactFields<'_> {
    /// Packs the fields, giving new names dictionary ids. Ingest and the migration's
    /// backfill both come here, so their packed facts cannot differ.
    pub(crate) fn pack(
        &self,
        connection: &Connection,
        ids: &mut FactIds,
    ) -> StoreResult<PackedFact> {
        let district = match self.district {
            None => 0,
            Some(code) => ids.id(connection, Dictionary::Districts, code)?,
        };
        let fraud_type = ids.id(connection, Dictionary::FraudTypes, self.fraud_type)?;
        // Ids are checked against their bit widths by `FactIds::id`.
        let code = u64::from(self.category == Category::Cyber) << code::CATEGORY
            | u64::from(self.victim_type == VictimType::Organisation) << code::VICTIM_TYPE
            | age_band_code(self.age_band) << code::AGE_BAND
            | gender_code(self.gender) << code::GENDER
            | flag_code(self.cyber_enabled) << code::CYBER_ENABLED
            | flag_code(self.repeat_victim) << code::REPEAT_VICTIM
            | flag_code(self.vulnerable) << code::VULNERABLE
            | district.unsigned_abs() << code::DISTRICT
            | fraud_type.unsigned_abs() << code::FRAUD_TYPE
            | u64::from(self.loss_pence.is_some()) << code::LOSS_KNOWN
            | u64::from(self.victim_key.is_some()) << code::VICTIM_KNOWN;
        let mut issue_bits = 0u64;
        let mut issues_as_text = false;
        // Split as the facts scan always has: `;`-separated, empty names skipped.
        for name in self.local_issues.split(';').filter(|n| !n.is_empty()) {
            match ids.id(connection, Dictionary::Issues, name)? {
                id @ 1..=64 => issue_bits |= 1 << (id - 1),
                _ => issues_as_text = true,
            }
        }
        let mut fact = Vec::with_capacity(FIXED_BYTES);
        fact.extend_from_slice(&code.to_le_bytes());
        fact.extend_from_slice(&self.loss_pence.unwrap_or(0).to_le_bytes());
        fact.extend_from_slice(&issue_bits.to_le_bytes());
        fact.extend_from_slice(&self.victim_key.map_or(0, victim_hash).to_le_bytes());
        if issues_as_text {
            fact.extend_from_slice(self.local_issues.as_bytes());
        }
        Ok(PackedFact {
            day: i64::from(self.reported_on.to_julian_day()),
            fact,
        })
    }
}

/// The date of a stored `day` (Julian day number).
pub(crate) fn date_of_day(day: i64) -> StoreResult<Date> {
    i32::try_from(day)
        .ok()
        .and_then(|day| Date::from_julian_day(day).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("{day} is not a stored day")))
}

/// Fills `day` and `fact` for reports stored before migration 2, reading the columns as
/// the facts scan read them before, so every report keeps its facts. Works in id order and
/// in chunks (a statement should not read a table it is changing), inside the migration's
/// transaction, so a failure leaves the database as it was.
pub(crate) fn fill_packed_facts(connection: &Connection) -> StoreResult<()> {
    const CHUNK: i64 = 10_000;
    let mut ids = FactIds::default();
    let mut packed: Vec<(i64, PackedFact)> = Vec::new();
    let mut after = 0;
    loop {
        packed.clear();
        let mut select = connection.prepare_cached(
            "SELECT id, reference, reported_on, district_code, fraud_type, category, victim_type,
                    age_band, victim_gender, cyber_enabled, repeat_victim, vulnerable, loss_pence,
                    local_issues, victim_key
             FROM reports WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let mut rows = select.query(params![after, CHUNK])?;
        while let Some(row) = rows.next()? {
            let text = |index: usize| -> StoreResult<&str> {
                Ok(row
                    .get_ref(index)?
                    .as_str()
                    .map_err(rusqlite::Error::from)?)
            };
            let text_or_null = |index: usize| -> StoreResult<Option<&str>> {
                Ok(row
                    .get_ref(index)?
                    .as_str_or_null()
                    .map_err(rusqlite::Error::from)?)
            };
            let packed_row = (|| {
                let fields = FactFields {
                    reported_on: parse_stored_date(text(2)?)?,
                    district: text_or_null(3)?,
                    fraud_type: text(4)?,
                    category: Category::from_stored(text(5)?)
                        .ok_or_else(|| StoreError::Corrupt("unknown category".into()))?,
                    victim_type: victim_type_from(text(6)?),
                    age_band: text_or_null(7)?.and_then(AgeBand::from_label),
                    gender: gender_from(text_or_null(8)?),
                    cyber_enabled: row.get(9)?,
                    repeat_victim: row.get(10)?,
                    vulnerable: row.get(11)?,
                    loss_pence: row.get(12)?,
                    local_issues: text(13)?,
                    victim_key: text_or_null(14)?,
                };
                fields.pack(connection, &mut ids)
            })();
            // Such a row made every statistic over its date fail before; now it stops
            // the upgrade, saying which report to mend.
            let packed_row = packed_row.map_err(|error| {
                let reference = text(1).unwrap_or("?");
                StoreError::Corrupt(format!("report '{reference}' cannot be upgraded: {error}"))
            })?;
            packed.push((row.get(0)?, packed_row));
        }
        let Some(&(last, _)) = packed.last() else {
            return Ok(());
        };
        after = last;
        let mut update =
            connection.prepare_cached("UPDATE reports SET day = ?2, fact = ?3 WHERE id = ?1")?;
        for (id, fact) in &packed {
            update.execute(params![id, fact.day, fact.fact])?;
        }
    }
}

/// The names of a fact dictionary by id (ids run densely from 1: SQLite gives each new
/// row the highest id plus one, and rows are never deleted).
fn dictionary_names(
    connection: &Connection,
    dictionary: Dictionary,
) -> StoreResult<Vec<Option<String>>> {
    let mut names: Vec<Option<String>> = Vec::new();
    let mut statement = connection.prepare_cached(dictionary.all_sql())?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        // An id edited far beyond what a fact can refer to must not size a huge table.
        let index = usize::try_from(id)
            .ok()
            .filter(|_| id <= dictionary.max_id())
            .ok_or_else(|| {
                StoreError::Corrupt(format!("{dictionary:?} id {id} is out of range"))
            })?;
        if names.len() <= index {
            names.resize(index + 1, None);
        }
        names[index] = Some(row.get(1)?);
    }
    Ok(names)
}

/// A stored dictionary id's index in the set, added to the set (by `add`) on first sight,
/// so the set lists only what its facts refer to.
fn set_index<T: Copy>(
    seen: &mut [Option<T>],
    names: &[Option<String>],
    dictionary: Dictionary,
    id: usize,
    add: impl FnOnce(&str) -> T,
) -> StoreResult<T> {
    if let Some(Some(index)) = seen.get(id) {
        return Ok(*index);
    }
    let name = names
        .get(id)
        .and_then(Option::as_deref)
        .ok_or_else(|| StoreError::Corrupt(format!("{dictionary:?} id {id} is not stored")))?;
    let index = add(name);
    if let Some(slot) = seen.get_mut(id) {
        *slot = Some(index);
    }
    Ok(index)
}

/// Turns packed facts back into [`Fact`]s of one [`FactSet`], translating dictionary ids
/// into the set's own indexes.
pub(crate) struct FactReader {
    district_names: Vec<Option<String>>,
    type_names: Vec<Option<String>>,
    issue_names: Vec<Option<String>>,
    /// Set index by district id, once seen (`Some(None)`: the code does not parse).
    districts: Vec<Option<Option<u16>>>,
    /// Set index by fraud-type id, once seen.
    fraud_types: Vec<Option<u16>>,
    /// Set mask by issue id, once seen (0 when the set already has 32 issues).
    issue_masks: [Option<u32>; ISSUE_BITS + 1],
    /// The index is in day order, so the last row's date is usually this row's too.
    last_day: Option<(i64, Date)>,
}

impl FactReader {
    /// Loads the dictionaries (a few rows each).
    pub(crate) fn load(connection: &Connection) -> StoreResult<FactReader> {
        let district_names = dictionary_names(connection, Dictionary::Districts)?;
        let type_names = dictionary_names(connection, Dictionary::FraudTypes)?;
        let issue_names = dictionary_names(connection, Dictionary::Issues)?;
        Ok(FactReader {
            districts: vec![None; district_names.len()],
            fraud_types: vec![None; type_names.len()],
            issue_masks: [None; ISSUE_BITS + 1],
            district_names,
            type_names,
            issue_names,
            last_day: None,
        })
    }

    /// The fact stored as `day` and `fact`, adding what it refers to to `set`.
    pub(crate) fn fact(&mut self, set: &mut FactSet, day: i64, fact: &[u8]) -> StoreResult<Fact> {
        let Some((fixed, issues_text)) = fact.split_first_chunk::<FIXED_BYTES>() else {
            return Err(StoreError::Corrupt(format!(
                "a packed fact of {} bytes is too short",
                fact.len()
            )));
        };
        let word = |index: usize| {
            let mut bytes = [0; 8];
            bytes.copy_from_slice(&fixed[index * 8..index * 8 + 8]);
            u64::from_le_bytes(bytes)
        };
        let code = word(0);
        let field = |shift: u32, bits: u32| (code >> shift & ((1 << bits) - 1)) as usize;
        let flag = |shift: u32| field(shift, 1) == 1;

        let reported_on = match self.last_day {
            Some((last, date)) if last == day => date,
            _ => {
                let date = date_of_day(day)?;
                self.last_day = Some((day, date));
                date
            }
        };
        let district = match field(code::DISTRICT, code::DISTRICT_BITS) {
            0 => None,
            id => set_index(
                &mut self.districts,
                &self.district_names,
                Dictionary::Districts,
                id,
                |name| set.district_index(name),
            )?,
        };
        let fraud_type = set_index(
            &mut self.fraud_types,
            &self.type_names,
            Dictionary::FraudTypes,
            field(code::FRAUD_TYPE, code::FRAUD_TYPE_BITS),
            |name| set.fraud_type_index(name),
        )?;
        let issues = if !issues_text.is_empty() {
            let names = std::str::from_utf8(issues_text)
                .map_err(|_| StoreError::Corrupt("packed issue names are not UTF-8".into()))?;
            set.issue_mask(names)
        } else {
            let mut mask = 0;
            let mut bits = word(2);
            while bits != 0 {
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                mask |= set_index(
                    &mut self.issue_masks,
                    &self.issue_names,
                    Dictionary::Issues,
                    bit + 1,
                    |name| set.issue_mask(name),
                )?;
            }
            mask
        };
        Ok(Fact {
            reported_on,
            district,
            fraud_type,
            category: if flag(code::CATEGORY) {
                Category::Cyber
            } else {
                Category::Fraud
            },
            victim_type: if flag(code::VICTIM_TYPE) {
                VictimType::Organisation
            } else {
                VictimType::Individual
            },
            age_band: AGE_BANDS[field(code::AGE_BAND, 4)],
            gender: GENDERS[field(code::GENDER, 2)],
            cyber_enabled: FLAGS[field(code::CYBER_ENABLED, 2)],
            // Bit-cast back: the loss was stored as the bytes of an i64.
            loss_pence: flag(code::LOSS_KNOWN).then(|| word(1) as i64),
            issues,
            victim: flag(code::VICTIM_KNOWN).then(|| word(3)),
            repeat_victim: FLAGS[field(code::REPEAT_VICTIM, 2)],
            vulnerable: FLAGS[field(code::VULNERABLE, 2)],
        })
    }

    /// Puts the set's dictionaries in name order and renumbers its facts to match.
    /// Otherwise their order would follow the packed index (day, then fact bytes), which
    /// means nothing to a reader; name order is the same however the reports came in.
    pub(crate) fn finish(self, set: &mut FactSet) {
        let districts = sorted_positions(&set.districts);
        let fraud_types = sorted_positions(&set.fraud_types);
        let issues = sorted_positions(&set.issues);
        let in_place = |positions: &[usize]| positions.iter().enumerate().all(|(i, &p)| i == p);
        if in_place(&districts) && in_place(&fraud_types) && in_place(&issues) {
            return;
        }
        // Set indexes are below 65,536 (the set's own limit), so positions fit in u16.
        let moved = |positions: &[usize], index: u16| {
            positions
                .get(usize::from(index))
                .and_then(|&position| u16::try_from(position).ok())
                .unwrap_or(index)
        };
        for fact in &mut set.facts {
            fact.district = fact.district.map(|district| moved(&districts, district));
            fact.fraud_type = moved(&fraud_types, fact.fraud_type);
            let mut mask = 0;
            let mut bits = fact.issues;
            while bits != 0 {
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                mask |= 1 << issues[bit];
            }
            fact.issues = mask;
        }
        set.districts.sort();
        set.fraud_types.sort();
        set.issues.sort();
    }
}

/// For each item, its position once the items are sorted.
fn sorted_positions<T: Ord>(items: &[T]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| items[a].cmp(&items[b]));
    let mut positions = vec![0; items.len()];
    for (position, &index) in order.iter().enumerate() {
        positions[index] = position;
    }
    positions
}
