//! Printing: the canonical form. Operators are printed one way (`=`, `!=`), keywords in
//! upper case, one space around operators, and parentheses only where precedence needs
//! them, so printing then parsing gives back an equal tree.

use super::KEYWORDS;
use super::ast::{
    Comparison, ComparisonExpression, Literal, ObjectPath, ObservationExpression, Operator,
    PathStep, Pattern, Qualifier,
};
use std::fmt;

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
