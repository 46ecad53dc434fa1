//! The product tree of a CSAF document as Beacon criteria: which criteria groups stand for
//! each product id.
//!
//! - A product with a CPE (`product_identification_helper/cpe`) is a CPE criterion, one
//!   with a purl a purl criterion, otherwise a named one: the nearest `vendor` branch and
//!   the `product_name` branch (or the full product name) above it.
//! - Version branches narrow it: a `product_version` branch gives an exact version, a
//!   `product_version_range` branch a `vers` range (kept as written even when it is not
//!   in `vers:` form; matching then treats it as not comparable). A CPE or purl that
//!   carries a version of its own is not narrowed further.
//! - A product defined by a relationship (`X installed_on Y`, `X default_component_of Y`,
//!   and likewise the other categories) needs both: its groups are X's groups followed by
//!   Y's groups with every criterion marked not vulnerable (Y is the platform). When the
//!   relationship's own full product name carries a CPE or purl, that identifier alone is
//!   used, as it names the combination exactly.
//!
//! The label of every criterion is the product's full product name.

use beacon_core::{Criterion, ProductPattern, VersionBounds};
use serde_json::Value;
use std::collections::HashMap;

/// What the product tree says about each product id.
#[derive(Debug, Default)]
pub(crate) struct Products {
    /// Product id → the groups (ANDed) of criteria (ORed) standing for it.
    groups: HashMap<String, Vec<Vec<Criterion>>>,
}

/// What the branches above a product said.
#[derive(Debug, Default, Clone)]
struct Path {
    vendor: Option<String>,
    product: Option<String>,
    version: Option<String>,
    range: Option<String>,
}

impl Products {
    /// Reads the product tree of a document (empty when it has none).
    pub(crate) fn of(document: &Value) -> Products {
        let mut products = Products::default();
        let Some(tree) = document.get("product_tree") else {
            return products;
        };
        for branch in list(tree, "branches") {
            products.walk(branch, Path::default());
        }
        for full in list(tree, "full_product_names") {
            products.define(full, &Path::default());
        }
        let relationships: Vec<&Value> = list(tree, "relationships").collect();
        // Relationships may build on each other; resolve in passes until nothing changes.
        for _ in 0..=relationships.len() {
            let before = products.groups.len();
            for relationship in &relationships {
                products.relate(relationship);
            }
            if products.groups.len() == before {
                break;
            }
        }
        products
    }

    /// The groups standing for a product id, if it is defined.
    pub(crate) fn groups(&self, product_id: &str) -> Option<&Vec<Vec<Criterion>>> {
        self.groups.get(product_id)
    }

    fn walk(&mut self, branch: &Value, mut path: Path) {
        let name = text(branch, "name");
        match branch.get("category").and_then(Value::as_str).unwrap_or("") {
            "vendor" => path.vendor = name,
            "product_name" => path.product = name,
            "product_version" => path.version = name,
            "product_version_range" => path.range = name,
            _ => {}
        }
        if let Some(product) = branch.get("product") {
            self.define(product, &path);
        }
        for child in list(branch, "branches") {
            self.walk(child, path.clone());
        }
    }

    fn define(&mut self, full: &Value, path: &Path) {
        let Some(id) = text(full, "product_id") else {
            return;
        };
        let Some(criterion) = criterion(full, path) else {
            return;
        };
        self.groups
            .entry(id)
            .or_insert_with(|| vec![vec![criterion]]);
    }

    fn relate(&mut self, relationship: &Value) {
        let Some(full) = relationship.get("full_product_name") else {
            return;
        };
        let Some(id) = text(full, "product_id") else {
            return;
        };
        if self.groups.contains_key(&id) {
            return;
        }
        let label = text(full, "name").unwrap_or_else(|| id.clone());
        if identified(full) {
            if let Some(criterion) = criterion(full, &Path::default()) {
                self.groups.insert(id, vec![vec![criterion]]);
            }
            return;
        }
        let component = text(relationship, "product_reference").and_then(|r| self.groups.get(&r));
        let platform =
            text(relationship, "relates_to_product_reference").and_then(|r| self.groups.get(&r));
        let (Some(component), Some(platform)) = (component, platform) else {
            return;
        };
        let mut groups: Vec<Vec<Criterion>> = component
            .iter()
            .map(|group| relabel(group, &label, None))
            .collect();
        groups.extend(
            platform
                .iter()
                .map(|group| relabel(group, &label, Some(false))),
        );
        self.groups.insert(id, groups);
    }
}

/// The criteria of a group with a new label (and, for platforms, not vulnerable).
fn relabel(group: &[Criterion], label: &str, vulnerable: Option<bool>) -> Vec<Criterion> {
    group
        .iter()
        .map(|criterion| Criterion {
            label: label.to_owned(),
            vulnerable: vulnerable.unwrap_or(criterion.vulnerable),
            ..criterion.clone()
        })
        .collect()
}

/// True when a full product name carries a CPE or purl.
fn identified(full: &Value) -> bool {
    let helper = full.get("product_identification_helper");
    helper.and_then(|h| text(h, "cpe")).is_some() || helper.and_then(|h| text(h, "purl")).is_some()
}

/// The criterion for one full product name under the branches in `path`.
fn criterion(full: &Value, path: &Path) -> Option<Criterion> {
    let label = text(full, "name").unwrap_or_default();
    let helper = full.get("product_identification_helper");
    let (pattern, versioned) = if let Some(cpe) = helper.and_then(|h| text(h, "cpe")) {
        let versioned = cpe_has_version(&cpe);
        (ProductPattern::Cpe { cpe }, versioned)
    } else if let Some(purl) = helper.and_then(|h| text(h, "purl")) {
        let versioned = purl_has_version(&purl);
        (ProductPattern::Purl { purl }, versioned)
    } else {
        let product = path
            .product
            .clone()
            .or_else(|| (!label.is_empty()).then(|| label.clone()))?;
        let vendor = path.vendor.clone().unwrap_or_default();
        (ProductPattern::Named { vendor, product }, false)
    };
    let versions = if versioned {
        VersionBounds::default()
    } else {
        VersionBounds {
            exact: path.version.clone(),
            vers: path.range.clone(),
            ..VersionBounds::default()
        }
    };
    Some(Criterion {
        pattern,
        versions,
        vulnerable: true,
        label,
    })
}

/// True when a CPE (2.3 or 2.2 URI form) names a version, not ANY.
fn cpe_has_version(cpe: &str) -> bool {
    let version = if let Some(rest) = cpe.strip_prefix("cpe:2.3:") {
        split_cpe(rest).get(3).cloned()
    } else if let Some(rest) = cpe.strip_prefix("cpe:/") {
        rest.split(':').nth(3).map(str::to_owned)
    } else {
        None
    };
    version.is_some_and(|v| !v.is_empty() && v != "*")
}

/// The attributes of a CPE 2.3 formatted string after `cpe:2.3:`, honouring `\:`.
pub(crate) fn split_cpe(rest: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut escaped = false;
    for c in rest.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ':' {
            parts.push(String::new());
            continue;
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts
}

/// True when a purl names a version (`@` in its path part).
fn purl_has_version(purl: &str) -> bool {
    purl.split(['?', '#'])
        .next()
        .is_some_and(|path| path.contains('@'))
}

/// The trimmed, non-empty string at `key`.
fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The items of the array at `key` (none when absent).
fn list<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn branches_relationships_and_identifiers() {
        let document = json!({"product_tree": {
            "branches": [{"category": "vendor", "name": "Example", "branches": [
                {"category": "product_name", "name": "Gateway", "branches": [
                    {"category": "product_version_range", "name": "vers:generic/>=2.0|<2.4.1",
                     "product": {"name": "Example Gateway 2.0 to 2.4.0", "product_id": "GW"}},
                    {"category": "product_version", "name": "2.4.1",
                     "product": {"name": "Example Gateway 2.4.1", "product_id": "GW-FIXED"}}]},
                {"category": "product_name", "name": "OS", "branches": [
                    {"category": "product_version", "name": "7",
                     "product": {"name": "Example OS 7", "product_id": "OS7",
                                 "product_identification_helper": {"cpe": "cpe:2.3:o:example:os:*:*:*:*:*:*:*:*"}}}]}]}],
            "full_product_names": [{"name": "lib", "product_id": "LIB",
                "product_identification_helper": {"purl": "pkg:npm/lib@1.2.3"}}],
            "relationships": [{"category": "installed_on", "product_reference": "GW",
                "relates_to_product_reference": "OS7",
                "full_product_name": {"name": "Gateway on OS 7", "product_id": "GW-ON-OS7"}}]
        }});
        let products = Products::of(&document);
        let gateway = &products.groups("GW").expect("GW")[0][0];
        assert_eq!(
            gateway.pattern,
            ProductPattern::Named {
                vendor: "Example".into(),
                product: "Gateway".into()
            }
        );
        assert_eq!(
            gateway.versions.vers.as_deref(),
            Some("vers:generic/>=2.0|<2.4.1")
        );
        assert_eq!(
            products.groups("GW-FIXED").expect("fixed")[0][0]
                .versions
                .exact
                .as_deref(),
            Some("2.4.1")
        );
        let os = &products.groups("OS7").expect("OS7")[0][0];
        assert_eq!(
            os.versions.exact.as_deref(),
            Some("7"),
            "a CPE with ANY version is narrowed"
        );
        let lib = &products.groups("LIB").expect("LIB")[0][0];
        assert!(
            lib.versions.is_empty(),
            "a purl with a version is not narrowed"
        );
        let combined = products.groups("GW-ON-OS7").expect("relationship");
        assert_eq!(combined.len(), 2);
        assert!(combined[0][0].vulnerable && !combined[1][0].vulnerable);
        assert_eq!(combined[1][0].label, "Gateway on OS 7");
    }

    #[test]
    fn cpe_attributes_respect_escapes() {
        assert_eq!(split_cpe("a:b\\:c:d").len(), 3);
        assert!(cpe_has_version("cpe:/a:vendor:product:1.0"));
        assert!(!cpe_has_version("cpe:2.3:a:v:p:*:*:*:*:*:*:*:*"));
    }
}
