//! The STIX 2.1 patterning language: a parser built from OASIS's grammar (translated to
//! pest in `stix_pattern.pest`), the syntax tree it produces, and a printer that writes
//! any tree back as a canonical pattern.
//!
//! **Invariants:** [`parse`] never panics, whatever the input; a tree it returns prints
//! (via `Display`) as a pattern that parses back to an equal tree. Errors say what was
//! expected and where (line and column, counted in characters from 1).

use pest::Parser;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
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

/// A parsed STIX pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// The whole pattern.
    pub expression: ObservationExpression,
}

/// An observation expression: what must be observed, and how observations combine.
#[derive(Debug, Clone, PartialEq)]
pub enum ObservationExpression {
    /// `[ … ]`: one observation matching the comparison expression.
    Observation(ComparisonExpression),
    /// Both (or all) must be observed. Two or more operands.
    And(Vec<ObservationExpression>),
    /// Either (any) must be observed. Two or more operands.
    Or(Vec<ObservationExpression>),
    /// Observed in this order. Two or more operands.
    FollowedBy(Vec<ObservationExpression>),
    /// An expression with a qualifier (`WITHIN`, `REPEATS`, `START … STOP`).
    Qualified(Box<ObservationExpression>, Qualifier),
}

/// A qualifier on an observation expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Qualifier {
    /// `WITHIN n SECONDS` (a whole number or a decimal; never negative).
    Within(f64),
    /// `REPEATS n TIMES`.
    Repeats(u64),
    /// `START t'…' STOP t'…'`, as written between the quotes.
    StartStop {
        /// Start time (RFC 3339, UTC).
        start: String,
        /// Stop time (RFC 3339, UTC).
        stop: String,
    },
}

/// The inside of one observation: comparisons joined by AND and OR.
#[derive(Debug, Clone, PartialEq)]
pub enum ComparisonExpression {
    /// All must hold. Two or more operands.
    And(Vec<ComparisonExpression>),
    /// Any must hold. Two or more operands.
    Or(Vec<ComparisonExpression>),
    /// One test of one property.
    Comparison(Comparison),
}

/// One test: `path NOT? operator value`, or `NOT? EXISTS path`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The property tested.
    pub path: ObjectPath,
    /// True when written with `NOT`, which inverts the test.
    pub negated: bool,
    /// The test and its operand.
    pub operator: Operator,
}

/// A comparison operator with its operand.
///
/// The parser only builds what the grammar allows: order operators never take a boolean,
/// and `LIKE`, `MATCHES`, `ISSUBSET` and `ISSUPERSET` take a string.
#[derive(Debug, Clone, PartialEq)]
pub enum Operator {
    /// `=` (also written `==`).
    Equal(Literal),
    /// `!=` (also written `<>`).
    NotEqual(Literal),
    /// `<`
    Less(Literal),
    /// `<=`
    LessOrEqual(Literal),
    /// `>`
    Greater(Literal),
    /// `>=`
    GreaterOrEqual(Literal),
    /// `IN ( … )`, possibly empty.
    In(Vec<Literal>),
    /// `LIKE '…'` (SQL-style wildcards).
    Like(String),
    /// `MATCHES '…'` (a PCRE regular expression).
    Matches(String),
    /// `ISSUBSET '…'` (the address lies in this network).
    IsSubset(String),
    /// `ISSUPERSET '…'` (the network contains this one).
    IsSuperset(String),
    /// `EXISTS path`.
    Exists,
}

/// A property of a cyber-observable object, such as `file:hashes.'SHA-256'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectPath {
    /// The object type, e.g. `ipv4-addr`.
    pub object_type: String,
    /// The first property, e.g. `value`.
    pub property: String,
    /// Keys and list indexes after the first property.
    pub steps: Vec<PathStep>,
}

/// One step of an object path after its first property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// `.name` or `.'quoted-name'`.
    Key(String),
    /// `[n]` (negative counts from the end).
    Index(i64),
    /// `[*]`: any element.
    AnyIndex,
}

/// A constant in a pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `'text'`, with escapes resolved.
    String(String),
    /// A whole number.
    Integer(i64),
    /// A decimal number (finite).
    Float(f64),
    /// `b'…'`: base64 text as written (the grammar checks its padding).
    Binary(String),
    /// `h'…'`: the bytes.
    Hex(Vec<u8>),
    /// `true` or `false`.
    Boolean(bool),
    /// `t'…'`: an RFC 3339 UTC timestamp as written between the quotes.
    Timestamp(String),
}

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

/// The significant children of a pair: keywords and punctuation are left out, since the
/// rule of the pair already says what they were.
fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
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
struct Builder<'t> {
    text: &'t str,
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

    fn observation_expressions(
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

/// A property name, unquoted if it was quoted.
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

/// What a quick look at the text found, before or after pest: the problems pest reports
/// only as "expected …" at a distance, such as a string that never ends.
#[derive(Default)]
struct Scan {
    /// Nothing but whitespace and comments.
    empty: bool,
    /// Byte offset where nesting first exceeds [`MAX_NESTING`].
    too_deep: Option<usize>,
    /// The first lexical problem found.
    problem: Option<Problem>,
}

/// A lexical problem the scan found.
struct Problem {
    /// Byte offset from which it explains a parse failure.
    matters_at: usize,
    /// Byte offset to report.
    point_at: usize,
    message: String,
    /// An opening bracket never closed: it explains the failure only where the parser
    /// would have taken a closing bracket (else a missing value, say, is the better story).
    unclosed: bool,
}

fn scan(text: &str) -> Scan {
    let mut result = Scan::default();
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut significant = false;
    let mut chars = text.char_indices().peekable();
    let note = |result: &mut Scan, (matters_at, point_at, message): (usize, usize, String)| {
        if result.problem.is_none() {
            result.problem = Some(Problem {
                matters_at,
                point_at,
                message,
                unclosed: false,
            });
        }
    };
    while let Some((offset, character)) = chars.next() {
        match character {
            '/' if chars.peek().is_some_and(|(_, next)| *next == '*') => {
                chars.next();
                let mut closed = false;
                while let Some((_, inside)) = chars.next() {
                    if inside == '*' && chars.peek().is_some_and(|(_, next)| *next == '/') {
                        chars.next();
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    note(
                        &mut result,
                        (
                            offset,
                            offset,
                            "this comment is never closed with */".to_owned(),
                        ),
                    );
                }
            }
            '/' if chars.peek().is_some_and(|(_, next)| *next == '/') => {
                while chars.next_if(|(_, inside)| *inside != '\n').is_some() {}
            }
            '\'' => {
                significant = true;
                let mut closed = false;
                while let Some((inside_offset, inside)) = chars.next() {
                    match inside {
                        '\'' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.next() {
                            Some((_, '\'' | '\\')) => {}
                            Some((_, other)) => note(
                                &mut result,
                                (
                                    offset,
                                    inside_offset,
                                    format!(
                                        "'\\{other}' is not an escape in a STIX string; only \\' and \\\\ are (write a backslash as \\\\)"
                                    ),
                                ),
                            ),
                            None => {}
                        },
                        _ => {}
                    }
                }
                if !closed {
                    note(
                        &mut result,
                        (
                            offset,
                            offset,
                            "this string is never closed with a quote (')".to_owned(),
                        ),
                    );
                }
            }
            '[' | '(' => {
                significant = true;
                open.push((offset, character));
                if open.len() > MAX_NESTING && result.too_deep.is_none() {
                    result.too_deep = Some(offset);
                }
            }
            ']' | ')' => {
                significant = true;
                let wanted = if character == ']' { '[' } else { '(' };
                match open.pop() {
                    Some((_, opener)) if opener == wanted => {}
                    Some((opened_at, opener)) => {
                        let (line, column) = line_column(text, opened_at);
                        note(
                            &mut result,
                            (
                                offset,
                                offset,
                                format!(
                                    "'{character}' does not close the '{opener}' at line {line}, column {column}"
                                ),
                            ),
                        );
                    }
                    None => note(
                        &mut result,
                        (
                            offset,
                            offset,
                            format!(
                                "'{character}' closes nothing: there is no '{wanted}' before it"
                            ),
                        ),
                    ),
                }
            }
            other if other.is_whitespace() => {}
            _ => significant = true,
        }
    }
    if let Some((opened_at, opener)) = open.first() {
        let closer = if *opener == '[' { ']' } else { ')' };
        // An unclosed bracket shows at the end of the pattern, so that is where it
        // competes with pest's own error.
        if result.problem.is_none() {
            result.problem = Some(Problem {
                matters_at: text.len(),
                point_at: *opened_at,
                message: format!("this '{opener}' is never closed with '{closer}'"),
                unclosed: true,
            });
        }
    }
    result.empty = !significant;
    result
}

/// A pest error in plain words, preferring the scan's diagnosis when it explains the
/// failure at or before where pest gave up.
fn explain(text: &str, scan: &Scan, error: &pest::error::Error<Rule>) -> PatternError {
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

// ---------------------------------------------------------------------------------------
// Printing: the canonical form. Operators are printed one way (`=`, `!=`), keywords in
// upper case, one space around operators, and parentheses only where precedence needs
// them, so printing then parsing gives back an equal tree.

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.expression.fmt(f)
    }
}

impl ObservationExpression {
    /// Binding strength: higher binds tighter.
    fn precedence(&self) -> u8 {
        match self {
            ObservationExpression::FollowedBy(_) => 1,
            ObservationExpression::Or(_) => 2,
            ObservationExpression::And(_) => 3,
            ObservationExpression::Qualified(..) | ObservationExpression::Observation(_) => 4,
        }
    }

    fn fmt_operand(&self, f: &mut fmt::Formatter<'_>, parent: u8) -> fmt::Result {
        if self.precedence() <= parent {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

impl fmt::Display for ObservationExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (operands, word) = match self {
            ObservationExpression::Observation(inside) => return write!(f, "[{inside}]"),
            ObservationExpression::Qualified(inner, qualifier) => {
                // Qualifiers bind tightest, so any operator inside needs parentheses; so
                // does a second qualifier of the same kind, which only a group may take.
                if inner.has_qualifier_like(qualifier) {
                    write!(f, "({inner})")?;
                } else {
                    inner.fmt_operand(f, 3)?;
                }
                return write!(f, " {qualifier}");
            }
            ObservationExpression::And(operands) => (operands, "AND"),
            ObservationExpression::Or(operands) => (operands, "OR"),
            ObservationExpression::FollowedBy(operands) => (operands, "FOLLOWEDBY"),
        };
        for (index, operand) in operands.iter().enumerate() {
            if index > 0 {
                write!(f, " {word} ")?;
            }
            operand.fmt_operand(f, self.precedence())?;
        }
        Ok(())
    }
}

impl ObservationExpression {
    /// True when this is a bracketed observation carrying, directly, a qualifier of the
    /// same kind as `qualifier`.
    fn has_qualifier_like(&self, qualifier: &Qualifier) -> bool {
        match self {
            ObservationExpression::Qualified(inner, own) => {
                std::mem::discriminant(own) == std::mem::discriminant(qualifier)
                    || inner.has_qualifier_like(qualifier)
            }
            _ => false,
        }
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // `{}` never uses an exponent, so the number reads back as written.
            Qualifier::Within(seconds) => write!(f, "WITHIN {seconds} SECONDS"),
            Qualifier::Repeats(count) => write!(f, "REPEATS {count} TIMES"),
            Qualifier::StartStop { start, stop } => write!(f, "START t'{start}' STOP t'{stop}'"),
        }
    }
}

impl ComparisonExpression {
    fn precedence(&self) -> u8 {
        match self {
            ComparisonExpression::Or(_) => 1,
            ComparisonExpression::And(_) => 2,
            ComparisonExpression::Comparison(_) => 3,
        }
    }
}

impl fmt::Display for ComparisonExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (operands, word) = match self {
            ComparisonExpression::Comparison(comparison) => return comparison.fmt(f),
            ComparisonExpression::And(operands) => (operands, "AND"),
            ComparisonExpression::Or(operands) => (operands, "OR"),
        };
        for (index, operand) in operands.iter().enumerate() {
            if index > 0 {
                write!(f, " {word} ")?;
            }
            if operand.precedence() <= self.precedence() {
                write!(f, "({operand})")?;
            } else {
                write!(f, "{operand}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let not = if self.negated { "NOT " } else { "" };
        let path = &self.path;
        match &self.operator {
            Operator::Exists => write!(f, "{not}EXISTS {path}"),
            Operator::Equal(value) => write!(f, "{path} {not}= {value}"),
            Operator::NotEqual(value) => write!(f, "{path} {not}!= {value}"),
            Operator::Less(value) => write!(f, "{path} {not}< {value}"),
            Operator::LessOrEqual(value) => write!(f, "{path} {not}<= {value}"),
            Operator::Greater(value) => write!(f, "{path} {not}> {value}"),
            Operator::GreaterOrEqual(value) => write!(f, "{path} {not}>= {value}"),
            Operator::In(values) => {
                write!(f, "{path} {not}IN (")?;
                for (index, value) in values.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{value}")?;
                }
                f.write_str(")")
            }
            Operator::Like(text) => write!(f, "{path} {not}LIKE {}", Quoted(text)),
            Operator::Matches(text) => write!(f, "{path} {not}MATCHES {}", Quoted(text)),
            Operator::IsSubset(text) => write!(f, "{path} {not}ISSUBSET {}", Quoted(text)),
            Operator::IsSuperset(text) => write!(f, "{path} {not}ISSUPERSET {}", Quoted(text)),
        }
    }
}

impl fmt::Display for ObjectPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.object_type, Key(&self.property))?;
        for step in &self.steps {
            match step {
                PathStep::Key(name) => write!(f, ".{}", Key(name))?,
                PathStep::Index(index) => write!(f, "[{index}]")?,
                PathStep::AnyIndex => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(text) => Quoted(text).fmt(f),
            Literal::Integer(value) => write!(f, "{value}"),
            Literal::Float(value) => {
                // `{}` prints 7.0 as "7", which would read back as an integer.
                let text = value.to_string();
                if text.contains('.') {
                    f.write_str(&text)
                } else {
                    write!(f, "{text}.0")
                }
            }
            Literal::Binary(text) => write!(f, "b'{text}'"),
            Literal::Hex(bytes) => {
                f.write_str("h'")?;
                for byte in bytes {
                    write!(f, "{byte:02x}")?;
                }
                f.write_str("'")
            }
            Literal::Boolean(value) => write!(f, "{value}"),
            Literal::Timestamp(text) => write!(f, "t'{text}'"),
        }
    }
}

/// A string literal, quoted and escaped.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("'")?;
        for character in self.0.chars() {
            match character {
                '\'' => f.write_str("\\'")?,
                '\\' => f.write_str("\\\\")?,
                other => write!(f, "{other}")?,
            }
        }
        f.write_str("'")
    }
}

/// A property name: bare when the grammar allows it bare, quoted otherwise.
struct Key<'a>(&'a str);

impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.0;
        let mut chars = name.chars();
        let bare = chars
            .next()
            .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
            && chars.all(|rest| rest.is_ascii_alphanumeric() || rest == '_')
            && !KEYWORDS.contains(&name);
        if bare {
            f.write_str(name)
        } else {
            Quoted(name).fmt(f)
        }
    }
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

// ---------------------------------------------------------------------------------------
// Walking the tree.

impl Pattern {
    /// Every comparison in the pattern, in the order written. STIX has no `NOT` above a
    /// single comparison, so each one's own [`Comparison::negated`] says all there is.
    pub fn comparisons(&self) -> Vec<&Comparison> {
        let mut found = Vec::new();
        self.expression.collect_comparisons(&mut found);
        found
    }
}

impl ObservationExpression {
    fn collect_comparisons<'a>(&'a self, found: &mut Vec<&'a Comparison>) {
        match self {
            ObservationExpression::Observation(inside) => inside.collect_comparisons(found),
            ObservationExpression::And(operands)
            | ObservationExpression::Or(operands)
            | ObservationExpression::FollowedBy(operands) => {
                for operand in operands {
                    operand.collect_comparisons(found);
                }
            }
            ObservationExpression::Qualified(inner, _) => inner.collect_comparisons(found),
        }
    }
}

impl ComparisonExpression {
    fn collect_comparisons<'a>(&'a self, found: &mut Vec<&'a Comparison>) {
        match self {
            ComparisonExpression::Comparison(comparison) => found.push(comparison),
            ComparisonExpression::And(operands) | ComparisonExpression::Or(operands) => {
                for operand in operands {
                    operand.collect_comparisons(found);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(text: &str) -> Pattern {
        parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn precedence_follows_the_grammar() {
        // AND binds tighter than OR, which binds tighter than FOLLOWEDBY.
        let pattern = parsed("[a:b = 1] OR [a:b = 2] AND [a:b = 3] FOLLOWEDBY [a:b = 4]");
        let ObservationExpression::FollowedBy(parts) = &pattern.expression else {
            panic!("{pattern:?}");
        };
        assert!(
            matches!(&parts[0], ObservationExpression::Or(or) if matches!(or[1], ObservationExpression::And(_)))
        );
        // Qualifiers bind to the observation just before them.
        let pattern = parsed("[a:b = 1] AND [a:b = 2] WITHIN 5 SECONDS");
        let ObservationExpression::And(parts) = &pattern.expression else {
            panic!("{pattern:?}");
        };
        assert!(
            matches!(&parts[1], ObservationExpression::Qualified(_, Qualifier::Within(seconds)) if *seconds == 5.0)
        );
        let pattern = parsed("[a:b = 1 OR a:b = 2 AND a:c = 3]");
        let ObservationExpression::Observation(ComparisonExpression::Or(parts)) =
            &pattern.expression
        else {
            panic!("{pattern:?}");
        };
        assert!(matches!(parts[1], ComparisonExpression::And(_)));
    }

    #[test]
    fn literals_keep_their_values() {
        let pattern = parsed(
            "[x:y IN ('it\\'s \\\\ here', -12, +3, -.5, true, false, h'00Ff', b'AQIDBA==', t'2016-02-29T23:59:60.123Z')]",
        );
        let comparisons = pattern.comparisons();
        let Operator::In(values) = &comparisons[0].operator else {
            panic!("{pattern:?}");
        };
        assert_eq!(
            values,
            &vec![
                Literal::String("it's \\ here".into()),
                Literal::Integer(-12),
                Literal::Integer(3),
                Literal::Float(-0.5),
                Literal::Boolean(true),
                Literal::Boolean(false),
                Literal::Hex(vec![0x00, 0xff]),
                Literal::Binary("AQIDBA==".into()),
                Literal::Timestamp("2016-02-29T23:59:60.123Z".into()),
            ]
        );
    }

    #[test]
    fn object_paths_keep_keys_and_indexes() {
        let pattern = parsed("[file:extensions.'windows-pebinary-ext'.sections[-1].x[*] = 1]");
        let path = &pattern.comparisons()[0].path;
        assert_eq!(path.object_type, "file");
        assert_eq!(path.property, "extensions");
        assert_eq!(
            path.steps,
            vec![
                PathStep::Key("windows-pebinary-ext".into()),
                PathStep::Key("sections".into()),
                PathStep::Index(-1),
                PathStep::Key("x".into()),
                PathStep::AnyIndex,
            ]
        );
        let exists = parsed("[NOT EXISTS windows-registry-key:values]");
        let comparison = exists.comparisons()[0];
        assert!(comparison.negated);
        assert_eq!(comparison.operator, Operator::Exists);
    }

    #[test]
    fn keywords_need_a_boundary_and_identifiers_cannot_be_keywords() {
        // "ORx" is not OR; "INDEX" is an identifier, not IN.
        assert!(parse("[a:b = 1] ORx [a:b = 2]").is_err());
        assert!(parse("[a:INDEX = 1]").is_ok());
        assert!(parse("[a:IN = 1]").is_err());
        assert!(parse("[a:b = truely]").is_err());
        // MATCHES may touch its string, as in the specification's own example.
        assert!(parse("[a:b MATCHES'^x$']").is_ok());
    }

    fn refusal(text: &str) -> String {
        parse(text)
            .expect_err(&format!("{text} should be refused"))
            .to_string()
    }

    #[test]
    fn a_repeated_qualifier_on_one_observation_is_refused() {
        for (text, kind) in [
            (
                "[ipv4-addr:value = '198.51.100.1'] WITHIN 5 SECONDS WITHIN 6 SECONDS",
                "WITHIN",
            ),
            (
                "[ipv4-addr:value = '198.51.100.1'] REPEATS 2 TIMES REPEATS 3 TIMES",
                "REPEATS",
            ),
            (
                "[ipv4-addr:value = '198.51.100.1'] START t'2016-06-01T00:00:00Z' STOP \
                 t'2016-07-01T00:00:00Z' START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
                "START … STOP",
            ),
        ] {
            let message = refusal(text);
            assert!(
                message.contains(&format!("a second {kind} qualifier")),
                "{text}: {message}"
            );
        }
        // Different kinds, or a qualifier on a parenthesised group, are fine.
        parse("[ipv4-addr:value = '198.51.100.1'] REPEATS 2 TIMES WITHIN 5 SECONDS")
            .expect("two kinds");
        parse("([ipv4-addr:value = '198.51.100.1'] WITHIN 5 SECONDS) WITHIN 6 SECONDS")
            .expect("a group's qualifier");
    }

    #[test]
    fn hash_comparisons_need_a_value_of_the_hashs_form() {
        let message = refusal("[file:hashes.'SHA-256' = 'f00']");
        assert!(
            message.contains("'f00' is not a valid SHA-256 hash (64 hexadecimal digits)"),
            "{message}"
        );
        let beside = refusal("[ipv4-addr:value = '198.51.100.1' AND file:hashes.MD5 = 'f00']");
        assert!(beside.contains("not a valid MD5 hash"), "{beside}");
        parse(
            "[file:hashes.'SHA-256' = \
             'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
        )
        .expect("a real SHA-256");
        parse("[file:hashes.TLSH = 'f00']").expect("a hash the validator does not check");
        parse("[file:hashes[*] = 'f00']").expect("any hash");
    }

    #[test]
    fn a_missing_qualifier_value_is_named() {
        let message = refusal("[ipv4-addr:value = '198.51.100.1'] WITHIN ]");
        assert!(!message.contains("closes nothing"), "{message}");
        assert!(
            message.contains("expected a number of seconds"),
            "{message}"
        );
    }

    #[test]
    fn huge_numbers_are_refused_not_made_infinite() {
        let digits = "9".repeat(400);
        assert!(parse(&format!("[a:b = {digits}.0]")).is_err());
        assert!(parse(&format!("[a:b = 1] WITHIN {digits} SECONDS")).is_err());
        assert!(parse("[a:b = 1] REPEATS 99999999999999999999999 TIMES").is_err());
    }

    #[test]
    fn floats_print_as_floats() {
        assert_eq!(Literal::Float(7.0).to_string(), "7.0");
        assert_eq!(Literal::Float(-0.25).to_string(), "-0.25");
        assert_eq!(Literal::Float(1e21).to_string(), "1000000000000000000000.0");
    }

    fn identifier() -> impl Strategy<Value = String> {
        "[a-zA-Z_][a-zA-Z0-9_]{0,6}"
            .prop_filter("not a keyword", |name| !KEYWORDS.contains(&name.as_str()))
    }

    fn object_type() -> impl Strategy<Value = String> {
        "[a-z_][a-z0-9_-]{0,10}"
            .prop_filter("not a keyword", |name| !KEYWORDS.contains(&name.as_str()))
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![identifier(), "\\PC{0,8}"]
    }

    fn timestamp() -> impl Strategy<Value = String> {
        (
            1000..=9999u16,
            1..=12u8,
            1..=28u8,
            0..=23u8,
            0..=59u8,
            0..=60u8,
            proptest::option::of("[0-9]{1,9}"),
        )
            .prop_map(|(year, month, day, hour, minute, second, fraction)| {
                let fraction = fraction
                    .map(|digits| format!(".{digits}"))
                    .unwrap_or_default();
                format!(
                    "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}Z"
                )
            })
    }

    fn orderable() -> impl Strategy<Value = Literal> {
        prop_oneof![
            "\\PC{0,12}".prop_map(Literal::String),
            any::<i64>().prop_map(Literal::Integer),
            any::<f64>()
                .prop_filter("finite", |value| value.is_finite())
                .prop_map(Literal::Float),
            (
                "([A-Za-z0-9+/]{4}){0,3}",
                prop_oneof![
                    "[A-Za-z0-9+/]{4}",
                    "[A-Za-z0-9+/]{3}=",
                    "[A-Za-z0-9+/]{2}=="
                ]
            )
                .prop_map(|(body, end)| Literal::Binary(format!("{body}{end}"))),
            proptest::collection::vec(any::<u8>(), 0..6).prop_map(Literal::Hex),
            timestamp().prop_map(Literal::Timestamp),
        ]
    }

    fn primitive() -> impl Strategy<Value = Literal> {
        prop_oneof![orderable(), any::<bool>().prop_map(Literal::Boolean)]
    }

    fn comparison() -> impl Strategy<Value = Comparison> {
        let path = (
            object_type(),
            key(),
            proptest::collection::vec(
                prop_oneof![
                    key().prop_map(PathStep::Key),
                    any::<i64>().prop_map(PathStep::Index),
                    Just(PathStep::AnyIndex),
                ],
                0..3,
            ),
        )
            .prop_map(|(object_type, property, steps)| ObjectPath {
                object_type,
                property,
                steps,
            });
        let operator = prop_oneof![
            primitive().prop_map(Operator::Equal),
            primitive().prop_map(Operator::NotEqual),
            orderable().prop_map(Operator::Less),
            orderable().prop_map(Operator::LessOrEqual),
            orderable().prop_map(Operator::Greater),
            orderable().prop_map(Operator::GreaterOrEqual),
            proptest::collection::vec(primitive(), 0..4).prop_map(Operator::In),
            "\\PC{0,8}".prop_map(Operator::Like),
            "\\PC{0,8}".prop_map(Operator::Matches),
            "\\PC{0,8}".prop_map(Operator::IsSubset),
            "\\PC{0,8}".prop_map(Operator::IsSuperset),
            Just(Operator::Exists),
        ];
        (path, any::<bool>(), operator).prop_map(|(path, negated, operator)| Comparison {
            path,
            negated,
            operator,
        })
    }

    fn comparison_expression() -> impl Strategy<Value = ComparisonExpression> {
        comparison()
            .prop_map(ComparisonExpression::Comparison)
            .prop_recursive(3, 12, 3, |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 2..4)
                        .prop_map(ComparisonExpression::And),
                    proptest::collection::vec(inner, 2..4).prop_map(ComparisonExpression::Or),
                ]
            })
    }

    fn qualifier() -> impl Strategy<Value = Qualifier> {
        prop_oneof![
            (0.0..1e12f64).prop_map(Qualifier::Within),
            any::<u64>().prop_map(Qualifier::Repeats),
            (timestamp(), timestamp())
                .prop_map(|(start, stop)| Qualifier::StartStop { start, stop }),
        ]
    }

    fn observation_expression() -> impl Strategy<Value = ObservationExpression> {
        comparison_expression()
            .prop_map(ObservationExpression::Observation)
            .prop_recursive(3, 10, 3, |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 2..4)
                        .prop_map(ObservationExpression::And),
                    proptest::collection::vec(inner.clone(), 2..4)
                        .prop_map(ObservationExpression::Or),
                    proptest::collection::vec(inner.clone(), 2..4)
                        .prop_map(ObservationExpression::FollowedBy),
                    (inner, qualifier()).prop_map(|(inner, qualifier)| {
                        ObservationExpression::Qualified(Box::new(inner), qualifier)
                    }),
                ]
            })
    }

    proptest! {
        #[test]
        fn every_tree_prints_as_a_pattern_that_parses_back_to_it(expression in observation_expression()) {
            let pattern = Pattern { expression };
            let printed = pattern.to_string();
            match parse(&printed) {
                Ok(again) => prop_assert_eq!(again, pattern, "{}", printed),
                Err(error) => prop_assert!(false, "{printed}\n{error}"),
            }
        }

        #[test]
        fn error_positions_lie_within_the_text(text in "\\PC{0,40}") {
            if let Err(error) = parse(&text) {
                prop_assert!(error.line >= 1 && error.column >= 1);
                prop_assert!(error.line <= text.lines().count().max(1));
                prop_assert!(!error.message.contains("internal error"), "{}", error.message);
            }
        }
    }
}
