//! The board update's readiness section: exercises run and how quickly partners first
//! responded, how partners assessed themselves on the five Cyber Essentials controls
//! (with the weakest themes named), staff completion of the learning modules and the
//! phishing-simulation rates.
//!
//! **Invariant:** pure, like the rest of the crate: the figures arrive computed
//! ([`ReadinessFigures`]); this module only words them. Both outputs are built from one
//! set of sentences and one table, so the Markdown and the HTML always say the same;
//! every piece of text is escaped by the writer that puts it out.

use crate::board::Table;
use crate::{charts, markdown, sections, wording};
use beacon_analytics::readiness::{GroupSummary, ReadinessFigures};
use beacon_core::readiness::{CeControl, Theme};
use std::fmt::Write as _;
use time::Duration;

/// The section's heading.
pub const READINESS_HEADING: &str = "Readiness";

/// The controls table's caption.
const CONTROLS_CAPTION: &str = "Cyber Essentials controls in partners' self-assessments";

/// The section as plain text pieces, in order.
#[derive(Debug, Clone)]
pub(crate) struct ReadinessPart {
    /// Exercises, then the self-assessment picture.
    pub before: Vec<String>,
    /// The five controls; `None` when no organisation assessed itself.
    pub controls: Option<Table>,
    /// The five controls' mean scores by sector and by district (none when nobody
    /// assessed itself).
    pub groups: Vec<Table>,
    /// Staff education and phishing simulations.
    pub after: Vec<String>,
}

/// "1 exercise", "3 exercises": a count and its noun, singular or plural.
fn counted(value: usize, singular: &str, plural: &str) -> String {
    let noun = if value == 1 { singular } else { plural };
    format!("{} {noun}", wording::count(value as u64))
}

/// A duration in words, to the nearest minute (half up): "less than a minute",
/// "12 minutes", "1 hour", "2 hours 5 minutes".
pub(crate) fn duration(value: Duration) -> String {
    let seconds = value.whole_seconds().max(0).unsigned_abs();
    let minutes = (seconds + 30) / 60;
    if minutes == 0 {
        return "less than a minute".to_owned();
    }
    let words = |value: u64, singular: &str, plural: &str| {
        counted(
            usize::try_from(value).unwrap_or(usize::MAX),
            singular,
            plural,
        )
    };
    if minutes < 60 {
        return words(minutes, "minute", "minutes");
    }
    let hours = words(minutes / 60, "hour", "hours");
    match minutes % 60 {
        0 => hours,
        rest => format!("{hours} {}", words(rest, "minute", "minutes")),
    }
}

/// The exercise sentence.
fn exercises(figures: &ReadinessFigures) -> String {
    let runs = figures.exercises_run;
    if runs == 0 {
        return "No exercises were run in the period.".to_owned();
    }
    let verb = if runs == 1 { "was" } else { "were" };
    let run = format!("{} {verb} run", counted(runs, "exercise", "exercises"));
    let partners = figures.organisations_exercised;
    if partners == 0 {
        return format!("{run} in the period, with no partners playing.");
    }
    let with = format!("{run} with {}", counted(partners, "partner", "partners"));
    match figures.median_first_response {
        Some(median) if partners == 1 => format!(
            "{with}; its time to first response was {}.",
            duration(median)
        ),
        Some(median) => format!(
            "{with}; the median time to first response was {}.",
            duration(median)
        ),
        None if partners == 1 => format!("{with}; it did not respond."),
        None => format!("{with}; none of them responded."),
    }
}

/// "Security update management (Cyber Essentials, 40%)".
fn theme_with_score(theme: Theme, mean: Option<u32>) -> String {
    let score = mean.map_or_else(|| wording::NOT_APPLICABLE.to_owned(), |p| format!("{p}%"));
    format!("{} ({}, {score})", theme.label(), theme.framework())
}

/// "a", "a and b", "a, b and c".
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The self-assessment sentences.
fn assessment(figures: &ReadinessFigures) -> String {
    let assessed = figures.assessed;
    if assessed == 0 {
        return "No organisation has completed a self-assessment.".to_owned();
    }
    let verb = if assessed == 1 { "has" } else { "have" };
    let mut text = format!(
        "{} {verb} completed a self-assessment against Cyber Essentials, the NCSC 10 Steps and the Small Business Guide.",
        counted(assessed, "organisation", "organisations")
    );
    let weakest: Vec<String> = figures
        .weakest_themes
        .iter()
        .map(|summary| theme_with_score(summary.theme, summary.mean_percent))
        .collect();
    match weakest.len() {
        0 => {}
        1 => {
            let _ = write!(text, " The lowest mean score is on {}.", weakest[0]);
        }
        _ => {
            let _ = write!(text, " The lowest mean scores are on {}.", listed(&weakest));
        }
    }
    text
}

/// The table of the five controls.
fn controls(figures: &ReadinessFigures) -> Table {
    let mut table = Table::new(
        CONTROLS_CAPTION,
        &[
            "Control",
            "Organisations assessed",
            "Mean score",
            "Organisations with a gap",
        ],
        1,
        "No organisation has completed a self-assessment.",
    );
    for control in CeControl::ALL {
        let theme = Theme::CyberEssentials(control);
        let summary = figures
            .ce_gaps
            .iter()
            .find(|summary| summary.theme == theme);
        let (assessed, mean, gaps) = summary.map_or((0, None, 0), |s| {
            (s.organisations, s.mean_percent, s.organisations_with_gap)
        });
        table.push(vec![
            control.label().to_owned(),
            wording::count(assessed as u64),
            mean.map_or_else(|| wording::NOT_APPLICABLE.to_owned(), |p| format!("{p}%")),
            wording::count(gaps as u64),
        ]);
    }
    table
}

/// The staff education and phishing sentences.
fn education_and_phishing(figures: &ReadinessFigures) -> String {
    let learning = match (
        figures.learners,
        wording::share(
            figures.completions as u64,
            figures.possible_completions as u64,
        ),
    ) {
        (0, _) | (_, None) => "No member of staff has taken a learning module.".to_owned(),
        (learners, Some(share)) => format!(
            "{} completed {} of the {} open to them ({share}).",
            counted(learners, "member of staff", "members of staff"),
            wording::count(figures.completions as u64),
            counted(figures.possible_completions, "module", "modules"),
        ),
    };
    let sent = figures.simulations as u64;
    let phishing = match sent {
        0 => "No simulated phishing emails were sent in the period.".to_owned(),
        1 => {
            let what = match (figures.clicked > 0, figures.reported > 0) {
                (true, true) => "it was clicked and reported as phishing",
                (true, false) => "it was clicked and not reported",
                (false, true) => "it was reported as phishing without being clicked",
                (false, false) => "it was neither clicked nor reported",
            };
            format!("1 simulated phishing email was sent in the period; {what}.")
        }
        _ => {
            let share = |part: usize| {
                wording::share(part as u64, sent).unwrap_or_else(|| wording::NOT_APPLICABLE.into())
            };
            format!(
                "{} simulated phishing emails were sent in the period; {} were clicked and {} were reported as phishing.",
                wording::count(sent),
                share(figures.clicked),
                share(figures.reported)
            )
        }
    };
    format!("{learning} {phishing}")
}

/// The five controls' mean scores per group (sector or district), one row a group.
fn by_group(caption: &str, heading: &str, groups: &[GroupSummary]) -> Table {
    let mut columns = vec![heading, "Organisations"];
    columns.extend(CeControl::ALL.iter().map(|control| control.label()));
    let mut table = Table::new(
        caption,
        &columns,
        1,
        "No organisation has completed a self-assessment.",
    );
    for group in groups {
        let mut row = vec![
            group.name.clone(),
            wording::count(group.organisations as u64),
        ];
        for control in CeControl::ALL {
            let mean = group
                .themes
                .iter()
                .find(|summary| summary.theme == Theme::CyberEssentials(control))
                .and_then(|summary| summary.mean_percent);
            row.push(mean.map_or_else(|| wording::NOT_APPLICABLE.to_owned(), |p| format!("{p}%")));
        }
        table.push(row);
    }
    table
}

/// The section for a period.
pub(crate) fn readiness_part(figures: &ReadinessFigures) -> ReadinessPart {
    let mut groups = Vec::new();
    if figures.assessed > 0 {
        if !figures.ce_by_sector.is_empty() {
            groups.push(by_group(
                "Mean Cyber Essentials scores by sector",
                "Sector",
                &figures.ce_by_sector,
            ));
        }
        if !figures.ce_by_district.is_empty() {
            groups.push(by_group(
                "Mean Cyber Essentials scores by district",
                "District",
                &figures.ce_by_district,
            ));
        }
    }
    ReadinessPart {
        before: vec![exercises(figures), assessment(figures)],
        controls: (figures.assessed > 0).then(|| controls(figures)),
        groups,
        after: vec![education_and_phishing(figures)],
    }
}

/// The readiness section as an HTML fragment: its `<h2>`, paragraphs and the controls
/// table (rendered like every other board table), every piece of text escaped.
///
/// Why: the board update shows readiness beside the crime figures; the caller places
/// this fragment in the document or a page.
pub fn readiness_html(figures: &ReadinessFigures) -> String {
    let part = readiness_part(figures);
    let mut out = format!("<h2>{}</h2>\n", charts::escape(READINESS_HEADING));
    for paragraph in &part.before {
        let _ = writeln!(out, "<p>{}</p>", charts::escape(paragraph));
    }
    if let Some(table) = &part.controls {
        let _ = writeln!(out, "{}", sections::table_html(table));
    }
    for table in &part.groups {
        let _ = writeln!(out, "{}", sections::table_html(table));
    }
    for paragraph in &part.after {
        let _ = writeln!(out, "<p>{}</p>", charts::escape(paragraph));
    }
    out
}

/// The readiness section as GitHub-flavoured Markdown: a `##` heading, paragraphs and a
/// pipe table, every piece of text escaped.
///
/// Why: the Markdown board update carries the same section in the same words.
pub fn readiness_markdown(figures: &ReadinessFigures) -> String {
    let part = readiness_part(figures);
    let mut out = format!("## {}\n\n", markdown::escape(READINESS_HEADING));
    for paragraph in &part.before {
        let _ = writeln!(out, "{}\n", markdown::escape(paragraph));
    }
    if let Some(table) = &part.controls {
        markdown::table(&mut out, table);
    }
    for table in &part.groups {
        markdown::table(&mut out, table);
    }
    for paragraph in &part.after {
        let _ = writeln!(out, "{}\n", markdown::escape(paragraph));
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_analytics::readiness::ThemeSummary;
    use beacon_core::readiness::TenStep;

    /// Every row of a table as texts.
    fn rows(table: &Table) -> Vec<Vec<String>> {
        table
            .rows
            .iter()
            .map(|row| row.iter().map(|cell| cell.text.clone()).collect())
            .collect()
    }

    fn summary(theme: Theme, organisations: usize, mean: Option<u32>, gaps: usize) -> ThemeSummary {
        ThemeSummary {
            theme,
            organisations,
            mean_percent: mean,
            organisations_with_gap: gaps,
        }
    }

    fn figures() -> ReadinessFigures {
        let ce = Theme::CyberEssentials;
        let updates = summary(ce(CeControl::SecurityUpdateManagement), 6, Some(40), 5);
        let configuration = summary(ce(CeControl::SecureConfiguration), 5, Some(55), 3);
        ReadinessFigures {
            exercises_run: 3,
            organisations_exercised: 7,
            median_first_response: Some(Duration::minutes(12)),
            assessed: 6,
            ce_gaps: vec![
                summary(ce(CeControl::Firewalls), 6, Some(83), 1),
                configuration,
                updates,
                summary(ce(CeControl::UserAccessControl), 6, Some(67), 2),
                summary(ce(CeControl::MalwareProtection), 0, None, 0),
            ],
            ce_by_sector: Vec::new(),
            ce_by_district: Vec::new(),
            weakest_themes: vec![
                summary(Theme::TenSteps(TenStep::IncidentManagement), 4, Some(25), 4),
                updates,
                configuration,
            ],
            learners: 20,
            completions: 45,
            possible_completions: 60,
            completion_percent: Some(75),
            simulations: 120,
            clicked: 10,
            reported: 42,
            click_percent: Some(8),
            report_percent: Some(35),
        }
    }

    fn empty() -> ReadinessFigures {
        ReadinessFigures {
            exercises_run: 0,
            organisations_exercised: 0,
            median_first_response: None,
            assessed: 0,
            ce_gaps: Vec::new(),
            ce_by_sector: Vec::new(),
            ce_by_district: Vec::new(),
            weakest_themes: Vec::new(),
            learners: 0,
            completions: 0,
            possible_completions: 0,
            completion_percent: None,
            simulations: 0,
            clicked: 0,
            reported: 0,
            click_percent: None,
            report_percent: None,
        }
    }

    const EXERCISES: &str =
        "3 exercises were run with 7 partners; the median time to first response was 12 minutes.";
    const ASSESSMENT: &str = "6 organisations have completed a self-assessment against Cyber Essentials, the NCSC 10 Steps and the Small Business Guide. The lowest mean scores are on Incident management (10 Steps to Cyber Security, 25%), Security update management (Cyber Essentials, 40%) and Secure configuration (Cyber Essentials, 55%).";
    const EDUCATION: &str = "20 members of staff completed 45 of the 60 modules open to them (75%). 120 simulated phishing emails were sent in the period; 8% were clicked and 35% were reported as phishing.";

    #[test]
    fn the_section_in_words() {
        let part = readiness_part(&figures());
        assert_eq!(part.before, [EXERCISES, ASSESSMENT]);
        assert_eq!(part.after, [EDUCATION]);
        let table = part.controls.expect("a table");
        assert_eq!(table.caption, CONTROLS_CAPTION);
        assert_eq!(
            rows(&table),
            [
                ["Firewalls", "6", "83%", "1"],
                ["Secure configuration", "5", "55%", "3"],
                ["Security update management", "6", "40%", "5"],
                ["User access control", "6", "67%", "2"],
                ["Malware protection", "0", "–", "0"],
            ]
        );
    }

    #[test]
    fn the_section_as_markdown() {
        let expected = format!(
            "## Readiness\n\n{EXERCISES}\n\n{ASSESSMENT}\n\n\
**Cyber Essentials controls in partners' self-assessments**\n\n\
| Control | Organisations assessed | Mean score | Organisations with a gap |\n\
| --- | ---: | ---: | ---: |\n\
| Firewalls | 6 | 83% | 1 |\n\
| Secure configuration | 5 | 55% | 3 |\n\
| Security update management | 6 | 40% | 5 |\n\
| User access control | 6 | 67% | 2 |\n\
| Malware protection | 0 | – | 0 |\n\n\
{EDUCATION}\n"
        );
        assert_eq!(readiness_markdown(&figures()), expected);
    }

    #[test]
    fn the_section_as_html() {
        let expected = r#"<h2>Readiness</h2>
<p>3 exercises were run with 7 partners; the median time to first response was 12 minutes.</p>
<p>6 organisations have completed a self-assessment against Cyber Essentials, the NCSC 10 Steps and the Small Business Guide. The lowest mean scores are on Incident management (10 Steps to Cyber Security, 25%), Security update management (Cyber Essentials, 40%) and Secure configuration (Cyber Essentials, 55%).</p>
<table class="govuk-table">
<caption class="govuk-table__caption">Cyber Essentials controls in partners&#39; self-assessments</caption>
<thead class="govuk-table__head">
<tr class="govuk-table__row">
<th scope="col" class="govuk-table__header">Control</th>
<th scope="col" class="govuk-table__header govuk-table__header--numeric">Organisations assessed</th>
<th scope="col" class="govuk-table__header govuk-table__header--numeric">Mean score</th>
<th scope="col" class="govuk-table__header govuk-table__header--numeric">Organisations with a gap</th>
</tr>
</thead>
<tbody class="govuk-table__body">
<tr class="govuk-table__row">
<th scope="row" class="govuk-table__header">Firewalls</th>
<td class="govuk-table__cell govuk-table__cell--numeric">6</td>
<td class="govuk-table__cell govuk-table__cell--numeric">83%</td>
<td class="govuk-table__cell govuk-table__cell--numeric">1</td>
</tr>
<tr class="govuk-table__row">
<th scope="row" class="govuk-table__header">Secure configuration</th>
<td class="govuk-table__cell govuk-table__cell--numeric">5</td>
<td class="govuk-table__cell govuk-table__cell--numeric">55%</td>
<td class="govuk-table__cell govuk-table__cell--numeric">3</td>
</tr>
<tr class="govuk-table__row">
<th scope="row" class="govuk-table__header">Security update management</th>
<td class="govuk-table__cell govuk-table__cell--numeric">6</td>
<td class="govuk-table__cell govuk-table__cell--numeric">40%</td>
<td class="govuk-table__cell govuk-table__cell--numeric">5</td>
</tr>
<tr class="govuk-table__row">
<th scope="row" class="govuk-table__header">User access control</th>
<td class="govuk-table__cell govuk-table__cell--numeric">6</td>
<td class="govuk-table__cell govuk-table__cell--numeric">67%</td>
<td class="govuk-table__cell govuk-table__cell--numeric">2</td>
</tr>
<tr class="govuk-table__row">
<th scope="row" class="govuk-table__header">Malware protection</th>
<td class="govuk-table__cell govuk-table__cell--numeric">0</td>
<td class="govuk-table__cell govuk-table__cell--numeric">–</td>
<td class="govuk-table__cell govuk-table__cell--numeric">0</td>
</tr>
</tbody>
</table>
<p>20 members of staff completed 45 of the 60 modules open to them (75%). 120 simulated phishing emails were sent in the period; 8% were clicked and 35% were reported as phishing.</p>
"#;
        assert_eq!(readiness_html(&figures()), expected);
    }

    #[test]
    fn an_empty_period_is_worded_plainly() {
        let expected = "## Readiness\n\n\
No exercises were run in the period.\n\n\
No organisation has completed a self-assessment.\n\n\
No member of staff has taken a learning module. No simulated phishing emails were sent in the period.\n";
        assert_eq!(readiness_markdown(&empty()), expected);
        assert_eq!(
            readiness_html(&empty()),
            "<h2>Readiness</h2>\n<p>No exercises were run in the period.</p>\n<p>No organisation has completed a self-assessment.</p>\n<p>No member of staff has taken a learning module. No simulated phishing emails were sent in the period.</p>\n"
        );
    }

    #[test]
    fn singular_and_unanswered_cases() {
        let mut one = empty();
        one.exercises_run = 1;
        one.organisations_exercised = 1;
        one.median_first_response = Some(Duration::seconds(65 * 60 + 29));
        one.assessed = 1;
        one.weakest_themes = vec![summary(
            Theme::CyberEssentials(CeControl::Firewalls),
            1,
            Some(50),
            1,
        )];
        one.learners = 1;
        one.completions = 1;
        one.possible_completions = 1;
        one.simulations = 1;
        one.reported = 1;
        let part = readiness_part(&one);
        assert_eq!(
            part.before,
            [
                "1 exercise was run with 1 partner; its time to first response was 1 hour 5 minutes.",
                "1 organisation has completed a self-assessment against Cyber Essentials, the NCSC 10 Steps and the Small Business Guide. The lowest mean score is on Firewalls (Cyber Essentials, 50%).",
            ]
        );
        assert_eq!(
            part.after,
            [
                "1 member of staff completed 1 of the 1 module open to them (100%). 1 simulated phishing email was sent in the period; it was reported as phishing without being clicked."
            ]
        );
        // With no ce_gaps given, every control still has a row, with nobody assessed.
        let table = part.controls.expect("a table");
        assert_eq!(rows(&table)[4], ["Malware protection", "0", "–", "0"]);

        let mut silent = empty();
        silent.exercises_run = 2;
        silent.organisations_exercised = 3;
        assert_eq!(
            exercises(&silent),
            "2 exercises were run with 3 partners; none of them responded."
        );
        silent.organisations_exercised = 0;
        assert_eq!(
            exercises(&silent),
            "2 exercises were run in the period, with no partners playing."
        );
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(duration(Duration::seconds(29)), "less than a minute");
        assert_eq!(duration(Duration::seconds(30)), "1 minute");
        assert_eq!(duration(Duration::seconds(9 * 60 + 30)), "10 minutes");
        assert_eq!(duration(Duration::minutes(60)), "1 hour");
        assert_eq!(duration(Duration::minutes(121)), "2 hours 1 minute");
        assert_eq!(duration(Duration::minutes(-5)), "less than a minute");
    }

    #[test]
    fn rates_near_the_ends_are_not_rounded_away() {
        let mut f = figures();
        f.simulations = 1_000;
        f.clicked = 4;
        f.reported = 995;
        assert!(education_and_phishing(&f).ends_with(
            "1,000 simulated phishing emails were sent in the period; less than 1% were clicked and more than 99% were reported as phishing."
        ));
    }

    #[test]
    fn the_controls_are_shown_by_sector_and_district() {
        let ce = Theme::CyberEssentials;
        let group = |name: &str, organisations, firewalls| GroupSummary {
            name: name.to_owned(),
            organisations,
            themes: vec![
                summary(ce(CeControl::Firewalls), organisations, Some(firewalls), 1),
                summary(ce(CeControl::MalwareProtection), organisations, None, 0),
            ],
        };
        let mut with_groups = figures();
        with_groups.ce_by_sector = vec![group("business", 2, 50), group("health", 1, 100)];
        with_groups.ce_by_district = vec![group("Charnwood", 3, 67)];
        let markdown = readiness_markdown(&with_groups);
        assert!(
            markdown.contains("Mean Cyber Essentials scores by sector"),
            "{markdown}"
        );
        assert!(markdown.contains("| Sector | Organisations | Firewalls | Secure configuration | Security update management | User access control | Malware protection |"), "{markdown}");
        assert!(markdown.contains("| business | 2 | 50% |"), "{markdown}");
        assert!(markdown.contains("| Charnwood | 3 | 67% |"), "{markdown}");
        let html = readiness_html(&with_groups);
        assert!(html.contains("Mean Cyber Essentials scores by district"));
        // Nobody assessed: no group tables, whatever the groups say.
        let mut nobody = empty();
        nobody.ce_by_sector = with_groups.ce_by_sector.clone();
        assert!(!readiness_markdown(&nobody).contains("by sector"));
    }
}
