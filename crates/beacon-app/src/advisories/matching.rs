//! The inventory against the advisories: builds the matching index over partners'
//! products, joins CISA KEV entries to the product data of NVD records and CSAF documents
//! that name the same CVE, and replaces the stored matches.
//!
//! A KEV entry names a vendor and product in words only, so on its own it matches with
//! `possible` confidence; joined to an NVD record's CPE configurations it matches with the
//! record's precision. The NVD record and CSAF documents for a CVE in KEV take KEV's due
//! date and ransomware flag.

use beacon_core::{Advisory, AdvisorySource, Asset};
use beacon_match::engine::{Index, InventoryProduct, Match};
use beacon_store::advisories::StoredAdvisory;
use beacon_store::advisories::{AdvisoryFilter, MatchFilter, MatchRecord, StoredMatch};
use beacon_store::{Store, StoreError};
use std::collections::{BTreeMap, BTreeSet};

/// One advisory's matches before and after matching again, for the notices.
#[derive(Debug, Clone)]
pub struct Rematched {
    /// The advisory as stored.
    pub stored: StoredAdvisory,
    /// The advisory with what KEV and the records it was joined to add.
    pub effective: Advisory,
    /// Its matches before (only those of the organisations matched again).
    pub before: Vec<StoredMatch>,
    /// Its matches now (likewise).
    pub after: Vec<StoredMatch>,
}

/// Fills in the CPE derived from vendor, product and version for products named that
/// way, so they can be matched against CPE criteria. The partner's own words stay.
pub fn derive_cpes(asset: &mut Asset) {
    for product in &mut asset.products {
        product.derived_cpe = match (&product.cpe, &product.vendor, &product.product) {
            (None, Some(vendor), Some(name)) => {
                beacon_match::cpe::derive_cpe(vendor, name, product.version.as_deref())
            }
            _ => None,
        };
    }
}

/// The products of every asset (one organisation's when given), as the index takes them.
pub fn inventory_products(
    store: &mut dyn Store,
    organisation_ids: Option<&[i64]>,
) -> Result<Vec<InventoryProduct>, StoreError> {
    let rows = match organisation_ids {
        None => store.inventory_rows(None)?,
        Some(ids) => {
            let mut rows = Vec::new();
            for id in ids {
                rows.extend(store.inventory_rows(Some(*id))?);
            }
            rows
        }
    };
    Ok(rows
        .into_iter()
        .map(|row| InventoryProduct {
            organisation_id: row.organisation_id,
            asset_id: row.asset_id,
            product_id: row.product_id,
            entry: row.entry,
        })
        .collect())
}

/// The advisory with what the others naming its CVEs add: KEV takes their product
/// data in place of its own vendor and product in words; NVD records and CSAF documents
/// take KEV's due date, ransomware flag and priority. Advisories that failed CSAF's
/// mandatory tests add nothing.
pub fn join_by_cve(target: &StoredAdvisory, related: &[&StoredAdvisory]) -> Advisory {
    let mut advisory = target.advisory.clone();
    let mut joined = Vec::new();
    for other in related {
        if other.id == target.id || !other.is_usable() {
            continue;
        }
        let shared: Vec<String> = other
            .advisory
            .cves
            .iter()
            .filter(|cve| target.advisory.cves.contains(cve))
            .cloned()
            .collect();
        if shared.is_empty() {
            continue;
        }
        match (target.advisory.source, other.advisory.source) {
            (AdvisorySource::Kev, AdvisorySource::Nvd | AdvisorySource::Csaf) => {
                for applicability in &other.advisory.applicability {
                    let mut applicability = applicability.clone();
                    if applicability.cves.is_empty() {
                        applicability.cves = shared.clone();
                    }
                    if !joined.contains(&applicability) {
                        joined.push(applicability);
                    }
                }
                for criterion in &other.advisory.not_affected {
                    if !advisory.not_affected.contains(criterion) {
                        advisory.not_affected.push(criterion.clone());
                    }
                }
            }
            (AdvisorySource::Nvd | AdvisorySource::Csaf, AdvisorySource::Kev) => {
                advisory.due = advisory.due.or(other.advisory.due);
                advisory.ransomware |= other.advisory.ransomware;
                advisory.priority = advisory.priority.max(other.advisory.priority);
            }
            _ => {}
        }
    }
    if !joined.is_empty() {
        // Product data with versions supersedes KEV's vendor and product in words: a
        // partner running a fixed version is no longer matched by name alone.
        advisory.applicability = joined;
    }
    advisory
}

/// True when a KEV entry covers every CVE of this NVD record, so the KEV entry's notice
/// speaks for it and the record sends none of its own.
pub fn covered_by_kev(target: &StoredAdvisory, related: &[&StoredAdvisory]) -> bool {
    target.advisory.source == AdvisorySource::Nvd
        && !target.advisory.cves.is_empty()
        && target.advisory.cves.iter().all(|cve| {
            related.iter().any(|other| {
                other.advisory.source == AdvisorySource::Kev && other.advisory.cves.contains(cve)
            })
        })
}

/// Every stored advisory sharing a CVE with `target` (itself included).
pub fn related_to(
    store: &mut dyn Store,
    target: &StoredAdvisory,
) -> Result<Vec<StoredAdvisory>, StoreError> {
    let mut related: BTreeMap<i64, StoredAdvisory> = BTreeMap::new();
    for cve in &target.advisory.cves {
        for other in store.advisories(&AdvisoryFilter {
            cve: Some(cve.clone()),
            ..AdvisoryFilter::default()
        })? {
            related.insert(other.id, other);
        }
    }
    Ok(related.into_values().collect())
}

/// Matches the given products' index against one advisory.
fn records(index: &Index, advisory_id: i64, effective: &Advisory) -> Vec<MatchRecord> {
    index
        .match_advisory(effective)
        .into_iter()
        .map(|found: Match| MatchRecord {
            advisory_id,
            organisation_id: found.organisation_id,
            asset_id: found.asset_id,
            product_id: found.product_id,
            confidence: found.confidence,
            reason: found.reason,
            criterion: found.criterion,
            cves: found.cves,
        })
        .collect()
}

/// The effective form of every stored advisory, joined by CVE in memory (one read of
/// the advisories instead of one per CVE).
fn effective_all(advisories: &[StoredAdvisory]) -> Vec<Advisory> {
    let mut by_cve: BTreeMap<&str, Vec<&StoredAdvisory>> = BTreeMap::new();
    for stored in advisories {
        for cve in &stored.advisory.cves {
            by_cve.entry(cve.as_str()).or_default().push(stored);
        }
    }
    advisories
        .iter()
        .map(|stored| {
            let mut related: Vec<&StoredAdvisory> = stored
                .advisory
                .cves
                .iter()
                .flat_map(|cve| by_cve.get(cve.as_str()).into_iter().flatten().copied())
                .collect();
            related.sort_by_key(|o| o.id);
            related.dedup_by_key(|o| o.id);
            join_by_cve(stored, &related)
        })
        .collect()
}

/// Matches the advisories named (and those sharing a CVE with them, whose joined form
/// depends on them: a new NVD record changes its KEV entry's matches) against every
/// partner's inventory, and replaces their stored matches. Advisories that failed CSAF's
/// mandatory tests match nothing. Reads the advisories and matches once, so a whole
/// catalogue costs a few queries, not a few per entry.
pub fn rematch_advisories(
    store: &mut dyn Store,
    advisory_ids: &[i64],
) -> Result<Vec<Rematched>, StoreError> {
    if advisory_ids.is_empty() {
        return Ok(Vec::new());
    }
    let advisories = store.advisories(&AdvisoryFilter::default())?;
    let named: BTreeSet<i64> = advisory_ids.iter().copied().collect();
    let named_cves: BTreeSet<&str> = advisories
        .iter()
        .filter(|a| named.contains(&a.id))
        .flat_map(|a| a.advisory.cves.iter().map(String::as_str))
        .collect();
    let targets: BTreeSet<i64> = advisories
        .iter()
        .filter(|a| {
            named.contains(&a.id)
                || a.advisory
                    .cves
                    .iter()
                    .any(|cve| named_cves.contains(cve.as_str()))
        })
        .map(|a| a.id)
        .collect();
    let effective = effective_all(&advisories);
    let index = Index::build(&inventory_products(store, None)?);
    let mut records_all = Vec::new();
    for (stored, effective) in advisories.iter().zip(&effective) {
        if targets.contains(&stored.id) && stored.is_usable() {
            records_all.extend(records(&index, stored.id, effective));
        }
    }
    let before_all = store.matches(&MatchFilter::default())?;
    let ids: Vec<i64> = targets.iter().copied().collect();
    store.replace_advisory_matches(&ids, &records_all)?;
    let after_all = store.matches(&MatchFilter::default())?;
    Ok(pair_up(
        advisories,
        effective,
        &targets,
        &before_all,
        &after_all,
    ))
}

/// Every stored match of the organisations named.
fn matches_of(
    store: &mut dyn Store,
    organisation_ids: &[i64],
) -> Result<Vec<StoredMatch>, StoreError> {
    let mut found = Vec::new();
    for id in organisation_ids {
        found.extend(store.matches(&MatchFilter {
            organisation_id: Some(*id),
            advisory_id: None,
        })?);
    }
    Ok(found)
}

/// Each advisory in `keep` with its effective form and its matches before and after.
fn pair_up(
    advisories: Vec<StoredAdvisory>,
    effective: Vec<Advisory>,
    keep: &BTreeSet<i64>,
    before: &[StoredMatch],
    after: &[StoredMatch],
) -> Vec<Rematched> {
    let of = |matches: &[StoredMatch], id: i64| -> Vec<StoredMatch> {
        matches
            .iter()
            .filter(|m| m.record.advisory_id == id)
            .cloned()
            .collect()
    };
    advisories
        .into_iter()
        .zip(effective)
        .filter(|(stored, _)| keep.contains(&stored.id))
        .map(|(stored, effective)| Rematched {
            before: of(before, stored.id),
            after: of(after, stored.id),
            stored,
            effective,
        })
        .collect()
}

/// Matches the organisations named against every advisory after their inventories
/// changed, and replaces their stored matches. Returns, for every advisory that matched
/// them before or now, the matches of those organisations before and after.
pub fn rematch_organisations(
    store: &mut dyn Store,
    organisation_ids: &[i64],
) -> Result<Vec<Rematched>, StoreError> {
    let index = Index::build(&inventory_products(store, Some(organisation_ids))?);
    let advisories = store.advisories(&AdvisoryFilter::default())?;
    let effective = effective_all(&advisories);
    let before_all = matches_of(store, organisation_ids)?;
    let mut records_all = Vec::new();
    for (stored, effective) in advisories.iter().zip(&effective) {
        if stored.is_usable() {
            records_all.extend(records(&index, stored.id, effective));
        }
    }
    store.replace_organisation_matches(organisation_ids, &records_all)?;
    let after_all = matches_of(store, organisation_ids)?;
    let touched: BTreeSet<i64> = before_all
        .iter()
        .chain(&after_all)
        .map(|m| m.record.advisory_id)
        .collect();
    Ok(pair_up(
        advisories,
        effective,
        &touched,
        &before_all,
        &after_all,
    ))
}

/// Matches every advisory against every inventory from scratch (after an upgrade of the
/// matching rules, say), replacing every stored match. Returns the matches stored.
pub fn rematch_everything(store: &mut dyn Store) -> Result<u64, StoreError> {
    let index = Index::build(&inventory_products(store, None)?);
    let advisories = store.advisories(&AdvisoryFilter::default())?;
    let effective = effective_all(&advisories);
    let mut records_all = Vec::new();
    for (stored, effective) in advisories.iter().zip(&effective) {
        if stored.is_usable() {
            records_all.extend(records(&index, stored.id, effective));
        }
    }
    let ids: Vec<i64> = advisories.iter().map(|a| a.id).collect();
    store.replace_advisory_matches(&ids, &records_all)?;
    Ok(records_all.len() as u64)
}
