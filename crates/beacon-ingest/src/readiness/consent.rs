//! The list of partner staff who opted in to phishing-awareness simulations:
//! `organisation,email,consented_at,evidence`, read all or nothing, every problem with its
//! line. Consent evidence says how and in what words each person agreed; without it nobody
//! is sent a simulation.

use crate::inventory::LineProblem;
use beacon_core::organisation::parse_contact;
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, macros::format_description};

/// One person's recorded consent, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRow {
    /// Their organisation, as written.
    pub organisation: String,
    /// Their work email address.
    pub email: String,
    /// When they agreed.
    pub consented_at: OffsetDateTime,
    /// How and in what words they agreed.
    pub evidence: String,
}

/// The columns of a consent file, in order.
pub const CONSENT_COLUMNS: [&str; 4] = ["organisation", "email", "consented_at", "evidence"];

/// The longest evidence kept.
pub const MAX_EVIDENCE_CHARS: usize = 1_000;

/// Reads a consent file: every row, or every problem.
pub fn parse_consent_csv(bytes: &[u8]) -> Result<Vec<ConsentRow>, Vec<LineProblem>> {
    let text = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        Ok(text) => text,
        Err(_) => return Err(vec![problem(1, None, "the file is not UTF-8 text")]),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(|h| h.to_ascii_lowercase()).collect(),
        Err(error) => {
            return Err(vec![problem(
                1,
                None,
                format!("cannot read the header: {error}"),
            )]);
        }
    };
    let mut problems = Vec::new();
    let position: HashMap<&str, usize> = CONSENT_COLUMNS
        .iter()
        .filter_map(|column| {
            let found = headers.iter().position(|h| h == column);
            if found.is_none() {
                problems.push(problem(1, Some(column), "is missing from the header"));
            }
            found.map(|index| (*column, index))
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    for (index, record) in reader.records().enumerate() {
        let line = index as u64 + 2;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(problem(line, None, format!("cannot be read: {error}")));
                continue;
            }
        };
        let field = |column: &str| record.get(position[column]).unwrap_or("").trim();
        let before = problems.len();
        if field("organisation").is_empty() {
            problems.push(problem(line, Some("organisation"), "is empty"));
        }
        let email = parse_contact(field("email")).map_err(|error| {
            problems.push(problem(line, Some("email"), error.to_string()));
        });
        let consented_at = parse_moment(field("consented_at")).ok_or_else(|| {
            problems.push(problem(
                line,
                Some("consented_at"),
                format!(
                    "'{}' is not a date (use 2026-03-01 or 2026-03-01T09:30:00Z)",
                    field("consented_at")
                ),
            ));
        });
        let evidence = field("evidence");
        if evidence.is_empty() {
            problems.push(problem(
                line,
                Some("evidence"),
                "is empty: say how and in what words they agreed",
            ));
        } else if evidence.chars().count() > MAX_EVIDENCE_CHARS {
            problems.push(problem(
                line,
                Some("evidence"),
                format!("is longer than {MAX_EVIDENCE_CHARS} characters"),
            ));
        }
        let (Ok(email), Ok(consented_at)) = (email, consented_at) else {
            continue;
        };
        if problems.len() > before {
            continue;
        }
        let key = (field("organisation").to_lowercase(), email.to_lowercase());
        if let Some(first) = seen.insert(key, line) {
            problems.push(problem(
                line,
                Some("email"),
                format!("'{email}' is already listed on line {first}"),
            ));
            continue;
        }
        rows.push(ConsentRow {
            organisation: field("organisation").to_owned(),
            email,
            consented_at,
            evidence: evidence.to_owned(),
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

fn problem(line: u64, column: Option<&str>, reason: impl Into<String>) -> LineProblem {
    LineProblem {
        line,
        column: column.map(str::to_owned),
        reason: reason.into(),
    }
}

/// A date (midnight UTC) or an RFC 3339 moment.
fn parse_moment(text: &str) -> Option<OffsetDateTime> {
    if let Ok(moment) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(moment);
    }
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .ok()
        .map(|date| date.midnight().assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_lists_every_problem() {
        let good = "organisation,email,consented_at,evidence\n\
                    Rutland County Council,a.b@rutland.example,2026-03-01,Opted in on the intranet form v2\n";
        let rows = parse_consent_csv(good.as_bytes()).expect("a good file");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].consented_at.date().to_string(), "2026-03-01");

        let bad = "organisation,email,consented_at,evidence\n\
                   Rutland County Council,not-an-address,yesterday,\n\
                   Rutland County Council,a.b@rutland.example,2026-03-01T09:00:00Z,form\n\
                   Rutland County Council,A.B@rutland.example,2026-03-01,form\n";
        let problems = parse_consent_csv(bad.as_bytes()).expect_err("a bad file");
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 4, "{text:?}");
        assert!(text[0].starts_with("line 2: column email"));
        assert!(text[1].starts_with("line 2: column consented_at"));
        assert!(text[2].starts_with("line 2: column evidence"));
        assert!(text[3].starts_with("line 4: column email") && text[3].contains("line 3"));
    }

    #[test]
    fn a_missing_column_is_named() {
        let problems =
            parse_consent_csv(b"organisation,email\nX,a@b.example\n").expect_err("columns missing");
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].column.as_deref(), Some("consented_at"));
    }
}
