//! One item of the protect advice library: what it is about and for whom, its short form
//! (an SMS or a post) and long form (Markdown), where to report, the Open Government
//! Licence text it reuses, and the checks every item must pass before it is published.
//!
//! An [`AdviceItem`] may exist with problems (an editor is still writing it);
//! [`AdviceItem::validate`] says what is wrong, in words an editor can act on.

use super::reading::{PUBLIC_GRADE_TARGET, ReadingLevel, STAFF_GRADE_TARGET};
use super::topic::{Audience, Threat};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use time::Date;

/// The longest short form: one SMS segment, including where to report.
pub const SHORT_FORM_LIMIT: usize = 160;

/// The only licence reused text may carry: the Open Government Licence v3.0.
pub const OGL: &str = "OGL-3.0";

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// An item of advice, as written in `data/protect/advice/*.md` and kept in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdviceItem {
    /// Its stable name in addresses and files, e.g. `courier-fraud-older-residents`.
    pub slug: String,
    /// Its heading.
    pub title: String,
    /// One or two sentences for lists and search.
    pub summary: String,
    /// What it is about (at least one).
    pub threats: BTreeSet<Threat>,
    /// Who it is for (at least one).
    pub audiences: BTreeSet<Audience>,
    /// For SME advice, the sectors it is written for (`retail`, `hospitality`, …); empty
    /// when it suits every sector or is not for SMEs.
    pub sectors: BTreeSet<String>,
    /// The SMS or social post: at most [`SHORT_FORM_LIMIT`] characters, naming where to
    /// report.
    pub short_form: String,
    /// The long form in Markdown.
    pub body_markdown: String,
    /// Where to report, in the order the page lists them (at least one).
    pub report_to: Vec<ReportRoute>,
    /// The Open Government Licence text it reuses, if any.
    pub source: Option<Attribution>,
    /// When someone last checked it is still right.
    #[serde(with = "iso_date")]
    pub reviewed_on: Date,
}

/// Where reused Open Government Licence text came from, shown on the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    /// The title of the page reused.
    pub title: String,
    /// Its address.
    pub url: String,
    /// Its licence: always [`OGL`].
    pub licence: String,
}

/// Somewhere a reader can report, with the number and address to give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportRoute {
    /// Action Fraud, the national fraud and cyber crime reporting centre.
    ActionFraud,
    /// 159, which connects to most UK banks' fraud teams.
    #[serde(rename = "bank_159")]
    Bank159,
    /// 7726 (SPAM on a keypad): forward spam texts to the mobile network.
    #[serde(rename = "spam_7726")]
    Spam7726,
    /// 999 when a crime is happening now or someone is in danger.
    #[serde(rename = "police_999")]
    Police999,
    /// 101 for the police when it is not an emergency.
    #[serde(rename = "police_101")]
    Police101,
    /// The NCSC's Suspicious Email Reporting Service.
    NcscSuspiciousEmail,
    /// The CEOP Safety Centre, for children and young people worried about online sexual
    /// abuse or blackmail.
    Ceop,
}

impl ReportRoute {
    /// Every route, in the order pages list them.
    pub const ALL: [ReportRoute; 7] = [
        ReportRoute::ActionFraud,
        ReportRoute::Bank159,
        ReportRoute::Spam7726,
        ReportRoute::NcscSuspiciousEmail,
        ReportRoute::Police999,
        ReportRoute::Police101,
        ReportRoute::Ceop,
    ];

    /// The slug used in advice files and the store, e.g. `bank_159`.
    pub fn slug(self) -> &'static str {
        match self {
            ReportRoute::ActionFraud => "action_fraud",
            ReportRoute::Bank159 => "bank_159",
            ReportRoute::Spam7726 => "spam_7726",
            ReportRoute::Police999 => "police_999",
            ReportRoute::Police101 => "police_101",
            ReportRoute::NcscSuspiciousEmail => "ncsc_suspicious_email",
            ReportRoute::Ceop => "ceop",
        }
    }

    /// Reads a slug (any case; `-` and spaces read as `_`).
    pub fn from_slug(text: &str) -> Option<ReportRoute> {
        let key = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        ReportRoute::ALL
            .into_iter()
            .find(|route| route.slug() == key)
    }

    /// What the page calls it.
    pub fn label(self) -> &'static str {
        match self {
            ReportRoute::ActionFraud => "Action Fraud",
            ReportRoute::Bank159 => "Your bank, through 159",
            ReportRoute::Spam7726 => "Spam texts, forwarded to 7726",
            ReportRoute::Police999 => "Police emergency, 999",
            ReportRoute::Police101 => "Police non-emergency, 101",
            ReportRoute::NcscSuspiciousEmail => "Suspicious emails, to the NCSC",
            ReportRoute::Ceop => "CEOP Safety Centre",
        }
    }

    /// The number to call or text, if there is one.
    pub fn number(self) -> Option<&'static str> {
        match self {
            ReportRoute::ActionFraud => Some("0300 123 2040"),
            ReportRoute::Bank159 => Some("159"),
            ReportRoute::Spam7726 => Some("7726"),
            ReportRoute::Police999 => Some("999"),
            ReportRoute::Police101 => Some("101"),
            ReportRoute::NcscSuspiciousEmail | ReportRoute::Ceop => None,
        }
    }

    /// The address to go to or write to, if there is one (an email route is `mailto:`).
    pub fn url(self) -> Option<&'static str> {
        match self {
            ReportRoute::ActionFraud => Some("https://www.actionfraud.police.uk"),
            ReportRoute::NcscSuspiciousEmail => Some("mailto:report@phishing.gov.uk"),
            ReportRoute::Ceop => Some("https://www.ceop.police.uk/safety-centre/"),
            ReportRoute::Bank159
            | ReportRoute::Spam7726
            | ReportRoute::Police999
            | ReportRoute::Police101 => None,
        }
    }

    /// What to do, in one sentence for the page.
    pub fn instruction(self) -> &'static str {
        match self {
            ReportRoute::ActionFraud => {
                "Report fraud and cyber crime to Action Fraud online or by calling 0300 123 2040."
            }
            ReportRoute::Bank159 => {
                "If it involves your bank account, call 159 to reach your bank's fraud team."
            }
            ReportRoute::Spam7726 => "Forward a scam text message to 7726. It is free.",
            ReportRoute::Police999 => {
                "Call 999 if a crime is happening now or someone is in danger."
            }
            ReportRoute::Police101 => {
                "Call 101 to speak to the police when it is not an emergency."
            }
            ReportRoute::NcscSuspiciousEmail => {
                "Forward a suspicious email to report@phishing.gov.uk."
            }
            ReportRoute::Ceop => {
                "Young people can report online blackmail or abuse to the CEOP Safety Centre."
            }
        }
    }

    /// Whether a short text tells the reader about this route (its number, address or name).
    pub fn is_named_in(self, text: &str) -> bool {
        let lower = text.to_lowercase();
        let has_number = |number: &str| {
            lower.match_indices(number).any(|(at, _)| {
                let before = lower[..at].chars().next_back();
                let after = lower[at + number.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_digit())
                    && !after.is_some_and(|c| c.is_ascii_digit())
            })
        };
        match self {
            ReportRoute::ActionFraud => {
                lower.contains("action fraud")
                    || lower.contains("actionfraud.police.uk")
                    || has_number("0300 123 2040")
            }
            ReportRoute::Bank159 => has_number("159"),
            ReportRoute::Spam7726 => has_number("7726"),
            ReportRoute::Police999 => has_number("999"),
            ReportRoute::Police101 => has_number("101"),
            ReportRoute::NcscSuspiciousEmail => lower.contains("report@phishing.gov.uk"),
            ReportRoute::Ceop => lower.contains("ceop"),
        }
    }
}

/// Something wrong with an advice item, in words an editor can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum AdviceProblem {
    /// The slug is not lower-case letters, digits and single hyphens.
    BadSlug(String),
    /// The title is empty.
    NoTitle,
    /// The summary is empty.
    NoSummary,
    /// The long form is empty.
    NoBody,
    /// No threat is tagged.
    NoThreats,
    /// No audience is tagged.
    NoAudiences,
    /// A sector name is not a lower-case slug.
    BadSector(String),
    /// Sectors are named but the item is not for SMEs.
    SectorsWithoutSmes,
    /// The short form is empty.
    NoShortForm,
    /// The short form is longer than [`SHORT_FORM_LIMIT`] characters.
    ShortFormTooLong {
        /// Its length in characters.
        characters: usize,
    },
    /// The short form names none of the item's report routes.
    ShortFormNamesNoRoute,
    /// No report route is given.
    NoReportRoutes,
    /// A report route is listed twice.
    RepeatedRoute(ReportRoute),
    /// The attribution of reused text is incomplete or not under the OGL.
    BadAttribution(String),
    /// The long form is harder to read than its audience's target grade.
    HardToRead {
        /// Its Flesch–Kincaid grade.
        grade: f64,
        /// The grade it must not go above.
        target: f64,
    },
}

impl fmt::Display for AdviceProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdviceProblem::BadSlug(slug) => write!(
                formatter,
                "the slug '{slug}' must be lower-case letters, digits and single hyphens, starting with a letter (at most 80 characters)"
            ),
            AdviceProblem::NoTitle => write!(formatter, "the title is empty"),
            AdviceProblem::NoSummary => write!(formatter, "the summary is empty"),
            AdviceProblem::NoBody => write!(formatter, "the long form is empty"),
            AdviceProblem::NoThreats => write!(formatter, "tag at least one threat"),
            AdviceProblem::NoAudiences => write!(formatter, "tag at least one audience"),
            AdviceProblem::BadSector(sector) => write!(
                formatter,
                "the sector '{sector}' must be lower-case letters, digits and hyphens"
            ),
            AdviceProblem::SectorsWithoutSmes => write!(
                formatter,
                "sectors are named but the audience does not include small businesses (smes)"
            ),
            AdviceProblem::NoShortForm => write!(formatter, "the short form is empty"),
            AdviceProblem::ShortFormTooLong { characters } => write!(
                formatter,
                "the short form is {characters} characters; it must be {SHORT_FORM_LIMIT} or fewer"
            ),
            AdviceProblem::ShortFormNamesNoRoute => write!(
                formatter,
                "the short form must say where to report (the number or address of one of its report routes)"
            ),
            AdviceProblem::NoReportRoutes => write!(formatter, "give at least one report route"),
            AdviceProblem::RepeatedRoute(route) => {
                write!(
                    formatter,
                    "the report route {} is listed twice",
                    route.slug()
                )
            }
            AdviceProblem::BadAttribution(why) => write!(formatter, "the source {why}"),
            AdviceProblem::HardToRead { grade, target } => write!(
                formatter,
                "the long form reads at grade {grade:.1}; its audience needs {target:.0} or below (use shorter sentences and words)"
            ),
        }
    }
}

impl AdviceItem {
    /// Everything wrong with the item; empty when it may be published.
    pub fn validate(&self) -> Vec<AdviceProblem> {
        let mut problems = Vec::new();
        if !is_slug(&self.slug, 80) {
            problems.push(AdviceProblem::BadSlug(self.slug.clone()));
        }
        if self.title.trim().is_empty() {
            problems.push(AdviceProblem::NoTitle);
        }
        if self.summary.trim().is_empty() {
            problems.push(AdviceProblem::NoSummary);
        }
        if self.body_markdown.trim().is_empty() {
            problems.push(AdviceProblem::NoBody);
        }
        if self.threats.is_empty() {
            problems.push(AdviceProblem::NoThreats);
        }
        if self.audiences.is_empty() {
            problems.push(AdviceProblem::NoAudiences);
        }
        for sector in &self.sectors {
            if !is_slug(sector, 40) {
                problems.push(AdviceProblem::BadSector(sector.clone()));
            }
        }
        if !self.sectors.is_empty() && !self.audiences.contains(&Audience::Smes) {
            problems.push(AdviceProblem::SectorsWithoutSmes);
        }
        let characters = self.short_form.chars().count();
        if self.short_form.trim().is_empty() {
            problems.push(AdviceProblem::NoShortForm);
        } else if characters > SHORT_FORM_LIMIT {
            problems.push(AdviceProblem::ShortFormTooLong { characters });
        }
        if self.report_to.is_empty() {
            problems.push(AdviceProblem::NoReportRoutes);
        } else if !self.short_form.trim().is_empty()
            && !self
                .report_to
                .iter()
                .any(|route| route.is_named_in(&self.short_form))
        {
            problems.push(AdviceProblem::ShortFormNamesNoRoute);
        }
        let mut seen = BTreeSet::new();
        for route in &self.report_to {
            if !seen.insert(*route) {
                problems.push(AdviceProblem::RepeatedRoute(*route));
            }
        }
        if let Some(source) = &self.source {
            if source.title.trim().is_empty() {
                problems.push(AdviceProblem::BadAttribution("needs a title".into()));
            }
            if !source.url.starts_with("https://") {
                problems.push(AdviceProblem::BadAttribution(
                    "needs an https:// address".into(),
                ));
            }
            if source.licence != OGL {
                problems.push(AdviceProblem::BadAttribution(format!(
                    "licence must be {OGL}, not '{}'",
                    source.licence
                )));
            }
        }
        if !self.body_markdown.trim().is_empty() {
            let level = self.reading_level();
            let target = self.grade_target();
            if level.grade > target {
                problems.push(AdviceProblem::HardToRead {
                    grade: level.grade,
                    target,
                });
            }
        }
        problems
    }

    /// How hard the long form is to read.
    pub fn reading_level(&self) -> ReadingLevel {
        ReadingLevel::of_markdown(&self.body_markdown)
    }

    /// The grade the long form must not go above: [`PUBLIC_GRADE_TARGET`] when any
    /// audience is the public, [`STAFF_GRADE_TARGET`] for partner staff alone.
    pub fn grade_target(&self) -> f64 {
        if self
            .audiences
            .iter()
            .all(|audience| *audience == Audience::PartnerStaff)
            && !self.audiences.is_empty()
        {
            STAFF_GRADE_TARGET
        } else {
            PUBLIC_GRADE_TARGET
        }
    }

    /// Whether it is for this threat (when one is asked for) and this audience (likewise).
    pub fn matches(&self, threat: Option<Threat>, audience: Option<Audience>) -> bool {
        threat.is_none_or(|threat| self.threats.contains(&threat))
            && audience.is_none_or(|audience| self.audiences.contains(&audience))
    }
}

/// Whether text is a slug: starts with a lower-case letter, then lower-case letters,
/// digits and single hyphens, no hyphen at the end, at most `longest` characters.
pub fn is_slug(text: &str, longest: usize) -> bool {
    !text.is_empty()
        && text.len() <= longest
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn item() -> AdviceItem {
        AdviceItem {
            slug: "courier-fraud-older-residents".into(),
            title: "Courier fraud".into(),
            summary: "The police and your bank never collect cards or cash.".into(),
            threats: [Threat::CourierFraud].into(),
            audiences: [Audience::OlderResidents].into(),
            sectors: BTreeSet::new(),
            short_form: "Police and banks never send a courier for your card or cash. Hang up. Report it: Action Fraud 0300 123 2040.".into(),
            body_markdown: "# Courier fraud\n\nThe police will never ask for your bank card. Hang up and call 159.\n".into(),
            report_to: vec![ReportRoute::ActionFraud, ReportRoute::Bank159],
            source: None,
            reviewed_on: date!(2026 - 11 - 30),
        }
    }

    #[test]
    fn a_good_item_has_no_problems() {
        assert_eq!(item().validate(), Vec::new());
    }

    #[test]
    fn each_rule_is_checked() {
        let mut bad = item();
        bad.slug = "Courier Fraud".into();
        bad.threats.clear();
        bad.audiences.clear();
        bad.sectors.insert("retail".into());
        bad.short_form = "x".repeat(161);
        bad.report_to = vec![ReportRoute::Bank159, ReportRoute::Bank159];
        bad.source = Some(Attribution {
            title: "NCSC".into(),
            url: "http://example.org".into(),
            licence: "CC-BY".into(),
        });
        let problems = bad.validate();
        assert!(problems.contains(&AdviceProblem::BadSlug("Courier Fraud".into())));
        assert!(problems.contains(&AdviceProblem::NoThreats));
        assert!(problems.contains(&AdviceProblem::NoAudiences));
        assert!(problems.contains(&AdviceProblem::SectorsWithoutSmes));
        assert!(problems.contains(&AdviceProblem::ShortFormTooLong { characters: 161 }));
        assert!(problems.contains(&AdviceProblem::ShortFormNamesNoRoute));
        assert!(problems.contains(&AdviceProblem::RepeatedRoute(ReportRoute::Bank159)));
        assert_eq!(
            problems
                .iter()
                .filter(|problem| matches!(problem, AdviceProblem::BadAttribution(_)))
                .count(),
            2
        );
    }

    #[test]
    fn the_short_form_counts_characters_not_bytes() {
        let mut good = item();
        // 160 characters, more bytes than that (the pound sign is two bytes).
        good.short_form = format!("£{} Call 159", "a".repeat(150));
        assert_eq!(good.short_form.chars().count(), 160);
        assert_eq!(good.validate(), Vec::new());
    }

    #[test]
    fn hard_text_for_the_public_is_refused_but_passes_for_staff_at_a_lower_bar() {
        let mut hard = item();
        hard.body_markdown =
            "Organisations should implement comprehensive authentication procedures immediately."
                .into();
        assert!(matches!(
            hard.validate().as_slice(),
            [AdviceProblem::HardToRead { target, .. }] if *target == PUBLIC_GRADE_TARGET
        ));
        hard.audiences = [Audience::PartnerStaff].into();
        assert_eq!(hard.grade_target(), STAFF_GRADE_TARGET);
    }

    #[test]
    fn routes_are_found_by_number_not_inside_other_numbers() {
        assert!(ReportRoute::Bank159.is_named_in("Call 159 now"));
        assert!(!ReportRoute::Bank159.is_named_in("Call 01594 000000"));
        assert!(ReportRoute::ActionFraud.is_named_in("Report at actionfraud.police.uk"));
        assert!(ReportRoute::Spam7726.is_named_in("Forward it to 7726."));
        for route in ReportRoute::ALL {
            assert_eq!(ReportRoute::from_slug(route.slug()), Some(route));
            let json = serde_json::to_string(&route).expect("serialises");
            assert_eq!(json, format!("\"{}\"", route.slug()));
        }
    }

    #[test]
    fn an_item_round_trips_through_json_with_its_date_as_iso() {
        let json = serde_json::to_string(&item()).expect("serialises");
        assert!(json.contains("\"reviewed_on\":\"2026-11-30\""));
        let back: AdviceItem = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, item());
    }
}
