//! The syntax tree of a STIX pattern, and walks over it.

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
