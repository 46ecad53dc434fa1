//! From pest's parse to the syntax tree, checking what the grammar cannot: numbers in
//! range, dates that exist and hash values of the right form.

use super::ast::{
    Comparison, ComparisonExpression, Literal, ObjectPath, ObservationExpression, Operator,
    PathStep, Qualifier,
};
use super::grammar::Rule;
use super::{PatternError, error_at};
use pest::iterators::Pair;

/// The significant children of a pair: keywords and punctuation are left out, since the
/// rule of the pair already says what they were.
pub(super) fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|child| {
        !matches!(
            child.as_rule(),
            Rule::kw_and
                | Rule::kw_or
                | Rule::kw_followedby
                | Rule::kw_in
                | Rule::kw_like
                | Rule::kw_matches
                | Rule::kw_issubset
                | Rule::kw_issuperset
                | Rule::kw_exists
                | Rule::kw_start
                | Rule::kw_stop
                | Rule::kw_within
                | Rule::kw_seconds
                | Rule::kw_repeats
                | Rule::kw_times
                | Rule::lbrack
                | Rule::rbrack
                | Rule::lparen
                | Rule::rparen
                | Rule::colon
                | Rule::dot
                | Rule::comma
        )
    })
}

/// Turns the parse into a syntax tree, checking what the grammar cannot: numbers in range
/// and dates that exist.
pub(super) struct Builder<'t> {
    pub(super) text: &'t str,
}

impl Builder<'_> {
    fn fail(&self, pair: &Pair<'_, Rule>, message: String) -> PatternError {
        error_at(self.text, pair.as_span().start(), message)
    }

    /// A rule the grammar guarantees did not appear where the builder expected it.
    fn unexpected(&self, pair: &Pair<'_, Rule>) -> PatternError {
        self.fail(
            pair,
            format!(
                "internal error: unexpected {:?} in the syntax tree",
                pair.as_rule()
            ),
        )
    }

    fn missing(&self, pair: &Pair<'_, Rule>) -> PatternError {
        self.fail(
            pair,
            format!("internal error: incomplete {:?}", pair.as_rule()),
        )
    }

    pub(super) fn observation_expressions(
        &self,
        pair: Pair<'_, Rule>,
    ) -> Result<ObservationExpression, PatternError> {
        let rule = pair.as_rule();
        let mut operands = Vec::new();
        for child in children(pair.clone()) {
            operands.push(match rule {
                Rule::observation_expressions | Rule::observation_expression_or => {
                    self.observation_expressions(child)?
                }
                Rule::observation_expression_and => self.qualified_observation(child)?,
                _ => return Err(self.unexpected(&pair)),
            });
        }
        if operands.len() == 1 {
            return operands.pop().ok_or_else(|| self.missing(&pair));
        }
        match rule {
            Rule::observation_expressions => Ok(ObservationExpression::FollowedBy(operands)),
            Rule::observation_expression_or => Ok(ObservationExpression::Or(operands)),
            Rule::observation_expression_and => Ok(ObservationExpression::And(operands)),
            _ => Err(self.unexpected(&pair)),
        }
    }

    fn qualified_observation(
        &self,
        pair: Pair<'_, Rule>,
    ) -> Result<ObservationExpression, PatternError> {
        let mut parts = children(pair.clone());
        let primary = parts.next().ok_or_else(|| self.missing(&pair))?;
        // As the reference validator (stix2-patterns) has it: an observation in brackets may
        // take each kind of qualifier once; a parenthesised group is not checked.
        let simple = primary.as_rule() == Rule::observation_simple;
        let mut expression = match primary.as_rule() {
            Rule::observation_simple => {
                let inside = children(primary.clone())
                    .next()
                    .ok_or_else(|| self.missing(&primary))?;
                ObservationExpression::Observation(self.comparison_expression(inside)?)
            }
            // A parenthesised expression: the parentheses only group.
            Rule::observation_expressions => self.observation_expressions(primary)?,
            _ => return Err(self.unexpected(&primary)),
        };
        let mut seen: Vec<&'static str> = Vec::new();
        for qualifier in parts {
            let kind = match qualifier.as_rule() {
                Rule::within_qualifier => "WITHIN",
                Rule::repeated_qualifier => "REPEATS",
                _ => "START … STOP",
            };
            if simple && seen.contains(&kind) {
                return Err(self.fail(
                    &qualifier,
                    format!(
                        "the observation has a second {kind} qualifier: each kind of qualifier \
                         may be given once"
                    ),
                ));
            }
            seen.push(kind);
            expression =
                ObservationExpression::Qualified(Box::new(expression), self.qualifier(qualifier)?);
        }
        Ok(expression)
    }

    fn qualifier(&self, pair: Pair<'_, Rule>) -> Result<Qualifier, PatternError> {
        let rule = pair.as_rule();
        let mut parts = children(pair.clone());
        let mut next = || parts.next().ok_or_else(|| self.missing(&pair));
        match rule {
            Rule::within_qualifier => {
                let number = next()?;
                Ok(Qualifier::Within(self.finite(&number)?))
            }
            Rule::repeated_qualifier => {
                let number = next()?;
                let count = number.as_str().parse::<u64>().map_err(|_| {
                    self.fail(
                        &number,
                        format!(
                            "REPEATS {} TIMES is more than Beacon can count",
                            number.as_str()
                        ),
                    )
                })?;
                Ok(Qualifier::Repeats(count))
            }
            Rule::start_stop_qualifier => {
                let start = next()?;
                let stop = next()?;
                Ok(Qualifier::StartStop {
                    start: self.timestamp(&start)?,
                    stop: self.timestamp(&stop)?,
                })
            }
            _ => Err(self.unexpected(&pair)),
        }
    }

    fn comparison_expression(
        &self,
        pair: Pair<'_, Rule>,
    ) -> Result<ComparisonExpression, PatternError> {
        let rule = pair.as_rule();
        let mut operands = Vec::new();
        for child in children(pair.clone()) {
            operands.push(match child.as_rule() {
                Rule::comparison_expression | Rule::comparison_expression_and => {
                    self.comparison_expression(child)?
                }
                Rule::comparison | Rule::exists_test => {
                    ComparisonExpression::Comparison(self.comparison(child)?)
                }
                _ => return Err(self.unexpected(&child)),
            });
        }
        if operands.len() == 1 {
            return operands.pop().ok_or_else(|| self.missing(&pair));
        }
        match rule {
            Rule::comparison_expression => Ok(ComparisonExpression::Or(operands)),
            Rule::comparison_expression_and => Ok(ComparisonExpression::And(operands)),
            _ => Err(self.unexpected(&pair)),
        }
    }

    fn comparison(&self, pair: Pair<'_, Rule>) -> Result<Comparison, PatternError> {
        let mut negated = false;
        let mut path = None;
        let mut operator = None;
        for child in children(pair.clone()) {
            match child.as_rule() {
                Rule::kw_not => negated = true,
                Rule::object_path => path = Some(self.object_path(child)?),
                _ => operator = Some(self.operator(child)?),
            }
        }
        let path = path.ok_or_else(|| self.missing(&pair))?;
        let operator = match pair.as_rule() {
            Rule::exists_test => Operator::Exists,
            _ => operator.ok_or_else(|| self.missing(&pair))?,
        };
        if pair.as_rule() == Rule::comparison {
            self.check_hash(&pair, &path)?;
        }
        Ok(Comparison {
            path,
            negated,
            operator,
        })
    }

    /// A comparison of a hash (`file:hashes.'SHA-256' = '…'`) must compare with a value
    /// of that hash's form, as the reference validator (stix2-patterns) requires: the
    /// operand as written, quotes left out, must match [`HASH_FORMS`].
    fn check_hash(&self, pair: &Pair<'_, Rule>, path: &ObjectPath) -> Result<(), PatternError> {
        let in_hashes = path.property == "hashes"
            || path
                .steps
                .iter()
                .any(|step| matches!(step, PathStep::Key(key) if key == "hashes"));
        let last = match path.steps.last() {
            Some(PathStep::Key(key)) => key.as_str(),
            Some(_) => return Ok(()),
            None => path.property.as_str(),
        };
        if !in_hashes {
            return Ok(());
        }
        let selector = last.to_ascii_uppercase().replace('-', "");
        let Some((_, name, valid)) = HASH_FORMS.iter().find(|(key, ..)| *key == selector) else {
            return Ok(());
        };
        let Some(operation) = children(pair.clone()).last() else {
            return Ok(());
        };
        let Some(operand) = children(operation).last() else {
            return Ok(());
        };
        let written: String = operand.as_str().chars().filter(|c| *c != '\'').collect();
        if valid(&written) {
            return Ok(());
        }
        let shown: String = written.chars().take(80).collect();
        Err(self.fail(
            &operand,
            format!(
                "'{shown}' is not a valid {name} hash ({})",
                describe_hash(name)
            ),
        ))
    }

    fn operator(&self, pair: Pair<'_, Rule>) -> Result<Operator, PatternError> {
        let rule = pair.as_rule();
        let mut parts = children(pair.clone());
        let mut next = || parts.next().ok_or_else(|| self.missing(&pair));
        let operator = match rule {
            Rule::equality_test | Rule::order_test => {
                let symbol = next()?;
                let value = self.literal(next()?)?;
                match symbol.as_rule() {
                    Rule::op_eq => Operator::Equal(value),
                    Rule::op_neq => Operator::NotEqual(value),
                    Rule::op_lt => Operator::Less(value),
                    Rule::op_le => Operator::LessOrEqual(value),
                    Rule::op_gt => Operator::Greater(value),
                    Rule::op_ge => Operator::GreaterOrEqual(value),
                    _ => return Err(self.unexpected(&symbol)),
                }
            }
            Rule::set_test => {
                let set = next()?;
                Operator::In(
                    children(set)
                        .map(|value| self.literal(value))
                        .collect::<Result<_, _>>()?,
                )
            }
            Rule::like_test => Operator::Like(unescape(next()?.as_str())),
            Rule::regex_test => Operator::Matches(unescape(next()?.as_str())),
            Rule::subset_test => Operator::IsSubset(unescape(next()?.as_str())),
            Rule::superset_test => Operator::IsSuperset(unescape(next()?.as_str())),
            _ => return Err(self.unexpected(&pair)),
        };
        Ok(operator)
    }

    fn object_path(&self, pair: Pair<'_, Rule>) -> Result<ObjectPath, PatternError> {
        let mut parts = children(pair.clone());
        let object_type = parts.next().ok_or_else(|| self.missing(&pair))?;
        let property = parts.next().ok_or_else(|| self.missing(&pair))?;
        let mut steps = Vec::new();
        for step in parts {
            steps.push(match step.as_rule() {
                Rule::property_name | Rule::string_literal => PathStep::Key(key(&step)),
                Rule::any_index => PathStep::AnyIndex,
                Rule::int_literal => PathStep::Index(self.integer(&step)?),
                _ => return Err(self.unexpected(&step)),
            });
        }
        Ok(ObjectPath {
            object_type: object_type.as_str().to_owned(),
            property: key(&property),
            steps,
        })
    }

    fn literal(&self, pair: Pair<'_, Rule>) -> Result<Literal, PatternError> {
        let text = pair.as_str();
        Ok(match pair.as_rule() {
            Rule::string_literal => Literal::String(unescape(text)),
            Rule::int_literal => Literal::Integer(self.integer(&pair)?),
            Rule::float_literal => Literal::Float(self.finite(&pair)?),
            Rule::bool_literal => Literal::Boolean(text == "true"),
            Rule::timestamp_literal => Literal::Timestamp(self.timestamp(&pair)?),
            Rule::binary_literal => Literal::Binary(between_quotes(text).to_owned()),
            Rule::hex_literal => Literal::Hex(
                between_quotes(text)
                    .as_bytes()
                    .chunks(2)
                    .map(|pair| hex_value(pair[0]) * 16 + hex_value(pair[pair.len() - 1]))
                    .collect(),
            ),
            _ => return Err(self.unexpected(&pair)),
        })
    }

    fn integer(&self, pair: &Pair<'_, Rule>) -> Result<i64, PatternError> {
        pair.as_str().parse::<i64>().map_err(|_| {
            self.fail(
                pair,
                format!(
                    "the number {} is out of range (at most 19 digits)",
                    pair.as_str()
                ),
            )
        })
    }

    fn finite(&self, pair: &Pair<'_, Rule>) -> Result<f64, PatternError> {
        match pair.as_str().parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(value),
            _ => Err(self.fail(pair, format!("the number {} is too large", pair.as_str()))),
        }
    }

    /// The text of a `t'…'` literal, once its date is known to exist (the grammar only
    /// checks each field's range, so it lets 30 February through).
    fn timestamp(&self, pair: &Pair<'_, Rule>) -> Result<String, PatternError> {
        let inside = between_quotes(pair.as_str());
        let field = |range: std::ops::Range<usize>| {
            inside
                .get(range)
                .and_then(|digits| digits.parse::<u16>().ok())
        };
        let date = match (field(0..4), field(5..7), field(8..10)) {
            (Some(year), Some(month), Some(day)) => u8::try_from(month)
                .ok()
                .and_then(|month| time::Month::try_from(month).ok())
                .zip(u8::try_from(day).ok())
                .and_then(|(month, day)| {
                    time::Date::from_calendar_date(i32::from(year), month, day).ok()
                }),
            _ => None,
        };
        match date {
            Some(_) => Ok(inside.to_owned()),
            None => Err(self.fail(pair, format!("{} is not a date that exists", pair.as_str()))),
        }
    }
}

/// Hash names (upper case, without `-`) the reference validator checks, with the name to
/// show and the test of a value's form.
#[allow(clippy::type_complexity)]
const HASH_FORMS: &[(&str, &str, fn(&str) -> bool)] = &[
    ("MD5", "MD5", |value| hex_of(value, &[32])),
    // stix2-patterns' MD6 expression only anchors its first lengths at the start.
    ("MD6", "MD6", |value| {
        [32, 40, 56, 96, 128].iter().any(|&length| {
            value
                .get(..length)
                .is_some_and(|start| hex_of(start, &[length]))
        })
    }),
    ("RIPEMD160", "RIPEMD-160", |value| hex_of(value, &[40])),
    ("SHA1", "SHA-1", |value| hex_of(value, &[40])),
    ("SHA224", "SHA-224", |value| hex_of(value, &[56])),
    ("SHA256", "SHA-256", |value| hex_of(value, &[64])),
    ("SHA384", "SHA-384", |value| hex_of(value, &[96])),
    ("SHA512", "SHA-512", |value| hex_of(value, &[128])),
    ("SHA3224", "SHA3-224", |value| hex_of(value, &[56])),
    ("SHA3256", "SHA3-256", |value| hex_of(value, &[64])),
    ("SHA3384", "SHA3-384", |value| hex_of(value, &[96])),
    ("SHA3512", "SHA3-512", |value| hex_of(value, &[128])),
    ("SSDEEP", "SSDEEP", |value| {
        (1..=128).contains(&value.len())
            && value
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b"/+:.".contains(&byte))
    }),
    ("WHIRLPOOL", "WHIRLPOOL", |value| hex_of(value, &[128])),
];

/// True when `value` is hexadecimal digits of one of the lengths.
fn hex_of(value: &str, lengths: &[usize]) -> bool {
    lengths.contains(&value.len()) && value.bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// What a valid value of the named hash looks like, in plain words.
fn describe_hash(name: &str) -> &'static str {
    match name {
        "MD5" => "32 hexadecimal digits",
        "SHA-1" | "RIPEMD-160" => "40 hexadecimal digits",
        "SHA-224" | "SHA3-224" => "56 hexadecimal digits",
        "SHA-256" | "SHA3-256" => "64 hexadecimal digits",
        "SHA-384" | "SHA3-384" => "96 hexadecimal digits",
        "SHA-512" | "SHA3-512" | "WHIRLPOOL" => "128 hexadecimal digits",
        "SSDEEP" => "up to 128 letters, digits and / + : .",
        _ => "hexadecimal digits",
    }
}

/// A property name, unquoted if it was quoted.
fn key(pair: &Pair<'_, Rule>) -> String {
    match pair.as_rule() {
        Rule::string_literal => unescape(pair.as_str()),
        _ => pair.as_str().to_owned(),
    }
}

/// The text between the first and the last quote of a literal.
fn between_quotes(text: &str) -> &str {
    let start = text.find('\'').map_or(0, |quote| quote + 1);
    let end = text.rfind('\'').unwrap_or(text.len()).max(start);
    &text[start..end]
}

/// The value of a string literal: `\'` is a quote and `\\` a backslash (the grammar
/// allows no other escapes).
fn unescape(literal: &str) -> String {
    let mut value = String::with_capacity(literal.len());
    let mut chars = between_quotes(literal).chars();
    while let Some(character) = chars.next() {
        if character == '\\' {
            if let Some(escaped) = chars.next() {
                value.push(escaped);
            }
        } else {
            value.push(character);
        }
    }
    value
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0,
    }
}
