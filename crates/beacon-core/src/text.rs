//! Small text helpers shared by the parsers of names, headers and enumerations.

/// Folds a name for tolerant matching: lower case, and only letters and digits kept.
///
/// Used for header aliases ("Crime Reference Number" = `crime_reference_number`) and
/// fraud-type names, where users type the same words with different punctuation.
pub fn fold(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Turns a name into a stable key of lower-case words joined by `-`.
///
/// Fraud types without an NFIB code are keyed this way so that a report can still name
/// them, and the key survives re-ordering of the reference file.
pub fn slug(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut pending_dash = false;
    for c in value.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    out
}

/// A trimmed, ASCII-lower-cased copy of a short value, kept on the stack.
///
/// Enumerated fields (`Y`/`N`, `Female`, `Business`…) are matched millions of times
/// during an ingest; this avoids allocating a `String` for each.
pub struct Lowered {
    small: [u8; 24],
    len: usize,
    large: Option<String>,
}

impl Lowered {
    /// Lower-cases `raw` after trimming it.
    pub fn new(raw: &str) -> Lowered {
        let trimmed = raw.trim();
        let mut small = [0u8; 24];
        if trimmed.len() <= small.len() {
            for (slot, byte) in small.iter_mut().zip(trimmed.bytes()) {
                *slot = byte.to_ascii_lowercase();
            }
            Lowered {
                small,
                len: trimmed.len(),
                large: None,
            }
        } else {
            Lowered {
                small,
                len: 0,
                large: Some(trimmed.to_ascii_lowercase()),
            }
        }
    }

    /// The lower-cased text.
    pub fn as_str(&self) -> &str {
        match &self.large {
            Some(large) => large,
            // Only ASCII bytes were changed, so whole UTF-8 input stays valid.
            None => std::str::from_utf8(&self.small[..self.len]).unwrap_or(""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_case_spaces_and_punctuation() {
        assert_eq!(
            fold("Crime Reference-Number"),
            fold("crime_reference_number")
        );
    }

    #[test]
    fn lowered_handles_short_long_and_non_ascii_values() {
        assert_eq!(Lowered::new("  YES ").as_str(), "yes");
        assert_eq!(
            Lowered::new("Ünïcode").as_str(),
            "Ünïcode".to_ascii_lowercase()
        );
        let long = "A".repeat(40);
        assert_eq!(Lowered::new(&long).as_str(), "a".repeat(40));
    }

    #[test]
    fn slug_joins_words_with_dashes() {
        assert_eq!(
            slug("Application fraud (excluding mortgages)"),
            "application-fraud-excluding-mortgages"
        );
        assert_eq!(slug("419 advance fee fraud"), "419-advance-fee-fraud");
    }
}
