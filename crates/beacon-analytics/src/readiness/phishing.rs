//! Phishing simulations: telling a person's click from a mail filter's link scanner, and
//! the click and report rates per organisation per month.
//!
//! [`classify`] applies these rules in order; the first that fits decides, and a fetch
//! that fits none was a person:
//!
//! 1. The method is `HEAD` or `OPTIONS`: a scanner checking the link without opening it.
//! 2. There is no user agent: browsers always send one.
//! 3. The user agent contains one of [`SCANNER_MARKERS`] (ignoring case): a named bot,
//!    crawler, scripting tool, headless browser or mail-security product.
//! 4. The fetch came within [`SCANNER_WINDOW_SECONDS`] of the email being sent: too soon
//!    for a person to have opened and read it. (A negative time means the clocks
//!    disagree, so the time says nothing and the rule is skipped.)
//! 5. [`SCANNER_BURST`] or more fetches of the same link came at once: scanners open a
//!    link from several places together.
//! 6. The request lacked the headers a browser sends when a person follows a link.

use super::{Percent, percent};
use beacon_core::readiness::{ClickEvidence, ClickVerdict};
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};

/// Pieces of a user agent that mark an automated fetch, lower case.
pub const SCANNER_MARKERS: &[&str] = &[
    "bot",
    "spider",
    "crawl",
    "python-requests",
    "curl",
    "wget",
    "go-http-client",
    "java/",
    "headlesschrome",
    "safelinks",
    "proofpoint",
    "mimecast",
    "barracuda",
    "urldefense",
    "preview",
    "scanner",
];

/// A fetch within this many seconds of sending is a scanner's.
pub const SCANNER_WINDOW_SECONDS: i64 = 10;

/// This many fetches of one link at once is a scanner's.
pub const SCANNER_BURST: u32 = 3;

/// Whether a fetch of a simulated link was a person clicking it, by the rules above.
pub fn classify(evidence: &ClickEvidence) -> ClickVerdict {
    let method = evidence.method.trim().to_ascii_uppercase();
    if method == "HEAD" || method == "OPTIONS" {
        return ClickVerdict::Scanner(format!(
            "it used the {method} method, which checks a link without opening it"
        ));
    }
    let agent = evidence
        .user_agent
        .as_deref()
        .map(str::trim)
        .filter(|agent| !agent.is_empty());
    let Some(agent) = agent else {
        return ClickVerdict::Scanner("it sent no browser identification".to_owned());
    };
    let lower = agent.to_ascii_lowercase();
    if let Some(marker) = SCANNER_MARKERS
        .iter()
        .find(|marker| lower.contains(**marker))
    {
        return ClickVerdict::Scanner(format!(
            "its browser identification contains \"{marker}\", which marks an automated tool"
        ));
    }
    if (0..=SCANNER_WINDOW_SECONDS).contains(&evidence.seconds_after_sent) {
        return ClickVerdict::Scanner(format!(
            "it came {} after the email was sent, too soon for a person to have read it",
            seconds(evidence.seconds_after_sent)
        ));
    }
    if evidence.burst >= SCANNER_BURST {
        return ClickVerdict::Scanner(format!(
            "{} fetches of the link came at the same moment",
            evidence.burst
        ));
    }
    if !evidence.browser_headers {
        return ClickVerdict::Scanner(
            "it lacked the headers a browser sends when a person opens a link".to_owned(),
        );
    }
    ClickVerdict::Person
}

/// "1 second", "4 seconds".
fn seconds(value: i64) -> String {
    if value == 1 {
        "1 second".to_owned()
    } else {
        format!("{value} seconds")
    }
}

/// One simulated email to one member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFact {
    /// Their organisation.
    pub organisation_id: i64,
    /// When the email was sent (`None` while it waits in the outbox).
    pub sent_at: Option<OffsetDateTime>,
    /// When they first clicked (fetches judged to be scanners' left out).
    pub first_click_at: Option<OffsetDateTime>,
    /// When they reported it as phishing.
    pub reported_at: Option<OffsetDateTime>,
}

/// One organisation's simulations sent in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgRates {
    /// The organisation.
    pub organisation_id: i64,
    /// The first day of the month the emails were sent in.
    pub month: Date,
    /// Emails sent.
    pub sent: usize,
    /// Of those, clicked by a person.
    pub clicked: usize,
    /// Of those, reported as phishing.
    pub reported: usize,
    /// `clicked` as a whole percentage of `sent`, half up.
    pub click_percent: Option<Percent>,
    /// `reported` as a whole percentage of `sent`, half up.
    pub report_percent: Option<Percent>,
}

/// Click and report rates per organisation per month sent, in organisation then month
/// order; emails not yet sent are left out. The month is the sending day's month in the
/// offset the caller gives `sent_at`.
///
/// Why: awareness shows as fewer clicks and more reports over repeated simulations.
pub fn rates(targets: &[TargetFact]) -> Vec<OrgRates> {
    let mut groups: BTreeMap<(i64, Date), (usize, usize, usize)> = BTreeMap::new();
    for target in targets {
        let Some(sent_at) = target.sent_at else {
            continue;
        };
        let day = sent_at.date();
        let month = day.replace_day(1).unwrap_or(day);
        let entry = groups.entry((target.organisation_id, month)).or_default();
        entry.0 += 1;
        entry.1 += usize::from(target.first_click_at.is_some());
        entry.2 += usize::from(target.reported_at.is_some());
    }
    groups
        .into_iter()
        .map(
            |((organisation_id, month), (sent, clicked, reported))| OrgRates {
                organisation_id,
                month,
                sent,
                clicked,
                reported,
                click_percent: percent(clicked as u64, sent as u64),
                report_percent: percent(reported as u64, sent as u64),
            },
        )
        .collect()
}

/// Rates over many organisations and months together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PhishingTotals {
    /// Emails sent.
    pub sent: usize,
    /// Of those, clicked by a person.
    pub clicked: usize,
    /// Of those, reported as phishing.
    pub reported: usize,
    /// `clicked` as a whole percentage of `sent`, half up.
    pub click_percent: Option<Percent>,
    /// `reported` as a whole percentage of `sent`, half up.
    pub report_percent: Option<Percent>,
}

/// Adds up rates (from the counts, never by averaging percentages).
pub fn totals(rates: &[OrgRates]) -> PhishingTotals {
    let sent = rates.iter().map(|r| r.sent).sum::<usize>();
    let clicked = rates.iter().map(|r| r.clicked).sum::<usize>();
    let reported = rates.iter().map(|r| r.reported).sum::<usize>();
    PhishingTotals {
        sent,
        clicked,
        reported,
        click_percent: percent(clicked as u64, sent as u64),
        report_percent: percent(reported as u64, sent as u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    const FIREFOX: &str =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

    fn fetch(
        method: &str,
        agent: Option<&str>,
        after: i64,
        headers: bool,
        burst: u32,
    ) -> ClickEvidence {
        ClickEvidence {
            method: method.into(),
            user_agent: agent.map(str::to_owned),
            seconds_after_sent: after,
            browser_headers: headers,
            burst,
        }
    }

    #[test]
    fn scanners_and_people() {
        let person = ClickVerdict::Person;
        let cases: [(&str, ClickEvidence, Option<&str>); 14] = [
            (
                "a browser a while after sending",
                fetch("GET", Some(FIREFOX), 600, true, 1),
                None,
            ),
            (
                "lower-case get",
                fetch("get", Some(FIREFOX), 11, true, 2),
                None,
            ),
            (
                "clocks disagree",
                fetch("GET", Some(FIREFOX), -30, true, 1),
                None,
            ),
            (
                "HEAD",
                fetch("head", Some(FIREFOX), 600, true, 1),
                Some("it used the HEAD method, which checks a link without opening it"),
            ),
            (
                "OPTIONS",
                fetch("OPTIONS", Some(FIREFOX), 600, true, 1),
                Some("it used the OPTIONS method, which checks a link without opening it"),
            ),
            (
                "no user agent",
                fetch("GET", None, 600, true, 1),
                Some("it sent no browser identification"),
            ),
            (
                "blank user agent",
                fetch("GET", Some("  "), 600, true, 1),
                Some("it sent no browser identification"),
            ),
            (
                "a crawler",
                fetch(
                    "GET",
                    Some("Mozilla/5.0 (compatible; Googlebot/2.1)"),
                    600,
                    true,
                    1,
                ),
                Some("its browser identification contains \"bot\", which marks an automated tool"),
            ),
            (
                "a script",
                fetch("GET", Some("python-requests/2.32"), 600, true, 1),
                Some(
                    "its browser identification contains \"python-requests\", which marks an automated tool",
                ),
            ),
            (
                "a mail filter",
                fetch("GET", Some("Mozilla/5.0 MIMECAST Link Check"), 600, true, 1),
                Some(
                    "its browser identification contains \"mimecast\", which marks an automated tool",
                ),
            ),
            (
                "too soon",
                fetch("GET", Some(FIREFOX), 4, true, 1),
                Some(
                    "it came 4 seconds after the email was sent, too soon for a person to have read it",
                ),
            ),
            (
                "at the window's edge",
                fetch("GET", Some(FIREFOX), 10, true, 1),
                Some(
                    "it came 10 seconds after the email was sent, too soon for a person to have read it",
                ),
            ),
            (
                "a burst",
                fetch("GET", Some(FIREFOX), 600, true, 3),
                Some("3 fetches of the link came at the same moment"),
            ),
            (
                "no browser headers",
                fetch("GET", Some(FIREFOX), 600, false, 1),
                Some("it lacked the headers a browser sends when a person opens a link"),
            ),
        ];
        for (name, evidence, expected) in cases {
            let expected = expected.map_or(person.clone(), |reason| {
                ClickVerdict::Scanner(reason.to_owned())
            });
            assert_eq!(classify(&evidence), expected, "{name}");
        }
    }

    #[test]
    fn earlier_rules_decide_first() {
        // A HEAD from curl with no headers is reported as a HEAD.
        let verdict = classify(&fetch("HEAD", Some("curl/8.5"), 1, false, 5));
        assert_eq!(
            verdict,
            ClickVerdict::Scanner(
                "it used the HEAD method, which checks a link without opening it".into()
            )
        );
    }

    fn target(org: i64, sent: Option<OffsetDateTime>, clicked: bool, reported: bool) -> TargetFact {
        let later = sent.map(|at| at + time::Duration::hours(1));
        TargetFact {
            organisation_id: org,
            sent_at: sent,
            first_click_at: later.filter(|_| clicked),
            reported_at: later.filter(|_| reported),
        }
    }

    #[test]
    fn rates_per_organisation_per_month() {
        let march = Some(datetime!(2026-03-31 23:30 UTC));
        let april = Some(datetime!(2026-04-01 09:00 UTC));
        let targets = [
            target(1, march, true, false),
            target(1, march, false, true),
            target(1, march, false, true),
            target(1, march, false, false),
            target(1, april, false, true),
            target(2, march, true, true),
            target(2, march, false, false),
            target(2, march, false, false),
            // Not sent yet: left out.
            target(2, None, false, false),
        ];
        let rates = rates(&targets);
        let row = |organisation_id, month, (sent, clicked, reported), (click, report)| OrgRates {
            organisation_id,
            month,
            sent,
            clicked,
            reported,
            click_percent: Some(click),
            report_percent: Some(report),
        };
        assert_eq!(
            rates,
            [
                row(1, date!(2026 - 03 - 01), (4, 1, 2), (25, 50)),
                row(1, date!(2026 - 04 - 01), (1, 0, 1), (0, 100)),
                // 1 of 3: 33%.
                row(2, date!(2026 - 03 - 01), (3, 1, 1), (33, 33)),
            ]
        );
        let totals = totals(&rates);
        // 2 of 8 clicked, 4 of 8 reported.
        assert_eq!(
            totals,
            PhishingTotals {
                sent: 8,
                clicked: 2,
                reported: 4,
                click_percent: Some(25),
                report_percent: Some(50),
            }
        );
        assert_eq!(super::totals(&[]).click_percent, None);
    }
}
