//! Which campaign to run next: the stored reports of the last months ranked into
//! (audience, threat) pairs with their reasons and a proposed campaign
//! (`beacon campaigns targets`, `docs/targeting.md`). The ranking itself is
//! `beacon_analytics::protect::targeting`; this loads what it needs from the store.

use beacon_analytics::protect::{TargetingOptions, Targets, rank_targets};
use beacon_core::Period;
use beacon_store::{Store, StoreResult};
use time::Date;

/// The months the trend compares (the last quarter and the one before), which the
/// facts loaded always cover.
const TREND_MONTHS: u32 = 6;

/// The ranked pairs of the `months` calendar months up to `end` (by default the last
/// stored report's date, or `today` when none is stored), with proposals naming the
/// three districts where each pair's rate is highest.
///
/// # Errors
///
/// When the store fails.
pub fn targets(
    store: &mut dyn Store,
    months: u32,
    end: Option<Date>,
    today: Date,
) -> StoreResult<Targets> {
    let end = match end {
        Some(end) => end,
        None => store.report_date_range()?.map_or(today, |range| range.1),
    };
    let options = TargetingOptions {
        end,
        months: months.max(1),
        top_districts: 3,
    };
    // Facts from the earlier of the window's start and the trend's start.
    let span = options.months.max(TREND_MONTHS);
    let from = TargetingOptions {
        months: span,
        ..options
    }
    .window()
    .from;
    let facts = store.report_facts(Some(Period { from, to: end }))?;
    let districts = store.districts()?;
    Ok(rank_targets(&facts, &districts, options))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::ensure_reference_data;
    use crate::{IngestOptions, ingest_reports};
    use beacon_core::protect::{Audience, Threat};
    use beacon_store::Backend;
    use time::macros::date;

    const REPORTS: &str = "reference,reported_date,fraud_type,victim_type,victim_age,loss_gbp,district_code,tags,summary
T1,2026-10-05,NFIB90,individual,80+,12000,E07000130,courier,SYNTHETIC
T2,2026-11-06,NFIB90,individual,70-79,8000,E07000130,courier,SYNTHETIC
T3,2026-07-07,NFIB90,individual,80+,3000,E06000016,courier,SYNTHETIC
T4,2026-11-08,Mandate fraud,business,,45000,E06000016,,SYNTHETIC
T5,2026-11-09,Dating scam,individual,40-49,5000,E06000016,,SYNTHETIC
T6,2024-01-09,Mandate fraud,business,,90000,E06000016,,SYNTHETIC
";

    #[test]
    fn stored_reports_rank_into_pairs_with_reasons() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let Some(database) = beacon_testing::TestDatabase::fresh(backend, "app_targeting")
            else {
                continue;
            };
            let mut store = database.open();
            ensure_reference_data(store.as_mut()).expect("reference data");
            let options = IngestOptions::new(
                crate::defaults::shipped_rules().expect("shipped rules"),
                date!(2026 - 11 - 29),
            );
            let outcome = ingest_reports(
                store.as_mut(),
                "reports.csv",
                Box::new(std::io::Cursor::new(REPORTS.as_bytes().to_vec())),
                &options,
                &mut |_| {},
            )
            .expect("reports load");
            assert_eq!(outcome.stored, 6, "{backend:?}");
            let targets = targets(store.as_mut(), 12, None, date!(2026 - 12 - 03)).expect("ranked");
            assert_eq!(targets.window.to, date!(2026 - 11 - 09), "{backend:?}");
            let pairs: Vec<(Audience, Threat, u64)> = targets
                .ranked
                .iter()
                .map(|t| (t.audience, t.threat, t.reports))
                .collect();
            assert_eq!(
                pairs,
                vec![
                    (Audience::OlderResidents, Threat::CourierFraud, 3),
                    (Audience::Smes, Threat::InvoiceMandateFraud, 1),
                ],
                "{backend:?}"
            );
            assert_eq!(targets.unranked_reports, 1, "{backend:?}");
            let first = &targets.ranked[0];
            assert!(
                first.reasons[0].starts_with(
                    "Courier fraud against people aged 70 and over: 3 reports in the last 12 months"
                ),
                "{:?}",
                first.reasons
            );
            assert_eq!(first.proposal.districts[0].as_str(), "E07000130");
            let empty = targets_in_empty_months(store.as_mut());
            assert!(empty.ranked.is_empty(), "{backend:?}");
        }
    }

    fn targets_in_empty_months(store: &mut dyn Store) -> Targets {
        targets(store, 3, Some(date!(2025 - 06 - 30)), date!(2026 - 12 - 03)).expect("ranked")
    }
}
