//! The balance table of a randomised trial: for each value of each attribute (age band,
//! district, prior victim or not), how many units of each arm have it and what share of
//! the arm that is, so that a reader can see the arms started alike.
//!
//! Randomisation balances arms on average, not in every draw; the table shows how close
//! this draw came. For each value it gives the largest absolute difference in share
//! between any two arms and the largest standardised difference, the difference in
//! shares divided by `√((p₁(1 − p₁) + p₂(1 − p₂)) / 2)`, which trial reports commonly
//! flag above 0.1.

use crate::EvaluationError;
use crate::randomise::{Allocation, Unit};
use serde::Serialize;
use std::collections::BTreeMap;

/// One value of one attribute, across the arms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BalanceRow {
    /// The attribute's name ("age band").
    pub attribute: String,
    /// The value ("70+").
    pub value: String,
    /// Units of each arm with the value, in the order of the arms.
    pub counts: Vec<u64>,
    /// `counts / units in the arm` for each arm (0 for an arm without units).
    pub shares: Vec<f64>,
    /// The largest `|share₁ − share₂|` over pairs of arms.
    pub max_difference: f64,
    /// The largest standardised difference over pairs of arms (0 where both shares are
    /// 0 or both 1, which leave nothing to compare).
    pub max_standardised_difference: f64,
}

/// The balance table of an allocation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BalanceTable {
    /// The arms' names, in order.
    pub arms: Vec<String>,
    /// Units in each arm.
    pub totals: Vec<u64>,
    /// One row per value of each attribute: attributes in the order given, values in
    /// name order within an attribute.
    pub rows: Vec<BalanceRow>,
}

impl BalanceTable {
    /// The largest absolute difference in share over all rows (0 without rows): one
    /// figure for how well this draw balanced the attributes.
    pub fn max_difference(&self) -> f64 {
        self.rows
            .iter()
            .map(|row| row.max_difference)
            .fold(0.0, f64::max)
    }
}

/// The balance table of `allocation` (made from `units`) on `attributes`: each a name and
/// one value per unit, in the order of `units`.
///
/// # Errors
///
/// When the allocation is not of as many units as given, or an attribute does not have
/// one value per unit.
pub fn balance_table(
    units: &[Unit],
    allocation: &Allocation,
    attributes: &[(String, Vec<String>)],
) -> Result<BalanceTable, EvaluationError> {
    if allocation.assignments.len() != units.len() {
        return Err(EvaluationError::AllocationLength {
            units: units.len(),
            allocated: allocation.assignments.len(),
        });
    }
    let arms = allocation.arms.len();
    let mut totals = vec![0u64; arms];
    for &arm in &allocation.assignments {
        totals[arm as usize] += 1;
    }
    let mut rows = Vec::new();
    for (name, values) in attributes {
        if values.len() != units.len() {
            return Err(EvaluationError::AttributeLength {
                name: name.clone(),
                units: units.len(),
                values: values.len(),
            });
        }
        let mut counts: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for (value, &arm) in values.iter().zip(&allocation.assignments) {
            counts
                .entry(value.as_str())
                .or_insert_with(|| vec![0; arms])[arm as usize] += 1;
        }
        for (value, counts) in counts {
            rows.push(balance_row(name, value, counts, &totals));
        }
    }
    Ok(BalanceTable {
        arms: allocation.arms.clone(),
        totals,
        rows,
    })
}

/// The balance table from counts already made (a stored trial's recipients counted in
/// SQL): `counts` holds, for each attribute in order, its values with the units of each
/// arm that have it, in the order of `arms`. Rows come out in the attributes' order,
/// values in name order within one.
///
/// # Errors
///
/// [`EvaluationError::ArmCounts`] when a value's counts, or the totals, are not one per
/// arm.
pub fn balance_from_counts(
    arms: &[String],
    totals: &[u64],
    counts: &[(String, BTreeMap<String, Vec<u64>>)],
) -> Result<BalanceTable, EvaluationError> {
    let mut rows = Vec::new();
    for (name, values) in counts {
        for (value, per_arm) in values {
            if per_arm.len() != arms.len() || totals.len() != arms.len() {
                return Err(EvaluationError::ArmCounts {
                    name: name.clone(),
                    value: value.clone(),
                    arms: arms.len(),
                    counts: per_arm.len().min(totals.len()),
                });
            }
            rows.push(balance_row(name, value, per_arm.clone(), totals));
        }
    }
    Ok(BalanceTable {
        arms: arms.to_vec(),
        totals: totals.to_vec(),
        rows,
    })
}

/// One value's row: its counts, shares of each arm and largest differences.
fn balance_row(attribute: &str, value: &str, counts: Vec<u64>, totals: &[u64]) -> BalanceRow {
    let shares: Vec<f64> = counts
        .iter()
        .zip(totals)
        .map(|(&count, &total)| {
            if total == 0 {
                0.0
            } else {
                count as f64 / total as f64
            }
        })
        .collect();
    let (max_difference, max_standardised_difference) = differences(&shares);
    BalanceRow {
        attribute: attribute.to_owned(),
        value: value.to_owned(),
        counts,
        shares,
        max_difference,
        max_standardised_difference,
    }
}

/// The largest absolute and standardised differences over pairs of shares.
fn differences(shares: &[f64]) -> (f64, f64) {
    let mut largest = (0.0f64, 0.0f64);
    for (index, &first) in shares.iter().enumerate() {
        for &second in &shares[index + 1..] {
            let difference = (first - second).abs();
            let spread = ((first * (1.0 - first) + second * (1.0 - second)) / 2.0).sqrt();
            let standardised = if spread > 0.0 {
                difference / spread
            } else {
                0.0
            };
            largest = (largest.0.max(difference), largest.1.max(standardised));
        }
    }
    largest
}
