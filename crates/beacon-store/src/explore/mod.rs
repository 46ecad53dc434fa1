//! The report explorer's queries: reports filtered by period, district, type, local
//! issue, victim type and loss band, as aggregate groups or (for roles allowed to see
//! them, and audited by the caller) victim-level rows.
//!
//! One filter becomes one SQL `WHERE` clause for both backends; only the placeholder
//! style differs, so the two can never filter differently.

mod postgres;
mod sqlite;

use crate::StoreResult;
use crate::neutral::{Bound, Columns, where_of};
use time::Date;

/// Loss bands the explorer offers, in pence: `[low, high)`.
pub const LOSS_BANDS: [(&str, &str, i64, Option<i64>); 5] = [
    ("none", "No loss", 0, Some(1)),
    ("under_1k", "£0.01 to £999.99", 1, Some(100_000)),
    ("1k_10k", "£1,000 to £9,999.99", 100_000, Some(1_000_000)),
    (
        "10k_100k",
        "£10,000 to £99,999.99",
        1_000_000,
        Some(10_000_000),
    ),
    ("100k_plus", "£100,000 or more", 10_000_000, None),
];

/// Which reports the explorer shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    /// First day reported (inclusive).
    pub from: Option<Date>,
    /// Last day reported (inclusive).
    pub to: Option<Date>,
    /// ONS district code, or `unknown` for reports with no known district.
    pub district: Option<String>,
    /// Fraud-type key (NFIB code).
    pub fraud_type: Option<String>,
    /// `fraud` or `cyber`.
    pub category: Option<String>,
    /// Local issue name, e.g. `courier_fraud`.
    pub local_issue: Option<String>,
    /// `individual` or `organisation`.
    pub victim_type: Option<String>,
    /// A key of [`LOSS_BANDS`].
    pub loss_band: Option<String>,
}

/// How victim-level rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportSort {
    /// Newest first.
    #[default]
    NewestFirst,
    /// Oldest first.
    OldestFirst,
    /// Largest loss first.
    LargestLoss,
    /// Smallest loss first.
    SmallestLoss,
}

impl ReportSort {
    /// The `ORDER BY` clause (whitelisted: never built from user text).
    pub(crate) fn order_by(self) -> &'static str {
        match self {
            ReportSort::NewestFirst => "reported_on DESC, id DESC",
            ReportSort::OldestFirst => "reported_on ASC, id ASC",
            ReportSort::LargestLoss => "COALESCE(loss_pence, -1) DESC, id DESC",
            ReportSort::SmallestLoss => "COALESCE(loss_pence, -1) ASC, id ASC",
        }
    }
}

/// One report at victim level. Reading these is audited by the caller.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportRow {
    /// Action Fraud reference.
    pub reference: String,
    /// Day reported, `YYYY-MM-DD`.
    pub reported_on: String,
    /// ONS district code, if known.
    pub district_code: Option<String>,
    /// Fraud-type key.
    pub fraud_type: String,
    /// `fraud` or `cyber`.
    pub category: String,
    /// `individual` or `organisation`.
    pub victim_type: String,
    /// Victim's age, if given.
    pub victim_age: Option<i64>,
    /// Victim's postcode, if given.
    pub postcode: Option<String>,
    /// Loss in pence, if known.
    pub loss_pence: Option<i64>,
    /// Enabled by a digital device, if known.
    pub cyber_enabled: Option<bool>,
    /// Local issues, `;`-separated.
    pub local_issues: String,
    /// The report's summary text.
    pub summary: Option<String>,
}

/// One district × fraud type group of the filtered reports: no victim data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportGroup {
    /// ONS district code, or `None` when unknown.
    pub district_code: Option<String>,
    /// Fraud-type key.
    pub fraud_type: String,
    /// Reports.
    pub reports: u64,
    /// Known losses, pence.
    pub loss_pence: i64,
    /// Reports enabled by a digital device.
    pub cyber_enabled: u64,
}

/// A `WHERE` clause (starting with `WHERE`, or empty) and its values in order.
/// `placeholder(n)` names the n-th value (1-based): `?n` for SQLite, `$n` for PostgreSQL.
pub(crate) fn where_clause(
    filter: &ReportFilter,
    placeholder: &dyn Fn(usize) -> String,
    day_column: &str,
) -> (String, Vec<Bound>) {
    let mut terms: Vec<String> = Vec::new();
    let mut values: Vec<Bound> = Vec::new();
    // A term with no value is pushed with `None` and ignores its placeholder.
    let mut push = |term: &dyn Fn(&str) -> String, value: Option<Bound>| match value {
        Some(value) => {
            values.push(value);
            terms.push(term(&placeholder(values.len())));
        }
        None => terms.push(term("")),
    };
    if let Some(from) = filter.from {
        push(&|p| format!("{day_column} >= {p}"), Some(Bound::Day(from)));
    }
    if let Some(to) = filter.to {
        push(&|p| format!("{day_column} <= {p}"), Some(Bound::Day(to)));
    }
    match filter.district.as_deref() {
        Some("unknown") => push(&|_| "district_code IS NULL".into(), None),
        Some(code) => push(
            &|p| format!("district_code = {p}"),
            Some(Bound::Text(code.into())),
        ),
        None => {}
    }
    if let Some(key) = &filter.fraud_type {
        push(
            &|p| format!("fraud_type = {p}"),
            Some(Bound::Text(key.clone())),
        );
    }
    if let Some(category) = &filter.category {
        push(
            &|p| format!("category = {p}"),
            Some(Bound::Text(category.clone())),
        );
    }
    if let Some(victim_type) = &filter.victim_type {
        push(
            &|p| format!("victim_type = {p}"),
            Some(Bound::Text(victim_type.clone())),
        );
    }
    if let Some(issue) = &filter.local_issue {
        push(
            &|p| format!("(';' || local_issues || ';') LIKE {p} ESCAPE '\\'"),
            Some(Bound::Text(format!("%;{};%", like_literal(issue)))),
        );
    }
    if let Some((_, _, low, high)) = filter
        .loss_band
        .as_deref()
        .and_then(|key| LOSS_BANDS.iter().find(|band| band.0 == key))
    {
        if *low == 0 {
            // "No loss" includes reports with no loss recorded.
            push(&|_| "COALESCE(loss_pence, 0) < 1".into(), None);
        } else {
            push(&|p| format!("loss_pence >= {p}"), Some(Bound::Int(*low)));
            if let Some(high) = high {
                push(&|p| format!("loss_pence < {p}"), Some(Bound::Int(*high)));
            }
        }
    }
    (where_of(&terms), values)
}

/// One group as both dialects select it: district, fraud type, reports, losses, cyber.
fn group_from(row: &impl Columns) -> StoreResult<ReportGroup> {
    Ok(ReportGroup {
        district_code: row.get(0)?,
        fraud_type: row.get(1)?,
        reports: row.count(2)?,
        loss_pence: row.get(3)?,
        cyber_enabled: row.count(4)?,
    })
}

/// One victim-level row as both dialects select it (dates and ages already as text and
/// BIGINT).
fn row_from(row: &impl Columns) -> StoreResult<ReportRow> {
    Ok(ReportRow {
        reference: row.get(0)?,
        reported_on: row.get(1)?,
        district_code: row.get(2)?,
        fraud_type: row.get(3)?,
        category: row.get(4)?,
        victim_type: row.get(5)?,
        victim_age: row.get(6)?,
        postcode: row.get(7)?,
        loss_pence: row.get(8)?,
        cyber_enabled: row.get(9)?,
        local_issues: row.get(10)?,
        summary: row.get(11)?,
    })
}

/// `text` matched literally inside a `LIKE … ESCAPE '\'` pattern.
fn like_literal(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

/// The explorer's reads, on either backend.
pub trait Explore {
    /// Changes whenever stored reports may have changed (any ingest run starting,
    /// progressing or ending): caches of statistics are keyed by it.
    fn data_version(&mut self) -> StoreResult<String>;
    /// The filtered reports by district and fraud type (no victim data).
    fn report_groups(&mut self, filter: &ReportFilter) -> StoreResult<Vec<ReportGroup>>;
    /// How many reports match, and one page of them at victim level. The caller must be
    /// allowed to see victim details and must audit the read.
    fn report_rows(
        &mut self,
        filter: &ReportFilter,
        sort: ReportSort,
        limit: u32,
        offset: u64,
    ) -> StoreResult<(u64, Vec<ReportRow>)>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_numbered_terms() {
        let filter = ReportFilter {
            district: Some("E06000016".into()),
            local_issue: Some("courier_fraud".into()),
            loss_band: Some("1k_10k".into()),
            ..ReportFilter::default()
        };
        let (clause, values) = where_clause(&filter, &|n| format!("${n}"), "reported_on");
        assert_eq!(
            clause,
            "WHERE district_code = $1 AND (';' || local_issues || ';') LIKE $2 ESCAPE '\\' AND loss_pence >= $3 AND loss_pence < $4"
        );
        assert_eq!(values.len(), 4);
        let unknown = ReportFilter {
            district: Some("unknown".into()),
            ..ReportFilter::default()
        };
        assert_eq!(
            where_clause(&unknown, &|n| format!("?{n}"), "day").0,
            "WHERE district_code IS NULL"
        );
    }
}
