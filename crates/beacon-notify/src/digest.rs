//! Composing one recipient's digest: which findings it may carry, in what order, and the
//! subject, plain-text and HTML bodies.
//!
//! **Invariants:** the TLP label is the first line of both bodies and ends the subject;
//! findings the recipient may not receive are counted, never shown; feed data is escaped
//! for HTML, kept to one line in text, and never reaches the subject.

pub(crate) mod html;
mod text;

use crate::advice::{self, Advice};
use crate::escape;
use crate::findings::{Finding, FindingStatus};
use crate::policy::{Recipient, SharingPolicy, may_email};
use beacon_core::Tlp;
use time::OffsetDateTime;

/// Everything a digest for one organisation is made from, gathered by the caller (the
/// store knows the register and when the last digest went).
#[derive(Debug, Clone, Copy)]
pub struct DigestInput<'a> {
    /// The organisation's name as Beacon knows it, e.g. "Leicester City Council".
    pub organisation: &'a str,
    /// When the previous digest was made; `None` for the organisation's first digest.
    pub period_start: Option<OffsetDateTime>,
    /// When this digest was made.
    pub period_end: OffsetDateTime,
    /// The organisation's new and still-active findings, of every TLP.
    pub findings: &'a [Finding],
    /// The signed acknowledgement link for this digest, if one was made.
    pub ack_url: Option<&'a str>,
    /// Where people with access can see everything, including withheld findings.
    pub beacon_url: Option<&'a str>,
}

/// One recipient's digest, ready to put in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposedDigest {
    /// One line, with no CR or LF, ending with the TLP label.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body (a whole document).
    pub html: String,
    /// How many findings the digest shows.
    pub included: usize,
    /// How many findings were held back from this recipient by the TLP rules.
    pub withheld: usize,
    /// The most restrictive TLP among the included findings; CLEAR if none.
    pub tlp: Tlp,
}

/// Composes the digest for one recipient, so the TLP rules are applied per recipient and
/// nothing they may not see reaches the text.
///
/// Returns `None` only when there are no findings at all. When every finding is withheld,
/// the digest is a short note saying how many findings wait in Beacon: it is useful and
/// reveals nothing but a count.
pub fn compose(
    input: &DigestInput,
    recipient: &Recipient,
    policy: &SharingPolicy,
) -> Option<ComposedDigest> {
    if input.findings.is_empty() {
        return None;
    }
    let plan = Plan::new(input, recipient, policy);
    Some(ComposedDigest {
        subject: plan.subject(),
        text: text::render(&plan),
        html: html::render(&plan),
        included: plan.included(),
        withheld: plan.withheld.iter().map(|(_, count)| count).sum(),
        tlp: plan.tlp,
    })
}

/// What one recipient's digest says, decided once so both bodies say the same.
struct Plan<'a> {
    organisation: String,
    period_start: Option<OffsetDateTime>,
    period_end: OffsetDateTime,
    groups: Vec<Group<'a>>,
    new: usize,
    still_active: usize,
    /// Withheld counts per label, most restrictive first; only labels with findings.
    withheld: Vec<(Tlp, usize)>,
    tlp: Tlp,
    ack_url: Option<String>,
    beacon_url: Option<String>,
}

/// Findings of one classification type, with the advice shown once for them all.
struct Group<'a> {
    /// The plain heading; for a type Beacon has no words for, the type as the feed gave it.
    title: String,
    classification_type: String,
    advice: Advice,
    findings: Vec<&'a Finding>,
}

impl<'a> Plan<'a> {
    fn new(input: &DigestInput<'a>, recipient: &Recipient, policy: &SharingPolicy) -> Self {
        let (included, withheld): (Vec<&Finding>, Vec<&Finding>) = input
            .findings
            .iter()
            .partition(|finding| may_email(finding.tlp, recipient.kind, policy));
        let mut withheld_counts: Vec<(Tlp, usize)> = Vec::new();
        for tlp in [
            Tlp::Red,
            Tlp::AmberStrict,
            Tlp::Amber,
            Tlp::Green,
            Tlp::Clear,
        ] {
            let count = withheld.iter().filter(|finding| finding.tlp == tlp).count();
            if count > 0 {
                withheld_counts.push((tlp, count));
            }
        }
        Plan {
            organisation: escape::header(input.organisation),
            period_start: input.period_start,
            period_end: input.period_end,
            new: count_status(&included, FindingStatus::New),
            still_active: count_status(&included, FindingStatus::StillActive),
            tlp: included
                .iter()
                .map(|finding| finding.tlp)
                .max()
                .unwrap_or(Tlp::Clear),
            groups: group(included),
            withheld: withheld_counts,
            ack_url: input.ack_url.map(escape::header),
            beacon_url: input.beacon_url.map(escape::header),
        }
    }

    fn included(&self) -> usize {
        self.new + self.still_active
    }

    fn withheld_total(&self) -> usize {
        self.withheld.iter().map(|(_, count)| count).sum()
    }

    fn subject(&self) -> String {
        let what = if self.included() == 0 {
            let waiting = self.withheld_total();
            format!(
                "{} waiting in Beacon",
                plural(waiting, "finding", "findings")
            )
        } else {
            self.counts_phrase()
        };
        escape::header(&format!(
            "Beacon: {what} for {} — {}",
            self.organisation, self.tlp
        ))
    }

    /// "3 new and 2 still-active addresses", "1 new address", "2 still-active addresses".
    fn counts_phrase(&self) -> String {
        let noun = if self.included() == 1 {
            "address"
        } else {
            "addresses"
        };
        match (self.new, self.still_active) {
            (0, active) => format!("{active} still-active {noun}"),
            (new, 0) => format!("{new} new {noun}"),
            (new, active) => format!("{new} new and {active} still-active {noun}"),
        }
    }

    /// The opening sentences: the period, how many addresses, how many are new.
    fn summary(&self) -> String {
        let when = match self.period_start {
            Some(start) => format!("Since your last digest on {}", crate::dates::long(start)),
            None => format!("Up to {}", crate::dates::long(self.period_end)),
        };
        if self.included() == 0 {
            return format!(
                "{when}, threat feeds have reported addresses that belong to {}. None of them \
                 can be sent to you by email.",
                self.organisation
            );
        }
        let mut summary = format!(
            "{when}, threat feeds have reported {} that {} to {}.",
            plural(self.included(), "address", "addresses"),
            if self.included() == 1 {
                "belongs"
            } else {
                "belong"
            },
            self.organisation
        );
        if self.new > 0 {
            let verb = if self.new == 1 { "is" } else { "are" };
            summary.push_str(&format!(" {} {verb} new.", self.new));
        }
        if self.still_active > 0 {
            let (was, is) = if self.still_active == 1 {
                ("was", "is")
            } else {
                ("were", "are")
            };
            summary.push_str(&format!(
                " {} {was} in an earlier digest and {is} still active.",
                self.still_active
            ));
        }
        if self.period_start.is_none() {
            summary.push_str(" This is your first Beacon digest.");
        }
        summary
    }

    /// Sentences about withheld findings, or nothing when none were withheld.
    fn withheld_note(&self) -> Vec<String> {
        let total = self.withheld_total();
        if total == 0 {
            return Vec::new();
        }
        let labels: Vec<String> = self
            .withheld
            .iter()
            .map(|(tlp, count)| format!("{count} marked {tlp}"))
            .collect();
        let (more, its) = if total == 1 {
            ("finding is", "its")
        } else {
            ("findings are", "their")
        };
        let extra = if self.included() == 0 { "" } else { " more" };
        let mut note = vec![format!(
            "{total}{extra} {more} not in this email because of {its} sharing label: {}.",
            join_and(&labels)
        )];
        let has = |wanted: &[Tlp]| self.withheld.iter().any(|(tlp, _)| wanted.contains(tlp));
        if has(&[Tlp::Red]) {
            note.push("Findings marked TLP:RED never leave Beacon by email.".to_owned());
        }
        if has(&[Tlp::Amber, Tlp::AmberStrict]) {
            note.push(
                "Findings marked TLP:AMBER or TLP:AMBER+STRICT are emailed only to the \
                 organisation's own contacts."
                    .to_owned(),
            );
        }
        if has(&[Tlp::Green, Tlp::Clear]) {
            note.push(
                "This mailbox is not set up to receive TLP:CLEAR or TLP:GREEN findings for \
                 this organisation."
                    .to_owned(),
            );
        }
        note.push(match &self.beacon_url {
            Some(url) => format!("People with access can see them in Beacon at {url}"),
            None => "People with access can see them in Beacon.".to_owned(),
        });
        note
    }

    /// Whether any shown address was defanged, so the footer can explain the `[.]`.
    fn any_defanged(&self) -> bool {
        self.groups
            .iter()
            .flat_map(|group| &group.findings)
            .any(|finding| {
                escape::defang(&finding.observable) != escape::one_line(finding.observable.trim())
            })
    }
}

fn count_status(findings: &[&Finding], status: FindingStatus) -> usize {
    findings
        .iter()
        .filter(|finding| finding.status == status)
        .count()
}

/// Groups findings by classification type, most urgent type first; within a group, new
/// findings first, then the most recently seen.
fn group(mut findings: Vec<&Finding>) -> Vec<Group<'_>> {
    let key = |finding: &Finding| {
        let classification_type = finding.classification_type.trim().to_ascii_lowercase();
        let known = advice::title_for(&classification_type).is_some();
        let taxonomy = if known {
            String::new()
        } else {
            finding.classification_taxonomy.trim().to_ascii_lowercase()
        };
        (
            advice::urgency_rank(&classification_type),
            classification_type,
            taxonomy,
        )
    };
    findings.sort_by(|a, b| {
        key(a)
            .cmp(&key(b))
            .then(a.status.cmp(&b.status))
            .then(b.last_seen.cmp(&a.last_seen))
            .then(a.observable.cmp(&b.observable))
    });
    let mut groups: Vec<(_, Group)> = Vec::new();
    for finding in findings {
        let this_key = key(finding);
        match groups.last_mut() {
            Some((last_key, group)) if *last_key == this_key => group.findings.push(finding),
            _ => {
                let classification_type = escape::one_line(finding.classification_type.trim());
                let title = match advice::title_for(&classification_type) {
                    Some(title) => title.to_owned(),
                    None if classification_type.is_empty() => "Other findings".to_owned(),
                    None => format!("Other findings: {classification_type}"),
                };
                let group = Group {
                    title,
                    advice: advice::advice_for(
                        &finding.classification_taxonomy,
                        &finding.classification_type,
                    ),
                    classification_type,
                    findings: vec![finding],
                };
                groups.push((this_key, group));
            }
        }
    }
    groups.into_iter().map(|(_, group)| group).collect()
}

/// What a TLP label asks of the reader, in the words of TLP 2.0, shortened.
pub(crate) fn tlp_meaning(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "There is no limit on sharing this email.",
        Tlp::Green => "You may share this email within your community, but not publicly.",
        Tlp::Amber => {
            "Share this email only within your organisation, and with its clients, with people \
             who need to know."
        }
        Tlp::AmberStrict => {
            "Share this email only within your organisation, with people who need to know."
        }
        Tlp::Red => "For the named recipients only. Do not share it.",
    }
}

/// "1 finding", "3 findings".
fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// "a", "a and b", "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// How to acknowledge, or `None` when the email shows no findings to act on.
fn acknowledge_sentence(plan: &Plan) -> Option<&'static str> {
    if plan.included() == 0 {
        return None;
    }
    Some(match plan.ack_url {
        Some(_) => "When you have dealt with these findings, please tell us by opening this link:",
        None => "When you have dealt with these findings, please reply to this email to tell us.",
    })
}

/// That replies reach the partnership, so readers know a person will answer.
const REPLY_NOTE: &str = "Replying to this email reaches the Leicester, Leicestershire and \
                          Rutland cyber crime and fraud partnership. We are happy to help.";

/// Explains why web addresses look odd.
const DEFANG_NOTE: &str =
    "Web addresses are written with [.] and [://] so they cannot be opened by mistake.";

#[cfg(test)]
mod tests;
