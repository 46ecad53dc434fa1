//! Package URLs: parsing into components, the canonical string, and the key a product
//! is matched on (type, namespace, name, with each type's case rules).
//!
//! Parsing and the canonical form come from the `packageurl` crate, which passes the
//! purl-spec test vectors; this module adds the strict reading of qualifier keys that
//! ECMA-427 requires ("shall be lowercase") and the matching key.
//!
//! **Invariant:** a [`Purl`] holds its canonical components: type lower case, each
//! type's own name rules applied (PyPI `_` as `-`, lower case where the type says so),
//! qualifier keys lower case.

use crate::version::Scheme;
use packageurl::PackageUrl;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A package URL in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Purl {
    /// The package type, e.g. `npm`, `maven`, `deb` (lower case).
    pub ty: String,
    /// The namespace (npm scope, Maven group, Debian vendor), if any.
    pub namespace: Option<String>,
    /// The package's name.
    pub name: String,
    /// The version, if given.
    pub version: Option<String>,
    /// The qualifiers (`arch`, `distro`, `repository_url`, ...), keys lower case.
    pub qualifiers: BTreeMap<String, String>,
    /// The path inside the package, if given.
    pub subpath: Option<String>,
}

/// Text or components that do not make a package URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPurl {
    /// What is wrong, in plain words.
    pub reason: String,
}

impl fmt::Display for InvalidPurl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a package URL: {}", self.reason)
    }
}

impl std::error::Error for InvalidPurl {}

fn invalid(reason: impl fmt::Display) -> InvalidPurl {
    InvalidPurl {
        reason: reason.to_string(),
    }
}

/// Types whose namespace and name compare without regard to case when matching, even
/// where the canonical form keeps the case as written (registries that fold case).
const CASE_INSENSITIVE_TYPES: [&str; 14] = [
    "alpm",
    "apk",
    "bitbucket",
    "cargo",
    "composer",
    "deb",
    "gem",
    "github",
    "gitlab",
    "hex",
    "npm",
    "nuget",
    "pub",
    "pypi",
];

impl Purl {
    /// Parses a purl strictly, as ECMA-427 says: qualifier keys must already be lower
    /// case (`?Arch=i386` is refused).
    pub fn parse(text: &str) -> Result<Purl, InvalidPurl> {
        let before_subpath = text.rsplit_once('#').map_or(text, |(head, _)| head);
        if let Some((_, qualifiers)) = before_subpath.rsplit_once('?') {
            for pair in qualifiers.split('&') {
                let key = pair.split_once('=').map_or(pair, |(key, _)| key);
                if key.bytes().any(|b| b.is_ascii_uppercase()) {
                    return Err(invalid(format!(
                        "the qualifier key '{key}' is not lower case"
                    )));
                }
            }
        }
        Purl::parse_lenient(text)
    }

    /// Parses a purl as people write them, normalising what the canonical form fixes
    /// (qualifier keys in any case, a `pkg://` prefix); for partners' inventories.
    pub fn parse_lenient(text: &str) -> Result<Purl, InvalidPurl> {
        let parsed = PackageUrl::from_str(text.trim()).map_err(invalid)?;
        Ok(Purl::from_package_url(&parsed))
    }

    /// Builds a purl from components (the purl-spec "build" operation), applying the
    /// type's rules.
    pub fn build(
        ty: &str,
        namespace: Option<&str>,
        name: &str,
        version: Option<&str>,
        qualifiers: &BTreeMap<String, String>,
        subpath: Option<&str>,
    ) -> Result<Purl, InvalidPurl> {
        let mut purl = PackageUrl::new(ty.to_owned(), name.to_owned()).map_err(invalid)?;
        if let Some(namespace) = namespace {
            purl.with_namespace(namespace.to_owned()).map_err(invalid)?;
        }
        if let Some(version) = version {
            purl.with_version(version.to_owned()).map_err(invalid)?;
        }
        if let Some(subpath) = subpath {
            purl.with_subpath(subpath.to_owned()).map_err(invalid)?;
        }
        for (key, value) in qualifiers {
            purl.add_qualifier(key.clone(), value.clone())
                .map_err(invalid)?;
        }
        purl.validate().map_err(invalid)?;
        // Reading the canonical text back applies the per-type canonicalisation that
        // parsing does, so built and parsed purls agree.
        Purl::parse_lenient(&purl.to_string())
    }

    fn from_package_url(purl: &PackageUrl<'_>) -> Purl {
        Purl {
            ty: purl.ty().to_owned(),
            namespace: purl.namespace().map(str::to_owned),
            name: purl.name().to_owned(),
            version: purl.version().map(str::to_owned),
            qualifiers: purl
                .qualifiers()
                .iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(key, value)| (key.to_string(), value.to_string()))
                .collect(),
            subpath: purl.subpath().map(str::to_owned),
        }
    }

    /// The package a product is matched on: type, namespace (empty when none) and name,
    /// folded to lower case for types whose registries ignore case.
    pub fn package_key(&self) -> (String, String, String) {
        let namespace = self.namespace.clone().unwrap_or_default();
        if CASE_INSENSITIVE_TYPES.contains(&self.ty.as_str()) {
            (
                self.ty.clone(),
                namespace.to_lowercase(),
                self.name.to_lowercase(),
            )
        } else {
            (self.ty.clone(), namespace, self.name.clone())
        }
    }

    /// The version ordering of this purl's ecosystem.
    pub fn scheme(&self) -> Scheme {
        Scheme::for_ecosystem(&self.ty)
    }

    /// The purl without version, qualifiers or subpath (`pkg:npm/lodash`), for reasons.
    pub fn package(&self) -> String {
        match &self.namespace {
            Some(namespace) => format!("pkg:{}/{namespace}/{}", self.ty, self.name),
            None => format!("pkg:{}/{}", self.ty, self.name),
        }
    }
}

impl fmt::Display for Purl {
    /// The canonical string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut purl =
            PackageUrl::new(self.ty.as_str(), self.name.as_str()).map_err(|_| fmt::Error)?;
        if let Some(namespace) = &self.namespace {
            purl.with_namespace(namespace.as_str())
                .map_err(|_| fmt::Error)?;
        }
        if let Some(version) = &self.version {
            purl.with_version(version.as_str())
                .map_err(|_| fmt::Error)?;
        }
        if let Some(subpath) = &self.subpath {
            purl.with_subpath(subpath.as_str())
                .map_err(|_| fmt::Error)?;
        }
        for (key, value) in &self.qualifiers {
            purl.add_qualifier(key.as_str(), value.as_str())
                .map_err(|_| fmt::Error)?;
        }
        write!(f, "{purl}")
    }
}

impl FromStr for Purl {
    type Err = InvalidPurl;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Purl::parse(text)
    }
}
