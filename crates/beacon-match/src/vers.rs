//! `vers` version ranges (`vers:npm/>=1.2.3|<2.0.0`, as CSAF product versions and
//! purl-based advisories give them): parsing into sorted constraints and testing
//! whether a version is inside, by the vers specification's containment algorithm.
//!
//! **Invariant:** a [`VersRange`] holds either the single `*` constraint or constraints
//! with distinct versions sorted by its scheme's ordering.

use crate::version::{self, Scheme};
use std::cmp::Ordering;
use std::fmt;

/// How a constraint compares a version with its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    /// `=` (also a bare version).
    Equal,
    /// `!=`.
    NotEqual,
    /// `<`.
    Less,
    /// `<=`.
    LessOrEqual,
    /// `>`.
    Greater,
    /// `>=`.
    GreaterOrEqual,
}

impl Comparator {
    fn symbol(self) -> &'static str {
        match self {
            Comparator::Equal => "=",
            Comparator::NotEqual => "!=",
            Comparator::Less => "<",
            Comparator::LessOrEqual => "<=",
            Comparator::Greater => ">",
            Comparator::GreaterOrEqual => ">=",
        }
    }
}

/// One `comparator version` pair.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Constraint {
    /// The comparator.
    pub comparator: Comparator,
    /// The version, percent-decoded.
    pub version: String,
}

/// A parsed `vers` range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VersRange {
    /// The versioning scheme as written (`npm`, `pypi`, `generic`, ...), lower case.
    pub scheme_name: String,
    /// The ordering that scheme uses.
    pub scheme: Scheme,
    /// The constraints, sorted by version; empty means `*` (every version).
    pub constraints: Vec<Constraint>,
}

/// Text that is not a `vers` range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidVers {
    /// What is wrong, in plain words.
    pub reason: String,
}

impl fmt::Display for InvalidVers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a vers range: {}", self.reason)
    }
}

impl std::error::Error for InvalidVers {}

fn invalid(reason: impl Into<String>) -> InvalidVers {
    InvalidVers {
        reason: reason.into(),
    }
}

fn percent_decode(text: &str) -> Result<String, InvalidVers> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let byte = text
                .get(index + 1..index + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .ok_or_else(|| invalid(format!("'{text}' has a bad percent escape")))?;
            out.push(byte);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).map_err(|_| invalid(format!("'{text}' is not UTF-8 once decoded")))
}

/// The most constraints one range may have; real ranges have a handful, and the sort
/// below is quadratic.
const MAX_CONSTRAINTS: usize = 256;

/// Sorts constraints by the scheme's ordering with a stable insertion sort that only
/// moves a constraint past one it is known to be older than. The orderings are partial
/// (a generic version without a digit orders against nothing), and the standard sort
/// needs a total order: with "cannot order" taken as "equal" it can panic on
/// inconsistent answers. Here a version that cannot be ordered keeps its written place.
fn sort_constraints(scheme: Scheme, constraints: &mut [Constraint]) {
    for index in 1..constraints.len() {
        let mut at = index;
        while at > 0
            && version::compare(
                scheme,
                &constraints[at - 1].version,
                &constraints[at].version,
            ) == Some(Ordering::Greater)
        {
            constraints.swap(at - 1, at);
            at -= 1;
        }
    }
}

impl VersRange {
    /// Parses `vers:<scheme>/<constraint>|<constraint>...`; spaces are ignored. The
    /// constraints are sorted by the scheme's ordering; versions it cannot order keep
    /// their written place.
    pub fn parse(text: &str) -> Result<VersRange, InvalidVers> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let rest = compact
            .strip_prefix("vers:")
            .ok_or_else(|| invalid("it does not start with 'vers:'"))?;
        let (scheme_name, constraints) = rest
            .split_once('/')
            .ok_or_else(|| invalid("there is no '/' after the versioning scheme"))?;
        let scheme_name = scheme_name.to_ascii_lowercase();
        if scheme_name.is_empty() {
            return Err(invalid("the versioning scheme is empty"));
        }
        let scheme = Scheme::for_ecosystem(&scheme_name);
        let constraints = constraints.trim_matches('|');
        if constraints.is_empty() {
            return Err(invalid("there are no constraints"));
        }
        if constraints == "*" {
            return Ok(VersRange {
                scheme_name,
                scheme,
                constraints: Vec::new(),
            });
        }
        let mut parsed = Vec::new();
        if constraints.split('|').count() > MAX_CONSTRAINTS {
            return Err(invalid(format!(
                "it has more than {MAX_CONSTRAINTS} constraints"
            )));
        }
        for raw in constraints.split('|') {
            let (comparator, version) = [
                (">=", Comparator::GreaterOrEqual),
                ("<=", Comparator::LessOrEqual),
                ("!=", Comparator::NotEqual),
                ("<", Comparator::Less),
                (">", Comparator::Greater),
                ("=", Comparator::Equal),
            ]
            .iter()
            .find_map(|(symbol, comparator)| raw.strip_prefix(symbol).map(|v| (*comparator, v)))
            .unwrap_or((Comparator::Equal, raw));
            if version.is_empty() || version == "*" {
                return Err(invalid(format!("the constraint '{raw}' has no version")));
            }
            parsed.push(Constraint {
                comparator,
                version: percent_decode(version)?,
            });
        }
        sort_constraints(scheme, &mut parsed);
        for pair in parsed.windows(2) {
            if version::compare(scheme, &pair[0].version, &pair[1].version) == Some(Ordering::Equal)
            {
                return Err(invalid(format!(
                    "the version '{}' appears twice",
                    pair[1].version
                )));
            }
        }
        Ok(VersRange {
            scheme_name,
            scheme,
            constraints: parsed,
        })
    }

    /// Whether `version` is inside the range (the vers containment algorithm);
    /// `None` when a comparison the answer depends on cannot be made.
    pub fn contains(&self, version: &str) -> Option<bool> {
        if self.constraints.is_empty() {
            return Some(true);
        }
        let compare = |other: &str| {
            if version == other {
                Some(Ordering::Equal)
            } else {
                version::compare(self.scheme, version, other)
            }
        };
        let mut ranges = Vec::new();
        let mut unknown = false;
        let mut excluded_any = false;
        for constraint in &self.constraints {
            match constraint.comparator {
                Comparator::Equal | Comparator::NotEqual => {
                    match compare(&constraint.version) {
                        Some(Ordering::Equal) => {
                            return Some(constraint.comparator == Comparator::Equal);
                        }
                        Some(_) => {}
                        None => unknown = true,
                    }
                    excluded_any |= constraint.comparator == Comparator::NotEqual;
                }
                _ => ranges.push(constraint),
            }
        }
        if unknown {
            return None;
        }
        if ranges.is_empty() {
            // Only `=` and `!=`: a version equal to none of them is inside when the
            // range is "everything except ...".
            return Some(excluded_any);
        }
        let below = |c: &Constraint| -> Option<bool> {
            let order = compare(&c.version)?;
            Some(match c.comparator {
                Comparator::Less => order == Ordering::Less,
                Comparator::LessOrEqual => order != Ordering::Greater,
                _ => false,
            })
        };
        let above = |c: &Constraint| -> Option<bool> {
            let order = compare(&c.version)?;
            Some(match c.comparator {
                Comparator::Greater => order == Ordering::Greater,
                Comparator::GreaterOrEqual => order != Ordering::Less,
                _ => false,
            })
        };
        let is_upper =
            |c: &Constraint| matches!(c.comparator, Comparator::Less | Comparator::LessOrEqual);
        let first = ranges[0];
        if is_upper(first) && below(first)? {
            return Some(true);
        }
        let last = ranges[ranges.len() - 1];
        if !is_upper(last) && above(last)? {
            return Some(true);
        }
        for pair in ranges.windows(2) {
            let (current, next) = (pair[0], pair[1]);
            if !is_upper(current) && is_upper(next) && above(current)? && below(next)? {
                return Some(true);
            }
        }
        Some(false)
    }
}

impl fmt::Display for VersRange {
    /// The normalised text: `vers:<scheme>/` and the sorted constraints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vers:{}/", self.scheme_name)?;
        if self.constraints.is_empty() {
            return f.write_str("*");
        }
        let text: Vec<String> = self
            .constraints
            .iter()
            .map(|c| match c.comparator {
                Comparator::Equal => c.version.clone(),
                other => format!("{}{}", other.symbol(), c.version),
            })
            .collect();
        f.write_str(&text.join("|"))
    }
}
