//! SQL text written once for both backends.
//!
//! Shared statements are written with SQLite's numbered placeholders (`?1`, `?2`, …) and
//! rewritten once to PostgreSQL's (`$1`, `$2`, …) by [`dollar`], so that the two backends
//! cannot drift apart in what a statement says.

use std::borrow::Cow;
use time::{Date, OffsetDateTime};

/// A value bound to a placeholder of SQL built at run time (a filter's `WHERE` clause),
/// turned into each backend's own parameter type by its connection module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bound {
    /// Text.
    Text(String),
    /// An integer.
    Int(i64),
    /// A day: SQLite binds the Julian day number, PostgreSQL a `DATE`.
    Day(Date),
    /// A moment: SQLite binds its stored text, PostgreSQL a `TIMESTAMPTZ`.
    Moment(OffsetDateTime),
}

/// Joins filter terms into a `WHERE` clause (empty when there are none).
pub(crate) fn where_of(terms: &[String]) -> String {
    if terms.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", terms.join(" AND "))
    }
}

/// `sql` with every numbered placeholder `?N` written as `$N`. Quoted text (`'…'`) and
/// quoted names (`"…"`) are left alone; a `?` not followed by a digit is kept.
pub(crate) fn dollar(sql: &str) -> Cow<'_, str> {
    if !sql.contains('?') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut characters = sql.chars().peekable();
    while let Some(character) = characters.next() {
        match quote {
            Some(open) => {
                if character == open {
                    quote = None;
                }
                out.push(character);
            }
            None => match character {
                '\'' | '"' => {
                    quote = Some(character);
                    out.push(character);
                }
                '?' if characters.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
                _ => out.push(character),
            },
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            dollar("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND \"d?3\" = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND \"d?3\" = $12"
        );
        assert_eq!(dollar("SELECT 1"), "SELECT 1");
        assert_eq!(dollar("a ? b"), "a ? b");
    }
}
