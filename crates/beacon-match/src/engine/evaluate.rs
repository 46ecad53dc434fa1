//! One criterion against one product: whether it matches, how surely, and why in words.

use super::prepare::{PreparedCriterion, PreparedPattern, PreparedProduct};
use crate::cpe::{Attribute, AttributeRelation, Cpe, Piece, compare_attributes};
use crate::version::{self, Scheme};
use beacon_core::{Confidence, VersionBounds};
use std::cmp::Ordering;

/// A criterion matched by a product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    pub confidence: Confidence,
    pub reason: String,
}

/// Where the product's version stands against the criterion's versions.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Inside,
    Outside,
    /// Why the answer is not known.
    Unknown(String),
}

impl Verdict {
    fn and(self, other: Verdict) -> Verdict {
        match (self, other) {
            (Verdict::Outside, _) | (_, Verdict::Outside) => Verdict::Outside,
            (Verdict::Unknown(why), _) | (_, Verdict::Unknown(why)) => Verdict::Unknown(why),
            _ => Verdict::Inside,
        }
    }
}

/// A criterion's versions in words for reasons and pages: "7.2.0 to before 7.2.5",
/// "before 5.36"; `None` when nothing narrows them.
pub fn describe_bounds(bounds: &VersionBounds) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(exact) = &bounds.exact {
        parts.push(format!("exactly {exact}"));
    }
    let start = bounds.start_including.clone().or_else(|| {
        bounds
            .start_excluding
            .as_ref()
            .map(|v| format!("after {v}"))
    });
    let end = bounds
        .end_excluding
        .as_ref()
        .map(|v| format!("before {v}"))
        .or_else(|| bounds.end_including.as_ref().map(|v| format!("up to {v}")));
    match (start, end) {
        (Some(start), Some(end)) => parts.push(format!("{start} to {end}")),
        (Some(start), None) if bounds.start_including.is_some() => {
            parts.push(format!("{start} and later"))
        }
        (Some(start), None) => parts.push(start),
        (None, Some(end)) => parts.push(end),
        (None, None) => {}
    }
    if let Some(vers) = &bounds.vers {
        parts.push(vers.clone());
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn bound(
    scheme: Scheme,
    version: &str,
    limit: &Option<String>,
    inside: fn(Ordering) -> bool,
) -> Verdict {
    let Some(limit) = limit else {
        return Verdict::Inside;
    };
    let order = if version.eq_ignore_ascii_case(limit) {
        Some(Ordering::Equal)
    } else {
        version::compare(scheme, version, limit)
    };
    match order {
        Some(order) if inside(order) => Verdict::Inside,
        Some(_) => Verdict::Outside,
        None => Verdict::Unknown(format!("{version} cannot be compared with {limit}")),
    }
}

/// The product's version against the bounds and `vers` range.
fn check_bounds(
    criterion: &PreparedCriterion<'_>,
    scheme: Scheme,
    version: Option<&str>,
) -> Verdict {
    let bounds = criterion.bounds;
    if bounds.is_empty() {
        return Verdict::Inside;
    }
    let Some(version) = version else {
        return Verdict::Unknown("its version is not known".into());
    };
    let mut verdict = bound(scheme, version, &bounds.start_including, |o| o.is_ge())
        .and(bound(scheme, version, &bounds.start_excluding, |o| {
            o.is_gt()
        }))
        .and(bound(scheme, version, &bounds.end_including, |o| o.is_le()))
        .and(bound(scheme, version, &bounds.end_excluding, |o| o.is_lt()))
        .and(bound(scheme, version, &bounds.exact, |o| o.is_eq()));
    if let Some(vers) = &criterion.vers {
        verdict = verdict.and(match vers {
            Ok(range) => match range.contains(version) {
                Some(true) => Verdict::Inside,
                Some(false) => Verdict::Outside,
                None => Verdict::Unknown(format!("{version} cannot be compared with {range}")),
            },
            Err(reason) => {
                Verdict::Unknown(format!("the advisory's range is unreadable ({reason})"))
            }
        });
    }
    verdict
}

fn glob(pattern: &[Piece], text: &str) -> bool {
    let text: Vec<Piece> = text.to_lowercase().chars().map(Piece::Literal).collect();
    let target = Attribute::Value(text);
    matches!(
        compare_attributes(&Attribute::Value(pattern.to_vec()), &target),
        AttributeRelation::Equal | AttributeRelation::Superset
    )
}

/// The criterion's version attribute against the product's version.
fn check_cpe_version(source: &Attribute, product: &PreparedProduct) -> Verdict {
    let target_na = product
        .cpe
        .as_ref()
        .is_some_and(|cpe| *cpe.version() == Attribute::Na);
    match source {
        Attribute::Any => Verdict::Inside,
        Attribute::Na if target_na => Verdict::Inside,
        Attribute::Na => match &product.version {
            Some(_) => Verdict::Outside,
            None => Verdict::Unknown("its version is not known".into()),
        },
        Attribute::Value(pattern) => match &product.version {
            Some(version) if glob(pattern, version) => Verdict::Inside,
            Some(_) => Verdict::Outside,
            None if target_na => Verdict::Outside,
            None => Verdict::Unknown("its version is not known".into()),
        },
    }
}

/// NISTIR 7696 over every attribute but the version (compared as a version instead)
/// and, for a derived CPE, the part. `None` when some attribute is DISJOINT; else true
/// when every attribute is SUPERSET or EQUAL (the names agree exactly).
fn cpe_names_agree(source: &Cpe, product: &PreparedProduct, target: &Cpe) -> Option<bool> {
    // Vendor and product first: they reject almost every pair.
    let mut exact = true;
    for index in [1, 2, 0, 4, 5, 6, 7, 8, 9, 10] {
        if index == 0 && product.cpe_derived {
            continue;
        }
        match compare_attributes(&source.attributes[index], &target.attributes[index]) {
            AttributeRelation::Disjoint => return None,
            AttributeRelation::Equal | AttributeRelation::Superset => {}
            AttributeRelation::Subset | AttributeRelation::Undefined => exact = false,
        }
    }
    Some(exact)
}

fn range_words(criterion: &PreparedCriterion<'_>, pattern_version: Option<String>) -> String {
    describe_bounds(criterion.bounds)
        .or(pattern_version.map(|v| format!("version {v}")))
        .unwrap_or_else(|| "every version".into())
}

fn finish(
    product: &PreparedProduct,
    names_exact: bool,
    verdict: Verdict,
    range: String,
    shown: &str,
) -> Option<Hit> {
    let version = product.version.as_deref().unwrap_or("(version not known)");
    let label = &product.label;
    match verdict {
        Verdict::Outside => None,
        Verdict::Inside if names_exact => Some(Hit {
            confidence: Confidence::Certain,
            reason: if range == "every version" {
                format!("{label} {version} is affected in every version ({shown})")
            } else {
                format!("{label} {version} is in the affected range {range} ({shown})")
            },
        }),
        Verdict::Inside => Some(Hit {
            confidence: Confidence::Possible,
            reason: format!(
                "{label} {version} may be the affected product ({shown}, {range}): its name is less specific than the advisory's"
            ),
        }),
        Verdict::Unknown(why) => Some(Hit {
            confidence: Confidence::Possible,
            reason: format!("{label} may be affected ({shown}, {range}): {why}",),
        }),
    }
}

/// Evaluates `criterion` against `product`.
pub(crate) fn evaluate(
    criterion: &PreparedCriterion<'_>,
    product: &PreparedProduct,
) -> Option<Hit> {
    match &criterion.pattern {
        PreparedPattern::Cpe(source) => {
            let target = product.cpe.as_ref()?;
            let names_exact = cpe_names_agree(source, product, target)?;
            let verdict = check_cpe_version(source.version(), product).and(check_bounds(
                criterion,
                Scheme::Generic,
                product.version.as_deref(),
            ));
            let range = range_words(criterion, source.version().literal());
            finish(product, names_exact, verdict, range, &source.short())
        }
        PreparedPattern::Purl(source) => {
            let target = product.purl.as_ref()?;
            if source.package_key() != target.package_key() {
                return None;
            }
            if source
                .qualifiers
                .iter()
                .any(|(key, value)| target.qualifiers.get(key).is_some_and(|v| v != value))
            {
                return None;
            }
            let scheme = source.scheme();
            let version = target.version.as_deref().or(product.version.as_deref());
            let mut verdict = check_bounds(criterion, scheme, version);
            if criterion.bounds.is_empty()
                && let Some(wanted) = &source.version
            {
                verdict = match version {
                    Some(have) if have == wanted => Verdict::Inside,
                    Some(have) => match version::compare(scheme, have, wanted) {
                        Some(Ordering::Equal) => Verdict::Inside,
                        Some(_) => Verdict::Outside,
                        None => {
                            Verdict::Unknown(format!("{have} cannot be compared with {wanted}"))
                        }
                    },
                    None => Verdict::Unknown("its version is not known".into()),
                };
            }
            let range = range_words(criterion, source.version.clone());
            finish(product, true, verdict, range, &source.package())
        }
        PreparedPattern::Named(name) => {
            if !product.names.iter().any(|other| name.names(other)) {
                return None;
            }
            let verdict = check_bounds(criterion, Scheme::Generic, product.version.as_deref());
            if verdict == Verdict::Outside {
                return None;
            }
            let version = product.version.as_deref().unwrap_or("(version not known)");
            Some(Hit {
                confidence: Confidence::Possible,
                reason: format!(
                    "{} {version} may be {} named by the advisory: the names agree only loosely, so check it",
                    product.label, criterion.text
                ),
            })
        }
        PreparedPattern::Unreadable => None,
    }
}
