//! The advice a reporter is shown at the end: published items of the advice library
//! whose threats suit what happened and whose audience suits a resident or a business
//! (a business's own sector first).

use super::answers::Report;
use beacon_core::front_door::ReporterKind;
use beacon_core::protect::Audience;
use beacon_store::{AdviceFilter, AdviceLibrary, StoreResult, StoredAdvice};

/// The most items shown.
pub const ADVICE_SHOWN: usize = 3;

/// The slug of the library's general item on where to report, shown when nothing else
/// suits.
pub const WHERE_TO_REPORT: &str = "where-to-report";

/// Whether an item is for this kind of reporter.
fn suits(stored: &StoredAdvice, reporter: ReporterKind) -> bool {
    let audiences = &stored.item.audiences;
    match reporter {
        ReporterKind::Business => audiences.contains(&Audience::Smes),
        ReporterKind::Resident => audiences
            .iter()
            .any(|audience| !matches!(audience, Audience::Smes | Audience::PartnerStaff)),
    }
}

/// Up to [`ADVICE_SHOWN`] published items for the report, most relevant first: by the
/// threats in the order `what` lists them, a business's own sector before others, then
/// by title; the general where-to-report item when nothing suits.
pub fn advice_for(
    store: &mut dyn AdviceLibrary,
    report: &Report,
) -> StoreResult<Vec<StoredAdvice>> {
    let published = store.advice_list(&AdviceFilter {
        threat: None,
        audience: None,
        published: Some(true),
    })?;
    let sector = report.sector.and_then(|sector| sector.advice_sector());
    let mut chosen: Vec<(usize, bool, &StoredAdvice)> = published
        .iter()
        .filter(|stored| suits(stored, report.reporter))
        .filter_map(|stored| {
            let rank = report
                .what
                .threats()
                .iter()
                .position(|threat| stored.item.threats.contains(threat))?;
            let other_sector = !stored.item.sectors.is_empty()
                && !sector.is_some_and(|sector| stored.item.sectors.contains(sector));
            Some((rank, other_sector, stored))
        })
        .collect();
    chosen.sort_by(|a, b| (a.0, a.1, &a.2.item.title).cmp(&(b.0, b.1, &b.2.item.title)));
    let mut items: Vec<StoredAdvice> = chosen
        .into_iter()
        .take(ADVICE_SHOWN)
        .map(|(_, _, stored)| stored.clone())
        .collect();
    if items.is_empty()
        && let Some(general) = published.iter().find(|s| s.item.slug == WHERE_TO_REPORT)
    {
        items.push(general.clone());
    }
    Ok(items)
}
