//! Beacon's advice file: front matter between `---` lines, then the long form in Markdown.
//!
//! The front matter is a small `key: value` reader written here (no YAML crate is in the
//! workspace, and the format needs only this): one key per line; a value is plain text or
//! text in double quotes (`\"` and `\\` inside); a list is `[a, b, c]` on one line; the
//! `source:` key alone on its line opens an indented block of `title`, `url` and
//! `licence`. Blank lines and lines starting `#` are skipped. Every problem carries its
//! line in the file (1-based).

use super::{AdviceFileError, LineProblem};
use beacon_core::protect::{AdviceItem, AdviceProblem, Attribution, Audience, ReportRoute, Threat};
use std::collections::{BTreeMap, BTreeSet};
use time::Date;
use time::macros::format_description;

/// Reads one advice file (its name is used in errors and must be `<slug>.md` when given
/// with that extension). All or nothing: any problem, including a failed
/// [`AdviceItem::validate`] check, refuses the whole file.
pub fn read_advice_file(file: &str, text: &str) -> Result<AdviceItem, AdviceFileError> {
    let refuse = |mut problems: Vec<LineProblem>| {
        problems.sort_by_key(|problem| problem.line);
        AdviceFileError {
            file: file.to_owned(),
            problems,
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|line| line.trim_end()) != Some("---") {
        return Err(refuse(vec![LineProblem::at(
            1,
            "an advice file starts with a line of three hyphens (---) opening its front matter",
        )]));
    }
    let Some(close) = lines
        .iter()
        .skip(1)
        .position(|line| line.trim_end() == "---")
        .map(|at| at + 1)
    else {
        return Err(refuse(vec![LineProblem::at(
            1,
            "the front matter is never closed: add a line of three hyphens (---) after it",
        )]));
    };
    let mut problems = Vec::new();
    let fields = read_fields(&lines[1..close], &mut problems);
    let body_line = close + 2;
    let body_markdown = lines[close + 1..].join("\n").trim().to_owned() + "\n";

    let mut text_of = |key: &str| -> (String, usize) {
        match fields.get(key) {
            Some((line, Value::Text(text))) => (text.clone(), *line),
            Some((line, _)) => {
                problems.push(LineProblem::at(
                    *line,
                    format!("{key} must be text, not a list or block"),
                ));
                (String::new(), *line)
            }
            None => {
                problems.push(LineProblem::at(1, format!("the front matter has no {key}")));
                (String::new(), 1)
            }
        }
    };
    let (slug, slug_line) = text_of("slug");
    let (title, title_line) = text_of("title");
    let (summary, summary_line) = text_of("summary");
    let (short_form, short_line) = text_of("short_form");
    let (reviewed, reviewed_line) = text_of("reviewed_on");
    let list_of = |key: &str, problems: &mut Vec<LineProblem>| -> (Vec<String>, usize) {
        match fields.get(key) {
            Some((line, Value::List(items))) => (items.clone(), *line),
            Some((line, Value::Text(text))) if !text.is_empty() => (vec![text.clone()], *line),
            Some((line, _)) => {
                problems.push(LineProblem::at(
                    *line,
                    format!("{key} must be a list like [a, b]"),
                ));
                (Vec::new(), *line)
            }
            None if key == "sectors" => (Vec::new(), 1),
            None => {
                problems.push(LineProblem::at(1, format!("the front matter has no {key}")));
                (Vec::new(), 1)
            }
        }
    };
    let (threat_names, threats_line) = list_of("threats", &mut problems);
    let (audience_names, audiences_line) = list_of("audiences", &mut problems);
    let (sector_names, sectors_line) = list_of("sectors", &mut problems);
    let (route_names, routes_line) = list_of("report_to", &mut problems);

    let mut threats = BTreeSet::new();
    for name in &threat_names {
        match Threat::from_slug(name) {
            Some(threat) => {
                threats.insert(threat);
            }
            None => problems.push(LineProblem::at(
                threats_line,
                format!(
                    "'{name}' is not a threat Beacon knows; use one of {}",
                    Threat::ALL.map(Threat::slug).join(", ")
                ),
            )),
        }
    }
    let mut audiences = BTreeSet::new();
    for name in &audience_names {
        match Audience::from_slug(name) {
            Some(audience) => {
                audiences.insert(audience);
            }
            None => problems.push(LineProblem::at(
                audiences_line,
                format!(
                    "'{name}' is not an audience Beacon knows; use one of {}",
                    Audience::ALL.map(Audience::slug).join(", ")
                ),
            )),
        }
    }
    let mut report_to = Vec::new();
    for name in &route_names {
        match ReportRoute::from_slug(name) {
            Some(route) => report_to.push(route),
            None => problems.push(LineProblem::at(
                routes_line,
                format!(
                    "'{name}' is not a report route Beacon knows; use one of {}",
                    ReportRoute::ALL.map(ReportRoute::slug).join(", ")
                ),
            )),
        }
    }
    let reviewed_on = match Date::parse(&reviewed, format_description!("[year]-[month]-[day]")) {
        Ok(date) => Some(date),
        Err(_) => {
            if !reviewed.is_empty() {
                problems.push(LineProblem::at(
                    reviewed_line,
                    format!("reviewed_on '{reviewed}' is not a date like 2026-11-30"),
                ));
            }
            None
        }
    };
    let source = match fields.get("source") {
        None => None,
        Some((line, Value::Block(block))) => {
            let part = |key: &str, problems: &mut Vec<LineProblem>| match block.get(key) {
                Some(value) => value.clone(),
                None => {
                    problems.push(LineProblem::at(*line, format!("source has no {key}")));
                    String::new()
                }
            };
            for key in block.keys() {
                if !["title", "url", "licence"].contains(&key.as_str()) {
                    problems.push(LineProblem::at(
                        *line,
                        format!("source has title, url and licence, not '{key}'"),
                    ));
                }
            }
            Some(Attribution {
                title: part("title", &mut problems),
                url: part("url", &mut problems),
                licence: part("licence", &mut problems),
            })
        }
        Some((line, _)) => {
            problems.push(LineProblem::at(
                *line,
                "source is a block: 'source:' alone, then indented title, url and licence lines",
            ));
            None
        }
    };
    if let Some(stem) = file
        .rsplit(['/', '\\'])
        .next()
        .and_then(|name| name.strip_suffix(".md"))
        && !slug.is_empty()
        && stem != slug
    {
        problems.push(LineProblem::at(
            slug_line,
            format!("the file is called {stem}.md but its slug is {slug}: name it {slug}.md"),
        ));
    }
    let Some(reviewed_on) = reviewed_on else {
        return Err(refuse(problems));
    };
    let item = AdviceItem {
        slug,
        title,
        summary,
        threats,
        audiences,
        sectors: sector_names.into_iter().collect(),
        short_form,
        body_markdown,
        report_to,
        source,
        reviewed_on,
    };
    let source_line = fields.get("source").map_or(1, |(line, _)| *line);
    for problem in item.validate() {
        let line = match &problem {
            AdviceProblem::BadSlug(_) => slug_line,
            AdviceProblem::NoTitle => title_line,
            AdviceProblem::NoSummary => summary_line,
            AdviceProblem::NoBody | AdviceProblem::HardToRead { .. } => body_line,
            AdviceProblem::NoThreats => threats_line,
            AdviceProblem::NoAudiences => audiences_line,
            AdviceProblem::BadSector(_) | AdviceProblem::SectorsWithoutSmes => sectors_line,
            AdviceProblem::NoShortForm
            | AdviceProblem::ShortFormTooLong { .. }
            | AdviceProblem::ShortFormNamesNoRoute => short_line,
            AdviceProblem::NoReportRoutes | AdviceProblem::RepeatedRoute(_) => routes_line,
            AdviceProblem::BadAttribution(_) => source_line,
        };
        problems.push(LineProblem::at(line, problem.to_string()));
    }
    if problems.is_empty() {
        Ok(item)
    } else {
        Err(refuse(problems))
    }
}

/// A front-matter value.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    List(Vec<String>),
    Block(BTreeMap<String, String>),
}

const KEYS: [&str; 11] = [
    "slug",
    "title",
    "summary",
    "threats",
    "audiences",
    "sectors",
    "short_form",
    "report_to",
    "reviewed_on",
    "source",
    "format",
];

/// Reads the front matter's lines (the file's line 2 onwards) into key → (line, value).
fn read_fields(
    lines: &[&str],
    problems: &mut Vec<LineProblem>,
) -> BTreeMap<String, (usize, Value)> {
    let mut fields: BTreeMap<String, (usize, Value)> = BTreeMap::new();
    let mut open_block: Option<String> = None;
    for (index, raw) in lines.iter().enumerate() {
        let line = index + 2;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        let Some((key, value)) = raw.trim().split_once(':') else {
            problems.push(LineProblem::at(
                line,
                format!("expected 'key: value', found '{}'", raw.trim()),
            ));
            continue;
        };
        let key = key.trim().to_owned();
        let value = value.trim();
        if indented {
            match open_block.as_ref().and_then(|block| fields.get_mut(block)) {
                Some((_, Value::Block(block))) => match unquote(value) {
                    Ok(text) => {
                        block.insert(key, text);
                    }
                    Err(why) => problems.push(LineProblem::at(line, why)),
                },
                _ => problems.push(LineProblem::at(
                    line,
                    "an indented line belongs under 'source:'",
                )),
            }
            continue;
        }
        open_block = None;
        if !KEYS.contains(&key.as_str()) {
            problems.push(LineProblem::at(
                line,
                format!(
                    "'{key}' is not a front-matter key; use {}",
                    KEYS[..10].join(", ")
                ),
            ));
            continue;
        }
        if fields.contains_key(&key) {
            problems.push(LineProblem::at(line, format!("{key} is given twice")));
            continue;
        }
        let parsed = if value.is_empty() && key == "source" {
            open_block = Some(key.clone());
            Ok(Value::Block(BTreeMap::new()))
        } else if let Some(inner) = value.strip_prefix('[') {
            match inner.strip_suffix(']') {
                Some(inner) => inner
                    .split(',')
                    .map(str::trim)
                    .filter(|part| !part.is_empty())
                    .map(unquote)
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::List),
                None => Err("a list opened with [ must close with ] on the same line".to_owned()),
            }
        } else {
            unquote(value).map(Value::Text)
        };
        match parsed {
            Ok(value) => {
                fields.insert(key, (line, value));
            }
            Err(why) => problems.push(LineProblem::at(line, why)),
        }
    }
    if let Some((line, Value::Text(format))) = fields.get("format")
        && format != "beacon-advice/1"
    {
        problems.push(LineProblem::at(
            *line,
            format!("format '{format}' is not beacon-advice/1"),
        ));
    }
    fields
}

/// Plain text as it is; text in double quotes with `\"` and `\\` read.
fn unquote(value: &str) -> Result<String, String> {
    let Some(inner) = value.strip_prefix('"') else {
        return Ok(value.to_owned());
    };
    let Some(inner) = inner.strip_suffix('"') else {
        return Err(format!("the quoted text {value} has no closing quote"));
    };
    let mut out = String::with_capacity(inner.len());
    let mut characters = inner.chars();
    while let Some(character) = characters.next() {
        if character == '\\' {
            match characters.next() {
                Some(escaped @ ('"' | '\\')) => out.push(escaped),
                other => {
                    return Err(format!(
                        "in quoted text only \\\" and \\\\ are escapes, not \\{}",
                        other.map(String::from).unwrap_or_default()
                    ));
                }
            }
        } else {
            out.push(character);
        }
    }
    Ok(out)
}

/// Writes an item as an advice file that [`read_advice_file`] reads back to the same item.
pub fn write_advice_file(item: &AdviceItem) -> String {
    let quote = |text: &str| format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
    let list = |items: Vec<&str>| format!("[{}]", items.join(", "));
    let mut out = String::from("---\n");
    out.push_str(&format!("slug: {}\n", item.slug));
    out.push_str(&format!("title: {}\n", quote(&item.title)));
    out.push_str(&format!("summary: {}\n", quote(&item.summary)));
    out.push_str(&format!(
        "threats: {}\n",
        list(item.threats.iter().map(|t| t.slug()).collect())
    ));
    out.push_str(&format!(
        "audiences: {}\n",
        list(item.audiences.iter().map(|a| a.slug()).collect())
    ));
    out.push_str(&format!(
        "sectors: {}\n",
        list(item.sectors.iter().map(String::as_str).collect())
    ));
    out.push_str(&format!("short_form: {}\n", quote(&item.short_form)));
    out.push_str(&format!(
        "report_to: {}\n",
        list(item.report_to.iter().map(|r| r.slug()).collect())
    ));
    out.push_str(&format!("reviewed_on: {}\n", item.reviewed_on));
    if let Some(source) = &item.source {
        out.push_str("source:\n");
        out.push_str(&format!("  title: {}\n", quote(&source.title)));
        out.push_str(&format!("  url: {}\n", source.url));
        out.push_str(&format!("  licence: {}\n", source.licence));
    }
    out.push_str("---\n\n");
    out.push_str(item.body_markdown.trim());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "---
slug: courier-fraud
title: \"Courier fraud: the \\\"police\\\" at the door\"
summary: The police never collect cards.
threats: [courier_fraud]
audiences: [older_residents, contact_points]
report_to: [action_fraud, bank_159]
short_form: Police never collect your card. Hang up. Report to Action Fraud 0300 123 2040.
reviewed_on: 2026-11-30
source:
  title: Courier fraud
  url: https://www.actionfraud.police.uk/a-z-of-fraud/courier-fraud
  licence: OGL-3.0
---

# What to do

Hang up. Call 159 from another phone.
";

    #[test]
    fn a_good_file_reads_into_an_item_and_writes_back_the_same() {
        let item = read_advice_file("data/courier-fraud.md", GOOD).expect("reads");
        assert_eq!(item.title, "Courier fraud: the \"police\" at the door");
        assert_eq!(item.audiences.len(), 2);
        assert!(item.sectors.is_empty());
        assert_eq!(
            item.report_to,
            [ReportRoute::ActionFraud, ReportRoute::Bank159]
        );
        assert_eq!(item.source.as_ref().expect("source").licence, "OGL-3.0");
        assert_eq!(
            item.body_markdown,
            "# What to do\n\nHang up. Call 159 from another phone.\n"
        );
        let written = write_advice_file(&item);
        assert_eq!(
            read_advice_file("courier-fraud.md", &written).expect("reads back"),
            item
        );
    }

    #[test]
    fn every_problem_comes_back_with_its_line_and_nothing_is_read() {
        let bad = GOOD
            .replace(
                "threats: [courier_fraud]",
                "threats: [courier_fraud, vishing]",
            )
            .replace(
                "reviewed_on: 2026-11-30",
                "reviewed_on: 30/11/2026\ncolour: blue",
            )
            .replace("Report to Action Fraud 0300 123 2040.", "Tell a friend.");
        let error = read_advice_file("courier-fraud.md", &bad).expect_err("refused");
        let lines: Vec<usize> = error.problems.iter().map(|problem| problem.line).collect();
        assert_eq!(lines, [5, 9, 10], "{error}");
        assert!(error.problems[0].message.contains("vishing"));
        assert!(error.problems[2].message.contains("colour"));
        assert!(error.to_string().starts_with("courier-fraud.md:5: "));
    }

    #[test]
    fn validation_problems_point_at_their_key() {
        let bad = GOOD.replace(
            "Report to Action Fraud 0300 123 2040.",
            "Tell a friend who is kind.",
        );
        let error = read_advice_file("courier-fraud.md", &bad).expect_err("refused");
        assert_eq!(error.problems.len(), 1);
        assert_eq!(error.problems[0].line, 8);
        assert!(error.problems[0].message.contains("where to report"));
        let misnamed = read_advice_file("other.md", GOOD).expect_err("refused");
        assert_eq!(misnamed.problems[0].line, 2);
    }

    #[test]
    fn a_file_without_front_matter_is_refused() {
        let error = read_advice_file("x.md", "# Hello\n").expect_err("refused");
        assert_eq!(error.problems[0].line, 1);
        let unclosed = read_advice_file("x.md", "---\nslug: x\n").expect_err("refused");
        assert!(unclosed.problems[0].message.contains("never closed"));
    }
}
