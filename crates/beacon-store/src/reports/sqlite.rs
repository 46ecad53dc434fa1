//! Reports in SQLite: each report's text columns and its packed facts, written row by
//! row inside one IMMEDIATE transaction per batch; the facts scan reads only the packed
//! index.

use super::packed::{FactFields, FactIds, FactReader, date_of_day};
use super::{REPORT_COUNT_SQL, ReportBatch, Reports, batch_counts};
use crate::StoreResult;
use crate::neutral::{abort_if_past, date_text, join_labels};
use crate::runs::sqlite::{count_batch, quarantine};
use crate::sqlite::SqliteStore;
use beacon_core::report::{AgeBand, Gender};
use beacon_core::{DistrictCode, FactSet, Period, Postcode, RunCounts};
use rusqlite::{TransactionBehavior, params};
use time::Date;

impl SqliteStore {
    /// The work of [`Reports::store_report_batch`]: the reports with their packed facts,
    /// the quarantined rows and the run's counters, in one transaction.
    fn write_report_batch(&mut self, run_id: i64, batch: &ReportBatch) -> StoreResult<RunCounts> {
        // IMMEDIATE: new dictionary names are looked up, then added; another writer must
        // not get in between (nor could a deferred read upgrade to a write after one did).
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut counts = batch_counts(batch);
        {
            let mut insert = transaction.prepare_cached(
                "INSERT OR IGNORE INTO reports (reference, run_id, reported_on, offence_on, fraud_type, category, victim_type,
                    victim_age, age_band, victim_gender, contact_method, org_sector, org_size, postcode, district_code,
                    loss_pence, cyber_enabled, vulnerable, repeat_victim, victim_key, tags, local_issues, summary,
                    day, fact)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,
                    ?24, ?25)",
            )?;
            for report in &batch.reports {
                // Fault injection for crash tests: die mid-transaction, as kill -9 would.
                abort_if_past(self.abort_after_rows, self.rows_written);
                let local_issues = join_labels(&report.local_issues);
                let packed = FactFields {
                    reported_on: report.reported_on,
                    district: report.district.as_ref().map(DistrictCode::as_str),
                    fraud_type: &report.fraud_type,
                    category: report.category,
                    victim_type: report.victim_type,
                    age_band: report.age_band,
                    gender: report.victim_gender,
                    cyber_enabled: report.cyber_enabled,
                    repeat_victim: report.repeat_victim,
                    vulnerable: report.vulnerable,
                    loss_pence: report.loss.map(|loss| loss.0),
                    local_issues: &local_issues,
                    victim_key: report.victim_key.as_deref(),
                }
                .pack(&transaction, &mut self.fact_ids)?;
                let inserted = insert.execute(params![
                    report.reference,
                    run_id,
                    date_text(report.reported_on),
                    report.offence_on.map(date_text),
                    report.fraud_type,
                    report.category.as_str(),
                    report.victim_type.as_str(),
                    report.victim_age,
                    report.age_band.map(AgeBand::as_str),
                    report.victim_gender.map(Gender::as_str),
                    report.contact_method,
                    report.org_sector,
                    report.org_size.map(|size| size.as_str()),
                    report.postcode.as_ref().map(Postcode::as_str),
                    report.district.as_ref().map(DistrictCode::as_str),
                    report.loss.map(|loss| loss.0),
                    report.cyber_enabled,
                    report.vulnerable,
                    report.repeat_victim,
                    report.victim_key,
                    join_labels(&report.tags),
                    local_issues,
                    report.summary,
                    packed.day,
                    packed.fact,
                ])?;
                self.rows_written += 1;
                if inserted == 1 {
                    counts.stored += 1;
                } else {
                    counts.duplicates += 1;
                }
            }
            quarantine(&transaction, run_id, &batch.rejects)?;
        }
        count_batch(&transaction, run_id, &counts)?;
        transaction.commit()?;
        Ok(counts)
    }
}

impl Reports for SqliteStore {
    fn store_report_batch(&mut self, run_id: i64, batch: &ReportBatch) -> StoreResult<RunCounts> {
        let written = self.write_report_batch(run_id, batch);
        if written.is_err() {
            // The transaction rolled back, taking any dictionary ids it gave with it.
            self.fact_ids = FactIds::default();
        }
        written
    }

    fn report_count(&mut self) -> StoreResult<u64> {
        let count: i64 = self
            .connection
            .query_row(REPORT_COUNT_SQL, [], |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    fn report_facts(&mut self, period: Option<Period>) -> StoreResult<FactSet> {
        let (from, to) = match period {
            Some(period) => (period.from.to_julian_day(), period.to.to_julian_day()),
            None => (i32::MIN, i32::MAX),
        };
        let mut reader = FactReader::load(&self.connection)?;
        let mut statement = self.connection.prepare_cached(
            "SELECT day, fact FROM reports INDEXED BY reports_packed_facts WHERE day >= ?1 AND day <= ?2",
        )?;
        let mut rows = statement.query(params![from, to])?;
        let mut set = FactSet::default();
        while let Some(row) = rows.next()? {
            let day = row.get_ref(0)?.as_i64().map_err(rusqlite::Error::from)?;
            let fact = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
            let fact = reader.fact(&mut set, day, fact)?;
            set.facts.push(fact);
        }
        reader.finish(&mut set);
        Ok(set)
    }

    fn report_date_range(&mut self) -> StoreResult<Option<(Date, Date)>> {
        // Two subqueries: SQLite answers a lone MIN or MAX from the index's ends, but
        // both in one SELECT would read the whole index.
        let range: (Option<i64>, Option<i64>) = self.connection.query_row(
            "SELECT (SELECT MIN(day) FROM reports), (SELECT MAX(day) FROM reports)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        match range {
            (Some(first), Some(last)) => Ok(Some((date_of_day(first)?, date_of_day(last)?))),
            _ => Ok(None),
        }
    }
}
