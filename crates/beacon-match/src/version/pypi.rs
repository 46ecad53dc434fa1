//! PEP 440 versions: `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, with the spellings
//! PEP 440 normalises (`alpha`, `beta`, `c`, `pre`, `preview`, `-1` for a post release,
//! `_`/`-`/`.` separators, a leading `v`, any case).
//!
//! Written here because the Rust PEP 440 crates bring in far more (specifier sets,
//! markers) than an ordering needs.

use super::compare_digits;
use std::cmp::Ordering;

/// A PEP 440 version reduced to what orders it.
#[derive(Debug, PartialEq, Eq)]
struct Pep440 {
    epoch: String,
    release: Vec<String>,
    /// `(0 = a, 1 = b, 2 = rc, number)`.
    pre: Option<(u8, String)>,
    post: Option<String>,
    dev: Option<String>,
    local: Vec<String>,
}

fn number(text: &str) -> (String, &str) {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    (text[..end].to_owned(), &text[end..])
}

fn strip_separator(text: &str) -> &str {
    text.strip_prefix(['.', '-', '_']).unwrap_or(text)
}

fn parse(raw: &str) -> Option<Pep440> {
    let lower = raw.trim().to_ascii_lowercase();
    let (public, local) = match lower.split_once('+') {
        Some((public, local)) => (public.to_owned(), Some(local.to_owned())),
        None => (lower, None),
    };
    let mut rest = public.strip_prefix('v').unwrap_or(&public);
    let mut epoch = "0".to_owned();
    if let Some((head, tail)) = rest.split_once('!') {
        if head.is_empty() || !head.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        epoch = head.to_owned();
        rest = tail;
    }
    let mut release = Vec::new();
    loop {
        let (digits, tail) = number(rest);
        if digits.is_empty() {
            return None;
        }
        release.push(digits);
        match tail.strip_prefix('.') {
            Some(next) if next.starts_with(|c: char| c.is_ascii_digit()) => rest = next,
            _ => {
                rest = tail;
                break;
            }
        }
    }
    let mut pre = None;
    let candidate = strip_separator(rest);
    for (spelling, kind) in [
        ("alpha", 0),
        ("beta", 1),
        ("preview", 2),
        ("pre", 2),
        ("rc", 2),
        ("a", 0),
        ("b", 1),
        ("c", 2),
    ] {
        if let Some(tail) = candidate.strip_prefix(spelling) {
            let (digits, tail) = number(strip_separator(tail));
            pre = Some((
                kind,
                if digits.is_empty() {
                    "0".into()
                } else {
                    digits
                },
            ));
            rest = tail;
            break;
        }
    }
    let mut post = None;
    let candidate = strip_separator(rest);
    if let Some(tail) = ["post", "rev", "r"]
        .iter()
        .find_map(|spelling| candidate.strip_prefix(spelling))
    {
        let (digits, tail) = number(strip_separator(tail));
        post = Some(if digits.is_empty() {
            "0".into()
        } else {
            digits
        });
        rest = tail;
    } else if let Some(tail) = rest.strip_prefix('-') {
        let (digits, tail) = number(tail);
        if !digits.is_empty() {
            post = Some(digits);
            rest = tail;
        }
    }
    let mut dev = None;
    let candidate = strip_separator(rest);
    if let Some(tail) = candidate.strip_prefix("dev") {
        let (digits, tail) = number(tail);
        dev = Some(if digits.is_empty() {
            "0".into()
        } else {
            digits
        });
        rest = tail;
    }
    if !rest.is_empty() {
        return None;
    }
    let local = match local {
        Some(local) => {
            let parts: Vec<String> = local.split(['.', '-', '_']).map(str::to_owned).collect();
            if parts
                .iter()
                .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric()))
            {
                return None;
            }
            parts
        }
        None => Vec::new(),
    };
    Some(Pep440 {
        epoch,
        release,
        pre,
        post,
        dev,
        local,
    })
}

fn compare_release(a: &[String], b: &[String]) -> Ordering {
    // Trailing zeros do not count: 1.0 == 1.0.0.
    for index in 0..a.len().max(b.len()) {
        let x = a.get(index).map_or("0", String::as_str);
        let y = b.get(index).map_or("0", String::as_str);
        let order = compare_digits(x, y);
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// The pre-release key: a bare development release sorts before every pre-release of
/// its version, a final or post release after them.
fn pre_key(v: &Pep440) -> (i8, u8, &str) {
    match &v.pre {
        Some((kind, n)) => (0, *kind, n.as_str()),
        None if v.post.is_none() && v.dev.is_some() => (-1, 0, ""),
        None => (1, 0, ""),
    }
}

fn compare_optional(a: Option<&String>, b: Option<&String>, none_first: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => compare_digits(x, y),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => {
            if none_first {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (Some(_), None) => {
            if none_first {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

fn compare_local(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let numeric = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
        let order = match (numeric(x), numeric(y)) {
            (true, true) => compare_digits(x, y),
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// Compares two PEP 440 versions; `None` if either is not one.
pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (parse(a)?, parse(b)?);
    let (pa, pb) = (pre_key(&a), pre_key(&b));
    Some(
        compare_digits(&a.epoch, &b.epoch)
            .then_with(|| compare_release(&a.release, &b.release))
            .then_with(|| {
                pa.0.cmp(&pb.0)
                    .then(pa.1.cmp(&pb.1))
                    .then_with(|| compare_digits(pa.2, pb.2))
            })
            .then_with(|| compare_optional(a.post.as_ref(), b.post.as_ref(), true))
            .then_with(|| compare_optional(a.dev.as_ref(), b.dev.as_ref(), false))
            .then_with(|| compare_local(&a.local, &b.local)),
    )
}
