//! Advisory letters to partners: the notice that an advisory affects their assets, the
//! update after a revision changed that, the reminder before the due date, the escalation
//! to the senior responsible owner when it is overdue, and the daily digest for those who
//! prefer one message a day.
//!
//! **Invariants:** a TLP:RED advisory's content never goes into an email: the letter says
//! only that something is waiting in Beacon. Advisory text comes from outside (vendors'
//! documents), so every piece of it is escaped in HTML and stripped of line breaks in the
//! subject, as digests do.

use crate::dates;
use crate::digest::html::{is_own_link, tlp_colour};
use crate::digest::tlp_meaning;
use crate::escape::{header, html as esc, one_line};
use beacon_core::Tlp;
use std::fmt::Write;
use time::{Date, OffsetDateTime};

/// Why the letter is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LetterPurpose {
    /// The first notice of the advisory to the partner.
    Notice,
    /// A newer revision changed what the advisory means for the partner.
    Update {
        /// What changed, in plain words.
        changes: String,
    },
    /// The due date is near and assets are still open.
    Reminder,
    /// The due date has passed with assets still open (to the senior responsible owner).
    Escalation,
}

/// One matched asset as a letter lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterAsset {
    /// The asset's name.
    pub name: String,
    /// The product on it that matched.
    pub product: String,
    /// `certain` or `possible`.
    pub confidence: String,
    /// Why it matched.
    pub reason: String,
    /// Where it stands (e.g. "Not yet reviewed", "Fixed").
    pub status: String,
}

/// What a letter about one advisory to one partner says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvisoryLetter {
    /// Why it is sent.
    pub purpose: LetterPurpose,
    /// The partner's name.
    pub organisation: String,
    /// The advisory's title.
    pub title: String,
    /// What it means, in plain words.
    pub summary: String,
    /// What to do.
    pub action: String,
    /// The CVEs it covers.
    pub cves: Vec<String>,
    /// How urgent it is, in words ("urgent", "high").
    pub priority: String,
    /// Known to be used in ransomware campaigns.
    pub ransomware: bool,
    /// By when to fix it.
    pub due: Option<Date>,
    /// Who may see it.
    pub tlp: Tlp,
    /// The partner's matched assets.
    pub assets: Vec<LetterAsset>,
    /// The advisory's page in Beacon, when Beacon's web address is known.
    pub beacon_url: Option<String>,
    /// The advisory's own page (the vendor's or CISA's).
    pub source_url: Option<String>,
    /// The acknowledgement link (or its placeholder), when one is wanted.
    pub ack_url: Option<String>,
}

/// A composed letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposedLetter {
    /// One line, ending with the TLP label.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body (a whole document).
    pub html: String,
    /// The label of what the letter itself carries: the advisory's, except that a
    /// TLP:RED advisory's letter carries only a pointer, labelled TLP:AMBER+STRICT (that
    /// something is waiting is for the partner's own people).
    pub tlp: Tlp,
}

/// The label a letter carries (see [`ComposedLetter::tlp`]).
fn letter_label(advisory: Tlp) -> Tlp {
    if advisory == Tlp::Red {
        Tlp::AmberStrict
    } else {
        advisory
    }
}

/// A date as letters write it, e.g. "21 June 2023".
pub fn long_date(date: Date) -> String {
    dates::long(date.midnight().assume_utc())
}

/// Composes the subject and both bodies of a letter.
pub fn compose_letter(letter: &AdvisoryLetter) -> ComposedLetter {
    let subject = subject(letter);
    let paragraphs = paragraphs(letter);
    ComposedLetter {
        text: text(letter, &paragraphs),
        html: html(letter, &subject, &paragraphs),
        subject,
        tlp: letter_label(letter.tlp),
    }
}

/// The subject line: what it is about, for whom, with the TLP label last.
fn subject(letter: &AdvisoryLetter) -> String {
    let what = if letter.tlp == Tlp::Red {
        "a restricted advisory is waiting in Beacon".to_owned()
    } else {
        header(&letter.title)
    };
    let lead = match letter.purpose {
        LetterPurpose::Notice => "Action needed",
        LetterPurpose::Update { .. } => "Advisory updated",
        LetterPurpose::Reminder => "Reminder",
        LetterPurpose::Escalation => "Overdue",
    };
    header(&format!(
        "{lead}: {what} ({}) [{}]",
        letter.organisation,
        letter_label(letter.tlp).as_str()
    ))
}

/// The body as paragraphs of plain text, shared by both bodies.
fn paragraphs(letter: &AdvisoryLetter) -> Vec<String> {
    let count = letter.assets.len();
    let assets = if count == 1 {
        "1 of your assets".to_owned()
    } else {
        format!("{count} of your assets")
    };
    let mut out = vec![match &letter.purpose {
        LetterPurpose::Notice => format!(
            "An advisory matches {assets} at {}. Please check them and record what you find in Beacon.",
            letter.organisation
        ),
        LetterPurpose::Update { changes } => format!(
            "A newer revision of an advisory changes what it means for {}: {}",
            letter.organisation,
            one_line(changes)
        ),
        LetterPurpose::Reminder => format!(
            "{assets} matched by this advisory are not yet recorded as fixed or not affected{}.",
            letter
                .due
                .map(|due| format!(", and it is due on {}", long_date(due)))
                .unwrap_or_default()
        ),
        LetterPurpose::Escalation => format!(
            "You are the senior responsible owner for {}. {assets} matched by this advisory are still open after its due date{}. Please make sure the fix has an owner.",
            letter.organisation,
            letter
                .due
                .map(|due| format!(" of {}", long_date(due)))
                .unwrap_or_default()
        ),
    }];
    if letter.tlp == Tlp::Red {
        out.push(
            "The advisory is labelled TLP:RED, so its details are not sent by email. Sign in to Beacon to read it."
                .to_owned(),
        );
        return out;
    }
    let mut urgency = format!("Priority: {}.", letter.priority);
    if letter.ransomware {
        urgency.push_str(" It is known to be used in ransomware campaigns.");
    }
    if let Some(due) = letter.due {
        let _ = write!(urgency, " Fix by {}.", long_date(due));
    }
    out.push(urgency);
    if !letter.summary.is_empty() {
        out.push(format!("What it means: {}", one_line(&letter.summary)));
    }
    if !letter.action.is_empty() {
        out.push(format!("What to do: {}", one_line(&letter.action)));
    }
    if !letter.cves.is_empty() {
        out.push(format!("CVEs: {}.", letter.cves.join(", ")));
    }
    out
}

/// The plain-text body.
fn text(letter: &AdvisoryLetter, paragraphs: &[String]) -> String {
    let label = letter_label(letter.tlp);
    let mut out = format!("{}\n{}\n\n", label.as_str(), tlp_meaning(label));
    if letter.tlp != Tlp::Red {
        let _ = writeln!(out, "{}\n", one_line(&letter.title));
    }
    for paragraph in paragraphs {
        let _ = writeln!(out, "{paragraph}\n");
    }
    if letter.tlp != Tlp::Red && !letter.assets.is_empty() {
        let _ = writeln!(out, "Your matched assets:");
        for asset in &letter.assets {
            let _ = writeln!(
                out,
                "- {} ({}): {} match, {}. {}",
                one_line(&asset.name),
                one_line(&asset.product),
                asset.confidence,
                one_line(&asset.status).to_lowercase(),
                one_line(&asset.reason)
            );
        }
        out.push('\n');
    }
    if let Some(url) = &letter.beacon_url {
        let _ = writeln!(out, "Record your assets' status in Beacon: {url}");
    } else {
        let _ = writeln!(out, "Record your assets' status in Beacon.");
    }
    if letter.tlp != Tlp::Red
        && let Some(url) = &letter.source_url
    {
        let _ = writeln!(out, "The advisory: {}", one_line(url));
    }
    if let Some(ack) = &letter.ack_url {
        let _ = writeln!(out, "\nTo tell us you have received this, open: {ack}");
    }
    out
}

/// The HTML body: a small standalone document with inline styles.
fn html(letter: &AdvisoryLetter, subject: &str, paragraphs: &[String]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n</head>\n\
         <body style=\"font-family: Arial, sans-serif; font-size: 16px; line-height: 1.4; color: #0b0c0c;\">\n",
        esc(subject)
    );
    let _ = writeln!(
        out,
        "<p><span style=\"background: #000000; color: {}; font-weight: bold; padding: 2px 6px;\">{}</span> {}</p>",
        tlp_colour(letter_label(letter.tlp)),
        esc(letter_label(letter.tlp).as_str()),
        esc(tlp_meaning(letter_label(letter.tlp)))
    );
    let heading = if letter.tlp == Tlp::Red {
        "A restricted advisory".to_owned()
    } else {
        letter.title.clone()
    };
    let _ = writeln!(out, "<h1 style=\"font-size: 24px;\">{}</h1>", esc(&heading));
    for paragraph in paragraphs {
        let _ = writeln!(out, "<p>{}</p>", esc(paragraph));
    }
    if letter.tlp != Tlp::Red && !letter.assets.is_empty() {
        let _ = writeln!(
            out,
            "<table style=\"border-collapse: collapse;\">\n<caption style=\"text-align: left; font-weight: bold;\">Your matched assets</caption>\n<thead><tr>\
             <th scope=\"col\" style=\"text-align: left; padding: 4px 8px;\">Asset</th>\
             <th scope=\"col\" style=\"text-align: left; padding: 4px 8px;\">Product</th>\
             <th scope=\"col\" style=\"text-align: left; padding: 4px 8px;\">Match</th>\
             <th scope=\"col\" style=\"text-align: left; padding: 4px 8px;\">Status</th>\
             <th scope=\"col\" style=\"text-align: left; padding: 4px 8px;\">Why</th></tr></thead>\n<tbody>"
        );
        for asset in &letter.assets {
            let _ = writeln!(
                out,
                "<tr><td style=\"padding: 4px 8px;\">{}</td><td style=\"padding: 4px 8px;\">{}</td>\
                 <td style=\"padding: 4px 8px;\">{}</td><td style=\"padding: 4px 8px;\">{}</td>\
                 <td style=\"padding: 4px 8px;\">{}</td></tr>",
                esc(&asset.name),
                esc(&asset.product),
                esc(&asset.confidence),
                esc(&asset.status),
                esc(&asset.reason)
            );
        }
        let _ = writeln!(out, "</tbody>\n</table>");
    }
    match &letter.beacon_url {
        Some(url) if is_own_link(url) => {
            let _ = writeln!(
                out,
                "<p><a href=\"{}\">Record your assets' status in Beacon</a>.</p>",
                esc(url)
            );
        }
        _ => {
            let _ = writeln!(out, "<p>Record your assets' status in Beacon.</p>");
        }
    }
    if letter.tlp != Tlp::Red
        && let Some(url) = &letter.source_url
    {
        // The advisory's own address comes from outside: shown as text, never a link.
        let _ = writeln!(out, "<p>The advisory: {}</p>", esc(url));
    }
    if let Some(ack) = &letter.ack_url {
        let _ = writeln!(
            out,
            "<p>To tell us you have received this, <a href=\"{}\">open this link</a>.</p>",
            esc(ack)
        );
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// One line of a daily digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestLine {
    /// The advisory's title (withheld for TLP:RED).
    pub title: String,
    /// Its TLP.
    pub tlp: Tlp,
    /// New or updated, and how many assets.
    pub what: String,
    /// When it is due.
    pub due: Option<Date>,
}

/// Composes one partner contact's daily digest of advisories opened or changed since the
/// last one. Its label is the most restrictive of its lines'; RED lines name nothing.
pub fn compose_digest(
    organisation: &str,
    lines: &[DigestLine],
    at: OffsetDateTime,
    beacon_url: Option<&str>,
) -> ComposedLetter {
    let tlp = lines
        .iter()
        .map(|l| letter_label(l.tlp))
        .max()
        .unwrap_or(Tlp::Clear);
    let subject = header(&format!(
        "Beacon advisories for {organisation}, {}: {} to check [{}]",
        dates::long(at),
        lines.len(),
        tlp.as_str()
    ));
    let described: Vec<String> = lines
        .iter()
        .map(|line| {
            let title = if line.tlp == Tlp::Red {
                "A restricted advisory (sign in to read it)".to_owned()
            } else {
                one_line(&line.title)
            };
            let due = line
                .due
                .map(|due| format!(", due {}", long_date(due)))
                .unwrap_or_default();
            format!("{title} [{}]: {}{due}", line.tlp.as_str(), line.what)
        })
        .collect();
    let mut text = format!("{}\n{}\n\n", tlp.as_str(), tlp_meaning(tlp));
    let _ = writeln!(
        text,
        "Advisories that matched {organisation}'s assets since the last digest:\n"
    );
    for line in &described {
        let _ = writeln!(text, "- {line}");
    }
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n\
         <body style=\"font-family: Arial, sans-serif; font-size: 16px; line-height: 1.4; color: #0b0c0c;\">\n\
         <p><span style=\"background: #000000; color: {}; font-weight: bold; padding: 2px 6px;\">{}</span> {}</p>\n\
         <h1 style=\"font-size: 24px;\">Advisories for {}</h1>\n<ul>\n",
        esc(&subject),
        tlp_colour(tlp),
        esc(tlp.as_str()),
        esc(tlp_meaning(tlp)),
        esc(organisation)
    );
    for line in &described {
        let _ = writeln!(html, "<li>{}</li>", esc(line));
    }
    html.push_str("</ul>\n");
    match beacon_url {
        Some(url) if is_own_link(url) => {
            let _ = writeln!(text, "\nRecord your assets' status in Beacon: {url}");
            let _ = writeln!(
                html,
                "<p><a href=\"{}\">Record your assets' status in Beacon</a>.</p>",
                esc(url)
            );
        }
        _ => {
            text.push_str("\nRecord your assets' status in Beacon.\n");
            html.push_str("<p>Record your assets' status in Beacon.</p>\n");
        }
    }
    html.push_str("</body>\n</html>\n");
    ComposedLetter {
        subject,
        text,
        html,
        tlp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn letter(tlp: Tlp) -> AdvisoryLetter {
        AdvisoryLetter {
            purpose: LetterPurpose::Notice,
            organisation: "Charnwood Borough Council".into(),
            title: "Fortinet FortiOS <script>alert(1)</script>\r\nBcc: x@evil.example".into(),
            summary: "A heap overflow lets an attacker run code.".into(),
            action: "Apply updates per vendor instructions.".into(),
            cves: vec!["CVE-2023-27997".into()],
            priority: "urgent".into(),
            ransomware: true,
            due: Some(date!(2023 - 07 - 04)),
            tlp,
            assets: vec![LetterAsset {
                name: "Main firewall".into(),
                product: "cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*".into(),
                confidence: "certain".into(),
                reason: "FortiOS 7.2.4 is before 7.2.5".into(),
                status: "Not yet reviewed".into(),
            }],
            beacon_url: Some("https://beacon.example/advisories/4".into()),
            source_url: Some("https://www.fortiguard.com/psirt/FG-IR-23-097".into()),
            ack_url: Some("BEACON-ACKNOWLEDGEMENT-LINK".into()),
        }
    }

    #[test]
    fn notices_say_what_to_do_and_escape_outside_text() {
        let composed = compose_letter(&letter(Tlp::Amber));
        assert!(!composed.subject.contains('\n') && !composed.subject.contains('\r'));
        assert!(
            composed
                .subject
                .starts_with("Action needed: Fortinet FortiOS")
        );
        assert!(composed.subject.ends_with("[TLP:AMBER]"));
        assert!(composed.text.starts_with("TLP:AMBER\n"));
        assert!(composed.text.contains("Fix by 4 July 2023."));
        assert!(composed.text.contains("ransomware campaigns"));
        assert!(composed.text.contains("- Main firewall ("));
        assert!(composed.html.contains("&lt;script&gt;"));
        assert!(!composed.html.contains("<script>"));
        assert!(
            composed
                .html
                .contains("href=\"https://beacon.example/advisories/4\"")
        );
        // The vendor's address is text, never a link.
        assert!(!composed.html.contains("href=\"https://www.fortiguard.com"));
        assert!(composed.text.contains("BEACON-ACKNOWLEDGEMENT-LINK"));
    }

    #[test]
    fn red_advisories_send_nothing_but_a_pointer() {
        let composed = compose_letter(&letter(Tlp::Red));
        for body in [&composed.subject, &composed.text, &composed.html] {
            assert!(!body.contains("FortiOS"), "{body}");
            assert!(!body.contains("Main firewall"), "{body}");
            assert!(!body.contains("CVE-2023-27997"), "{body}");
        }
        assert!(composed.text.contains("Sign in to Beacon to read it"));
        assert_eq!(composed.tlp, Tlp::AmberStrict);
        assert!(composed.subject.ends_with("[TLP:AMBER+STRICT]"));
        assert!(composed.text.starts_with("TLP:AMBER+STRICT\n"));
        assert!(composed.html.contains(">TLP:AMBER+STRICT<"));
    }

    #[test]
    fn escalations_and_reminders_say_why() {
        let mut escalation = letter(Tlp::Green);
        escalation.purpose = LetterPurpose::Escalation;
        let composed = compose_letter(&escalation);
        assert!(composed.subject.starts_with("Overdue:"));
        assert!(composed.text.contains("senior responsible owner"));
        assert!(composed.text.contains("after its due date of 4 July 2023"));
        let mut update = letter(Tlp::Clear);
        update.purpose = LetterPurpose::Update {
            changes: "Newly affected: Web server.".into(),
        };
        assert!(
            compose_letter(&update)
                .text
                .contains("Newly affected: Web server.")
        );
    }

    #[test]
    fn digests_take_the_most_restrictive_label() {
        let lines = [
            DigestLine {
                title: "Ivanti Connect Secure".into(),
                tlp: Tlp::Clear,
                what: "new, 2 assets".into(),
                due: Some(date!(2024 - 01 - 22)),
            },
            DigestLine {
                title: "Secret thing".into(),
                tlp: Tlp::Red,
                what: "new, 1 asset".into(),
                due: None,
            },
        ];
        let composed = compose_digest(
            "Leicester City Council",
            &lines,
            datetime!(2024-01-20 06:00 UTC),
            None,
        );
        assert_eq!(composed.tlp, Tlp::AmberStrict);
        assert!(composed.subject.contains("2 to check"));
        assert!(
            composed
                .text
                .contains("Ivanti Connect Secure [TLP:CLEAR]: new, 2 assets, due 22 January 2024")
        );
        assert!(!composed.text.contains("Secret thing"));
    }
}
