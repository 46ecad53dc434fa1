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
    fn slug_joins_words_with_dashes() {
        assert_eq!(
            slug("Application fraud (excluding mortgages)"),
            "application-fraud-excluding-mortgages"
        );
        assert_eq!(slug("419 advance fee fraud"), "419-advance-fee-fraud");
    }
}
