//! Debian package versions (`[epoch:]upstream[-revision]`) by dpkg's rules: epochs as
//! numbers, then upstream and revision compared as alternating non-digit and digit
//! runs, where letters sort before other characters and `~` before everything, even
//! the end of the string (`1.0~rc1 < 1.0`).
//!
//! Written here: the algorithm is a few lines and the crates that carry it bring a
//! package database along.

use super::compare_digits;
use std::cmp::Ordering;

struct DebianVersion<'a> {
    epoch: &'a str,
    upstream: &'a str,
    revision: &'a str,
}

fn parse(version: &str) -> Option<DebianVersion<'_>> {
    let (epoch, rest) = match version.split_once(':') {
        Some((epoch, rest)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => {
            (epoch, rest)
        }
        Some(_) => return None,
        None => ("0", version),
    };
    let (upstream, revision) = rest.rsplit_once('-').unwrap_or((rest, ""));
    let allowed = |s: &str, extra: &[u8]| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+.~".contains(&b) || extra.contains(&b))
    };
    (upstream.starts_with(|c: char| c.is_ascii_digit())
        && allowed(upstream, b"-:")
        && allowed(revision, b""))
    .then_some(DebianVersion {
        epoch,
        upstream,
        revision,
    })
}

/// dpkg's character weight: `~` lowest, then the end of the string, letters, others.
fn weight(c: Option<u8>) -> i32 {
    match c {
        Some(b'~') => -1,
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`.
fn compare_part(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let x = weight(a.get(i).copied().filter(|c| !c.is_ascii_digit()));
            let y = weight(b.get(j).copied().filter(|c| !c.is_ascii_digit()));
            if x != y {
                return x.cmp(&y);
            }
            if i < a.len() && !a[i].is_ascii_digit() {
                i += 1;
            }
            if j < b.len() && !b[j].is_ascii_digit() {
                j += 1;
            }
        }
        let start_i = i;
        while i < a.len() && a[i].is_ascii_digit() {
            i += 1;
        }
        let start_j = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let x = std::str::from_utf8(&a[start_i..i]).unwrap_or("");
        let y = std::str::from_utf8(&b[start_j..j]).unwrap_or("");
        let order = compare_digits(x, y);
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// Compares two Debian versions; `None` if either is not one.
pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (parse(a)?, parse(b)?);
    Some(
        compare_digits(a.epoch, b.epoch)
            .then_with(|| compare_part(a.upstream, b.upstream))
            .then_with(|| compare_part(a.revision, b.revision)),
    )
}
