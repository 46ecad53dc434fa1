//! Quarantined rows as the run pages show them: victims' details hidden from roles that
//! may not see them, and echoed input cut to a length a page can hold.
//!
//! A raw row is read field by field with the column layout its run kept
//! ([`beacon_store::Runs::run_columns`]). Only columns known to hold nothing about the
//! victim stay readable; every other field (age, gender, postcode, victim key, summary,
//! the vulnerability and repeat-victim flags, and columns Beacon does not read, which
//! could hold anything) becomes [`HIDDEN`], and the same values are hidden where the
//! row's reason quotes them. When a row cannot be read field by field against its layout
//! (no layout kept, the wrong number of fields, not CSV), the whole row is hidden.
//!
//! **Invariant:** masking only ever removes text; a row's line number is never changed.

use beacon_app::defaults::Column;
use beacon_core::RejectedRow;

/// What a hidden field shows.
pub const HIDDEN: &str = "[hidden]";

/// What a raw row shows when it cannot be read field by field.
pub const WHOLE_ROW_HIDDEN: &str =
    "[hidden: this row may hold victims' details, which your role does not show]";

/// The most characters of echoed input (a raw row, a reason, notes) a page shows.
pub const ECHO_CHARS: usize = 600;

/// Columns whose values say nothing about the victim as a person.
fn readable(column: Column) -> bool {
    matches!(
        column,
        Column::Reference
            | Column::ReportedDate
            | Column::FraudType
            | Column::VictimType
            | Column::OffenceDate
            | Column::ContactMethod
            | Column::OrgSector
            | Column::OrgSize
            | Column::DistrictCode
            | Column::LossGbp
            | Column::CyberEnabled
            | Column::Tags
    )
}

/// What each field of a run's rows holds, read from the layout its run kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout(Vec<Option<Column>>);

impl Layout {
    /// Reads a layout as `ReportReader::column_layout` writes it (`reference,,postcode`).
    pub fn parse(text: &str) -> Layout {
        Layout(
            text.split(',')
                .map(|name| {
                    (!name.is_empty())
                        .then(|| Column::from_header(name))
                        .flatten()
                })
                .collect(),
        )
    }
}

/// `row` with victims' details hidden, for a role without victim-level access. `layout`
/// is the run's column layout, if one was kept.
pub fn mask(row: &RejectedRow, layout: Option<&Layout>) -> RejectedRow {
    match layout.and_then(|layout| mask_fields(&row.raw, layout)) {
        Some((raw, hidden)) => RejectedRow {
            line: row.line,
            reason: hide_values(&row.reason, &hidden),
            raw,
        },
        None => RejectedRow {
            line: row.line,
            reason: hide_quoted(&row.reason),
            raw: WHOLE_ROW_HIDDEN.to_owned(),
        },
    }
}

/// The raw row rewritten with its victim fields hidden, and the values hidden; `None`
/// when the row cannot be matched to the layout field by field.
fn mask_fields(raw: &str, layout: &Layout) -> Option<(String, Vec<String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(raw.as_bytes());
    let mut records = reader.records();
    let record = records.next()?.ok()?;
    if records.next().is_some() {
        return None;
    }
    let columns = &layout.0;
    // Fields past the header are allowed only when blank, as the parser allows them.
    if record.len() < columns.len()
        || record
            .iter()
            .skip(columns.len())
            .any(|field| !field.trim().is_empty())
    {
        return None;
    }
    let mut hidden = Vec::new();
    let mut fields = Vec::with_capacity(record.len());
    for (index, field) in record.iter().enumerate() {
        let keep = columns.get(index).copied().flatten().is_some_and(readable);
        if keep || field.trim().is_empty() {
            fields.push(field.to_owned());
        } else {
            hidden.push(field.trim().to_owned());
            fields.push(HIDDEN.to_owned());
        }
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(&fields).ok()?;
    let mut text = String::from_utf8(writer.into_inner().ok()?).ok()?;
    while text.ends_with('\n') {
        text.pop();
    }
    Some((text, hidden))
}

/// `reason` with each of `values` hidden wherever it appears as a whole word, in any
/// letter case (reasons quote values as given, lower-cased or upper-cased).
fn hide_values(reason: &str, values: &[String]) -> String {
    let mut text = reason.to_owned();
    for value in values {
        for form in [value.clone(), value.to_lowercase(), value.to_uppercase()] {
            text = hide_word(&text, &form);
        }
    }
    text
}

/// `text` with every whole-word, ASCII-case-insensitive occurrence of `word` hidden.
fn hide_word(text: &str, word: &str) -> String {
    if word.is_empty() || word == HIDDEN {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        let candidate = text.get(at..at + word.len());
        let before_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = text
            .get(at + word.len()..)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphanumeric()));
        if candidate.is_some_and(|found| found.eq_ignore_ascii_case(word)) && before_ok && after_ok
        {
            out.push_str(HIDDEN);
            at += word.len();
        } else {
            let Some(c) = text[at..].chars().next() else {
                break;
            };
            out.push(c);
            at += c.len_utf8();
        }
    }
    out
}

/// `reason` with every quoted value (`'…'`) hidden: reasons quote the values they
/// refuse, and without a layout there is no telling which were victims' details.
fn hide_quoted(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut rest = reason;
    while let Some(open) = rest.find('\'') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('\'') else {
            break;
        };
        out.push_str(&rest[..=open]);
        out.push_str(HIDDEN);
        out.push('\'');
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `text` cut to at most `limit` characters, saying how much was left out:
/// `"abc…(1,234 more characters)"`. Echoed input (a huge column name, a raw row) can be
/// megabytes long; a page shows the start and the size.
pub fn shorten(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        None => text.to_owned(),
        Some((end, _)) => {
            let more = text[end..].chars().count() as u64;
            format!(
                "{}…({} more character{})",
                &text[..end],
                beacon_report::wording::count(more),
                if more == 1 { "" } else { "s" }
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: &str = "reference,reported_date,fraud_type,victim_type,victim_age,victim_gender,postcode,victim_key,summary,,loss_gbp";

    fn row(reason: &str, raw: &str) -> RejectedRow {
        RejectedRow {
            line: 7,
            reason: reason.to_owned(),
            raw: raw.to_owned(),
        }
    }

    #[test]
    fn victim_fields_and_unread_columns_are_hidden_and_the_rest_kept() {
        let layout = Layout::parse(LAYOUT);
        let masked = mask(
            &row(
                "victim age 130 is not between 0 and 120; victim gender 'q' is not female, male, other or unknown",
                "AF-1,2018-01-02,NFIB1A,individual,130,Q,LE1 5WW,V-99,\"Caller said \"\"bank\"\"\",Jo Bloggs,12.50",
            ),
            Some(&layout),
        );
        assert_eq!(masked.line, 7);
        assert_eq!(
            masked.raw,
            "AF-1,2018-01-02,NFIB1A,individual,[hidden],[hidden],[hidden],[hidden],[hidden],[hidden],12.50"
        );
        assert_eq!(
            masked.reason,
            "victim age [hidden] is not between 0 and 120; victim gender '[hidden]' is not female, male, other or unknown"
        );
        for secret in ["130", "LE1 5WW", "V-99", "bank", "Jo Bloggs"] {
            assert!(!masked.raw.contains(secret) && !masked.reason.contains(secret));
        }
    }

    #[test]
    fn a_postcode_quoted_in_the_reason_is_hidden() {
        let layout = Layout::parse(LAYOUT);
        let masked = mask(
            &row(
                "'LE1 1AX' is not a UK postcode or postcode sector (such as LE1 5WW or LE1 5)",
                "AF-2,2018-01-02,NFIB1A,individual,,,le1 1ax,,,,",
            ),
            Some(&layout),
        );
        assert!(
            !masked.reason.to_lowercase().contains("le1 1ax"),
            "{}",
            masked.reason
        );
        assert!(
            masked.reason.contains("such as LE1 5WW"),
            "{}",
            masked.reason
        );
    }

    #[test]
    fn rows_that_do_not_fit_the_layout_are_hidden_whole() {
        let layout = Layout::parse(LAYOUT);
        for raw in [
            "AF-3,2018-01-02,NFIB1A",
            "AF-3,2018-01-02,NFIB1A,individual,40,f,LE1 5WW,V,text,x,1,extra",
            "AF-3,\"unterminated",
        ] {
            let masked = mask(
                &row("the row has 3 fields but the header has 11", raw),
                Some(&layout),
            );
            assert_eq!(masked.raw, WHOLE_ROW_HIDDEN, "{raw}");
        }
        let masked = mask(&row("reported_date 'LE1 5WW' is wrong", "anything"), None);
        assert_eq!(masked.raw, WHOLE_ROW_HIDDEN);
        assert_eq!(masked.reason, "reported_date '[hidden]' is wrong");
    }

    #[test]
    fn blank_trailing_fields_are_allowed_as_the_parser_allows_them() {
        let layout = Layout::parse("reference,postcode");
        let masked = mask(&row("x", "AF-4,LE1 5WW,, "), Some(&layout));
        assert_eq!(masked.raw, "AF-4,[hidden],, ");
    }

    #[test]
    fn long_text_is_cut_with_a_count_of_what_was_left_out() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("abcdef", 3), "abc…(3 more characters)");
        assert_eq!(shorten("abcd", 3), "abc…(1 more character)");
        let long = "é".repeat(5_000_000);
        let cut = shorten(&long, 600);
        assert!(
            cut.ends_with("…(4,999,400 more characters)"),
            "{}",
            &cut[cut.len() - 40..]
        );
        assert!(cut.len() < 2_000);
    }
}
