//! The report explorer in SQLite: filters on the packed `day` column.

use super::{Explore, ReportFilter, ReportGroup, ReportRow, ReportSort, where_clause};
use super::{group_from, row_from};
use crate::StoreResult;
use crate::sqlite::{SqliteStore, bound_values, collect};
use rusqlite::params_from_iter;
use rusqlite::types::Value;

impl Explore for SqliteStore {
    fn data_version(&mut self) -> StoreResult<String> {
        Ok(self
            .connection
            .prepare_cached(
                "SELECT COUNT(*) || ':' || COALESCE(MAX(updated_at), '') FROM ingest_runs WHERE kind = 'reports'",
            )?
            .query_row([], |row| row.get(0))?)
    }

    fn report_groups(&mut self, filter: &ReportFilter) -> StoreResult<Vec<ReportGroup>> {
        let (clause, values) = where_clause(filter, &|n| format!("?{n}"), "day");
        let mut statement = self.connection.prepare(&format!(
            "SELECT district_code, fraud_type, COUNT(*), COALESCE(SUM(loss_pence), 0),
                    COALESCE(SUM(CASE WHEN cyber_enabled THEN 1 ELSE 0 END), 0)
             FROM reports {clause} GROUP BY district_code, fraud_type"
        ))?;
        collect(
            statement.query(params_from_iter(bound_values(values)))?,
            |row| group_from(row),
        )
    }

    fn report_rows(
        &mut self,
        filter: &ReportFilter,
        sort: ReportSort,
        limit: u32,
        offset: u64,
    ) -> StoreResult<(u64, Vec<ReportRow>)> {
        let (clause, values) = where_clause(filter, &|n| format!("?{n}"), "day");
        let values = bound_values(values);
        let total: i64 = self.connection.query_row(
            &format!("SELECT COUNT(*) FROM reports {clause}"),
            params_from_iter(values.iter()),
            |row| row.get(0),
        )?;
        let mut page_values = values;
        page_values.push(Value::Integer(i64::from(limit)));
        page_values.push(Value::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
        let count = page_values.len();
        let mut statement = self.connection.prepare(&format!(
            "SELECT reference, reported_on, district_code, fraud_type, category, victim_type, victim_age,
                    postcode, loss_pence, cyber_enabled, local_issues, summary
             FROM reports {clause} ORDER BY {} LIMIT ?{} OFFSET ?{count}",
            sort.order_by(),
            count - 1
        ))?;
        let rows = collect(statement.query(params_from_iter(page_values))?, |row| {
            row_from(row)
        })?;
        Ok((u64::try_from(total).unwrap_or(0), rows))
    }
}
