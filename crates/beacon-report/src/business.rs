//! The board update's businesses section: how many businesses the partnership reached,
//! how and how often, how much of that reach is sustained, and the reporting gap by
//! sector (reports businesses made through Beacon's front door against organisations'
//! Action Fraud reports).
//!
//! **Invariant:** pure: the figures arrive computed; this module only words them, once,
//! for both the Markdown and the HTML.

use crate::board::Table;
use crate::wording;
use beacon_analytics::engagement::BusinessFigures;

/// The section's heading.
pub const BUSINESS_HEADING: &str = "Businesses";

/// The gap table's caption.
const GAP_CAPTION: &str =
    "Reports by businesses through Beacon's front door and to Action Fraud, by sector";

/// The section as text pieces.
#[derive(Debug, Clone)]
pub(crate) struct BusinessPart {
    /// Reach, then the gap in words.
    pub paragraphs: Vec<String>,
    /// The gap by sector; `None` when neither source has a report.
    pub gap: Option<Table>,
}

fn way(how: &str, count: u64) -> String {
    let noun = match (how, count) {
        ("event", 1) => "event",
        ("event", _) => "events",
        ("visit", 1) => "visit",
        ("visit", _) => "visits",
        ("email", 1) => "email",
        ("email", _) => "emails",
        ("front_door_report", 1) => "front-door report",
        ("front_door_report", _) => "front-door reports",
        (other, _) => other,
    };
    format!("{} {noun}", wording::count(count))
}

fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The section for a period.
pub(crate) fn business_part(figures: &BusinessFigures) -> BusinessPart {
    let reach = &figures.reach;
    let mut paragraphs = Vec::new();
    paragraphs.push(if reach.businesses == 0 {
        "No business was recorded as reached in the period.".to_owned()
    } else {
        let ways: Vec<String> = reach.by_how.iter().map(|(how, n)| way(how, *n)).collect();
        format!(
            "The partnership reached {} {} in the period ({}); {} more than once, and {} ({}) in a sustained way: again at least 90 days apart within 12 months.",
            wording::count(reach.businesses),
            if reach.businesses == 1 { "business" } else { "businesses" },
            listed(&ways),
            wording::count(reach.more_than_once),
            wording::count(reach.sustained),
            reach
                .sustained_percent()
                .map_or_else(|| wording::NOT_APPLICABLE.to_owned(), |p| format!("{p}%")),
        )
    });
    if let Some(best) = reach.by_district.first() {
        paragraphs.push(format!(
            "Most were in {} ({} reached, {} sustained).",
            best.key,
            wording::count(best.reached),
            wording::count(best.sustained)
        ));
    }
    let front_door = figures.front_door_reports();
    let action_fraud = figures.action_fraud_reports();
    paragraphs.push(format!(
        "Businesses made {} through Beacon's front door in the period, against {} to Action Fraud by organisations (the partnership's plan finds over 80% of small businesses do not report at all).",
        match front_door {
            1 => "1 report".to_owned(),
            n => format!("{} reports", wording::count(n)),
        },
        match action_fraud {
            1 => "1 report".to_owned(),
            n => format!("{} reports", wording::count(n)),
        },
    ));
    let gap = (front_door + action_fraud > 0).then(|| {
        let mut table = Table::new(
            GAP_CAPTION,
            &[
                "Sector",
                "Front door",
                "Action Fraud",
                "Front-door reports per 100 Action Fraud reports",
            ],
            1,
            "No business reported in the period.",
        );
        for row in &figures.gap {
            let mut sector = row.sector.clone();
            if let Some(first) = sector.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            table.push(vec![
                sector,
                wording::count(row.front_door),
                wording::count(row.action_fraud),
                row.per_hundred_tenths()
                    .map_or_else(|| wording::NOT_APPLICABLE.to_owned(), wording::tenths),
            ]);
        }
        table
    });
    BusinessPart { paragraphs, gap }
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_analytics::engagement::{GapRow, ReachFigures, ReachRow};

    #[test]
    fn the_section_says_the_reach_and_the_gap() {
        let figures = BusinessFigures {
            reach: ReachFigures {
                businesses: 25,
                engagements: 30,
                by_how: vec![
                    ("visit".into(), 15),
                    ("email".into(), 14),
                    ("event".into(), 1),
                ],
                more_than_once: 3,
                sustained: 4,
                by_district: vec![ReachRow {
                    key: "Leicester".into(),
                    reached: 9,
                    sustained: 2,
                }],
                by_sector: Vec::new(),
            },
            gap: vec![GapRow {
                sector: "retail".into(),
                front_door: 3,
                action_fraud: 12,
            }],
        };
        let part = business_part(&figures);
        assert_eq!(
            part.paragraphs[0],
            "The partnership reached 25 businesses in the period (15 visits, 14 emails and 1 event); 3 more than once, and 4 (16%) in a sustained way: again at least 90 days apart within 12 months."
        );
        assert_eq!(
            part.paragraphs[1],
            "Most were in Leicester (9 reached, 2 sustained)."
        );
        assert!(part.paragraphs[2].starts_with("Businesses made 3 reports through Beacon's front door in the period, against 12 reports to Action Fraud"));
        let gap = part.gap.expect("a table");
        assert_eq!(gap.rows[0][0].text, "Retail");
        assert_eq!(gap.rows[0][3].text, "25.0");
    }
}
