//! pest's errors in plain words: what was expected and where, preferring the scan's
//! diagnosis when it explains the failure.

use super::grammar::Rule;
use super::scan::Scan;
use super::{KEYWORDS, PatternError, error_at};
use pest::error::{ErrorVariant, InputLocation};

/// A pest error in plain words, preferring the scan's diagnosis when it explains the
/// failure at or before where pest gave up.
pub(super) fn explain(text: &str, scan: &Scan, error: &pest::error::Error<Rule>) -> PatternError {
    let failed_at = match error.location {
        InputLocation::Pos(offset) => offset,
        InputLocation::Span((start, _)) => start,
    };
    let wanted_closer = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            positives.contains(&Rule::rbrack) || positives.contains(&Rule::rparen)
        }
        ErrorVariant::CustomError { .. } => false,
    };
    // A stray closer where the parser wanted a value (`[…] WITHIN ]`) is explained by the
    // missing value, not by the closer.
    let wanted_value = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().any(|rule| is_literal(*rule))
        }
        ErrorVariant::CustomError { .. } => false,
    };
    if let Some(problem) = &scan.problem
        && problem.matters_at <= failed_at
        && (!problem.unclosed || wanted_closer)
        && !(!problem.unclosed
            && problem.matters_at == failed_at
            && wanted_value
            && text
                .get(failed_at..)
                .is_some_and(|rest| rest.starts_with([']', ')'])))
    {
        return error_at(text, problem.point_at, problem.message.clone());
    }
    // pest reports offsets on character boundaries; `get` keeps that from mattering.
    let rest = text.get(failed_at..).unwrap_or_default();
    let found = if rest.is_empty() {
        "the end of the pattern".to_owned()
    } else {
        let token: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace())
            .take(24)
            .collect();
        format!("'{token}'")
    };
    let message = match &error.variant {
        ErrorVariant::ParsingError {
            positives,
            negatives,
        } => {
            if let Some(message) = malformed_literal(rest, positives) {
                message
            } else {
                let mut expected: Vec<&str> = Vec::new();
                let literal = describe_literals(positives);
                for rule in positives {
                    let phrase = match (literal, is_literal(*rule)) {
                        (Some(phrase), true) => phrase,
                        _ => describe(*rule),
                    };
                    if !expected.contains(&phrase) {
                        expected.push(phrase);
                    }
                }
                let wants_name = positives.iter().any(|rule| {
                    matches!(
                        rule,
                        Rule::comparison_expression
                            | Rule::comparison_expression_and
                            | Rule::comparison
                            | Rule::object_path
                            | Rule::object_type
                            | Rule::property_name
                    )
                });
                let keyword = match leading_keyword(rest) {
                    Some(word) if wants_name || negatives.contains(&Rule::keyword) => {
                        format!(
                            " ('{word}' is a keyword, so it cannot be an object type or property name)"
                        )
                    }
                    _ => String::new(),
                };
                if expected.is_empty() {
                    format!("unexpected {found}{keyword}")
                } else {
                    format!("expected {}, found {found}{keyword}", one_of(&expected))
                }
            }
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    error_at(text, failed_at, message)
}

/// The keyword the text starts with, if it starts with a whole one.
fn leading_keyword(rest: &str) -> Option<&'static str> {
    KEYWORDS.iter().copied().find(|word| {
        rest.strip_prefix(word).is_some_and(|after| {
            !after
                .chars()
                .next()
                .is_some_and(|next| next.is_ascii_alphanumeric() || next == '_' || next == '-')
        })
    })
}

/// True for the rules of constants.
fn is_literal(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::int_literal
            | Rule::float_literal
            | Rule::positive_int_literal
            | Rule::positive_float_literal
            | Rule::string_literal
            | Rule::binary_literal
            | Rule::hex_literal
            | Rule::bool_literal
            | Rule::timestamp_literal
    )
}

/// One phrase for the constants expected at one place, when the grammar wants a value
/// (rather than, say, a list index, where only a whole number will do).
fn describe_literals(positives: &[Rule]) -> Option<&'static str> {
    let wants = |rule| positives.contains(&rule);
    if wants(Rule::bool_literal) {
        Some("a value (such as 'text', 42, 1.5, true, h'ff', b'AQID' or t'2016-01-01T00:00:00Z')")
    } else if wants(Rule::int_literal) && wants(Rule::string_literal) {
        Some(
            "a value that can be ordered (a number, 'text', h'…', b'…' or t'…'; not true or false)",
        )
    } else if wants(Rule::string_literal) && !wants(Rule::property_name) {
        Some("a string in quotes, such as 'text'")
    } else if wants(Rule::positive_float_literal) {
        Some("a number of seconds (0 or more, such as 300 or 1.5)")
    } else {
        None
    }
}

/// A plain message for a typed constant (`t'…'`, `h'…'`, `b'…'`) the grammar refused.
fn malformed_literal(rest: &str, positives: &[Rule]) -> Option<String> {
    let token = || -> String {
        let end = rest
            .char_indices()
            .skip(2)
            .find(|(_, c)| *c == '\'')
            .map_or(rest.len(), |(at, _)| at + 1);
        rest[..end].chars().take(64).collect()
    };
    if rest.starts_with("t'") && positives.contains(&Rule::timestamp_literal) {
        Some(format!(
            "{} is not a timestamp: write t'YYYY-MM-DDThh:mm:ssZ' (UTC, optional fraction of a second)",
            token()
        ))
    } else if rest.starts_with("h'") && positives.contains(&Rule::hex_literal) {
        Some(format!(
            "{} is not hex: write pairs of hex digits, such as h'ff00'",
            token()
        ))
    } else if rest.starts_with("b'") && positives.contains(&Rule::binary_literal) {
        Some(format!(
            "{} is not base64: write groups of four characters, padded with =, such as b'AQID'",
            token()
        ))
    } else {
        None
    }
}

/// "a", "a or b", "a, b or c".
fn one_of(phrases: &[&str]) -> String {
    match phrases {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// What a rule means to someone writing a pattern.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::pattern
        | Rule::observation_expressions
        | Rule::observation_expression_or
        | Rule::observation_expression_and
        | Rule::qualified_observation
        | Rule::observation_simple => "an observation such as [ipv4-addr:value = '192.0.2.1']",
        Rule::start_stop_qualifier => "START",
        Rule::within_qualifier => "WITHIN",
        Rule::repeated_qualifier => "REPEATS",
        Rule::comparison_expression | Rule::comparison_expression_and | Rule::comparison => {
            "a comparison such as ipv4-addr:value = '192.0.2.1'"
        }
        Rule::exists_test => "EXISTS",
        Rule::equality_test | Rule::order_test => "a comparison operator",
        Rule::set_test => "IN",
        Rule::like_test => "LIKE",
        Rule::regex_test => "MATCHES",
        Rule::subset_test => "ISSUBSET",
        Rule::superset_test => "ISSUPERSET",
        Rule::object_path | Rule::object_type => "an object path such as ipv4-addr:value",
        Rule::property_name => "a property name",
        Rule::any_index => "'*'",
        Rule::set_literal => "a list of values in parentheses",
        Rule::int_literal => "a whole number",
        Rule::positive_int_literal => "a whole number (0 or more)",
        Rule::float_literal | Rule::positive_float_literal => "a number",
        Rule::hex_literal
        | Rule::binary_literal
        | Rule::string_literal
        | Rule::bool_literal
        | Rule::timestamp_literal => {
            "a value (such as 'text', 42, 1.5, true, h'ff', b'AQID' or t'2016-01-01T00:00:00Z')"
        }
        Rule::keyword => "a keyword",
        Rule::kw_and => "AND",
        Rule::kw_or => "OR",
        Rule::kw_not => "NOT",
        Rule::kw_followedby => "FOLLOWEDBY",
        Rule::kw_like => "LIKE",
        Rule::kw_matches => "MATCHES",
        Rule::kw_issuperset => "ISSUPERSET",
        Rule::kw_issubset => "ISSUBSET",
        Rule::kw_exists => "EXISTS",
        Rule::kw_in => "IN",
        Rule::kw_start => "START",
        Rule::kw_stop => "STOP",
        Rule::kw_seconds => "SECONDS",
        Rule::kw_within => "WITHIN",
        Rule::kw_repeats => "REPEATS",
        Rule::kw_times => "TIMES",
        Rule::op_eq | Rule::op_neq | Rule::op_ge | Rule::op_le | Rule::op_gt | Rule::op_lt => {
            "a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET or ISSUPERSET)"
        }
        Rule::lbrack => "'['",
        Rule::rbrack => "']'",
        Rule::lparen => "'('",
        Rule::rparen => "')'",
        Rule::colon => "':'",
        Rule::dot => "'.'",
        Rule::comma => "','",
        Rule::EOI => "the end of the pattern",
        _ => "something else",
    }
}
