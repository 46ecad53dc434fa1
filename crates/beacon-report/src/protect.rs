//! The board update's protect section: the campaigns run in the period, the people they
//! reached on each channel, how many followed the link and said they had acted on the
//! advice, a table per campaign, and the measured effects of evaluated trials with a
//! plain statement of whether each is statistically significant.
//!
//! **Invariant:** pure, like the rest of the crate: the figures arrive computed
//! ([`ProtectFigures`]); this module only words them. Both outputs are built from one set
//! of sentences and one table, so the Markdown and the HTML always say the same; every
//! piece of text (campaign names included) is escaped by the writer that puts it out.

use crate::board::Table;
use crate::{charts, markdown, sections, wording};
use beacon_analytics::campaigns::{MeasuredEffect, ProtectFigures};
use beacon_core::Channel;
use std::fmt::Write as _;

/// The section's heading.
pub const PROTECT_HEADING: &str = "Protect campaigns";

/// The campaigns table's caption.
const CAMPAIGNS_CAPTION: &str = "Protect campaigns launched in the period";

/// What the section says when no evaluated trial has an effect to report.
const NO_EFFECTS: &str = "No evaluated trial has finished in the period.";

/// The section as plain text pieces, in order.
#[derive(Debug, Clone)]
pub(crate) struct ProtectPart {
    /// Campaigns run, reach, clicks and actions.
    pub before: Vec<String>,
    /// One row per campaign; `None` when none was run.
    pub campaigns: Option<Table>,
    /// The measured effects, one paragraph each (or the plain statement that there are
    /// none).
    pub effects: Vec<String>,
}

/// How a channel is named in a sentence and a table.
fn channel_words(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "email",
        Channel::Sms => "text message",
        Channel::Social => "social post",
        Channel::Webhook => "partner system",
    }
}

/// "a", "a and b", "a, b and c".
fn listed(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "14.5%" from tenths of a percent; the dash when there is no whole.
fn tenths_percent(tenths: Option<u64>) -> String {
    tenths.map_or_else(
        || wording::NOT_APPLICABLE.to_owned(),
        |tenths| format!("{}%", wording::tenths(tenths)),
    )
}

/// "1 person", "4,210 people".
fn people(count: u64) -> String {
    let noun = if count == 1 { "person" } else { "people" };
    format!("{} {noun}", wording::count(count))
}

/// The headline sentence: campaigns run, reach, clicks and actions.
fn headline(figures: &ProtectFigures) -> String {
    let run = figures.campaigns_run();
    if run == 0 {
        return "No protect campaigns were run in the period.".to_owned();
    }
    let campaigns = if run == 1 {
        "1 campaign was run".to_owned()
    } else {
        format!("{} campaigns were run", wording::count(run as u64))
    };
    let channels: Vec<&str> = figures.channels().into_iter().map(channel_words).collect();
    let channels = listed(&channels);
    let reached = figures.reached();
    if reached == 0 {
        return format!(
            "{campaigns} in the period by {channels}; no message has reached anyone yet."
        );
    }
    let clicked = match figures.clicked() {
        0 => "nobody followed the link".to_owned(),
        count => format!(
            "{} followed the link ({})",
            people(count),
            tenths_percent(figures.click_tenths())
        ),
    };
    let acted = match figures.acted() {
        0 => "none said they had acted on the advice".to_owned(),
        count => format!(
            "{} said they had acted on the advice",
            wording::count(count)
        ),
    };
    format!(
        "{campaigns} in the period, reaching {} by {channels}; {clicked} and {acted}.",
        people(reached)
    )
}

/// The table of the period's campaigns.
fn campaigns_table(figures: &ProtectFigures) -> Table {
    let mut table = Table::new(
        CAMPAIGNS_CAPTION,
        &[
            "Campaign",
            "Channel",
            "Launched",
            "Reached",
            "Followed the link",
            "Said they acted",
            "Unsubscribed",
        ],
        3,
        "No protect campaigns were run in the period.",
    );
    for line in &figures.campaigns {
        let mut channel = channel_words(line.channel).to_owned();
        if let Some(first) = channel.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        table.push(vec![
            line.name.clone(),
            channel,
            wording::date(line.launched_on),
            wording::count(line.reached),
            tenths_percent(line.click_tenths()),
            wording::count(line.acted),
            wording::count(line.unsubscribed),
        ]);
    }
    table
}

/// An effect's paragraph: its sentence, then whether it is more than chance.
fn effect(effect: &MeasuredEffect) -> String {
    let verdict = if effect.significant {
        "The difference is statistically significant: it is unlikely to be down to chance."
    } else {
        "The difference is not statistically significant: it could be down to chance."
    };
    format!("{} {verdict}", effect.sentence)
}

/// The section for a period.
pub(crate) fn protect_part(figures: &ProtectFigures) -> ProtectPart {
    let effects = if figures.effects.is_empty() {
        vec![NO_EFFECTS.to_owned()]
    } else {
        figures.effects.iter().map(effect).collect()
    };
    ProtectPart {
        before: vec![headline(figures)],
        campaigns: (figures.campaigns_run() > 0).then(|| campaigns_table(figures)),
        effects,
    }
}

/// The protect section as an HTML fragment: its `<h2>`, paragraphs and the campaigns
/// table (rendered like every other board table), every piece of text escaped.
///
/// Why: the board update shows the protect campaigns beside the crime figures; the
/// caller places this fragment in the document or a page.
pub fn protect_html(figures: &ProtectFigures) -> String {
    let part = protect_part(figures);
    let mut out = format!("<h2>{}</h2>\n", charts::escape(PROTECT_HEADING));
    for paragraph in &part.before {
        let _ = writeln!(out, "<p>{}</p>", charts::escape(paragraph));
    }
    if let Some(table) = &part.campaigns {
        let _ = writeln!(out, "{}", sections::table_html(table));
    }
    for paragraph in &part.effects {
        let _ = writeln!(out, "<p>{}</p>", charts::escape(paragraph));
    }
    out
}

/// The protect section as GitHub-flavoured Markdown: a `##` heading, paragraphs and a
/// pipe table, every piece of text escaped.
///
/// Why: the Markdown board update carries the same section in the same words.
pub fn protect_markdown(figures: &ProtectFigures) -> String {
    let part = protect_part(figures);
    let mut out = format!("## {}\n\n", markdown::escape(PROTECT_HEADING));
    for paragraph in &part.before {
        let _ = writeln!(out, "{}\n", markdown::escape(paragraph));
    }
    if let Some(table) = &part.campaigns {
        markdown::table(&mut out, table);
    }
    for paragraph in &part.effects {
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
    use beacon_analytics::campaigns::CampaignLine;
    use time::macros::date;

    fn line(name: &str, channel: Channel, reached: u64, clicked: u64, acted: u64) -> CampaignLine {
        CampaignLine {
            name: name.to_owned(),
            channel,
            launched_on: date!(2025 - 02 - 03),
            finished: true,
            evaluated: false,
            recipients: reached + 10,
            messaged: reached + 10,
            reached,
            not_reached: 10,
            pending: 0,
            clicked,
            acted,
            unsubscribed: 4,
        }
    }

    fn figures() -> ProtectFigures {
        ProtectFigures {
            campaigns: vec![
                line("Courier fraud trial", Channel::Email, 3_000, 400, 150),
                line("Romance fraud texts", Channel::Sms, 1_200, 212, 53),
                line("Shopping safely", Channel::Social, 10, 0, 0),
            ],
            effects: vec![MeasuredEffect {
                campaign: "Courier fraud trial".to_owned(),
                outcome: "said they had acted on the advice".to_owned(),
                sentence: "Courier fraud trial: 9.1% of those sent the new advice said they had acted, against 4.0% of the control arm: a difference of 5.1 points (95% CI 2.0 to 8.2; p = 0.001).".to_owned(),
                significant: true,
            }],
        }
    }

    const HEADLINE: &str = "3 campaigns were run in the period, reaching 4,210 people by email, text message and social post; 612 people followed the link (14.5%) and 203 said they had acted on the advice.";
    const EFFECT: &str = "Courier fraud trial: 9.1% of those sent the new advice said they had acted, against 4.0% of the control arm: a difference of 5.1 points (95% CI 2.0 to 8.2; p = 0.001). The difference is statistically significant: it is unlikely to be down to chance.";

    fn rows(table: &Table) -> Vec<Vec<String>> {
        table
            .rows
            .iter()
            .map(|row| row.iter().map(|cell| cell.text.clone()).collect())
            .collect()
    }

    #[test]
    fn the_section_in_words() {
        let part = protect_part(&figures());
        assert_eq!(part.before, [HEADLINE]);
        assert_eq!(part.effects, [EFFECT]);
        let table = part.campaigns.expect("a table");
        assert_eq!(table.caption, CAMPAIGNS_CAPTION);
        assert_eq!(
            rows(&table),
            [
                [
                    "Courier fraud trial",
                    "Email",
                    "3 February 2025",
                    "3,000",
                    "13.3%",
                    "150",
                    "4"
                ],
                [
                    "Romance fraud texts",
                    "Text message",
                    "3 February 2025",
                    "1,200",
                    "17.7%",
                    "53",
                    "4"
                ],
                [
                    "Shopping safely",
                    "Social post",
                    "3 February 2025",
                    "10",
                    "0.0%",
                    "0",
                    "4"
                ],
            ]
        );
    }

    #[test]
    fn the_section_as_markdown() {
        let expected = format!(
            "## Protect campaigns\n\n{HEADLINE}\n\n\
**Protect campaigns launched in the period**\n\n\
| Campaign | Channel | Launched | Reached | Followed the link | Said they acted | Unsubscribed |\n\
| --- | --- | --- | ---: | ---: | ---: | ---: |\n\
| Courier fraud trial | Email | 3 February 2025 | 3,000 | 13.3% | 150 | 4 |\n\
| Romance fraud texts | Text message | 3 February 2025 | 1,200 | 17.7% | 53 | 4 |\n\
| Shopping safely | Social post | 3 February 2025 | 10 | 0.0% | 0 | 4 |\n\n\
{EFFECT}\n"
        );
        assert_eq!(protect_markdown(&figures()), expected);
    }

    #[test]
    fn the_section_as_html() {
        let html = protect_html(&figures());
        assert!(html.starts_with(&format!(
            "<h2>Protect campaigns</h2>\n<p>{HEADLINE}</p>\n<table class=\"govuk-table\">\n<caption class=\"govuk-table__caption\">Protect campaigns launched in the period</caption>"
        )), "{html}");
        assert!(html.contains("<th scope=\"row\" class=\"govuk-table__header\">Romance fraud texts</th>\n<td class=\"govuk-table__cell\">Text message</td>\n<td class=\"govuk-table__cell\">3 February 2025</td>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">1,200</td>\n<td class=\"govuk-table__cell govuk-table__cell--numeric\">17.7%</td>"), "{html}");
        assert!(
            html.ends_with(&format!("</table>\n<p>{EFFECT}</p>\n")),
            "{html}"
        );
    }

    #[test]
    fn nothing_run_and_nothing_measured_is_said_plainly() {
        let empty = ProtectFigures::default();
        assert_eq!(
            protect_markdown(&empty),
            "## Protect campaigns\n\nNo protect campaigns were run in the period.\n\nNo evaluated trial has finished in the period.\n"
        );
        assert_eq!(
            protect_html(&empty),
            "<h2>Protect campaigns</h2>\n<p>No protect campaigns were run in the period.</p>\n<p>No evaluated trial has finished in the period.</p>\n"
        );
    }

    #[test]
    fn singular_unreached_and_not_significant_cases() {
        let one = ProtectFigures {
            campaigns: vec![line("One", Channel::Email, 1, 1, 1)],
            effects: Vec::new(),
        };
        assert_eq!(
            headline(&one),
            "1 campaign was run in the period, reaching 1 person by email; 1 person followed the link (100.0%) and 1 said they had acted on the advice."
        );
        let quiet = ProtectFigures {
            campaigns: vec![line("Quiet", Channel::Sms, 50, 0, 0)],
            effects: Vec::new(),
        };
        assert_eq!(
            headline(&quiet),
            "1 campaign was run in the period, reaching 50 people by text message; nobody followed the link and none said they had acted on the advice."
        );
        let waiting = ProtectFigures {
            campaigns: vec![
                line("Queued", Channel::Email, 0, 0, 0),
                line("Also queued", Channel::Email, 0, 0, 0),
            ],
            effects: Vec::new(),
        };
        assert_eq!(
            headline(&waiting),
            "2 campaigns were run in the period by email; no message has reached anyone yet."
        );
        assert_eq!(rows(&campaigns_table(&waiting))[0][4], "–");
        let mut unclear = figures();
        unclear.effects[0].significant = false;
        assert!(protect_part(&unclear).effects[0].ends_with(
            "The difference is not statistically significant: it could be down to chance."
        ));
    }

    #[test]
    fn campaign_names_are_escaped_in_both_outputs() {
        let mut hostile = figures();
        hostile.campaigns[0].name = "<script>alert(1)</script> | *bold*".to_owned();
        hostile.effects[0].sentence = "<b>Trial</b>: 1% | 2%".to_owned();
        let html = protect_html(&hostile);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;b&gt;Trial&lt;/b&gt;"), "{html}");
        let markdown = protect_markdown(&hostile);
        assert!(
            markdown.contains("| \\<script\\>alert(1)\\</script\\> \\| \\*bold\\* | Email |"),
            "{markdown}"
        );
        assert!(
            markdown.contains("\\<b\\>Trial\\</b\\>: 1% \\| 2%"),
            "{markdown}"
        );
    }
}
