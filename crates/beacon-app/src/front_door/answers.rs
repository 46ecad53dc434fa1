//! The front door's questions, one per page, and the checks of every answer: the raw
//! answers a form carries, the order of the pages, and the report they make once every
//! answer is good. Each bad answer gets one message in GOV.UK's words, tied to its field.
//!
//! **Invariant:** a [`Report`] exists only when every answer passed its check, so the
//! summary, the advice and the store never see a bad answer.

use beacon_core::front_door::{
    BusinessSector, ContactMethod, OUTSIDE_AREA, PLACE_NOT_SURE, ReporterKind, WhatHappened,
};
use beacon_core::{OrgSize, Pence};
use time::Date;

/// The longest description accepted, in characters.
pub const DESCRIPTION_LIMIT: usize = 1_000;

/// The longest any other answer may be, in characters (every other answer is a key,
/// a date part or an amount).
pub const FIELD_LIMIT: usize = 40;

/// The question pages, in the order they are asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Page {
    /// Resident or business.
    Who,
    /// What happened.
    What,
    /// When it happened.
    When,
    /// Money lost.
    Money,
    /// How they were contacted.
    Contact,
    /// A business's size and sector (businesses only).
    Business,
    /// Where they live or the business is.
    Where,
    /// In their own words (optional; never stored).
    Describe,
    /// Check your answers.
    Check,
    /// Whether the partnership may keep a record.
    Consent,
}

impl Page {
    /// Every page in order.
    pub const ALL: [Page; 10] = [
        Page::Who,
        Page::What,
        Page::When,
        Page::Money,
        Page::Contact,
        Page::Business,
        Page::Where,
        Page::Describe,
        Page::Check,
        Page::Consent,
    ];

    /// Its address under `/report/`.
    pub fn slug(self) -> &'static str {
        match self {
            Page::Who => "who",
            Page::What => "what",
            Page::When => "when",
            Page::Money => "money",
            Page::Contact => "contact",
            Page::Business => "business",
            Page::Where => "where",
            Page::Describe => "describe",
            Page::Check => "check",
            Page::Consent => "consent",
        }
    }

    /// Reads a page's slug.
    pub fn from_slug(slug: &str) -> Option<Page> {
        Page::ALL.into_iter().find(|page| page.slug() == slug)
    }

    /// Whether the reporter is asked this page (the business page only for businesses).
    pub fn is_asked(self, answers: &Answers) -> bool {
        self != Page::Business || answers.reporter.trim() == ReporterKind::Business.key()
    }

    /// The page after this one for these answers; `None` after consent.
    pub fn next(self, answers: &Answers) -> Option<Page> {
        Page::ALL
            .into_iter()
            .skip_while(|page| *page != self)
            .skip(1)
            .find(|page| page.is_asked(answers))
    }

    /// The page before this one for these answers; `None` for the first.
    pub fn previous(self, answers: &Answers) -> Option<Page> {
        Page::ALL
            .into_iter()
            .take_while(|page| *page != self)
            .filter(|page| page.is_asked(answers))
            .last()
    }
}

/// One bad answer: the field to link to and what to do, in GOV.UK's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The id of the field the error summary links to.
    pub field: &'static str,
    /// The message.
    pub message: String,
}

fn problem(field: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        field,
        message: message.into(),
    }
}

/// Every answer as the form sent it, each trimmed and unchecked (the forms carry the
/// earlier pages' answers as hidden fields, and every step checks them all again).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    /// `resident` or `business`.
    pub reporter: String,
    /// A [`WhatHappened`] key.
    pub what: String,
    /// Day of the month it happened.
    pub when_day: String,
    /// Month it happened.
    pub when_month: String,
    /// Year it happened.
    pub when_year: String,
    /// `yes` when they are not sure when it happened.
    pub when_unsure: String,
    /// `yes`, `no` or `not_sure`: whether money was lost.
    pub lost: String,
    /// How much, as typed.
    pub amount: String,
    /// A [`ContactMethod`] key.
    pub contact: String,
    /// `micro`, `small`, `medium` or `large`.
    pub size: String,
    /// A [`BusinessSector`] key.
    pub sector: String,
    /// A district code, `outside` or `not_sure`.
    pub place: String,
    /// In their own words (only ever in the summary).
    pub description: String,
    /// `yes` or `no`.
    pub consent: String,
}

/// What the checks need besides the answers.
#[derive(Debug, Clone)]
pub struct Context {
    /// Today (UK), for "in the past".
    pub today: Date,
    /// The area's districts, code and name, in the order the page lists them.
    pub districts: Vec<(String, String)>,
    /// The area's name, e.g. "Leicester, Leicestershire and Rutland".
    pub area_name: String,
}

/// Where the reporter lives or the business is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// One of the area's districts: code and name.
    District(String, String),
    /// Outside the area.
    Outside,
    /// Not sure.
    NotSure,
}

impl Place {
    /// The stored spelling: the district code, `outside` or `not_sure`.
    pub fn key(&self) -> &str {
        match self {
            Place::District(code, _) => code,
            Place::Outside => OUTSIDE_AREA,
            Place::NotSure => PLACE_NOT_SURE,
        }
    }
}

/// Money lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// This much.
    Amount(Pence),
    /// None.
    Nothing,
    /// They are not sure.
    NotSure,
}

/// A report whose every answer passed its check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Resident or business.
    pub reporter: ReporterKind,
    /// What happened.
    pub what: WhatHappened,
    /// The day it happened; `None` when not sure.
    pub occurred_on: Option<Date>,
    /// Money lost.
    pub loss: Loss,
    /// How they were first contacted.
    pub contact: ContactMethod,
    /// A business's size.
    pub size: Option<OrgSize>,
    /// A business's sector.
    pub sector: Option<BusinessSector>,
    /// Where.
    pub place: Place,
    /// In their own words, as typed (possibly empty).
    pub description: String,
}

/// The sizes a business may choose, with the page's words.
pub const SIZES: [(OrgSize, &str); 4] = [
    (OrgSize::Micro, "Fewer than 10 staff"),
    (OrgSize::Small, "10 to 49 staff"),
    (OrgSize::Medium, "50 to 249 staff"),
    (OrgSize::Large, "250 staff or more"),
];

/// The page's words for a size.
pub fn size_label(size: OrgSize) -> &'static str {
    SIZES
        .iter()
        .find(|(each, _)| *each == size)
        .map_or("", |(_, label)| label)
}

/// A key answer that is too long is no key at all.
fn key(text: &str) -> &str {
    let text = text.trim();
    if text.len() > FIELD_LIMIT { "" } else { text }
}

impl Answers {
    /// The problems with one page's answers (empty when it is fine).
    pub fn problems(&self, page: Page, context: &Context) -> Vec<Problem> {
        match page {
            Page::Who => self.reporter().err().into_iter().collect(),
            Page::What => self.what().err().into_iter().collect(),
            Page::When => self.occurred_on(context.today).err().into_iter().collect(),
            Page::Money => self.loss().err().into_iter().collect(),
            Page::Contact => self.contact().err().into_iter().collect(),
            Page::Business => {
                if !page.is_asked(self) {
                    return Vec::new();
                }
                let mut problems: Vec<Problem> = self.size().err().into_iter().collect();
                problems.extend(self.sector().err());
                problems
            }
            Page::Where => self.place(context).err().into_iter().collect(),
            Page::Describe => self.description().err().into_iter().collect(),
            Page::Check => Vec::new(),
            Page::Consent => self.consent().err().into_iter().collect(),
        }
    }

    /// The first page up to and including `last` with a bad answer, and its problems.
    pub fn first_bad_page(&self, last: Page, context: &Context) -> Option<(Page, Vec<Problem>)> {
        Page::ALL
            .into_iter()
            .take_while(|page| *page <= last)
            .map(|page| (page, self.problems(page, context)))
            .find(|(_, problems)| !problems.is_empty())
    }

    /// The report, when every question page's answer is good; else the first bad page.
    pub fn report(&self, context: &Context) -> Result<Report, (Page, Vec<Problem>)> {
        if let Some(bad) = self.first_bad_page(Page::Check, context) {
            return Err(bad);
        }
        let business = self.reporter() == Ok(ReporterKind::Business);
        let checked = (|| -> Result<Report, Problem> {
            Ok(Report {
                reporter: self.reporter()?,
                what: self.what()?,
                occurred_on: self.occurred_on(context.today)?,
                loss: self.loss()?,
                contact: self.contact()?,
                size: if business { Some(self.size()?) } else { None },
                sector: if business { Some(self.sector()?) } else { None },
                place: self.place(context)?,
                description: self.description()?,
            })
        })();
        checked.map_err(|problem| (Page::Who, vec![problem]))
    }

    /// Whether they agreed to a record being kept (`Ok(false)` for no).
    pub fn consent(&self) -> Result<bool, Problem> {
        match key(&self.consent) {
            "yes" => Ok(true),
            "no" => Ok(false),
            _ => Err(problem(
                "consent",
                "Select yes if we may keep a record of your report",
            )),
        }
    }

    fn reporter(&self) -> Result<ReporterKind, Problem> {
        ReporterKind::from_key(key(&self.reporter)).ok_or_else(|| {
            problem(
                "reporter",
                "Select whether you are reporting as a resident or for a business",
            )
        })
    }

    fn what(&self) -> Result<WhatHappened, Problem> {
        WhatHappened::from_key(key(&self.what))
            .ok_or_else(|| problem("what", "Select what happened"))
    }

    fn occurred_on(&self, today: Date) -> Result<Option<Date>, Problem> {
        let (day, month, year) = (
            key(&self.when_day),
            key(&self.when_month),
            key(&self.when_year),
        );
        let unsure = key(&self.when_unsure) == "yes";
        let empty = day.is_empty() && month.is_empty() && year.is_empty();
        if empty {
            return if unsure {
                Ok(None)
            } else {
                Err(problem(
                    "when-day",
                    "Enter the date it happened, or select that you are not sure",
                ))
            };
        }
        if unsure {
            return Err(problem(
                "when-day",
                "Enter the date it happened or select that you are not sure, not both",
            ));
        }
        let missing: Vec<&str> = [("a day", day), ("a month", month), ("a year", year)]
            .into_iter()
            .filter(|(_, part)| part.is_empty())
            .map(|(name, _)| name)
            .collect();
        let first_field = if day.is_empty() {
            "when-day"
        } else if month.is_empty() {
            "when-month"
        } else {
            "when-year"
        };
        if !missing.is_empty() {
            return Err(problem(
                first_field,
                format!(
                    "The date it happened must include {}",
                    missing.join(" and ")
                ),
            ));
        }
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(problem("when-year", "Year must include 4 numbers"));
        }
        let real = (|| {
            let day: u8 = day.parse().ok()?;
            let month: u8 = month.parse().ok()?;
            let year: i32 = year.parse().ok()?;
            Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
        })();
        let Some(date) = real else {
            return Err(problem(
                "when-day",
                "The date it happened must be a real date",
            ));
        };
        if date > today {
            return Err(problem(
                "when-day",
                "The date it happened must be today or in the past",
            ));
        }
        if date.year() < 1990 {
            return Err(problem(
                "when-year",
                "The date it happened must be after 1 January 1990",
            ));
        }
        Ok(Some(date))
    }

    fn loss(&self) -> Result<Loss, Problem> {
        match key(&self.lost) {
            "no" => Ok(Loss::Nothing),
            "not_sure" => Ok(Loss::NotSure),
            "yes" => {
                let bad = || problem("amount", "Enter how much money was lost, like 250 or 19.99");
                let amount = key(&self.amount);
                match Pence::parse_pounds(amount) {
                    Ok(Some(pence)) if pence.0 > 0 => {
                        if pence.0 > 10_000_000_000 {
                            Err(problem(
                                "amount",
                                "The amount lost must be £100,000,000 or less",
                            ))
                        } else {
                            Ok(Loss::Amount(pence))
                        }
                    }
                    Ok(Some(_)) => Err(problem(
                        "amount",
                        "The amount lost must be more than £0; if no money was lost, select no",
                    )),
                    _ => Err(bad()),
                }
            }
            _ => Err(problem("lost", "Select whether any money was lost")),
        }
    }

    fn contact(&self) -> Result<ContactMethod, Problem> {
        ContactMethod::from_key(key(&self.contact))
            .ok_or_else(|| problem("contact", "Select how they first contacted you"))
    }

    fn size(&self) -> Result<OrgSize, Problem> {
        match OrgSize::parse(key(&self.size)) {
            Ok(Some(size)) => Ok(size),
            _ => Err(problem("size", "Select how many staff the business has")),
        }
    }

    fn sector(&self) -> Result<BusinessSector, Problem> {
        BusinessSector::from_key(key(&self.sector))
            .ok_or_else(|| problem("sector", "Select what the business does"))
    }

    fn place(&self, context: &Context) -> Result<Place, Problem> {
        let place = key(&self.place);
        if place == OUTSIDE_AREA {
            return Ok(Place::Outside);
        }
        if place == PLACE_NOT_SURE {
            return Ok(Place::NotSure);
        }
        context
            .districts
            .iter()
            .find(|(code, _)| code == place)
            .map(|(code, name)| Place::District(code.clone(), name.clone()))
            .ok_or_else(|| problem("place", "Select where you live or where the business is"))
    }

    fn description(&self) -> Result<String, Problem> {
        let text = self.description.trim();
        if text.chars().count() > DESCRIPTION_LIMIT {
            return Err(problem(
                "description",
                "Your description must be 1,000 characters or fewer",
            ));
        }
        Ok(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn context() -> Context {
        Context {
            today: date!(2026 - 12 - 06),
            districts: vec![("E06000016".into(), "Leicester".into())],
            area_name: "Leicester, Leicestershire and Rutland".into(),
        }
    }

    fn good() -> Answers {
        Answers {
            reporter: "resident".into(),
            what: "phishing".into(),
            when_day: "3".into(),
            when_month: "12".into(),
            when_year: "2026".into(),
            lost: "yes".into(),
            amount: "£1,250.50".into(),
            contact: "email".into(),
            place: "E06000016".into(),
            description: "<script>alert(1)</script>".into(),
            ..Answers::default()
        }
    }

    fn message(answers: &Answers, page: Page) -> String {
        let problems = answers.problems(page, &context());
        assert_eq!(problems.len(), 1, "{problems:?}");
        problems[0].message.clone()
    }

    #[test]
    fn good_answers_make_a_report() {
        let report = good().report(&context()).expect("a report");
        assert_eq!(report.what, WhatHappened::Phishing);
        assert_eq!(report.occurred_on, Some(date!(2026 - 12 - 03)));
        assert_eq!(report.loss, Loss::Amount(Pence(125_050)));
        assert_eq!(report.size, None);
        assert_eq!(report.place.key(), "E06000016");
        assert_eq!(report.description, "<script>alert(1)</script>");
    }

    #[test]
    fn empty_answers_are_asked_again_one_message_each() {
        let empty = Answers::default();
        assert_eq!(
            message(&empty, Page::Who),
            "Select whether you are reporting as a resident or for a business"
        );
        assert_eq!(message(&empty, Page::What), "Select what happened");
        assert_eq!(
            message(&empty, Page::When),
            "Enter the date it happened, or select that you are not sure"
        );
        assert_eq!(
            message(&empty, Page::Money),
            "Select whether any money was lost"
        );
        assert_eq!(
            message(&empty, Page::Where),
            "Select where you live or where the business is"
        );
        assert!(empty.problems(Page::Describe, &context()).is_empty());
        assert_eq!(
            empty
                .first_bad_page(Page::Consent, &context())
                .map(|(p, _)| p),
            Some(Page::Who)
        );
    }

    #[test]
    fn dates_must_be_whole_real_and_not_in_the_future() {
        let at = |day: &str, month: &str, year: &str| Answers {
            when_day: day.into(),
            when_month: month.into(),
            when_year: year.into(),
            ..good()
        };
        assert_eq!(
            message(&at("7", "12", "2026"), Page::When),
            "The date it happened must be today or in the past"
        );
        assert_eq!(
            message(&at("31", "2", "2026"), Page::When),
            "The date it happened must be a real date"
        );
        assert_eq!(
            message(&at("", "2", "2026"), Page::When),
            "The date it happened must include a day"
        );
        assert_eq!(
            message(&at("1", "2", "26"), Page::When),
            "Year must include 4 numbers"
        );
        assert!(
            at("6", "12", "2026")
                .problems(Page::When, &context())
                .is_empty()
        );
        let unsure = Answers {
            when_unsure: "yes".into(),
            ..at("", "", "")
        };
        assert_eq!(unsure.report(&context()).expect("ok").occurred_on, None);
    }

    #[test]
    fn amounts_are_pounds_and_pence() {
        for bad in ["", "lots", "12.345", "-5", &"9".repeat(200)] {
            let answers = Answers {
                amount: bad.to_owned(),
                ..good()
            };
            assert_eq!(
                message(&answers, Page::Money),
                "Enter how much money was lost, like 250 or 19.99",
                "{bad}"
            );
        }
        let none = Answers {
            lost: "no".into(),
            amount: "nonsense".into(),
            ..good()
        };
        assert_eq!(none.report(&context()).expect("ok").loss, Loss::Nothing);
    }

    #[test]
    fn a_description_over_the_limit_is_refused() {
        let long = Answers {
            description: "a".repeat(DESCRIPTION_LIMIT + 1),
            ..good()
        };
        assert_eq!(
            message(&long, Page::Describe),
            "Your description must be 1,000 characters or fewer"
        );
        let megabyte = Answers {
            description: "x".repeat(1 << 20),
            ..good()
        };
        assert_eq!(
            megabyte.report(&context()).map_err(|(p, _)| p),
            Err(Page::Describe)
        );
        let exactly = Answers {
            description: "é".repeat(DESCRIPTION_LIMIT),
            ..good()
        };
        assert!(exactly.problems(Page::Describe, &context()).is_empty());
    }

    #[test]
    fn businesses_are_asked_their_size_and_sector_and_residents_are_not() {
        let resident = good();
        assert_eq!(Page::Contact.next(&resident), Some(Page::Where));
        assert_eq!(Page::Where.previous(&resident), Some(Page::Contact));
        let business = Answers {
            reporter: "business".into(),
            ..good()
        };
        assert_eq!(Page::Contact.next(&business), Some(Page::Business));
        let problems = business.problems(Page::Business, &context());
        assert_eq!(problems.len(), 2);
        let complete = Answers {
            size: "micro".into(),
            sector: "retail".into(),
            ..business
        };
        let report = complete.report(&context()).expect("a report");
        assert_eq!(report.size, Some(OrgSize::Micro));
        assert_eq!(report.sector, Some(BusinessSector::Retail));
        assert_eq!(Page::Consent.next(&complete), None);
        assert_eq!(Page::Who.previous(&complete), None);
    }

    #[test]
    fn unknown_places_and_keys_are_asked_again() {
        let elsewhere = Answers {
            place: "E09000001".into(),
            ..good()
        };
        assert_eq!(
            message(&elsewhere, Page::Where),
            "Select where you live or where the business is"
        );
        let outside = Answers {
            place: "outside".into(),
            ..good()
        };
        assert_eq!(
            outside.report(&context()).expect("ok").place,
            Place::Outside
        );
        let script = Answers {
            what: "<script>".into(),
            ..good()
        };
        assert_eq!(message(&script, Page::What), "Select what happened");
    }
}
