//! The generic ordering for versions with no ecosystem (CPE version attributes, NVD
//! ranges): segments split on `.`, `-`, `_`, `+`, `:` and `~`, each compared as runs of
//! digits (as numbers) and letters (without regard to case), so `7.2.4 < 7.2.10` and
//! `4.60 < 5.36`. Missing segments count as zero; a pre-release word (`alpha`, `beta`,
//! `rc`, `pre`, `preview`, `dev`, `snapshot`, `milestone`) sorts before the release it
//! leads to, any other letters after it (`1.0.2g > 1.0.2`, as OpenSSL numbers them).
//!
//! A version without a single digit (`latest`, `esr`) cannot be compared.

use super::compare_digits;
use std::cmp::Ordering;

#[derive(Debug, PartialEq, Eq)]
enum Run<'a> {
    Number(&'a str),
    Word(String),
}

fn is_prerelease(word: &str) -> bool {
    matches!(
        word,
        "alpha" | "beta" | "rc" | "pre" | "preview" | "dev" | "snapshot" | "milestone" | "cr"
    )
}

fn runs(version: &str) -> Vec<Vec<Run<'_>>> {
    version
        .split(['.', '-', '_', '+', ':', '~', ' '])
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let mut out = Vec::new();
            let bytes = segment.as_bytes();
            let mut start = 0;
            while start < bytes.len() {
                let digit = bytes[start].is_ascii_digit();
                let mut end = start;
                while end < bytes.len() && bytes[end].is_ascii_digit() == digit {
                    end += 1;
                }
                let text = &segment[start..end];
                out.push(if digit {
                    Run::Number(text)
                } else {
                    Run::Word(text.to_ascii_lowercase())
                });
                start = end;
            }
            out
        })
        .collect()
}

/// Where a missing run or segment stands against a present one: a pre-release word
/// is below nothing, a number or other word above it (zero equals nothing).
fn against_nothing(run: &Run<'_>) -> Ordering {
    match run {
        Run::Number(digits) => {
            if digits.bytes().all(|b| b == b'0') {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        Run::Word(word) if is_prerelease(word) => Ordering::Less,
        Run::Word(_) => Ordering::Greater,
    }
}

fn compare_runs(a: &Run<'_>, b: &Run<'_>) -> Ordering {
    match (a, b) {
        (Run::Number(x), Run::Number(y)) => compare_digits(x, y),
        (Run::Word(x), Run::Word(y)) => match (is_prerelease(x), is_prerelease(y)) {
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => x.cmp(y),
        },
        // `1.0.rc1` against `1.0.1`: a pre-release word is older, any other word newer.
        (Run::Number(_), Run::Word(word)) => {
            if is_prerelease(word) {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Run::Word(_), Run::Number(_)) => compare_runs(b, a).reverse(),
    }
}

fn compare_segment(a: &[Run<'_>], b: &[Run<'_>]) -> Ordering {
    for index in 0..a.len().max(b.len()) {
        let order = match (a.get(index), b.get(index)) {
            (Some(x), Some(y)) => compare_runs(x, y),
            (Some(x), None) => against_nothing(x),
            (None, Some(y)) => against_nothing(y).reverse(),
            (None, None) => Ordering::Equal,
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// Compares under the generic rules; `None` if either has no digit.
pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    if !a.bytes().any(|b| b.is_ascii_digit()) || !b.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let (a, b) = (runs(a), runs(b));
    for index in 0..a.len().max(b.len()) {
        let order = match (a.get(index), b.get(index)) {
            (Some(x), Some(y)) => compare_segment(x, y),
            (Some(x), None) => compare_segment(x, &[]),
            (None, Some(y)) => compare_segment(&[], y),
            (None, None) => Ordering::Equal,
        };
        if order != Ordering::Equal {
            return Some(order);
        }
    }
    Some(Ordering::Equal)
}
