//! The board update's partner advisories section: how many advisories affected partners
//! in the period, how fast partners fixed them, what was overdue, and a table by sector.
//!
//! **Invariant:** pure, like the rest of the crate: the caller reads the store and the
//! clock and says when "overdue" was judged ([`AdvisoryFigures::judged_on`]); nothing
//! here decides it.

use crate::board::{Table, cells};
use crate::wording;
use beacon_analytics::advisories::Timings;
use std::collections::BTreeMap;
use time::Date;

/// The section's heading.
pub(crate) const ADVISORIES_HEADING: &str = "Partner advisories";

/// What the board update says about partner advisories in a period, as the application
/// layer counted it.
///
/// Why: the board asks how quickly partners act on advisories; these are the figures
/// behind that answer, read once so every output says the same.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryFigures {
    /// The headline sentence: "n advisories affected p partners in the period; median
    /// time to fix x days; y overdue." (from `beacon_app`'s figures).
    pub sentence: String,
    /// The timings over the notices opened in the period, area-wide.
    pub area: Timings,
    /// The same by sector (the register's sector names).
    pub by_sector: BTreeMap<String, Timings>,
    /// The day "overdue" was judged on: the period's last day for a past period (what
    /// was overdue at its end), or today for a period that has not ended.
    pub judged_on: Date,
    /// True when [`Self::judged_on`] is the period's last day, false when it is today.
    pub judged_at_period_end: bool,
}

/// The section as plain text pieces.
#[derive(Debug, Clone)]
pub(crate) struct AdvisoryPart {
    /// The figure's sentence and notes on how it is counted.
    pub paragraphs: Vec<String>,
    /// Notices by sector; `None` when no notice was opened in the period.
    pub sectors: Option<Table>,
}

/// A sector's stored name in words: `local-government` → "Local government".
fn sector_label(sector: &str) -> String {
    let words = sector.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars.next().map_or_else(
        || "No sector".to_owned(),
        |first| first.to_uppercase().chain(chars).collect(),
    )
}

/// Median days to fix, or a dash when nothing was fixed.
fn days(median: Option<f64>) -> String {
    median.map_or_else(|| wording::NOT_APPLICABLE.to_owned(), wording::one_decimal)
}

/// The section for a period.
pub(crate) fn advisory_part(figures: &AdvisoryFigures) -> AdvisoryPart {
    if figures.area.notices == 0 {
        return AdvisoryPart {
            paragraphs: vec!["No partner advisories were tracked in this period.".to_owned()],
            sectors: None,
        };
    }
    let when = if figures.judged_at_period_end {
        format!(
            "at the end of the period ({})",
            wording::date(figures.judged_on)
        )
    } else {
        format!(
            "as at {}, since the period has not ended",
            wording::date(figures.judged_on)
        )
    };
    let paragraphs = vec![
        figures.sentence.clone(),
        format!(
            "Overdue counts every notice still open past its due date {when}, whenever the advisory reached the partner; the table counts the notices sent in the period."
        ),
        "A partner has one notice per advisory; it is fixed when every matched asset is fixed or found not affected, and days to fix run from the notice to then.".to_owned(),
    ];
    let mut table = Table::new(
        "Partner advisories by sector",
        &["Sector", "Notices", "Median days to fix", "Overdue"],
        1,
        "There are no sectors to show.",
    );
    for (sector, timings) in &figures.by_sector {
        table.push(vec![
            sector_label(sector),
            wording::count(timings.notices),
            days(timings.median_days_to_fix),
            wording::count(timings.overdue),
        ]);
    }
    table.total = Some(cells(
        vec![
            "All partners".to_owned(),
            wording::count(figures.area.notices),
            days(figures.area.median_days_to_fix),
            wording::count(figures.area.overdue),
        ],
        1,
    ));
    AdvisoryPart {
        paragraphs,
        sectors: Some(table),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn timings(notices: u64, median: Option<f64>, overdue: u64) -> Timings {
        Timings {
            notices,
            median_days_to_fix: median,
            overdue,
            ..Timings::default()
        }
    }

    #[test]
    fn an_empty_period_says_so_plainly() {
        let part = advisory_part(&AdvisoryFigures {
            sentence: "unused".into(),
            area: Timings::default(),
            by_sector: BTreeMap::new(),
            judged_on: date!(2024 - 06 - 30),
            judged_at_period_end: true,
        });
        assert_eq!(
            part.paragraphs,
            ["No partner advisories were tracked in this period."]
        );
        assert!(part.sectors.is_none());
    }

    #[test]
    fn sectors_are_worded_and_totalled() {
        let part = advisory_part(&AdvisoryFigures {
            sentence: "2 advisories affected 2 partners in the period; median time to fix 3.0 days; 1 overdue.".into(),
            area: timings(3, Some(3.0), 1),
            by_sector: BTreeMap::from([
                ("health".to_owned(), timings(1, None, 1)),
                ("local-government".to_owned(), timings(2, Some(3.0), 0)),
            ]),
            judged_on: date!(2024 - 06 - 30),
            judged_at_period_end: true,
        });
        assert!(part.paragraphs[1].contains("at the end of the period (30 June 2024)"));
        let table = part.sectors.expect("a table");
        let rows: Vec<Vec<&str>> = table
            .rows
            .iter()
            .map(|row| row.iter().map(|cell| cell.text.as_str()).collect())
            .collect();
        assert_eq!(
            rows,
            [
                vec!["Health", "1", wording::NOT_APPLICABLE, "1"],
                vec!["Local government", "2", "3.0", "0"],
            ]
        );
        let total: Vec<&str> = table
            .total
            .iter()
            .flatten()
            .map(|cell| cell.text.as_str())
            .collect();
        assert_eq!(total, ["All partners", "3", "3.0", "1"]);
    }

    #[test]
    fn a_current_period_is_judged_today() {
        let part = advisory_part(&AdvisoryFigures {
            sentence: "s".into(),
            area: timings(1, None, 0),
            by_sector: BTreeMap::new(),
            judged_on: date!(2024 - 05 - 15),
            judged_at_period_end: false,
        });
        assert!(part.paragraphs[1].contains("as at 15 May 2024, since the period has not ended"));
    }
}
