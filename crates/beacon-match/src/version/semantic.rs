//! Semantic versions (SemVer 2.0 precedence, build metadata ignored) through the
//! `semver` crate; versions it refuses (`1.2`, `v1.2.3-beta.1` with a `v` is accepted,
//! `2.0.0.1`) fall back to the generic rules, which agree with SemVer on the parts
//! they share.

use std::cmp::Ordering;

fn strict(version: &str) -> Option<semver::Version> {
    let version = version.strip_prefix(['v', 'V']).unwrap_or(version);
    semver::Version::parse(version).ok()
}

/// Compares by SemVer precedence where both are strict, else by the generic rules.
pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    match (strict(a), strict(b)) {
        (Some(x), Some(y)) => Some(x.cmp_precedence(&y)),
        _ => {
            let trim = |v: &str| v.strip_prefix(['v', 'V']).unwrap_or(v).to_owned();
            super::generic::compare(&trim(a), &trim(b))
        }
    }
}
