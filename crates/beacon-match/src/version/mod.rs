//! Version ordering per ecosystem: which of two version strings is the newer, by the rules
//! of the ecosystem that issued them.
//!
//! **Invariant:** a comparison either answers decisively or says it cannot ([`None`]);
//! it never guesses, so a match on an incomparable version is only ever "possible".

mod debian;
mod generic;
mod maven;
mod pypi;
mod rpm;
mod semantic;

use std::cmp::Ordering;

/// The ordering rules a version follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Semantic versions (npm, Cargo, Go modules, NuGet, Composer, RubyGems, Hex):
    /// strict SemVer 2.0 where both parse, else the generic rules.
    Semver,
    /// Python packages: PEP 440 (epochs, pre-, post- and development releases).
    Pypi,
    /// Maven artefacts: the rules of Maven's `ComparableVersion`.
    Maven,
    /// Debian packages: `epoch:upstream-revision`, with `~` before everything.
    Debian,
    /// RPM packages: `epoch:version-release` by `rpmvercmp`, with `~` and `^`.
    Rpm,
    /// Dotted numbers with letters (CPE versions, NVD ranges, `vers:generic`).
    Generic,
}

impl Scheme {
    /// The scheme for a package URL type or a `vers` scheme name (`npm`, `pypi`,
    /// `maven`, `deb`, `rpm`, ...); anything unknown uses the generic rules.
    pub fn for_ecosystem(name: &str) -> Scheme {
        match name.to_ascii_lowercase().as_str() {
            "npm" | "cargo" | "golang" | "go" | "nuget" | "semver" | "composer" | "gem" | "hex"
            | "pub" | "swift" | "cocoapods" | "conan" => Scheme::Semver,
            "pypi" | "pep440" => Scheme::Pypi,
            "maven" => Scheme::Maven,
            "deb" | "debian" => Scheme::Debian,
            "rpm" => Scheme::Rpm,
            _ => Scheme::Generic,
        }
    }
}

/// Compares two versions under `scheme`; `None` when either cannot be read by it (so
/// the caller knows the answer is unknown, not "equal").
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() || b.is_empty() {
        return None;
    }
    match scheme {
        Scheme::Semver => semantic::compare(a, b),
        Scheme::Pypi => pypi::compare(a, b),
        Scheme::Maven => maven::compare(a, b),
        Scheme::Debian => debian::compare(a, b),
        Scheme::Rpm => rpm::compare(a, b),
        Scheme::Generic => generic::compare(a, b),
    }
}

/// Compares two runs of ASCII digits as numbers of any length.
fn compare_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests;
