//! An exercise's debrief as a standalone HTML document (printed to PDF like the board
//! update) and as Markdown: per player, the timings (first response, escalation,
//! decision), what went well, the gaps against the scenario's good-practice points with
//! their advice, and progress over the player's runs of the same scenario.
//!
//! **Invariant:** pure: the caller loads the run and passes what the viewer may see
//! (a partner's debrief holds only its own organisation); every text is escaped.

use crate::charts::escape;
use beacon_analytics::readiness::{Debrief, PlayerDebrief, ProgressPoint};
use beacon_core::readiness::{ExerciseMode, ResponseKind, Scenario};
use std::collections::BTreeMap;
use std::fmt::Write;
use time::{Duration, OffsetDateTime};

/// One recorded response as the debrief lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebriefResponse {
    /// The organisation's name.
    pub organisation: String,
    /// The phase's title.
    pub phase: String,
    /// Response, escalation or decision.
    pub kind: ResponseKind,
    /// When.
    pub at: OffsetDateTime,
    /// What they said or did.
    pub text: String,
}

/// Everything a debrief shows, as the application layer assembled it.
///
/// Why: the same figures go to the web page, the PDF, the HTML file and Markdown, so they
/// are gathered once and rendered here.
#[derive(Debug, Clone)]
pub struct DebriefDocument<'a> {
    /// The exercise's number.
    pub run_id: i64,
    /// Its title.
    pub title: &'a str,
    /// The scenario as run.
    pub scenario: &'a Scenario,
    /// Table-top or live play.
    pub mode: ExerciseMode,
    /// When it started.
    pub starts_at: OffsetDateTime,
    /// When it finished, if it has.
    pub finished_at: Option<OffsetDateTime>,
    /// Player names by organisation id.
    pub names: BTreeMap<i64, String>,
    /// The measures.
    pub debrief: &'a Debrief,
    /// Each player's runs of this scenario, by time.
    pub progress: &'a BTreeMap<i64, Vec<ProgressPoint>>,
    /// Every response, by time.
    pub responses: Vec<DebriefResponse>,
}

/// A duration as the debrief says it: "7 minutes", "1 hour 5 minutes", or "none recorded".
pub fn minutes(duration: Option<Duration>) -> String {
    let Some(duration) = duration else {
        return "none recorded".to_owned();
    };
    let total = duration.whole_minutes();
    let (hours, minutes) = (total / 60, total % 60);
    let unit = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (hours, minutes) {
        (0, m) => unit(m, "minute", "minutes"),
        (h, 0) => unit(h, "hour", "hours"),
        (h, m) => format!(
            "{} {}",
            unit(h, "hour", "hours"),
            unit(m, "minute", "minutes")
        ),
    }
}

fn when(at: OffsetDateTime) -> String {
    format!(
        "{} {} {} {:02}:{:02} UTC",
        at.day(),
        at.month(),
        at.year(),
        at.hour(),
        at.minute()
    )
}

fn name<'a>(document: &'a DebriefDocument<'_>, id: i64) -> &'a str {
    document
        .names
        .get(&id)
        .map_or("Unknown organisation", String::as_str)
}

fn headline(document: &DebriefDocument<'_>) -> String {
    let players = document.debrief.players.len();
    let responded = document.debrief.responded;
    format!(
        "{} {} played; {} responded. The median time to first response was {}.",
        players,
        if players == 1 {
            "organisation"
        } else {
            "organisations"
        },
        responded,
        minutes(document.debrief.median_first_response)
    )
}

/// The debrief's body as an HTML fragment (for the web page).
pub fn debrief_fragment(document: &DebriefDocument<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<p class=\"lead\">{}</p>\n<p>{} exercise based on the scenario &ldquo;{}&rdquo;, started {}{}.</p>",
        escape(&headline(document)),
        escape(document.mode.label()),
        escape(&document.scenario.title),
        escape(&when(document.starts_at)),
        document
            .finished_at
            .map(|at| format!(", finished {}", escape(&when(at))))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "<table>\n<caption>Timings from the start of the exercise</caption>\n<thead><tr><th scope=\"col\">Organisation</th><th scope=\"col\" class=\"numeric\">First response</th><th scope=\"col\" class=\"numeric\">First escalation</th><th scope=\"col\" class=\"numeric\">First decision</th><th scope=\"col\" class=\"numeric\">Responses</th><th scope=\"col\" class=\"numeric\">Points met</th><th scope=\"col\" class=\"numeric\">Gaps</th></tr></thead>\n<tbody>"
    );
    for player in &document.debrief.players {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"numeric\">{}</td><td class=\"numeric\">{}</td><td class=\"numeric\">{}</td><td class=\"numeric\">{}</td><td class=\"numeric\">{}</td><td class=\"numeric\">{}</td></tr>",
            escape(name(document, player.organisation_id)),
            minutes(player.first_response),
            minutes(player.first_escalation),
            minutes(player.first_decision),
            player.responses,
            player.went_well.len(),
            player.gaps.len()
        );
    }
    out.push_str("</tbody>\n</table>\n");
    for player in &document.debrief.players {
        player_html(&mut out, document, player);
    }
    if !document.responses.is_empty() {
        let _ = writeln!(
            out,
            "<h2>Responses recorded</h2>\n<table>\n<caption>Every response, in time order</caption>\n<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Organisation</th><th scope=\"col\">Phase</th><th scope=\"col\">Kind</th><th scope=\"col\">What they did</th></tr></thead>\n<tbody>"
        );
        for response in &document.responses {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&when(response.at)),
                escape(&response.organisation),
                escape(&response.phase),
                escape(response.kind.label()),
                escape(&response.text)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out
}

fn player_html(out: &mut String, document: &DebriefDocument<'_>, player: &PlayerDebrief) {
    let _ = writeln!(
        out,
        "<h2>{}</h2>",
        escape(name(document, player.organisation_id))
    );
    out.push_str("<h3>What went well</h3>\n");
    if player.went_well.is_empty() {
        out.push_str("<p>No good-practice point was recorded as met.</p>\n");
    } else {
        out.push_str("<ul>\n");
        for point in &player.went_well {
            let _ = writeln!(out, "<li>{}</li>", escape(&point.text));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<h3>Gaps and what to read</h3>\n");
    if player.gaps.is_empty() {
        out.push_str("<p>No gaps were recorded.</p>\n");
    } else {
        out.push_str("<ul>\n");
        for gap in &player.gaps {
            let links: Vec<String> = gap
                .advice
                .iter()
                .filter(|link| link.is_safe())
                .map(|link| {
                    format!(
                        "<a href=\"{}\">{}</a>",
                        escape(&link.url),
                        escape(&link.title)
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "<li><strong>{}:</strong> {}{}</li>",
                escape(gap.observation.label()),
                escape(&gap.text),
                if links.is_empty() {
                    String::new()
                } else {
                    format!(" (read: {})", links.join(", "))
                }
            );
        }
        out.push_str("</ul>\n");
    }
    if !player.not_observed.is_empty() {
        let _ = writeln!(
            out,
            "<p>{} good-practice point(s) were not observed either way.</p>",
            player.not_observed.len()
        );
    }
    if let Some(points) = document.progress.get(&player.organisation_id)
        && points.len() > 1
    {
        let _ = writeln!(
            out,
            "<table>\n<caption>Progress over runs of this scenario</caption>\n<thead><tr><th scope=\"col\">Exercise</th><th scope=\"col\">Started</th><th scope=\"col\" class=\"numeric\">First response</th><th scope=\"col\" class=\"numeric\">Points met</th><th scope=\"col\" class=\"numeric\">Gaps</th></tr></thead>\n<tbody>"
        );
        for point in points {
            let _ = writeln!(
                out,
                "<tr><td>{}{}</td><td>{}</td><td class=\"numeric\">{}</td><td class=\"numeric\">{}</td><td class=\"numeric\">{}</td></tr>",
                point.run_id,
                if point.run_id == document.run_id {
                    " (this one)"
                } else {
                    ""
                },
                escape(&when(point.starts_at)),
                minutes(point.first_response),
                point.met,
                point.gaps
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
}

/// The debrief as a standalone HTML5 document in the board update's style (inline CSS,
/// no script, no external resources), ready to print to PDF.
pub fn debrief_html(document: &DebriefDocument<'_>) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Debrief: {}</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n<h1>Debrief: {}</h1>\n{}</main>\n</body>\n</html>\n",
        escape(document.title),
        include_str!("../templates/board.css"),
        escape(document.title),
        debrief_fragment(document)
    )
}

/// The debrief as Markdown (and as the CLI's text).
pub fn debrief_markdown(document: &DebriefDocument<'_>) -> String {
    let md = crate::markdown::escape;
    let mut out = format!(
        "# Debrief: {}\n\n{}\n\n",
        md(document.title),
        md(&headline(document))
    );
    let _ = writeln!(
        out,
        "{} exercise based on the scenario \"{}\", started {}.\n",
        document.mode.label(),
        md(&document.scenario.title),
        when(document.starts_at)
    );
    out.push_str("| Organisation | First response | First escalation | First decision | Responses | Points met | Gaps |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for player in &document.debrief.players {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md(name(document, player.organisation_id)),
            minutes(player.first_response),
            minutes(player.first_escalation),
            minutes(player.first_decision),
            player.responses,
            player.went_well.len(),
            player.gaps.len()
        );
    }
    for player in &document.debrief.players {
        let _ = writeln!(out, "\n## {}\n", md(name(document, player.organisation_id)));
        out.push_str("What went well:\n\n");
        if player.went_well.is_empty() {
            out.push_str("- No good-practice point was recorded as met.\n");
        }
        for point in &player.went_well {
            let _ = writeln!(out, "- {}", md(&point.text));
        }
        out.push_str("\nGaps and what to read:\n\n");
        if player.gaps.is_empty() {
            out.push_str("- No gaps were recorded.\n");
        }
        for gap in &player.gaps {
            let links: Vec<String> = gap
                .advice
                .iter()
                .filter(|link| link.is_safe())
                .map(|link| format!("[{}]({})", md(&link.title), link.url))
                .collect();
            let _ = writeln!(
                out,
                "- {}: {}{}",
                gap.observation.label(),
                md(&gap.text),
                if links.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", links.join(", "))
                }
            );
        }
        if let Some(points) = document.progress.get(&player.organisation_id)
            && points.len() > 1
        {
            out.push_str("\nProgress over runs of this scenario:\n\n");
            for point in points {
                let _ = writeln!(
                    out,
                    "- exercise {} ({}): first response {}, {} met, {} gaps",
                    point.run_id,
                    when(point.starts_at),
                    minutes(point.first_response),
                    point.met,
                    point.gaps
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words() {
        assert_eq!(minutes(None), "none recorded");
        assert_eq!(minutes(Some(Duration::minutes(1))), "1 minute");
        assert_eq!(minutes(Some(Duration::minutes(7))), "7 minutes");
        assert_eq!(minutes(Some(Duration::minutes(60))), "1 hour");
        assert_eq!(minutes(Some(Duration::minutes(125))), "2 hours 5 minutes");
    }
}
