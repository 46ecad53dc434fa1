//! The board update as GitHub-flavoured Markdown, ready to paste into a board paper.
//!
//! Text from the data (area, district and type names) may hold characters Markdown
//! treats as markup, so every piece of text is escaped with backslashes: it renders as
//! written and cannot open a link, a table cell or raw HTML.

use crate::advisories::ADVISORIES_HEADING;
use crate::board::{Board, Cell, REGISTER_HEADING, Table};
use std::fmt::Write as _;

/// Escapes Markdown markup so the text renders as written, on one line.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '#' => {
                escaped.push('\\');
                escaped.push(character);
            }
            '\r' | '\n' => escaped.push(' '),
            other => escaped.push(other),
        }
    }
    escaped
}

/// One pipe-table row.
fn row(cells: &[Cell]) -> String {
    let texts: Vec<String> = cells.iter().map(|cell| escape(&cell.text)).collect();
    format!("| {} |\n", texts.join(" | "))
}

/// A table with its caption in bold above it, or its empty text.
pub(crate) fn table(out: &mut String, table: &Table) {
    let _ = writeln!(out, "**{}**\n", escape(&table.caption));
    if table.rows.is_empty() {
        let _ = writeln!(out, "{}\n", escape(&table.empty));
        return;
    }
    out.push_str(&row(&table.columns));
    let rule: Vec<&str> = table
        .columns
        .iter()
        .map(|c| if c.numeric { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for cells in &table.rows {
        out.push_str(&row(cells));
    }
    if let Some(total) = &table.total {
        let texts: Vec<String> = total
            .iter()
            .map(|cell| format!("**{}**", escape(&cell.text)))
            .collect();
        let _ = writeln!(out, "| {} |", texts.join(" | "));
    }
    out.push('\n');
}

/// A heading and paragraphs.
fn section(out: &mut String, heading: &str, paragraphs: &[String]) {
    let _ = writeln!(out, "## {}\n", escape(heading));
    for paragraph in paragraphs {
        let _ = writeln!(out, "{}\n", escape(paragraph));
    }
}

/// A bulleted list.
fn list(out: &mut String, items: &[String]) {
    for item in items {
        let _ = writeln!(out, "- {}", escape(item));
    }
    out.push('\n');
}

/// Renders the whole board update.
pub(crate) fn render(board: &Board) -> String {
    let mut out = format!(
        "# {}\n\nBoard update for {}.\n\n",
        escape(&board.title),
        escape(&board.range)
    );
    section(&mut out, "Headlines", &board.headlines);
    if let Some(register) = &board.register {
        section(&mut out, REGISTER_HEADING, &register.paragraphs);
        if let Some(districts) = &register.districts {
            table(&mut out, districts);
        }
    }
    if let Some(advisories) = &board.advisories {
        section(&mut out, ADVISORIES_HEADING, &advisories.paragraphs);
        if let Some(sectors) = &advisories.sectors {
            table(&mut out, sectors);
        }
    }
    if let Some(readiness) = &board.readiness {
        section(
            &mut out,
            crate::readiness::READINESS_HEADING,
            &readiness.before,
        );
        if let Some(controls) = &readiness.controls {
            table(&mut out, controls);
        }
        for group in &readiness.groups {
            table(&mut out, group);
        }
        for paragraph in &readiness.after {
            let _ = writeln!(out, "{}\n", escape(paragraph));
        }
    }
    if let Some(protect) = &board.protect {
        section(&mut out, crate::protect::PROTECT_HEADING, &protect.before);
        if let Some(campaigns) = &protect.campaigns {
            table(&mut out, campaigns);
        }
        for paragraph in &protect.effects {
            let _ = writeln!(out, "{}\n", escape(paragraph));
        }
    }
    if let Some(care) = &board.care {
        section(&mut out, crate::care::CARE_HEADING, care);
    }
    if let Some(prevent) = &board.prevent {
        section(&mut out, crate::care::PREVENT_HEADING, prevent);
    }
    if let Some(business) = &board.business {
        section(
            &mut out,
            crate::business::BUSINESS_HEADING,
            &business.paragraphs,
        );
        if let Some(gap) = &business.gap {
            table(&mut out, gap);
        }
    }
    section(&mut out, "Reports by month", &[]);
    table(&mut out, &board.months);
    section(&mut out, "Districts", &[]);
    table(&mut out, &board.districts);
    section(&mut out, "Local issues", &[]);
    list(&mut out, &board.issue_sentences);
    table(&mut out, &board.issues);
    section(&mut out, "Spikes", std::slice::from_ref(&board.spike_rule));
    table(&mut out, &board.spikes);
    section(&mut out, "Victims", &[]);
    list(&mut out, &board.victim_sentences);
    for victims in &board.victims {
        table(&mut out, victims);
    }
    section(&mut out, "Fraud types", &[]);
    table(&mut out, &board.fraud_types);
    section(&mut out, "About the data", &[]);
    list(&mut out, &board.notes);
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_line_breaks() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<script>"), "\\<script\\>");
        assert_eq!(escape("[x](y)"), "\\[x\\](y)");
        assert_eq!(escape("one\ntwo"), "one two");
        assert_eq!(escape("£3.6 million, 59%"), "£3.6 million, 59%");
    }
}
