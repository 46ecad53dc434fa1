//! The plain-text body of a digest.
//!
//! Feed data is kept to one line each (`escape::one_line`) so it cannot forge lines, and
//! domains and URLs are defanged.

use super::{DEFANG_NOTE, Plan, REPLY_NOTE, acknowledge_sentence, tlp_meaning};
use crate::dates;
use crate::escape::{defang, one_line};
use crate::findings::{Finding, FindingStatus};
use std::fmt::Write;

/// Renders the text body; the TLP label is the first line.
pub(super) fn render(plan: &Plan) -> String {
    let mut out = String::new();
    line(&mut out, plan.tlp.as_str());
    line(&mut out, tlp_meaning(plan.tlp));
    line(&mut out, "");
    line(
        &mut out,
        &format!("Beacon digest for {}", plan.organisation),
    );
    line(&mut out, "");
    line(&mut out, &plan.summary());
    let withheld = plan.withheld_note();
    if !withheld.is_empty() {
        line(&mut out, "");
        line(&mut out, &withheld.join(" "));
    }
    for group in &plan.groups {
        line(&mut out, "");
        line(&mut out, "");
        let heading = format!("{} ({})", group.title, group.findings.len());
        line(&mut out, &heading);
        line(&mut out, &"=".repeat(heading.chars().count()));
        line(&mut out, "");
        line(
            &mut out,
            &format!("What this means: {}", group.advice.meaning),
        );
        line(&mut out, &format!("What to do: {}", group.advice.action));
        if !group.classification_type.is_empty() {
            line(
                &mut out,
                &format!("Feed classification: {}", group.classification_type),
            );
        }
        for finding in &group.findings {
            line(&mut out, "");
            finding_lines(&mut out, finding);
        }
    }
    line(&mut out, "");
    line(&mut out, "");
    if let Some(acknowledge) = acknowledge_sentence(plan) {
        line(&mut out, acknowledge);
        if let Some(url) = &plan.ack_url {
            line(&mut out, url);
        }
        line(&mut out, "");
    }
    line(&mut out, REPLY_NOTE);
    if plan.any_defanged() {
        line(&mut out, "");
        line(&mut out, DEFANG_NOTE);
    }
    line(&mut out, "");
    line(&mut out, "This email was sent automatically by Beacon.");
    out
}

fn finding_lines(out: &mut String, finding: &Finding) {
    let status = match finding.status {
        FindingStatus::New => "new",
        FindingStatus::StillActive => "still active",
    };
    let mut first = format!("- {}", defang(&finding.observable));
    if let Some(port) = finding.port {
        let _ = write!(first, ", port {port}");
    }
    let _ = write!(first, " ({status})");
    line(out, &first);
    let mut details = Vec::new();
    if let Some(identifier) = &finding.identifier {
        details.push(format!("Reported as: {}.", one_line(identifier.trim())));
    }
    if let Some(malware) = &finding.malware {
        details.push(format!("Malware: {}.", one_line(malware.trim())));
    }
    if !details.is_empty() {
        line(out, &format!("  {}", details.join(" ")));
    }
    line(
        out,
        &format!(
            "  First seen {}. Last seen {}. Seen {} {}.",
            dates::long(finding.first_seen),
            dates::long(finding.last_seen),
            finding.sightings,
            if finding.sightings == 1 {
                "time"
            } else {
                "times"
            }
        ),
    );
    if !finding.feeds.is_empty() {
        let feeds: Vec<String> = finding
            .feeds
            .iter()
            .map(|feed| one_line(feed.trim()))
            .collect();
        line(out, &format!("  Feeds: {}", feeds.join(", ")));
    }
}

fn line(out: &mut String, text: &str) {
    out.push_str(text);
    out.push('\n');
}
