//! RPM versions (`[epoch:]version[-release]`) by `rpmvercmp`: alphanumeric runs
//! compared in turn (digits as numbers and newer than letters), other characters only
//! separating, `~` sorting before everything (pre-releases) and `^` after the base
//! version but before anything else (snapshots).
//!
//! Written here: `rpmvercmp` is short and the Rust RPM crates are package readers.

use super::compare_digits;
use std::cmp::Ordering;

fn is_separator(c: u8) -> bool {
    !c.is_ascii_alphanumeric() && c != b'~' && c != b'^'
}

/// `rpmvercmp` on one part (version or release).
fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    loop {
        while i < a.len() && is_separator(a[i]) {
            i += 1;
        }
        while j < b.len() && is_separator(b[j]) {
            j += 1;
        }
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        if x == Some(b'~') || y == Some(b'~') {
            if x != Some(b'~') {
                return Ordering::Greater;
            }
            if y != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if x == Some(b'^') || y == Some(b'^') {
            if x.is_none() {
                return Ordering::Less;
            }
            if y.is_none() {
                return Ordering::Greater;
            }
            if x != Some(b'^') {
                return Ordering::Greater;
            }
            if y != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(x), Some(_)) = (x, y) else {
            break;
        };
        let numeric = x.is_ascii_digit();
        let run = |s: &[u8], from: usize| {
            let mut end = from;
            while end < s.len()
                && if numeric {
                    s[end].is_ascii_digit()
                } else {
                    s[end].is_ascii_alphabetic()
                }
            {
                end += 1;
            }
            end
        };
        let (end_i, end_j) = (run(a, i), run(b, j));
        if end_j == j {
            // Different kinds of run: a number is newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let x = std::str::from_utf8(&a[i..end_i]).unwrap_or("");
        let y = std::str::from_utf8(&b[j..end_j]).unwrap_or("");
        let order = if numeric {
            compare_digits(x, y)
        } else {
            x.cmp(y)
        };
        if order != Ordering::Equal {
            return order;
        }
        i = end_i;
        j = end_j;
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

fn split(version: &str) -> Option<(&str, &str, Option<&str>)> {
    let (epoch, rest) = match version.split_once(':') {
        Some((epoch, rest)) if epoch.bytes().all(|b| b.is_ascii_digit()) => {
            (if epoch.is_empty() { "0" } else { epoch }, rest)
        }
        Some(_) => return None,
        None => ("0", version),
    };
    let (version, release) = match rest.rsplit_once('-') {
        Some((version, release)) => (version, Some(release)),
        None => (rest, None),
    };
    (!version.is_empty()).then_some((epoch, version, release))
}

/// Compares two RPM versions; the releases count only when both give one (as rpm
/// does when one side names no release).
pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (ea, va, ra) = split(a)?;
    let (eb, vb, rb) = split(b)?;
    let mut order = compare_digits(ea, eb).then_with(|| rpmvercmp(va, vb));
    if let (Some(ra), Some(rb)) = (ra, rb) {
        order = order.then_with(|| rpmvercmp(ra, rb));
    }
    Some(order)
}
