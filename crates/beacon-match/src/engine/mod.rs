//! The matching engine: which partners' assets an advisory concerns.
//!
//! Semantics:
//! - An asset is affected by an [`Applicability`] when, for every group of its `all_of`,
//!   some criterion of the group is matched by one of the asset's products, and at least
//!   one matched criterion is `vulnerable`. One [`Match`] is reported per product matched
//!   by a vulnerable criterion; a product found by several applicabilities or criteria
//!   is reported once per advisory, with the surest confidence and every CVE.
//! - A product that a `not_affected` criterion matches with certainty is not reported.
//! - A `Cpe` criterion is the source of a NISTIR 7696 comparison against the product's
//!   CPE (written, or derived from vendor and product, whose guessed part is not
//!   compared); the version attribute is compared as a version, then the
//!   [`VersionBounds`](beacon_core::VersionBounds) apply to the product's version (its
//!   CPE's version, else its purl's, else its version field), all by the generic
//!   ordering.
//! - A `Purl` criterion matches a product purl of the same type, namespace and name
//!   (each type's case rules), qualifiers it gives agreeing; a criterion purl's version
//!   means that version exactly unless bounds are given; versions order by the type's
//!   ecosystem.
//! - A `Named` criterion matches any product whose vendor's first word is the same and
//!   whose product words begin with the criterion's (case, punctuation, `_` and a
//!   leading vendor name ignored): always [`Confidence::Possible`].
//! - [`Confidence::Certain`] needs the names to agree exactly and the version to be
//!   known and decisively inside the range; a missing or incomparable version, or a
//!   product name less specific than the criterion's, gives `Possible`. An asset's
//!   match is only as sure as the least sure group it needed.
//!
//! [`Index`] files the products by CPE vendor and product, purl package and first name
//! word, so a criterion only meets the products that could match it; [`naive_match`]
//! compares every product with every criterion and gives the same answers.

mod evaluate;
mod names;
mod prepare;

use beacon_core::{Advisory, Applicability, Confidence, ProductEntry};
use evaluate::{Hit, evaluate};
use prepare::{PreparedCriterion, PreparedPattern, PreparedProduct, is_plain};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

pub use evaluate::describe_bounds;

/// A product as the store holds it: whose asset it is on, and how the partner named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryProduct {
    /// The partner organisation.
    pub organisation_id: i64,
    /// The asset it runs on.
    pub asset_id: i64,
    /// The product row.
    pub product_id: i64,
    /// How the partner named it.
    pub entry: ProductEntry,
}

/// An asset's product that an advisory concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    /// The partner organisation.
    pub organisation_id: i64,
    /// The affected asset.
    pub asset_id: i64,
    /// The product that matched a vulnerable criterion.
    pub product_id: i64,
    /// How sure the match is.
    pub confidence: Confidence,
    /// Why, in one plain sentence for the partner.
    pub reason: String,
    /// The CVEs it is for.
    pub cves: Vec<String>,
    /// The criterion that matched: its label, or its pattern as written.
    pub criterion: String,
}

/// Which products a criterion could match.
trait Candidates {
    fn products(&self) -> &[PreparedProduct];
    fn candidates(&self, criterion: &PreparedCriterion<'_>, out: &mut Vec<u32>);
}

/// Every product, for the all-pairs oracle.
struct Everything(Vec<PreparedProduct>);

impl Candidates for Everything {
    fn products(&self) -> &[PreparedProduct] {
        &self.0
    }

    fn candidates(&self, _: &PreparedCriterion<'_>, out: &mut Vec<u32>) {
        out.extend(0..self.0.len() as u32);
    }
}

/// The inventory filed for matching, built once and used for every advisory.
#[derive(Debug, Clone, Default)]
pub struct Index {
    products: Vec<PreparedProduct>,
    /// Products by their CPE's vendor and product values.
    by_cpe: HashMap<(String, String), Vec<u32>>,
    /// Products with a CPE whose vendor or product is not a plain value (ANY, NA,
    /// wildcards): every CPE criterion must look at them.
    cpe_unkeyed: Vec<u32>,
    /// Every product with a CPE, for criteria whose vendor or product is not plain.
    cpe_all: Vec<u32>,
    /// Products by their purl's type, namespace and name.
    by_purl: HashMap<(String, String, String), Vec<u32>>,
    /// Products by the first word of each loose name.
    by_word: HashMap<String, Vec<u32>>,
}

impl Index {
    /// Files every product once.
    pub fn build(products: &[InventoryProduct]) -> Index {
        let mut index = Index {
            products: products.iter().map(PreparedProduct::new).collect(),
            ..Index::default()
        };
        for (position, product) in index.products.iter().enumerate() {
            let position = position as u32;
            if product.cpe.is_some() {
                index.cpe_all.push(position);
                match product.cpe_key() {
                    Some(key) => index.by_cpe.entry(key).or_default().push(position),
                    None => index.cpe_unkeyed.push(position),
                }
            }
            if let Some(purl) = &product.purl {
                index
                    .by_purl
                    .entry(purl.package_key())
                    .or_default()
                    .push(position);
            }
            let mut words: Vec<&str> = product.names.iter().map(|name| name.key()).collect();
            words.sort_unstable();
            words.dedup();
            for word in words {
                index
                    .by_word
                    .entry(word.to_owned())
                    .or_default()
                    .push(position);
            }
        }
        index
    }

    /// How many products the index holds.
    pub fn len(&self) -> usize {
        self.products.len()
    }

    /// True when the inventory is empty.
    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// The products of the inventory that `advisory` concerns, sorted by organisation,
    /// asset and product.
    pub fn match_advisory(&self, advisory: &Advisory) -> Vec<Match> {
        match_with(self, advisory)
    }

    /// Every advisory's matches, each with the advisory's position in `advisories`.
    pub fn match_all(&self, advisories: &[Advisory]) -> Vec<(usize, Match)> {
        advisories
            .iter()
            .enumerate()
            .flat_map(|(position, advisory)| {
                self.match_advisory(advisory)
                    .into_iter()
                    .map(move |found| (position, found))
            })
            .collect()
    }
}

impl Candidates for Index {
    fn products(&self) -> &[PreparedProduct] {
        &self.products
    }

    fn candidates(&self, criterion: &PreparedCriterion<'_>, out: &mut Vec<u32>) {
        match &criterion.pattern {
            PreparedPattern::Cpe(cpe) => {
                if let (Some(vendor), Some(product)) =
                    (cpe.vendor().literal(), cpe.product().literal())
                {
                    if let Some(found) = self.by_cpe.get(&(vendor, product)) {
                        out.extend_from_slice(found);
                    }
                    out.extend_from_slice(&self.cpe_unkeyed);
                } else {
                    debug_assert!(!is_plain(cpe.vendor()) || !is_plain(cpe.product()));
                    out.extend_from_slice(&self.cpe_all);
                }
            }
            PreparedPattern::Purl(purl) => {
                if let Some(found) = self.by_purl.get(&purl.package_key()) {
                    out.extend_from_slice(found);
                }
            }
            PreparedPattern::Named(name) => {
                if let Some(found) = self.by_word.get(name.key()) {
                    out.extend_from_slice(found);
                }
            }
            PreparedPattern::Unreadable => {}
        }
    }
}

/// Compares every product with every criterion of `advisory`: the slow, obviously
/// complete answer that [`Index::match_advisory`] must equal (the oracle for tests and
/// the benchmark's baseline).
pub fn naive_match(products: &[InventoryProduct], advisory: &Advisory) -> Vec<Match> {
    let everything = Everything(products.iter().map(PreparedProduct::new).collect());
    match_with(&everything, advisory)
}

/// What one asset has matched of one applicability.
struct AssetState {
    /// The surest confidence each group was matched with.
    groups: Vec<Option<Confidence>>,
    /// Products matched by vulnerable criteria: (product position, hit, criterion).
    vulnerable: Vec<(u32, Hit, usize)>,
}

fn cves_of(applicability: &Applicability, advisory: &Advisory) -> Vec<String> {
    if applicability.cves.is_empty() {
        advisory.cves.clone()
    } else {
        applicability.cves.clone()
    }
}

fn match_with(source: &impl Candidates, advisory: &Advisory) -> Vec<Match> {
    let products = source.products();
    let mut candidates = Vec::new();
    let mut found: BTreeMap<(i64, i64, i64), Match> = BTreeMap::new();
    for applicability in &advisory.applicability {
        let groups = applicability.all_of.len();
        if groups == 0 {
            continue;
        }
        let criteria: Vec<Vec<PreparedCriterion<'_>>> = applicability
            .all_of
            .iter()
            .map(|group| group.iter().map(PreparedCriterion::new).collect())
            .collect();
        let flat: Vec<&PreparedCriterion<'_>> = criteria.iter().flatten().collect();
        let mut assets: HashMap<(i64, i64), AssetState> = HashMap::new();
        let mut flat_index = 0;
        for (group, group_criteria) in criteria.iter().enumerate() {
            for criterion in group_criteria {
                candidates.clear();
                source.candidates(criterion, &mut candidates);
                for &position in &candidates {
                    let product = &products[position as usize];
                    let Some(hit) = evaluate(criterion, product) else {
                        continue;
                    };
                    let state = assets
                        .entry((product.organisation_id, product.asset_id))
                        .or_insert_with(|| AssetState {
                            groups: vec![None; groups],
                            vulnerable: Vec::new(),
                        });
                    let best = &mut state.groups[group];
                    *best = Some(best.map_or(hit.confidence, |b| b.max(hit.confidence)));
                    if criterion.vulnerable {
                        state.vulnerable.push((position, hit, flat_index));
                    }
                }
                flat_index += 1;
            }
        }
        let cves = cves_of(applicability, advisory);
        for state in assets.into_values() {
            let Some(least) = state
                .groups
                .iter()
                .copied()
                .collect::<Option<Vec<Confidence>>>()
                .and_then(|all| all.into_iter().min())
            else {
                continue;
            };
            for (position, hit, criterion) in state.vulnerable {
                let product = &products[position as usize];
                let confidence = hit.confidence.min(least);
                let reason = if confidence < hit.confidence {
                    format!(
                        "{}; what it must run with matched only possibly",
                        hit.reason
                    )
                } else {
                    hit.reason
                };
                let candidate = Match {
                    organisation_id: product.organisation_id,
                    asset_id: product.asset_id,
                    product_id: product.product_id,
                    confidence,
                    reason,
                    cves: cves.clone(),
                    criterion: flat[criterion].text.clone(),
                };
                let key = (
                    product.organisation_id,
                    product.asset_id,
                    product.product_id,
                );
                match found.get_mut(&key) {
                    None => {
                        found.insert(key, candidate);
                    }
                    Some(existing) => merge(existing, candidate),
                }
            }
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    let excluded = not_affected(source, advisory);
    found
        .into_iter()
        .filter(|(key, _)| !excluded.contains(key))
        .map(|(_, found)| found)
        .collect()
}

/// Keeps the surer of two matches of one product (on a tie the first by criterion
/// text and reason, so the answer never depends on hash order) and every CVE of both.
fn merge(existing: &mut Match, other: Match) {
    let mut cves = std::mem::take(&mut existing.cves);
    cves.extend(other.cves.iter().cloned());
    cves.sort();
    cves.dedup();
    if other.confidence > existing.confidence
        || (other.confidence == existing.confidence
            && (other.criterion.as_str(), other.reason.as_str())
                < (existing.criterion.as_str(), existing.reason.as_str()))
    {
        *existing = other;
    }
    existing.cves = cves;
}

/// The products a `not_affected` criterion matches with certainty.
fn not_affected(
    source: &impl Candidates,
    advisory: &Advisory,
) -> std::collections::HashSet<(i64, i64, i64)> {
    let products = source.products();
    let mut excluded = std::collections::HashSet::new();
    let mut candidates = Vec::new();
    for criterion in &advisory.not_affected {
        let criterion = PreparedCriterion::new(criterion);
        candidates.clear();
        source.candidates(&criterion, &mut candidates);
        for &position in &candidates {
            let product = &products[position as usize];
            if evaluate(&criterion, product)
                .is_some_and(|hit| hit.confidence == Confidence::Certain)
            {
                excluded.insert((
                    product.organisation_id,
                    product.asset_id,
                    product.product_id,
                ));
            }
        }
    }
    excluded
}
