//! The NFIB fraud and computer-misuse taxonomy (Home Office Counting Rules).
//!
//! A report names its type by NFIB code or by name. Types published without a code are
//! keyed by a slug of their name. "Fraud" means the non-computer-misuse types and
//! "cyber crime" the computer-misuse types, as the board paper uses them.

use crate::text::{fold, slug};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Fraud or cyber crime: the two headline families of the board paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Fraud: every type that is not computer misuse.
    Fraud,
    /// Cyber crime: the computer-misuse types (NFIB50–52).
    Cyber,
}

impl Category {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Fraud => "fraud",
            Category::Cyber => "cyber",
        }
    }

    /// Reads the stored spelling.
    pub fn from_stored(value: &str) -> Option<Category> {
        match value {
            "fraud" => Some(Category::Fraud),
            "cyber" => Some(Category::Cyber),
            _ => None,
        }
    }
}

/// One fraud or computer-misuse type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FraudType {
    /// Stable key: the NFIB code where known, otherwise a slug of the name.
    pub key: String,
    /// NFIB code, where published.
    pub code: Option<String>,
    /// Name as ONS publishes it.
    pub name: String,
    /// ONS group, e.g. "Advance fee payments".
    pub group: String,
    /// True for computer-misuse types (cyber crime).
    pub computer_misuse: bool,
}

impl FraudType {
    /// Builds a type, deriving its key from the code or the name.
    pub fn new(code: Option<&str>, name: &str, group: &str, computer_misuse: bool) -> FraudType {
        let code = code
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty());
        FraudType {
            key: code.clone().unwrap_or_else(|| slug(name)),
            code,
            name: name.trim().to_owned(),
            group: group.trim().to_owned(),
            computer_misuse,
        }
    }

    /// Fraud or cyber crime.
    pub fn category(&self) -> Category {
        if self.computer_misuse {
            Category::Cyber
        } else {
            Category::Fraud
        }
    }
}

/// What a report's fraud-type value turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved<'a> {
    /// A type in the taxonomy.
    Known(&'a FraudType),
    /// Looks like an NFIB code but is not in the taxonomy: stored and listed, not rejected.
    UnknownCode {
        /// The code, upper case.
        code: String,
        /// Fraud or cyber by the code's number (NFIB50–52 are computer misuse).
        category: Category,
    },
}

/// Why a fraud-type value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is neither an NFIB code (such as NFIB3A) nor a fraud-type name Beacon knows")]
pub struct FraudTypeError(pub String);

/// The whole taxonomy with fast lookup by code, key and name.
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    types: Vec<FraudType>,
    by_lookup: HashMap<String, usize>,
}

impl Taxonomy {
    /// Builds the lookups. Later entries with the same code or name replace earlier ones.
    pub fn new(types: Vec<FraudType>) -> Taxonomy {
        let mut by_lookup = HashMap::new();
        for (index, fraud_type) in types.iter().enumerate() {
            by_lookup.insert(fold(&fraud_type.key), index);
            by_lookup.insert(fold(&fraud_type.name), index);
            if let Some(code) = &fraud_type.code {
                by_lookup.insert(fold(code), index);
            }
        }
        Taxonomy { types, by_lookup }
    }

    /// All types in reference order.
    pub fn types(&self) -> &[FraudType] {
        &self.types
    }

    /// Finds a type by key (as stored on reports).
    pub fn get(&self, key: &str) -> Option<&FraudType> {
        self.by_lookup
            .get(&fold(key))
            .map(|&index| &self.types[index])
    }

    /// Resolves a report's value: an NFIB code in any case, a key, or a name.
    pub fn resolve(&self, raw: &str) -> Result<Resolved<'_>, FraudTypeError> {
        let folded = fold(raw);
        if let Some(&index) = self.by_lookup.get(&folded) {
            return Ok(Resolved::Known(&self.types[index]));
        }
        let code = raw.trim().to_ascii_uppercase();
        match nfib_number(&code) {
            Some(number) => Ok(Resolved::UnknownCode {
                category: if (50..=52).contains(&number) {
                    Category::Cyber
                } else {
                    Category::Fraud
                },
                code,
            }),
            None => Err(FraudTypeError(raw.trim().to_owned())),
        }
    }
}

/// The number of an NFIB code (`NFIB52B` → 52), or `None` if the text is not one.
fn nfib_number(code: &str) -> Option<u32> {
    let rest = code.strip_prefix("NFIB")?;
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, letters) = rest.split_at(digits_end);
    let well_formed = (1..=3).contains(&digits.len())
        && letters.len() <= 2
        && letters.chars().all(|c| c.is_ascii_uppercase());
    if well_formed {
        digits.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taxonomy() -> Taxonomy {
        Taxonomy::new(vec![
            FraudType::new(
                Some("NFIB52B"),
                "Hacking - personal",
                "Computer misuse",
                true,
            ),
            FraudType::new(None, "Dating scam", "Advance fee payments", false),
        ])
    }

    #[test]
    fn resolves_codes_in_any_case_and_names() {
        let taxonomy = taxonomy();
        assert!(
            matches!(taxonomy.resolve("nfib52b"), Ok(Resolved::Known(t)) if t.key == "NFIB52B")
        );
        assert!(
            matches!(taxonomy.resolve("Dating Scam"), Ok(Resolved::Known(t)) if t.key == "dating-scam")
        );
        assert!(matches!(
            taxonomy.resolve("dating-scam"),
            Ok(Resolved::Known(_))
        ));
    }

    #[test]
    fn unknown_codes_are_kept_with_their_family() {
        let taxonomy = taxonomy();
        assert_eq!(
            taxonomy.resolve("NFIB51C"),
            Ok(Resolved::UnknownCode {
                code: "NFIB51C".into(),
                category: Category::Cyber
            })
        );
        assert_eq!(
            taxonomy.resolve("nfib3d"),
            Ok(Resolved::UnknownCode {
                code: "NFIB3D".into(),
                category: Category::Fraud
            })
        );
    }

    #[test]
    fn refuses_other_values() {
        let taxonomy = taxonomy();
        for bad in ["", "Banana", "NFIB", "NFIB1234", "NFIBXX"] {
            assert!(taxonomy.resolve(bad).is_err(), "{bad} should be refused");
        }
    }
}
