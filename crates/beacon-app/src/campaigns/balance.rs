//! The balance table of a launched trial: how its recipients fell across the arms on the
//! attributes it was stratified by, and on district, so that a reader can see that the
//! arms started alike. Made from counts kept with the recipients at launch (their
//! stratum and district), so it stays the same after the contacts are purged.

use beacon_core::{DistrictCode, Districts};
use beacon_evaluation::BalanceTable;
use beacon_evaluation::plan::EvaluationPlan;
use beacon_store::StratumFigures;
use std::collections::BTreeMap;

/// What a recipient without a value is shown as.
const NOT_KNOWN: &str = "not known";

/// The trial's balance table from its recipients' counts by arm, stratum and district;
/// `None` before launch (no recipients). Arms are in the plan's order; a row of recipients
/// in an arm the plan does not name (none are written so) is left out.
pub fn balance(
    plan: &EvaluationPlan,
    figures: &[StratumFigures],
    districts: &Districts,
) -> Option<BalanceTable> {
    let arms: Vec<String> = plan.arms.iter().map(|arm| arm.name.clone()).collect();
    let name = |code: &str| {
        code.parse::<DistrictCode>()
            .ok()
            .and_then(|code| districts.get(&code).map(|district| district.name.clone()))
            .unwrap_or_else(|| code.to_owned())
    };
    balance_of(&arms, &plan.strata, figures, &name)
}

/// [`balance`] for these arms and strata, with districts shown by `district_name`.
fn balance_of(
    arms: &[String],
    strata: &[String],
    figures: &[StratumFigures],
    district_name: &dyn Fn(&str) -> String,
) -> Option<BalanceTable> {
    if figures.is_empty() {
        return None;
    }
    let mut totals = vec![0u64; arms.len()];
    let mut attributes: Vec<String> = strata.to_vec();
    if !attributes.iter().any(|name| name == "district") {
        attributes.push("district".to_owned());
    }
    let mut counts: Vec<BTreeMap<String, Vec<u64>>> = vec![BTreeMap::new(); attributes.len()];
    for row in figures {
        let Some(arm) = arms.iter().position(|name| *name == row.arm) else {
            continue;
        };
        totals[arm] += row.recipients;
        let stratum: Vec<&str> = if strata.is_empty() {
            Vec::new()
        } else {
            row.stratum.split('|').collect()
        };
        for (index, name) in attributes.iter().enumerate() {
            let value = match strata.iter().position(|each| each == name) {
                Some(at) => stratum.get(at).copied().filter(|value| *value != "-"),
                None => row.district.as_deref(),
            };
            let shown = match value {
                Some(code) if name == "district" => district_name(code),
                Some(value) => value.to_owned(),
                None => NOT_KNOWN.to_owned(),
            };
            let per_arm = counts[index]
                .entry(shown)
                .or_insert_with(|| vec![0; arms.len()]);
            per_arm[arm] += row.recipients;
        }
    }
    let named: Vec<(String, BTreeMap<String, Vec<u64>>)> = attributes
        .iter()
        .map(|name| name.replace('_', " "))
        .zip(counts)
        .collect();
    beacon_evaluation::balance_from_counts(arms, &totals, &named).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(arm: &str, stratum: &str, district: Option<&str>, n: u64) -> StratumFigures {
        StratumFigures {
            arm: arm.to_owned(),
            stratum: stratum.to_owned(),
            district: district.map(str::to_owned),
            recipients: n,
        }
    }

    #[test]
    fn strata_and_district_are_counted_per_arm() {
        let arms = ["control".to_owned(), "advice".to_owned()];
        let strata = ["age_band".to_owned()];
        let rows = [
            figures("advice", "70+", Some("E06000016"), 3),
            figures("advice", "-", Some("E07000130"), 1),
            figures("control", "70+", Some("E06000016"), 2),
            figures("control", "18-34", None, 2),
        ];
        let table = balance_of(&arms, &strata, &rows, &|code| format!("district {code}"))
            .expect("launched");
        assert_eq!(table.arms, ["control", "advice"]);
        assert_eq!(table.totals, [4, 4]);
        let shown: Vec<(&str, &str, Vec<u64>)> = table
            .rows
            .iter()
            .map(|row| {
                (
                    row.attribute.as_str(),
                    row.value.as_str(),
                    row.counts.clone(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("age band", "18-34", vec![2, 0]),
                ("age band", "70+", vec![2, 3]),
                ("age band", "not known", vec![0, 1]),
                ("district", "district E06000016", vec![2, 3]),
                ("district", "district E07000130", vec![0, 1]),
                ("district", "not known", vec![2, 0]),
            ]
        );
        assert!(balance_of(&arms, &strata, &[], &str::to_owned).is_none());
    }
}
