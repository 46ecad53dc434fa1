//! Readiness letters: an exercise inject as the players receive it, and a consented
//! phishing-awareness simulation.
//!
//! **Invariants:** every inject says, first and last, that it is an exercise, so nobody
//! acts on it for real; a simulation carries the learner's own link and never asks for a
//! password (its landing page teaches). Both are also marked in their mail headers (see
//! [`crate::EXERCISE_HEADER`] and [`crate::SIMULATION_HEADER`]), added by the outbox.
//! Scenario text is Beacon's own but may be edited by an importer, so it is escaped.

use crate::advisory::ComposedLetter;
use crate::digest::html::{is_own_link, tlp_colour};
use crate::digest::tlp_meaning;
use crate::escape::{header, html as esc};
use beacon_core::Tlp;
use beacon_core::readiness::SimulationTemplate;
use std::fmt::Write;

/// The words that open and close every inject, as exercise practice has it.
pub const EXERCISE_BANNER: &str = "EXERCISE EXERCISE EXERCISE";

/// One inject for one playing organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectLetter {
    /// The playing organisation.
    pub organisation: String,
    /// The exercise's title.
    pub exercise: String,
    /// The phase the inject belongs to.
    pub phase: String,
    /// The inject's subject.
    pub subject: String,
    /// What happens, in the scenario's words.
    pub body: String,
    /// Where the players record their response in Beacon, if known.
    pub respond_url: Option<String>,
    /// The label of the exercise material (exercises are for the players' own people).
    pub tlp: Tlp,
}

/// Composes an inject: subject and both bodies, the exercise banner first and last.
pub fn compose_inject(letter: &InjectLetter) -> ComposedLetter {
    let subject = header(&format!(
        "[EXERCISE] {} ({}) [{}]",
        letter.subject,
        letter.organisation,
        letter.tlp.as_str()
    ));
    let paragraphs: Vec<String> = letter
        .body
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect();
    let respond = match &letter.respond_url {
        Some(url) => format!("Record what you do, and when, in Beacon: {url}"),
        None => "Record what you do, and when, in Beacon.".to_owned(),
    };
    let mut text = format!(
        "{EXERCISE_BANNER}\n\n{}, {}\n\n",
        crate::escape::one_line(&letter.exercise),
        crate::escape::one_line(&letter.phase)
    );
    for paragraph in &paragraphs {
        let _ = writeln!(text, "{paragraph}\n");
    }
    let _ = writeln!(
        text,
        "{respond}\n\nThis message is part of a readiness exercise for {}. Nothing in it has really happened.\n\n{EXERCISE_BANNER}",
        letter.organisation
    );

    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n</head>\n\
         <body style=\"font-family: Arial, sans-serif; font-size: 16px; line-height: 1.4; color: #0b0c0c;\">\n",
        esc(&subject)
    );
    let banner = format!(
        "<p style=\"font-weight: bold; font-size: 19px; border: 4px solid #0b0c0c; padding: 8px;\">{EXERCISE_BANNER}</p>"
    );
    let _ = writeln!(html, "{banner}");
    let _ = writeln!(
        html,
        "<p><span style=\"background: #000000; color: {}; font-weight: bold; padding: 2px 6px;\">{}</span> {}</p>",
        tlp_colour(letter.tlp),
        esc(letter.tlp.as_str()),
        esc(tlp_meaning(letter.tlp))
    );
    let _ = writeln!(
        html,
        "<h1 style=\"font-size: 24px;\">{}</h1>\n<p>{}, {}</p>",
        esc(&letter.subject),
        esc(&letter.exercise),
        esc(&letter.phase)
    );
    for paragraph in &paragraphs {
        let _ = writeln!(html, "<p>{}</p>", esc(paragraph));
    }
    match &letter.respond_url {
        Some(url) if is_own_link(url) => {
            let _ = writeln!(
                html,
                "<p><a href=\"{}\">Record what you do, and when, in Beacon</a>.</p>",
                esc(url)
            );
        }
        _ => {
            let _ = writeln!(html, "<p>Record what you do, and when, in Beacon.</p>");
        }
    }
    let _ = writeln!(
        html,
        "<p>This message is part of a readiness exercise for {}. Nothing in it has really happened.</p>\n{banner}\n</body>\n</html>",
        esc(&letter.organisation)
    );
    ComposedLetter {
        subject,
        text,
        html,
        tlp: letter.tlp,
    }
}

/// Composes a simulated phishing email from its template with the learner's own link.
/// The subject and body read like the real thing (that is the exercise); the headers
/// say what it is.
pub fn compose_simulation(template: &SimulationTemplate, link: &str) -> ComposedLetter {
    let subject = header(&template.subject);
    let text = format!("{}\n", template.body.replace("{link}", link));
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n</head>\n<body style=\"font-family: Arial, sans-serif; font-size: 16px;\">\n",
        esc(&subject)
    );
    for paragraph in template.body.split("\n\n") {
        let escaped = esc(paragraph.trim()).replace(
            "{link}",
            &format!("<a href=\"{}\">{}</a>", esc(link), esc(link)),
        );
        let _ = writeln!(html, "<p>{}</p>", escaped.replace('\n', "<br>"));
    }
    html.push_str("</body>\n</html>\n");
    ComposedLetter {
        subject,
        text,
        html,
        tlp: Tlp::Clear,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inject() -> InjectLetter {
        InjectLetter {
            organisation: "Rutland <County> Council".to_owned(),
            exercise: "Phishing to ransomware".to_owned(),
            phase: "Phase 1: Something is wrong".to_owned(),
            subject: "Files will not open".to_owned(),
            body: "The service desk has three calls.\n\nStaff say their files\nend in .locked."
                .to_owned(),
            respond_url: Some("https://beacon.example/exercises/4".to_owned()),
            tlp: Tlp::Amber,
        }
    }

    #[test]
    fn an_inject_says_it_is_an_exercise_first_and_last() {
        let letter = compose_inject(&inject());
        assert!(letter.subject.starts_with("[EXERCISE] Files will not open"));
        assert!(letter.subject.ends_with("[TLP:AMBER]"));
        assert!(letter.text.starts_with(EXERCISE_BANNER));
        assert!(letter.text.trim_end().ends_with(EXERCISE_BANNER));
        assert!(
            letter
                .text
                .contains("Staff say their files end in .locked.")
        );
        assert!(letter.text.contains("https://beacon.example/exercises/4"));
        assert_eq!(letter.html.matches(EXERCISE_BANNER).count(), 2);
        assert!(letter.html.contains("Rutland &lt;County&gt; Council"));
        assert!(!letter.html.contains("<County>"));
    }

    #[test]
    fn a_simulation_carries_its_link_and_no_form() {
        let template = SimulationTemplate {
            format: beacon_core::readiness::phishing::SIMULATION_FORMAT.to_owned(),
            id: "parcel".to_owned(),
            from_name: "Parcel Desk".to_owned(),
            subject: "Your parcel is waiting".to_owned(),
            body: "We missed you.\n\nRebook at {link} today.".to_owned(),
            tells: vec!["Urgency".to_owned()],
        };
        let letter = compose_simulation(&template, "https://beacon.example/learn/s/abc");
        assert_eq!(letter.subject, "Your parcel is waiting");
        assert!(
            letter
                .text
                .contains("Rebook at https://beacon.example/learn/s/abc today.")
        );
        assert!(
            letter
                .html
                .contains("<a href=\"https://beacon.example/learn/s/abc\">")
        );
        assert!(!letter.html.contains("<form") && !letter.html.contains("<input"));
    }
}
