//! CPE names: parsing the CPE 2.3 formatted string and the CPE 2.2 URI into a
//! well-formed name (NISTIR 7695), comparing names (NISTIR 7696), and writing the 2.3
//! formatted string back.
//!
//! Written here rather than taken from a crate: the Rust CPE crates either parse only
//! the URI form or treat wildcards inside values (`*other*`, `?\??`) and NA as plain
//! text, so none gives NISTIR 7696's SUPERSET/SUBSET/EQUAL/DISJOINT answers.
//!
//! **Invariant:** a [`Cpe`] is valid by the CSAF CPE pattern; its values are kept lower
//! case, since CPE names compare without regard to case.

mod compare;
mod parse;

pub use compare::{AttributeRelation, NameRelation, compare_attributes, compare_names};

use std::fmt;
use std::str::FromStr;

/// One character of an attribute value: a literal (quoted or not in the text) or a
/// wildcard, which only a matching source may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Piece {
    /// This character, literally.
    Literal(char),
    /// `?`: exactly one character.
    AnyOne,
    /// `*` inside a value: any run of characters, the empty run too.
    AnyRun,
}

/// An attribute of a well-formed name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Attribute {
    /// `*`: any value at all.
    Any,
    /// `-`: the attribute does not apply (a device's version, say).
    Na,
    /// A value, possibly with wildcards (never empty).
    Value(Vec<Piece>),
}

impl Attribute {
    /// The value as plain text when it has no wildcard (quoting removed), for indexing
    /// and for reading a version.
    pub fn literal(&self) -> Option<String> {
        match self {
            Attribute::Value(pieces) => pieces
                .iter()
                .map(|piece| match piece {
                    Piece::Literal(c) => Some(*c),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }

    /// True for a value with `?` or `*` inside it.
    pub fn has_wildcards(&self) -> bool {
        matches!(self, Attribute::Value(pieces) if pieces.iter().any(|p| !matches!(p, Piece::Literal(_))))
    }
}

/// The names of a well-formed name's eleven attributes, in binding order.
pub const ATTRIBUTE_NAMES: [&str; 11] = [
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
];

/// A CPE well-formed name: eleven attributes, each ANY, NA or a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cpe {
    /// The attributes in [`ATTRIBUTE_NAMES`] order.
    pub attributes: [Attribute; 11],
}

/// Text that is not a CPE 2.3 formatted string or CPE 2.2 URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidCpe {
    /// The text as given.
    pub text: String,
    /// What is wrong, in plain words.
    pub reason: String,
}

impl fmt::Display for InvalidCpe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}' is not a CPE name: {}", self.text, self.reason)
    }
}

impl std::error::Error for InvalidCpe {}

impl Cpe {
    /// Parses a CPE 2.3 formatted string (`cpe:2.3:…`) or a CPE 2.2 URI (`cpe:/…`).
    pub fn parse(text: &str) -> Result<Cpe, InvalidCpe> {
        parse::parse(text).map_err(|reason| InvalidCpe {
            text: text.to_owned(),
            reason,
        })
    }

    /// The part: `a`, `o`, `h`, ANY or NA.
    pub fn part(&self) -> &Attribute {
        &self.attributes[0]
    }

    /// The vendor attribute.
    pub fn vendor(&self) -> &Attribute {
        &self.attributes[1]
    }

    /// The product attribute.
    pub fn product(&self) -> &Attribute {
        &self.attributes[2]
    }

    /// The version attribute.
    pub fn version(&self) -> &Attribute {
        &self.attributes[3]
    }

    /// CPE name matching: true when this name (the source, an advisory's criterion)
    /// contains `target` (a product), that is every attribute is SUPERSET or EQUAL.
    pub fn matches(&self, target: &Cpe) -> bool {
        matches!(
            compare_names(self, target),
            NameRelation::Superset | NameRelation::Equal
        )
    }

    /// The 2.3 formatted string with only vendor, product and version, the rest ANY,
    /// for reasons that name the product (`cpe:2.3:o:fortinet:fortios`).
    pub fn short(&self) -> String {
        let mut text = String::from("cpe:2.3");
        for attribute in &self.attributes[..3] {
            text.push(':');
            write_attribute(&mut text, attribute);
        }
        text
    }
}

impl FromStr for Cpe {
    type Err = InvalidCpe;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Cpe::parse(text)
    }
}

/// Characters the formatted string writes without a backslash.
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

fn write_attribute(out: &mut String, attribute: &Attribute) {
    match attribute {
        Attribute::Any => out.push('*'),
        Attribute::Na => out.push('-'),
        Attribute::Value(pieces) => {
            if pieces == &[Piece::Literal('-')] {
                out.push_str("\\-");
                return;
            }
            for piece in pieces {
                match piece {
                    Piece::Literal(c) if plain(*c) => out.push(*c),
                    Piece::Literal(c) => {
                        out.push('\\');
                        out.push(*c);
                    }
                    Piece::AnyOne => out.push('?'),
                    Piece::AnyRun => out.push('*'),
                }
            }
        }
    }
}

impl fmt::Display for Cpe {
    /// The CPE 2.3 formatted string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::from("cpe:2.3");
        for attribute in &self.attributes {
            text.push(':');
            write_attribute(&mut text, attribute);
        }
        f.write_str(&text)
    }
}

/// A CPE 2.3 formatted string for a product a partner named by vendor, product and
/// version (for inventory imports): lower case, spaces as `_`, other special characters
/// quoted, part `a` and every other attribute ANY. `None` when vendor or product is
/// empty or the text cannot be a CPE value (characters outside printable ASCII).
pub fn derive_cpe(vendor: &str, product: &str, version: Option<&str>) -> Option<String> {
    fn value(text: &str) -> Option<String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.is_empty() {
            return None;
        }
        let mut out = String::new();
        for c in words.join("_").to_lowercase().chars() {
            if !c.is_ascii_graphic() {
                return None;
            }
            if !plain(c) {
                out.push('\\');
            }
            out.push(c);
        }
        Some(out)
    }
    let version = match version.map(str::trim) {
        None | Some("") => "*".to_owned(),
        Some(version) => value(version)?,
    };
    let text = format!(
        "cpe:2.3:a:{}:{}:{version}:*:*:*:*:*:*:*",
        value(vendor)?,
        value(product)?
    );
    // Quoting keeps the value within the formatted string's grammar; checking by
    // parsing keeps this function from ever handing out an invalid name.
    Cpe::parse(&text).ok().map(|cpe| cpe.to_string())
}

#[cfg(test)]
mod tests;
