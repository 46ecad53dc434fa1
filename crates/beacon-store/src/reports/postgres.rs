//! Reports in PostgreSQL: a batch goes in as one multi-row `UNNEST` statement, and the
//! facts scan streams the report columns row by row.

use super::{REPORT_COUNT_SQL, ReportBatch, Reports, batch_counts};
use crate::neutral::{gender_from, join_labels, victim_hash, victim_type_from};
use crate::postgres::{PostgresStore, pg_text, unsigned};
use crate::runs::postgres::{count_batch, quarantine};
use crate::{StoreError, StoreResult};
use beacon_core::report::{AgeBand, Gender};
use beacon_core::{Category, DistrictCode, Fact, FactSet, Period, Postcode, Report, RunCounts};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{GenericClient, Statement};
use std::borrow::Cow;
use time::Date;

/// Writes a batch of reports; `$1` is the run, `$2…$23` one array per column. Rows go in
/// batch order, so of two rows with one reference the first is kept (as SQLite's
/// `INSERT OR IGNORE` keeps it); `ON CONFLICT DO NOTHING` skips the second within the
/// same statement as it skips references stored before.
pub(crate) const INSERT_REPORTS_SQL: &str = "INSERT INTO reports (reference, run_id, reported_on, offence_on, fraud_type,
        category, victim_type, victim_age, age_band, victim_gender, contact_method, org_sector, org_size,
        postcode, district_code, loss_pence, cyber_enabled, vulnerable, repeat_victim, victim_key, tags,
        local_issues, summary)
    SELECT reference, $1, reported_on, offence_on, fraud_type, category, victim_type, victim_age, age_band,
        victim_gender, contact_method, org_sector, org_size, postcode, district_code, loss_pence,
        cyber_enabled, vulnerable, repeat_victim, victim_key, tags, local_issues, summary
    FROM UNNEST($2::text[], $3::date[], $4::date[], $5::text[], $6::text[], $7::text[], $8::int2[],
        $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
        $16::int8[], $17::bool[], $18::bool[], $19::bool[], $20::text[], $21::text[], $22::text[],
        $23::text[])
        WITH ORDINALITY AS batch(reference, reported_on, offence_on, fraud_type, category, victim_type,
            victim_age, age_band, victim_gender, contact_method, org_sector, org_size, postcode,
            district_code, loss_pence, cyber_enabled, vulnerable, repeat_victim, victim_key, tags,
            local_issues, summary, position)
    ORDER BY position
    ON CONFLICT (reference) DO NOTHING";

/// The report columns the facts scan reads, in [`Fact`] order.
const FACT_COLUMNS: &str = "SELECT reported_on, district_code, fraud_type, category, victim_type, age_band,
        victim_gender, cyber_enabled, loss_pence, local_issues, victim_key, repeat_victim, vulnerable
    FROM reports";

/// One optional text column of a report batch, as an array parameter.
fn text_column<'a>(
    reports: &'a [Report],
    field: impl Fn(&'a Report) -> Option<&'a str>,
) -> Vec<Option<Cow<'a, str>>> {
    reports
        .iter()
        .map(|report| field(report).map(pg_text))
        .collect()
}

/// Writes reports with the prepared `UNNEST` statement; returns how many were new.
fn insert_reports(
    client: &mut impl GenericClient,
    statement: &Statement,
    run_id: i64,
    reports: &[Report],
) -> StoreResult<u64> {
    let references: Vec<Cow<'_, str>> = reports.iter().map(|r| pg_text(&r.reference)).collect();
    let reported_on: Vec<Date> = reports.iter().map(|r| r.reported_on).collect();
    let offence_on: Vec<Option<Date>> = reports.iter().map(|r| r.offence_on).collect();
    let fraud_types: Vec<Cow<'_, str>> = reports.iter().map(|r| pg_text(&r.fraud_type)).collect();
    let categories: Vec<&str> = reports.iter().map(|r| r.category.as_str()).collect();
    let victim_types: Vec<&str> = reports.iter().map(|r| r.victim_type.as_str()).collect();
    let victim_ages: Vec<Option<i16>> = reports
        .iter()
        .map(|r| r.victim_age.map(i16::from))
        .collect();
    let age_bands: Vec<Option<&str>> = reports
        .iter()
        .map(|r| r.age_band.map(AgeBand::as_str))
        .collect();
    let genders: Vec<Option<&str>> = reports
        .iter()
        .map(|r| r.victim_gender.map(Gender::as_str))
        .collect();
    let contact_methods = text_column(reports, |r| r.contact_method.as_deref());
    let org_sectors = text_column(reports, |r| r.org_sector.as_deref());
    let org_sizes: Vec<Option<&str>> = reports
        .iter()
        .map(|r| r.org_size.map(|size| size.as_str()))
        .collect();
    let postcodes = text_column(reports, |r| r.postcode.as_ref().map(Postcode::as_str));
    let districts = text_column(reports, |r| r.district.as_ref().map(DistrictCode::as_str));
    let losses: Vec<Option<i64>> = reports.iter().map(|r| r.loss.map(|loss| loss.0)).collect();
    let cyber_enabled: Vec<Option<bool>> = reports.iter().map(|r| r.cyber_enabled).collect();
    let vulnerable: Vec<Option<bool>> = reports.iter().map(|r| r.vulnerable).collect();
    let repeat_victim: Vec<Option<bool>> = reports.iter().map(|r| r.repeat_victim).collect();
    let victim_keys = text_column(reports, |r| r.victim_key.as_deref());
    let tags: Vec<String> = reports
        .iter()
        .map(|r| pg_text(&join_labels(&r.tags)).into_owned())
        .collect();
    let local_issues: Vec<String> = reports
        .iter()
        .map(|r| pg_text(&join_labels(&r.local_issues)).into_owned())
        .collect();
    let summaries = text_column(reports, |r| r.summary.as_deref());
    let stored = client.execute(
        statement,
        &[
            &run_id,
            &references,
            &reported_on,
            &offence_on,
            &fraud_types,
            &categories,
            &victim_types,
            &victim_ages,
            &age_bands,
            &genders,
            &contact_methods,
            &org_sectors,
            &org_sizes,
            &postcodes,
            &districts,
            &losses,
            &cyber_enabled,
            &vulnerable,
            &repeat_victim,
            &victim_keys,
            &tags,
            &local_issues,
            &summaries,
        ],
    )?;
    Ok(stored)
}

impl Reports for PostgresStore {
    fn store_report_batch(&mut self, run_id: i64, batch: &ReportBatch) -> StoreResult<RunCounts> {
        let mut counts = batch_counts(batch);
        let mut transaction = self.client.transaction()?;
        // Fault injection for crash tests: write the rows before the limit, then die
        // mid-transaction, as kill -9 would (SQLite dies before writing the row past it).
        let (writable, abort) = match self.abort_after_rows {
            Some(limit) => {
                let room = limit.saturating_sub(self.rows_written);
                match usize::try_from(room) {
                    Ok(room) if room < batch.reports.len() => (room, true),
                    _ => (batch.reports.len(), false),
                }
            }
            None => (batch.reports.len(), false),
        };
        let reports = &batch.reports[..writable];
        if !reports.is_empty() {
            counts.stored = insert_reports(
                &mut transaction,
                &self.prepared.insert_reports,
                run_id,
                reports,
            )?;
        }
        self.rows_written += reports.len() as u64;
        if abort {
            std::process::abort();
        }
        counts.duplicates = reports.len() as u64 - counts.stored;
        quarantine(&mut transaction, &self.prepared, run_id, &batch.rejects)?;
        count_batch(&mut transaction, &self.prepared, run_id, &counts)?;
        transaction.commit()?;
        Ok(counts)
    }

    fn report_count(&mut self) -> StoreResult<u64> {
        let count: i64 = self.client.query_one(REPORT_COUNT_SQL, &[])?.try_get(0)?;
        Ok(unsigned(count))
    }

    fn report_facts(&mut self, period: Option<Period>) -> StoreResult<FactSet> {
        // Streamed row by row: a million facts never sit in memory as rows.
        let mut rows = match period {
            Some(period) => self.client.query_raw(
                &format!("{FACT_COLUMNS} WHERE reported_on >= $1 AND reported_on <= $2"),
                [period.from, period.to],
            )?,
            None => self
                .client
                .query_raw(FACT_COLUMNS, std::iter::empty::<Date>())?,
        };
        let mut set = FactSet::default();
        // Remember the last text seen per column: runs of equal values are common, and
        // this skips the dictionary search for them.
        let mut last_district: Option<(String, Option<u16>)> = None;
        let mut last_type: Option<(String, u16)> = None;
        while let Some(row) = rows.next()? {
            let reported_on: Date = row.try_get(0)?;
            let district = match row.try_get::<_, Option<&str>>(1)? {
                None => None,
                Some(code) => match &last_district {
                    Some((text, index)) if text == code => *index,
                    _ => {
                        let index = set.district_index(code);
                        last_district = Some((code.to_owned(), index));
                        index
                    }
                },
            };
            let type_key: &str = row.try_get(2)?;
            let fraud_type = match &last_type {
                Some((text, index)) if text == type_key => *index,
                _ => {
                    let index = set.fraud_type_index(type_key);
                    last_type = Some((type_key.to_owned(), index));
                    index
                }
            };
            let category = Category::from_stored(row.try_get(3)?)
                .ok_or_else(|| StoreError::Corrupt("unknown category".into()))?;
            let victim_type = victim_type_from(row.try_get(4)?);
            let age_band = row
                .try_get::<_, Option<&str>>(5)?
                .and_then(AgeBand::from_label);
            let gender = gender_from(row.try_get(6)?);
            let cyber_enabled: Option<bool> = row.try_get(7)?;
            let loss_pence: Option<i64> = row.try_get(8)?;
            let issues_text: &str = row.try_get(9)?;
            let issues = if issues_text.is_empty() {
                0
            } else {
                set.issue_mask(issues_text)
            };
            let victim = row.try_get::<_, Option<&str>>(10)?.map(victim_hash);
            let repeat_victim: Option<bool> = row.try_get(11)?;
            let vulnerable: Option<bool> = row.try_get(12)?;
            set.facts.push(Fact {
                reported_on,
                district,
                fraud_type,
                category,
                victim_type,
                age_band,
                gender,
                cyber_enabled,
                loss_pence,
                issues,
                victim,
                repeat_victim,
                vulnerable,
            });
        }
        Ok(set)
    }

    fn report_date_range(&mut self) -> StoreResult<Option<(Date, Date)>> {
        let row = self.client.query_one(
            "SELECT MIN(reported_on), MAX(reported_on) FROM reports",
            &[],
        )?;
        let first: Option<Date> = row.try_get(0)?;
        let last: Option<Date> = row.try_get(1)?;
        Ok(first.zip(last))
    }
}
