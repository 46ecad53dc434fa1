//! Difference in differences for area campaigns: did the monthly report rate of the
//! districts that had the campaign change more than that of the districts that did not?
//!
//! Method (the two-period 2×2 on district-level means; `docs/evaluation.md`):
//!
//! 1. each district-month's rate is `reports / population × 100,000`;
//! 2. each district's pre-period mean (months before the start) and post-period mean
//!    (the start month and after), and its change `post − pre`;
//! 3. the estimate is the mean change of the treated districts minus that of the
//!    control districts;
//! 4. its standard error, t, p-value and interval come from the two-sample t test with
//!    pooled variance on the district changes (`D − 2` degrees of freedom for `D`
//!    districts). This is exactly ordinary least squares of the change on a treated
//!    indicator — the 2×2 regression with district and period fixed effects on the
//!    collapsed data — which the known-answer fixtures check against statsmodels' OLS.
//!
//! The district, not the district-month, is the unit: months of one district are not
//! independent, and treating them as if they were would overstate the precision.
//!
//! **Pre-trend check.** DiD assumes the two groups would have moved in parallel. Each
//! district's pre-period slope (least squares of rate on month, per month) is taken, and
//! the treated mean slope minus the control mean slope is tested the same way. The
//! caution shows when that difference has `p < 0.10`, or when it cannot be checked
//! (fewer than two pre-period months in some district).

use crate::{EvaluationError, Interval, check_alpha};
use serde::{Serialize, Serializer};
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::collections::BTreeMap;
use std::fmt;

/// The p-value of the pre-period slope difference below which the pre-trend caution
/// shows.
pub const PRE_TREND_CAUTION_P: f64 = 0.10;

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YearMonth {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u8,
}

impl YearMonth {
    /// A month, checked.
    pub fn new(year: i32, month: u8) -> Option<YearMonth> {
        (1..=12)
            .contains(&month)
            .then_some(YearMonth { year, month })
    }

    /// Reads `YYYY-MM` (also `YYYY-MM-DD`, the day ignored).
    pub fn parse(text: &str) -> Option<YearMonth> {
        let text = text.trim();
        let mut parts = text.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        match parts.next() {
            None => {}
            Some(day) if day.parse::<u8>().is_ok() && parts.next().is_none() => {}
            Some(_) => return None,
        }
        YearMonth::new(year, month)
    }

    /// Months since year 0, so that consecutive months differ by 1.
    pub fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One district's reports in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistrictMonth {
    /// The district (an ONS code, or any name).
    pub district: String,
    /// The month.
    pub month: YearMonth,
    /// Reports in the month.
    pub reports: u64,
    /// Residents, for the rate per 100,000.
    pub population: u64,
}

/// One district's means and change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictChange {
    /// The district.
    pub district: String,
    /// Whether it had the campaign.
    pub treated: bool,
    /// Months before the start.
    pub pre_months: usize,
    /// Months from the start on.
    pub post_months: usize,
    /// Mean rate per 100,000 before.
    pub pre_rate: f64,
    /// Mean rate per 100,000 after.
    pub post_rate: f64,
    /// `post_rate − pre_rate`.
    pub change: f64,
    /// The pre-period slope per month, when there are two pre-period months at least.
    pub pre_slope: Option<f64>,
}

/// A difference between treated and control districts' means with its pooled t test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupDifference {
    /// Treated mean.
    pub treated_mean: f64,
    /// Control mean.
    pub control_mean: f64,
    /// Treated minus control.
    pub estimate: f64,
    /// The pooled standard error; `None` when nothing varies within the groups.
    pub standard_error: Option<f64>,
    /// `D − 2`.
    pub degrees_of_freedom: f64,
    /// The t statistic.
    pub t: Option<f64>,
    /// The two-sided p-value.
    pub p_value: Option<f64>,
    /// The interval at the analysis level.
    pub interval: Option<Interval>,
}

/// The difference-in-differences result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DidEstimate {
    /// The significance level of the interval.
    pub alpha: f64,
    /// The month the campaign started.
    pub start: YearMonth,
    /// Every district, in name order.
    pub districts: Vec<DistrictChange>,
    /// Treated mean change minus control mean change, per 100,000 per month.
    pub did: GroupDifference,
    /// Treated mean pre-period slope minus control mean slope; `None` when some district
    /// has fewer than two pre-period months.
    pub pre_trend: Option<GroupDifference>,
    /// The caution to show about the parallel-trends assumption, if any.
    pub pre_trend_caution: Option<String>,
}

/// Why a difference in differences was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DidError {
    /// A bad α.
    #[error(transparent)]
    Statistics(#[from] EvaluationError),
    /// A district-month of no residents.
    #[error("{district} {month} has a population of 0")]
    NoPopulation {
        /// The district.
        district: String,
        /// The month.
        month: YearMonth,
    },
    /// A district-month given twice.
    #[error("{district} {month} is given more than once")]
    RepeatedMonth {
        /// The district.
        district: String,
        /// The month.
        month: YearMonth,
    },
    /// A district with no month before the start, or none from it.
    #[error("{0} needs at least one month before the start and one from it")]
    MissingPeriod(String),
    /// A treated district with no rows.
    #[error("treated district {0} has no months")]
    UnknownTreated(String),
    /// Too few districts in a group, or overall, for a t test.
    #[error(
        "difference in differences needs at least one treated and one control district and three in all ({treated} treated, {control} control)"
    )]
    TooFewDistricts {
        /// Treated districts.
        treated: usize,
        /// Control districts.
        control: usize,
    },
}

/// The difference in differences of `rows` with `treated` districts and the campaign
/// starting in `start`, at level `alpha` (see the module documentation).
///
/// # Errors
///
/// A population of 0, a district-month given twice, a district without months on both
/// sides of the start, a treated district with no rows, fewer than one district per
/// group or three in all, or a bad α.
pub fn difference_in_differences(
    rows: &[DistrictMonth],
    treated: &[String],
    start: YearMonth,
    alpha: f64,
) -> Result<DidEstimate, DidError> {
    check_alpha(alpha)?;
    let mut by_district: BTreeMap<&str, BTreeMap<YearMonth, f64>> = BTreeMap::new();
    for row in rows {
        if row.population == 0 {
            return Err(DidError::NoPopulation {
                district: row.district.clone(),
                month: row.month,
            });
        }
        let rate = row.reports as f64 / row.population as f64 * 100_000.0;
        let months = by_district.entry(row.district.as_str()).or_default();
        if months.insert(row.month, rate).is_some() {
            return Err(DidError::RepeatedMonth {
                district: row.district.clone(),
                month: row.month,
            });
        }
    }
    if let Some(missing) = treated
        .iter()
        .find(|name| !by_district.contains_key(name.as_str()))
    {
        return Err(DidError::UnknownTreated(missing.clone()));
    }
    let mut districts = Vec::with_capacity(by_district.len());
    for (district, months) in &by_district {
        let (pre, post): (Vec<_>, Vec<_>) = months.iter().partition(|(month, _)| **month < start);
        if pre.is_empty() || post.is_empty() {
            return Err(DidError::MissingPeriod((*district).to_owned()));
        }
        let mean = |values: &[(&YearMonth, &f64)]| {
            values.iter().map(|(_, rate)| **rate).sum::<f64>() / values.len() as f64
        };
        let (pre_rate, post_rate) = (mean(&pre), mean(&post));
        districts.push(DistrictChange {
            district: (*district).to_owned(),
            treated: treated.iter().any(|name| name == district),
            pre_months: pre.len(),
            post_months: post.len(),
            pre_rate,
            post_rate,
            change: post_rate - pre_rate,
            pre_slope: slope(&pre),
        });
    }
    let treated_count = districts.iter().filter(|d| d.treated).count();
    let control_count = districts.len() - treated_count;
    if treated_count == 0 || control_count == 0 || districts.len() < 3 {
        return Err(DidError::TooFewDistricts {
            treated: treated_count,
            control: control_count,
        });
    }
    let changes: Vec<(bool, f64)> = districts.iter().map(|d| (d.treated, d.change)).collect();
    let did = group_difference(&changes, alpha);
    let slopes: Option<Vec<(bool, f64)>> = districts
        .iter()
        .map(|d| d.pre_slope.map(|slope| (d.treated, slope)))
        .collect();
    let pre_trend = slopes.map(|slopes| group_difference(&slopes, alpha));
    let pre_trend_caution = match &pre_trend {
        None => Some(
            "the pre-period trends cannot be checked: some district has fewer than two months before the start"
                .to_owned(),
        ),
        Some(trend) => match trend.p_value {
            Some(p) if p < PRE_TREND_CAUTION_P => Some(format!(
                "before the campaign the treated districts' rate was already moving {:+.2} per 100,000 a month relative to the others (p = {p:.3}): the districts may not have moved in parallel, so read the estimate with caution",
                trend.estimate
            )),
            _ => None,
        },
    };
    Ok(DidEstimate {
        alpha,
        start,
        districts,
        did,
        pre_trend,
        pre_trend_caution,
    })
}

/// The least-squares slope of rate on month index; `None` with fewer than two months.
fn slope(months: &[(&YearMonth, &f64)]) -> Option<f64> {
    if months.len() < 2 {
        return None;
    }
    let n = months.len() as f64;
    let mean_x = months.iter().map(|(m, _)| m.index() as f64).sum::<f64>() / n;
    let mean_y = months.iter().map(|(_, r)| **r).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (month, rate) in months {
        let dx = month.index() as f64 - mean_x;
        sxy += dx * (**rate - mean_y);
        sxx += dx * dx;
    }
    Some(sxy / sxx)
}

/// Treated mean minus control mean with the pooled two-sample t test (OLS on a group
/// indicator). Both groups are non-empty and there are three values at least.
fn group_difference(values: &[(bool, f64)], alpha: f64) -> GroupDifference {
    let group = |treated: bool| -> Vec<f64> {
        values
            .iter()
            .filter(|(t, _)| *t == treated)
            .map(|(_, v)| *v)
            .collect()
    };
    let (treated, control) = (group(true), group(false));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (treated_mean, control_mean) = (mean(&treated), mean(&control));
    let squares = |v: &[f64], m: f64| v.iter().map(|x| (x - m).powi(2)).sum::<f64>();
    let df = (values.len() - 2) as f64;
    let pooled = (squares(&treated, treated_mean) + squares(&control, control_mean)) / df;
    let standard_error =
        (pooled * (1.0 / treated.len() as f64 + 1.0 / control.len() as f64)).sqrt();
    let estimate = treated_mean - control_mean;
    let mut difference = GroupDifference {
        treated_mean,
        control_mean,
        estimate,
        standard_error: None,
        degrees_of_freedom: df,
        t: None,
        p_value: None,
        interval: None,
    };
    // A spread of zero within both groups (or rounding to it) leaves no test.
    if standard_error.is_nan() || standard_error <= 1e-12 * estimate.abs().max(1.0) {
        return difference;
    }
    let Ok(student) = StudentsT::new(0.0, 1.0, df) else {
        return difference;
    };
    let t = estimate / standard_error;
    let critical = student.inverse_cdf(1.0 - alpha / 2.0);
    difference.standard_error = Some(standard_error);
    difference.t = Some(t);
    difference.p_value = Some((2.0 * student.sf(t.abs())).min(1.0));
    difference.interval = Some(Interval {
        lower: estimate - critical * standard_error,
        upper: estimate + critical * standard_error,
    });
    difference
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(year: i32, month: u8) -> YearMonth {
        YearMonth::new(year, month).expect("valid month")
    }

    /// Each district at `base` reports per 100,000 a month, plus `trend` a month, plus
    /// `effect` from the start (2026-04) on.
    fn district(name: &str, base: f64, trend: f64, effect: f64) -> Vec<DistrictMonth> {
        (1..=6)
            .map(|m| {
                let effect = if m >= 4 { effect } else { 0.0 };
                let rate = base + trend * f64::from(m) + effect;
                DistrictMonth {
                    district: name.to_owned(),
                    month: month(2026, m),
                    reports: (rate * 10.0).round() as u64,
                    population: 1_000_000,
                }
            })
            .collect()
    }

    #[test]
    fn a_campaign_effect_on_parallel_trends_is_recovered() {
        let mut rows = Vec::new();
        rows.extend(district("A", 40.0, 1.0, 10.0));
        rows.extend(district("B", 50.0, 1.0, 12.0));
        rows.extend(district("C", 30.0, 1.0, 0.0));
        rows.extend(district("D", 45.0, 1.0, 2.0));
        let estimate = difference_in_differences(
            &rows,
            &["A".to_owned(), "B".to_owned()],
            month(2026, 4),
            0.05,
        )
        .expect("valid");
        // Changes: A 13, B 15, C 3, D 5 → DiD = 14 − 4 = 10.
        assert!(
            (estimate.did.estimate - 10.0).abs() < 1e-9,
            "{:?}",
            estimate.did
        );
        // Pooled SD √2, SE √2·√(1/2 + 1/2) = √2; t = 10/√2 on 2 df.
        let se = estimate.did.standard_error.expect("defined");
        assert!((se - 2f64.sqrt()).abs() < 1e-9);
        assert!(estimate.did.p_value.expect("defined") < 0.05);
        // Parallel pre-trends: no caution.
        let trend = estimate.pre_trend.as_ref().expect("checkable");
        assert!(trend.estimate.abs() < 1e-9);
        assert_eq!(estimate.pre_trend_caution, None);
    }

    #[test]
    fn diverging_pre_trends_raise_the_caution() {
        let mut rows = Vec::new();
        rows.extend(district("A", 40.0, 3.0, 0.0));
        rows.extend(district("B", 50.0, 3.1, 0.0));
        rows.extend(district("C", 30.0, 0.0, 0.0));
        rows.extend(district("D", 45.0, 0.1, 0.0));
        let estimate = difference_in_differences(
            &rows,
            &["A".to_owned(), "B".to_owned()],
            month(2026, 4),
            0.05,
        )
        .expect("valid");
        assert!(estimate.pre_trend_caution.is_some());
        // A steeper treated trend alone looks like an effect.
        assert!(estimate.did.estimate > 5.0);
    }

    #[test]
    fn bad_input_is_refused() {
        let rows = district("A", 40.0, 0.0, 0.0);
        assert!(matches!(
            difference_in_differences(&rows, &["A".to_owned()], month(2026, 4), 0.05),
            Err(DidError::TooFewDistricts { .. })
        ));
        assert!(matches!(
            difference_in_differences(&rows, &["Z".to_owned()], month(2026, 4), 0.05),
            Err(DidError::UnknownTreated(_))
        ));
        assert!(matches!(
            difference_in_differences(&rows, &[], month(2026, 1), 0.05),
            Err(DidError::MissingPeriod(_))
        ));
        let mut twice = rows.clone();
        twice.push(rows[0].clone());
        assert!(matches!(
            difference_in_differences(&twice, &[], month(2026, 4), 0.05),
            Err(DidError::RepeatedMonth { .. })
        ));
        let mut empty = rows;
        empty[0].population = 0;
        assert!(matches!(
            difference_in_differences(&empty, &[], month(2026, 4), 0.05),
            Err(DidError::NoPopulation { .. })
        ));
    }

    #[test]
    fn months_read_and_print_as_year_and_month() {
        assert_eq!(YearMonth::parse("2026-04"), Some(month(2026, 4)));
        assert_eq!(YearMonth::parse("2026-04-01"), Some(month(2026, 4)));
        assert_eq!(YearMonth::parse("2026-13"), None);
        assert_eq!(YearMonth::parse("April"), None);
        assert_eq!(month(2026, 4).to_string(), "2026-04");
        assert_eq!(month(2026, 1).index() - month(2025, 12).index(), 1);
    }
}
