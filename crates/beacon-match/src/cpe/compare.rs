//! NISTIR 7696 name matching: each attribute of a source name against the same
//! attribute of a target name, then the name relation from the eleven answers.
//!
//! Attribute table (source, target; `i` a value, `m` a value with wildcards):
//!
//! | source \ target | ANY      | NA       | i                      | m         |
//! |-----------------|----------|----------|------------------------|-----------|
//! | ANY             | EQUAL    | SUPERSET | SUPERSET               | UNDEFINED |
//! | NA              | SUBSET   | EQUAL    | DISJOINT               | UNDEFINED |
//! | i               | SUBSET   | DISJOINT | EQUAL if same, else DISJOINT | UNDEFINED |
//! | m               | SUBSET   | DISJOINT | SUPERSET if m matches i, else DISJOINT | UNDEFINED |

use super::{Attribute, Cpe, Piece};

/// How one attribute of the source stands to the target's (NISTIR 7696 table 6-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttributeRelation {
    /// The source's value covers the target's and more.
    Superset,
    /// The target's value covers the source's and more.
    Subset,
    /// The same value.
    Equal,
    /// No value in common.
    Disjoint,
    /// The target has wildcards, which NISTIR 7696 leaves undefined.
    Undefined,
}

/// How a source name stands to a target name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameRelation {
    /// Every attribute EQUAL.
    Equal,
    /// Every attribute SUPERSET or EQUAL, one at least SUPERSET: the source names the
    /// target and more.
    Superset,
    /// Every attribute SUBSET or EQUAL, one at least SUBSET: the target is the wider.
    Subset,
    /// Some attribute DISJOINT: no name is both.
    Disjoint,
    /// Some attributes SUPERSET and others SUBSET: the names overlap, neither contains
    /// the other.
    Overlap,
    /// Some attribute UNDEFINED (a wildcard in the target).
    Undefined,
}

/// Whether `pattern` (with wildcards) matches every character of `text`.
fn glob(pattern: &[Piece], text: &[Piece]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((Piece::AnyRun, rest)) => (0..=text.len()).any(|skip| glob(rest, &text[skip..])),
        Some((Piece::AnyOne, rest)) => !text.is_empty() && glob(rest, &text[1..]),
        Some((Piece::Literal(c), rest)) => {
            matches!(text.first(), Some(Piece::Literal(t)) if t == c) && glob(rest, &text[1..])
        }
    }
}

/// Compares one attribute of the source with the target's by NISTIR 7696 table 6-2.
pub fn compare_attributes(source: &Attribute, target: &Attribute) -> AttributeRelation {
    use AttributeRelation::*;
    if target.has_wildcards() {
        return Undefined;
    }
    match (source, target) {
        (Attribute::Any, Attribute::Any) => Equal,
        (Attribute::Any, _) => Superset,
        (Attribute::Na, Attribute::Any) => Subset,
        (Attribute::Na, Attribute::Na) => Equal,
        (Attribute::Na, Attribute::Value(_)) => Disjoint,
        (Attribute::Value(_), Attribute::Any) => Subset,
        (Attribute::Value(_), Attribute::Na) => Disjoint,
        (Attribute::Value(s), Attribute::Value(t)) => {
            if source.has_wildcards() {
                if glob(s, t) { Superset } else { Disjoint }
            } else if s == t {
                Equal
            } else {
                Disjoint
            }
        }
    }
}

/// Compares two names attribute by attribute (NISTIR 7696 section 6.2).
pub fn compare_names(source: &Cpe, target: &Cpe) -> NameRelation {
    let mut superset = false;
    let mut subset = false;
    let mut undefined = false;
    for (s, t) in source.attributes.iter().zip(&target.attributes) {
        match compare_attributes(s, t) {
            AttributeRelation::Disjoint => return NameRelation::Disjoint,
            AttributeRelation::Superset => superset = true,
            AttributeRelation::Subset => subset = true,
            AttributeRelation::Undefined => undefined = true,
            AttributeRelation::Equal => {}
        }
    }
    match (undefined, superset, subset) {
        (true, _, _) => NameRelation::Undefined,
        (false, false, false) => NameRelation::Equal,
        (false, true, false) => NameRelation::Superset,
        (false, false, true) => NameRelation::Subset,
        (false, true, true) => NameRelation::Overlap,
    }
}
