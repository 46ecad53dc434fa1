//! The STIX 2.1 patterning language: a parser built from OASIS's grammar (translated to
//! pest in `stix_pattern.pest`), the syntax tree it produces, and a printer that writes
//! any tree back as a canonical pattern.
//!
//! **Invariants:** [`parse`] never panics, whatever the input; a tree it returns prints
//! (via `Display`) as a pattern that parses back to an equal tree. Errors say what was
//! expected and where (line and column, counted in characters from 1).
//!
//! The work is split by stage: `scan` takes a quick look at the text for the problems
//! pest reports badly, pest parses by the grammar, `build` turns the parse into the tree of
//! `ast`, `explain` words pest's errors, and `print` writes a tree back as text.

mod ast;
mod build;
mod explain;
mod print;
mod scan;
#[cfg(test)]
mod tests;

pub use ast::{
    Comparison, ComparisonExpression, Literal, ObjectPath, ObservationExpression, Operator,
    PathStep, Pattern, Qualifier,
};

use build::{Builder, children};
use explain::explain;
use pest::Parser;
use scan::scan;
use std::fmt;

mod grammar {
    //! The parser pest generates from the grammar file; private, so its `Rule` enum is
    //! not part of Beacon's API.
    #[derive(pest_derive::Parser)]
    #[grammar = "feeds/stix/stix_pattern.pest"]
    pub(super) struct PatternParser;
}

use grammar::{PatternParser, Rule};

/// Deepest nesting of brackets and parentheses accepted. Real patterns nest a few levels;
/// the limit keeps the recursive parser, printer and tree walks far from the stack's end.
pub const MAX_NESTING: usize = 100;

/// Why a pattern was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PatternError {
    /// Line (from 1).
    pub line: usize,
    /// Column, in characters (from 1).
    pub column: usize,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Almost every pattern is one line, where "line 1" is noise.
        if self.line == 1 {
            write!(
                f,
                "invalid STIX pattern at column {}: {}",
                self.column, self.message
            )
        } else {
            write!(
                f,
                "invalid STIX pattern at line {}, column {}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

/// Parses a STIX 2.1 pattern.
pub fn parse(text: &str) -> Result<Pattern, PatternError> {
    let scan = scan(text);
    if let Some(too_deep) = scan.too_deep {
        return Err(error_at(
            text,
            too_deep,
            format!("brackets and parentheses are nested more than {MAX_NESTING} deep"),
        ));
    }
    if scan.empty {
        return Err(error_at(text, 0, "the pattern is empty".to_owned()));
    }
    let mut pairs = match PatternParser::parse(Rule::pattern, text) {
        Ok(pairs) => pairs,
        Err(error) => return Err(explain(text, &scan, &error)),
    };
    let pattern = pairs
        .next()
        .ok_or_else(|| error_at(text, 0, "the pattern is empty".to_owned()))?;
    let expressions = children(pattern)
        .next()
        .ok_or_else(|| error_at(text, 0, "the pattern is empty".to_owned()))?;
    Ok(Pattern {
        expression: Builder { text }.observation_expressions(expressions)?,
    })
}

impl std::str::FromStr for Pattern {
    type Err = PatternError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(text)
    }
}

/// An error at a byte offset of the text.
fn error_at(text: &str, offset: usize, message: String) -> PatternError {
    let (line, column) = line_column(text, offset);
    PatternError {
        line,
        column,
        message,
    }
}

/// Line and column (both from 1, column in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Words the grammar reserves (see `keyword` in the grammar).
const KEYWORDS: &[&str] = &[
    "AND",
    "OR",
    "NOT",
    "FOLLOWEDBY",
    "LIKE",
    "MATCHES",
    "ISSUPERSET",
    "ISSUBSET",
    "EXISTS",
    "LAST",
    "IN",
    "START",
    "STOP",
    "SECONDS",
    "true",
    "false",
    "WITHIN",
    "REPEATS",
    "TIMES",
];
