//! The HTML body of a digest: a small standalone document with inline styles, since mail
//! clients ignore style sheets.
//!
//! **Invariant:** every piece of text goes through `escape::html`; feed data is also
//! defanged and never becomes a link.

use super::{DEFANG_NOTE, Plan, REPLY_NOTE, acknowledge_sentence, tlp_meaning};
use crate::dates;
use crate::escape::{defang, html as esc};
use crate::findings::{Finding, FindingStatus};
use beacon_core::Tlp;
use std::fmt::Write;

/// Renders the HTML body; the TLP label is the first thing in the body.
pub(super) fn render(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n</head>\n\
         <body style=\"font-family: Arial, sans-serif; font-size: 16px; line-height: 1.4; color: #0b0c0c;\">\n",
        esc(&plan.subject())
    );
    let _ = writeln!(
        out,
        "<p><span style=\"background: #000000; color: {}; font-weight: bold; padding: 2px 6px;\">{}</span> {}</p>",
        tlp_colour(plan.tlp),
        esc(plan.tlp.as_str()),
        esc(tlp_meaning(plan.tlp))
    );
    let _ = writeln!(
        out,
        "<h1 style=\"font-size: 24px;\">Beacon digest for {}</h1>",
        esc(&plan.organisation)
    );
    let _ = writeln!(out, "<p>{}</p>", esc(&plan.summary()));
    let withheld = plan.withheld_note();
    if !withheld.is_empty() {
        let _ = writeln!(
            out,
            "<p style=\"border-left: 4px solid #1d70b8; padding-left: 10px;\">{}</p>",
            esc(&withheld.join(" "))
        );
    }
    for group in &plan.groups {
        let _ = writeln!(
            out,
            "<h2 style=\"font-size: 20px; margin-top: 30px;\">{} ({})</h2>",
            esc(&group.title),
            group.findings.len()
        );
        let _ = writeln!(
            out,
            "<p><strong>What this means:</strong> {}</p>",
            esc(group.advice.meaning)
        );
        let _ = writeln!(
            out,
            "<p><strong>What to do:</strong> {}</p>",
            esc(group.advice.action)
        );
        table(&mut out, &group.findings);
        if !group.classification_type.is_empty() {
            let _ = writeln!(
                out,
                "<p style=\"color: #505a5f; font-size: 14px;\">Feed classification: {}</p>",
                esc(&group.classification_type)
            );
        }
    }
    let _ = writeln!(out, "<hr>");
    match (acknowledge_sentence(plan), &plan.ack_url) {
        (Some(_), Some(url)) if is_own_link(url) => {
            let _ = writeln!(
                out,
                "<p>When you have dealt with these findings, please \
                 <a href=\"{}\">tell us by opening this link</a>.</p>",
                esc(url)
            );
        }
        (Some(acknowledge), Some(url)) => {
            let _ = writeln!(out, "<p>{} {}</p>", esc(acknowledge), esc(url));
        }
        (Some(acknowledge), None) => {
            let _ = writeln!(out, "<p>{}</p>", esc(acknowledge));
        }
        (None, _) => {}
    }
    let _ = writeln!(out, "<p>{}</p>", esc(REPLY_NOTE));
    if plan.any_defanged() {
        let _ = writeln!(
            out,
            "<p style=\"color: #505a5f; font-size: 14px;\">{}</p>",
            esc(DEFANG_NOTE)
        );
    }
    let _ = writeln!(
        out,
        "<p style=\"color: #505a5f; font-size: 14px;\">This email was sent automatically by Beacon.</p>"
    );
    out.push_str("</body>\n</html>\n");
    out
}

const CELL: &str = "style=\"border-bottom: 1px solid #b1b4b6; padding: 4px 8px; text-align: left; vertical-align: top;\"";

fn table(out: &mut String, findings: &[&Finding]) {
    out.push_str("<table style=\"border-collapse: collapse; font-size: 14px;\">\n<thead><tr>");
    for heading in [
        "Address",
        "Port",
        "Status",
        "Reported as",
        "Malware",
        "First seen",
        "Last seen",
        "Sightings",
        "Feeds",
    ] {
        let _ = write!(out, "<th scope=\"col\" {CELL}>{heading}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for finding in findings {
        let status = match finding.status {
            FindingStatus::New => "<strong>New</strong>",
            FindingStatus::StillActive => "Still active",
        };
        let port = finding
            .port
            .map(|port| port.to_string())
            .unwrap_or_default();
        let optional = |value: &Option<String>| {
            value
                .as_deref()
                .map(|text| esc(text.trim()))
                .unwrap_or_default()
        };
        let feeds: Vec<String> = finding.feeds.iter().map(|feed| esc(feed.trim())).collect();
        let _ = writeln!(
            out,
            "<tr><td {CELL}><code>{}</code></td><td {CELL}>{port}</td><td {CELL}>{status}</td>\
             <td {CELL}>{}</td><td {CELL}>{}</td><td {CELL}>{}</td><td {CELL}>{}</td>\
             <td {CELL}>{}</td><td {CELL}>{}</td></tr>",
            esc(&defang(&finding.observable)),
            optional(&finding.identifier),
            optional(&finding.malware),
            dates::long(finding.first_seen),
            dates::long(finding.last_seen),
            finding.sightings,
            feeds.join(", ")
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Whether an acknowledgement link may be an `<a href>`: a web address, or a placeholder
/// with no scheme that the sender replaces with the signed link as the message goes out
/// (`beacon-app` composes digests with one). Anything else (`javascript:…`) stays text.
pub(crate) fn is_own_link(url: &str) -> bool {
    url.starts_with("https://")
        || url.starts_with("http://")
        || (!url.is_empty()
            && url
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
}

/// TLP 2.0's label colours, shown on black.
pub(crate) fn tlp_colour(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "#FFFFFF",
        Tlp::Green => "#33FF00",
        Tlp::Amber | Tlp::AmberStrict => "#FFC000",
        Tlp::Red => "#FF2B2B",
    }
}
