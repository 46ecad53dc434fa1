//! Products and criteria read once into the forms matching compares: parsed CPEs and
//! purls, the version to test, loose names.

use super::InventoryProduct;
use super::names::LooseName;
use crate::cpe::{Attribute, Cpe, derive_cpe};
use crate::purl::Purl;
use crate::vers::VersRange;
use beacon_core::{Criterion, ProductPattern, VersionBounds};

/// A product as matching sees it.
#[derive(Debug, Clone)]
pub(crate) struct PreparedProduct {
    pub organisation_id: i64,
    pub asset_id: i64,
    pub product_id: i64,
    /// Its CPE: the one written, else the derived one, else one derived here.
    pub cpe: Option<Cpe>,
    /// True when Beacon derived the CPE (its part, always `a`, is a guess and is not
    /// compared).
    pub cpe_derived: bool,
    pub purl: Option<Purl>,
    /// The version as text: the CPE's version value, else the purl's, else the
    /// version field.
    pub version: Option<String>,
    /// Every loose name it goes by (written vendor and product, CPE, purl).
    pub names: Vec<LooseName>,
    /// How reasons name it, e.g. `FortiOS`.
    pub label: String,
}

fn non_empty(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

impl PreparedProduct {
    pub(crate) fn new(product: &InventoryProduct) -> PreparedProduct {
        let entry = &product.entry;
        let written = non_empty(&entry.cpe).and_then(|text| Cpe::parse(text).ok());
        let (cpe, cpe_derived) = match written {
            Some(cpe) => (Some(cpe), false),
            None => {
                let derived = non_empty(&entry.derived_cpe)
                    .map(str::to_owned)
                    .or_else(|| {
                        derive_cpe(
                            non_empty(&entry.vendor)?,
                            non_empty(&entry.product)?,
                            non_empty(&entry.version),
                        )
                    })
                    .and_then(|text| Cpe::parse(&text).ok());
                let derived_flag = derived.is_some();
                (derived, derived_flag)
            }
        };
        let purl = non_empty(&entry.purl).and_then(|text| Purl::parse_lenient(text).ok());
        let version = cpe
            .as_ref()
            .and_then(|cpe| cpe.version().literal())
            .or_else(|| purl.as_ref().and_then(|purl| purl.version.clone()))
            .or_else(|| non_empty(&entry.version).map(str::to_owned));
        let mut names = Vec::new();
        if let (Some(vendor), Some(name)) = (non_empty(&entry.vendor), non_empty(&entry.product)) {
            names.extend(LooseName::new(vendor, name));
        }
        if let Some(cpe) = &cpe
            && let (Some(vendor), Some(name)) = (cpe.vendor().literal(), cpe.product().literal())
        {
            names.extend(LooseName::new(&vendor, &name));
        }
        if let Some(purl) = &purl {
            names.extend(LooseName::new(
                purl.namespace.as_deref().unwrap_or(""),
                &purl.name,
            ));
        }
        names.dedup();
        let label = non_empty(&entry.product)
            .map(str::to_owned)
            .or_else(|| cpe.as_ref().and_then(|cpe| cpe.product().literal()))
            .or_else(|| purl.as_ref().map(|purl| purl.name.clone()))
            .unwrap_or_else(|| entry.describe());
        PreparedProduct {
            organisation_id: product.organisation_id,
            asset_id: product.asset_id,
            product_id: product.product_id,
            cpe,
            cpe_derived,
            purl,
            version,
            names,
            label,
        }
    }

    /// The product's vendor and product as an index keys them, when both are plain
    /// values.
    pub(crate) fn cpe_key(&self) -> Option<(String, String)> {
        let cpe = self.cpe.as_ref()?;
        Some((cpe.vendor().literal()?, cpe.product().literal()?))
    }
}

/// What a criterion names, parsed.
#[derive(Debug, Clone)]
pub(crate) enum PreparedPattern {
    Cpe(Cpe),
    Purl(Purl),
    Named(LooseName),
    /// A CPE or purl that does not parse, or a name without words: matches nothing.
    Unreadable,
}

/// A criterion as matching sees it.
#[derive(Debug, Clone)]
pub(crate) struct PreparedCriterion<'a> {
    pub pattern: PreparedPattern,
    pub bounds: &'a VersionBounds,
    /// The `vers` range, when given and readable (`Err` keeps an unreadable one, which
    /// makes every version's answer unknown).
    pub vers: Option<Result<VersRange, String>>,
    pub vulnerable: bool,
    /// The criterion's label, or its pattern as written.
    pub text: String,
}

impl<'a> PreparedCriterion<'a> {
    pub(crate) fn new(criterion: &'a Criterion) -> PreparedCriterion<'a> {
        let (pattern, written) = match &criterion.pattern {
            ProductPattern::Cpe { cpe } => (
                Cpe::parse(cpe.trim()).map_or(PreparedPattern::Unreadable, PreparedPattern::Cpe),
                cpe.clone(),
            ),
            ProductPattern::Purl { purl } => (
                Purl::parse_lenient(purl)
                    .map_or(PreparedPattern::Unreadable, PreparedPattern::Purl),
                purl.clone(),
            ),
            ProductPattern::Named { vendor, product } => (
                LooseName::new(vendor, product)
                    .filter(|name| !name.vendor.is_empty())
                    .map_or(PreparedPattern::Unreadable, PreparedPattern::Named),
                format!("{vendor} {product}"),
            ),
        };
        let vers = criterion
            .versions
            .vers
            .as_deref()
            .map(|text| VersRange::parse(text).map_err(|e| e.reason));
        PreparedCriterion {
            pattern,
            bounds: &criterion.versions,
            vers,
            vulnerable: criterion.vulnerable,
            text: if criterion.label.trim().is_empty() {
                written
            } else {
                criterion.label.clone()
            },
        }
    }
}

/// True when an attribute is a plain value an index can key on.
pub(crate) fn is_plain(attribute: &Attribute) -> bool {
    attribute.literal().is_some()
}
