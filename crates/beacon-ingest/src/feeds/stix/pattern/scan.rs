//! A quick look at the text before pest parses it: how deep brackets nest, whether
//! anything significant is there, and the first lexical problem (such as a string that
//! never ends), which pest would report only as "expected …" at a distance.

use super::{MAX_NESTING, line_column};

/// What a quick look at the text found, before or after pest: the problems pest reports
/// only as "expected …" at a distance, such as a string that never ends.
#[derive(Default)]
pub(super) struct Scan {
    /// Nothing but whitespace and comments.
    pub(super) empty: bool,
    /// Byte offset where nesting first exceeds [`MAX_NESTING`].
    pub(super) too_deep: Option<usize>,
    /// The first lexical problem found.
    pub(super) problem: Option<Problem>,
}

/// A lexical problem the scan found.
pub(super) struct Problem {
    /// Byte offset from which it explains a parse failure.
    pub(super) matters_at: usize,
    /// Byte offset to report.
    pub(super) point_at: usize,
    /// What is wrong, in plain words.
    pub(super) message: String,
    /// An opening bracket never closed: it explains the failure only where the parser
    /// would have taken a closing bracket (else a missing value, say, is the better story).
    pub(super) unclosed: bool,
}

/// Looks over the text once for nesting depth, emptiness and the first lexical problem.
pub(super) fn scan(text: &str) -> Scan {
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
