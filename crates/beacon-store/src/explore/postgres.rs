//! The report explorer in PostgreSQL: filters on `reported_on`.

use super::{Explore, ReportFilter, ReportGroup, ReportRow, ReportSort, where_clause};
use super::{group_from, row_from};
use crate::StoreResult;
use crate::postgres::{PostgresStore, bound_values, refs};

impl Explore for PostgresStore {
    fn data_version(&mut self) -> StoreResult<String> {
        let row = self.client.query_one(
            "SELECT COUNT(*)::TEXT || ':' || COALESCE(MAX(updated_at)::TEXT, '') FROM ingest_runs WHERE kind = 'reports'",
            &[],
        )?;
        Ok(row.try_get(0)?)
    }

    fn report_groups(&mut self, filter: &ReportFilter) -> StoreResult<Vec<ReportGroup>> {
        let (clause, values) = where_clause(filter, &|n| format!("${n}"), "reported_on");
        let params = bound_values(values);
        self.client
            .query(
                &format!(
                    "SELECT district_code, fraud_type, COUNT(*), COALESCE(SUM(loss_pence), 0)::BIGINT,
                            COUNT(*) FILTER (WHERE cyber_enabled)
                     FROM reports {clause} GROUP BY district_code, fraud_type"
                ),
                &refs(&params),
            )?
            .iter()
            .map(group_from)
            .collect()
    }

    fn report_rows(
        &mut self,
        filter: &ReportFilter,
        sort: ReportSort,
        limit: u32,
        offset: u64,
    ) -> StoreResult<(u64, Vec<ReportRow>)> {
        let (clause, values) = where_clause(filter, &|n| format!("${n}"), "reported_on");
        let mut params = bound_values(values);
        let total: i64 = self
            .client
            .query_one(
                &format!("SELECT COUNT(*) FROM reports {clause}"),
                &refs(&params),
            )?
            .try_get(0)?;
        params.push(Box::new(i64::from(limit)));
        params.push(Box::new(i64::try_from(offset).unwrap_or(i64::MAX)));
        let count = params.len();
        let rows = self
            .client
            .query(
                &format!(
                    "SELECT reference, reported_on::TEXT, district_code, fraud_type, category, victim_type,
                            victim_age::BIGINT, postcode, loss_pence, cyber_enabled, local_issues, summary
                     FROM reports {clause} ORDER BY {} LIMIT ${} OFFSET ${count}",
                    sort.order_by(),
                    count - 1
                ),
                &refs(&params),
            )?
            .iter()
            .map(row_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((u64::try_from(total).unwrap_or(0), rows))
    }
}
