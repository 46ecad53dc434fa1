//! The board update as plain text pieces: sentences, tables and chart data, built once
//! from a [`Summary`] and rendered by both the Markdown and the HTML writers, so the two
//! always say the same thing. Nothing here is escaped; each writer escapes for itself.

use crate::advisories::{AdvisoryPart, advisory_part};
use crate::charts::{IssueTrend, MonthBar, RateBar};
use crate::protect::{ProtectPart, protect_part};
use crate::readiness::{ReadinessPart, readiness_part};
use crate::wording;
use beacon_analytics::Spike;
use beacon_analytics::register::RegisterFigures;
use beacon_analytics::summary::{DistrictRow, IssueRow, Summary, TypeRow, VictimProfile};
use beacon_core::Category;
use time::Date;

/// How many fraud types the board update lists.
const TOP_TYPES: usize = 10;

/// One table cell.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    /// What the cell says.
    pub text: String,
    /// Right-aligned (a number).
    pub numeric: bool,
}

/// A table: the first cell of each row is the row's header.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// What the table shows.
    pub caption: String,
    /// Column headings.
    pub columns: Vec<Cell>,
    /// Body rows.
    pub rows: Vec<Vec<Cell>>,
    /// A totals row, if any.
    pub total: Option<Vec<Cell>>,
    /// What to say instead of an empty table.
    pub empty: String,
    /// How many leading columns hold text rather than numbers.
    text_columns: usize,
}

impl Table {
    /// A table with these column headings: the first `text_columns` hold text, the
    /// rest numbers (right-aligned).
    pub(crate) fn new(
        caption: impl Into<String>,
        columns: &[&str],
        text_columns: usize,
        empty: &str,
    ) -> Table {
        let columns = columns.iter().map(|title| (*title).to_owned()).collect();
        Table {
            caption: caption.into(),
            columns: cells(columns, text_columns),
            rows: Vec::new(),
            total: None,
            empty: empty.to_owned(),
            text_columns,
        }
    }

    /// Adds a body row.
    pub(crate) fn push(&mut self, texts: Vec<String>) {
        self.rows.push(cells(texts, self.text_columns));
    }
}

/// Turns a row of texts into cells: the first `text_columns` text, the rest numbers.
pub(crate) fn cells(texts: Vec<String>, text_columns: usize) -> Vec<Cell> {
    texts
        .into_iter()
        .enumerate()
        .map(|(index, text)| Cell {
            text,
            numeric: index >= text_columns,
        })
        .collect()
}

/// Everything the board update says, in order.
#[derive(Debug, Clone)]
pub(crate) struct Board {
    /// The document's main heading.
    pub title: String,
    /// The period as a heading writes it.
    pub range: String,
    /// Headline paragraphs: fraud, then cyber crime.
    pub headlines: Vec<String>,
    /// Reports per month.
    pub months: Table,
    /// The monthly chart's data.
    pub month_bars: Vec<MonthBar>,
    /// The district table.
    pub districts: Table,
    /// The district chart's data (districts with a population, highest rate first).
    pub rate_bars: Vec<RateBar>,
    /// The area's rate in tenths, for the chart's reference line.
    pub area_rate: Option<u64>,
    /// The district chart's data table.
    pub rates: Table,
    /// One sentence per local issue.
    pub issue_sentences: Vec<String>,
    /// The local issues table.
    pub issues: Table,
    /// Each local issue's reports per month, for the small charts the web sections
    /// show (the standalone document and the Markdown leave them out).
    pub issue_trends: Vec<IssueTrend>,
    /// The issue charts' data table: months down, issues across.
    pub issue_months: Table,
    /// The spike rule in plain words.
    pub spike_rule: String,
    /// The spikes table (its empty text says no month was flagged).
    pub spikes: Table,
    /// Victim-profile sentences.
    pub victim_sentences: Vec<String>,
    /// Victim-profile tables: who reported, age, gender.
    pub victims: Vec<Table>,
    /// The most reported fraud types.
    pub fraud_types: Table,
    /// Notes on the data.
    pub notes: Vec<String>,
    /// What the threat-address register saw in the period, when the caller gave its
    /// figures.
    pub register: Option<RegisterPart>,
    /// How partners acted on advisories in the period, when the caller gave the figures
    /// (it gives none when the store tracks no advisories at all).
    pub advisories: Option<AdvisoryPart>,
    /// Exercises, self-assessment, staff education and phishing simulations, when the
    /// caller gave the figures (none when Beacon holds no readiness data at all).
    pub readiness: Option<ReadinessPart>,
    /// Protect campaigns run in the period, their reach and measured effects, when the
    /// caller gave the figures (none when the store holds no campaigns at all).
    pub protect: Option<ProtectPart>,
    /// Victim care's paragraphs, when the caller gave its figures.
    pub care: Option<Vec<String>>,
    /// Cyber Choices' paragraphs, when the caller gave its figures.
    pub prevent: Option<Vec<String>>,
    /// The businesses section, when the caller gave its figures.
    pub business: Option<crate::business::BusinessPart>,
}

/// The register section: the board paper's figure of distinct addresses, in its words,
/// and the district breakdown.
#[derive(Debug, Clone)]
pub(crate) struct RegisterPart {
    /// The figure's sentence, then notes on how addresses are counted.
    pub paragraphs: Vec<String>,
    /// Addresses by district; `None` when the register saw nothing in the period.
    pub districts: Option<Table>,
}

/// The register section's heading.
pub(crate) const REGISTER_HEADING: &str = "Addresses involved in cyber crime";

/// The board paper's description of what the addresses were, after the count.
pub(crate) const REGISTER_WORDS: &str = "believed to be involved in the spread or delivery of tools to assist with the delivery of cyber crime";

/// Capitalises the first letter: "between 1 April…" → "Between 1 April…".
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The register section for a period, in the board paper's words.
fn register_part(register: &RegisterFigures, area: &str, period: &str) -> RegisterPart {
    if register.is_empty() {
        return RegisterPart {
            paragraphs: vec![format!(
                "The threat-address register has no addresses seen {period}, so there is no figure for addresses {REGISTER_WORDS} within {area} for this period."
            )],
            districts: None,
        };
    }
    let total = register.distinct_addresses;
    let (verb, noun) = if total == 1 {
        ("was", "individual address")
    } else {
        ("were", "individual addresses")
    };
    let mut paragraphs = vec![format!(
        "{} there {verb} {} {noun} {REGISTER_WORDS} within {area}.",
        capitalised(period),
        wording::count(total)
    )];
    let attributed = register.attributed_addresses;
    paragraphs.push(if attributed == total {
        "Each belongs to a registered partner organisation and counts in its district.".to_owned()
    } else {
        format!(
            "{} of them belong to a registered partner organisation and count in its district; the rest have no known district.",
            wording::count(attributed)
        )
    });
    paragraphs.push("An address counts once however many times the feeds saw it.".to_owned());
    let mut table = Table::new(
        "Addresses by district",
        &["District", "Addresses", "Share of the area's addresses"],
        1,
        "There are no districts to show.",
    );
    for row in &register.by_district {
        table.push(vec![
            row.name.clone(),
            wording::count(row.addresses),
            share_cell(row.addresses, total),
        ]);
    }
    let summed: u64 = register.by_district.iter().map(|row| row.addresses).sum();
    if summed != total {
        paragraphs.push(
            "An address whose owner changed district in the period counts in each, so the districts add up to more than the area's total.".to_owned(),
        );
    }
    table.total = Some(cells(
        vec![
            format!("All of {area}"),
            wording::count(total),
            share_cell(total, total),
        ],
        1,
    ));
    RegisterPart {
        paragraphs,
        districts: Some(table),
    }
}

/// The period of a summary as dates, when its dates read.
fn dates(summary: &Summary) -> Option<(Date, Date)> {
    Some((
        wording::parse_date(&summary.from)?,
        wording::parse_date(&summary.to)?,
    ))
}

impl Board {
    /// Builds the board update from a summary and, when given, the register's, the
    /// partner advisories', readiness, protect, victim-care and Cyber Choices figures
    /// for the same period.
    pub fn with_parts(summary: &Summary, extras: &crate::BoardExtras<'_>) -> Board {
        let mut board = Board::from_summary(summary);
        board.advisories = extras.advisories.map(advisory_part);
        board.readiness = extras.readiness.map(readiness_part);
        board.protect = extras.protect.map(protect_part);
        board.care = extras.care.map(crate::care::care_paragraphs);
        board.prevent = extras.prevent.map(crate::care::prevent_paragraphs);
        board.business = extras.business.map(crate::business::business_part);
        if let Some(register) = extras.register {
            let period = match dates(summary) {
                Some((from, to)) => wording::period(from, to),
                None => format!("between {} and {}", summary.from, summary.to),
            };
            board.register = Some(register_part(register, &summary.area, &period));
        }
        board
    }

    /// Builds the board update from a summary.
    pub fn from_summary(summary: &Summary) -> Board {
        let (period, range) = match dates(summary) {
            Some((from, to)) => (wording::period(from, to), wording::date_range(from, to)),
            None => (
                format!("between {} and {}", summary.from, summary.to),
                format!("{} to {}", summary.from, summary.to),
            ),
        };
        let (month_bars, months) = months(summary);
        let (rate_bars, rates) = rates(summary);
        let (issue_sentences, issues) = issues(&summary.local_issues);
        let (issue_trends, issue_months) = issue_trends(&summary.local_issues, &month_bars);
        Board {
            title: format!("Fraud and cyber crime in {}", summary.area),
            range,
            headlines: vec![
                fraud_headline(summary, &period),
                cyber_headline(summary, &period),
            ],
            months,
            month_bars,
            districts: districts(summary),
            rate_bars,
            area_rate: wording::rate_tenths(summary.all.reports, Some(summary.population)),
            rates,
            issue_sentences,
            issues,
            issue_trends,
            issue_months,
            spike_rule: summary.spike_rule.clone(),
            spikes: spikes(&summary.spikes),
            victim_sentences: victim_sentences(&summary.victim_profile, summary.all.reports),
            victims: victim_tables(&summary.victim_profile),
            fraud_types: fraud_types(&summary.fraud_types),
            notes: notes(summary),
            register: None,
            advisories: None,
            readiness: None,
            protect: None,
            care: None,
            prevent: None,
            business: None,
        }
    }
}

/// "There were 4,726 reports of fraud in … with a total loss of £3.6 million."
fn opening(reports: u64, what: &str, area: &str, period: &str, loss_pence: i64) -> String {
    match reports {
        0 => format!("There were no reports of {what} in {area} {period}."),
        _ => {
            let verb = if reports == 1 { "was" } else { "were" };
            let loss = if loss_pence == 0 {
                "with no loss recorded".to_owned()
            } else {
                format!("with a total loss of {}", wording::money(loss_pence))
            };
            format!(
                "There {verb} {} of {what} in {area} {period} {loss}.",
                wording::reports(reports)
            )
        }
    }
}

/// "In 59% of these a digital device enabled the fraud to take place."
fn cyber_enabled_sentence(enabled: u64, reports: u64) -> Option<String> {
    Some(match (enabled, reports) {
        (_, 0) => return None,
        (0, 1) => "It was not recorded as enabled by a digital device.".to_owned(),
        (0, _) => "None of these was recorded as enabled by a digital device.".to_owned(),
        (1, 1) => "A digital device enabled the fraud to take place.".to_owned(),
        (e, r) if e >= r => {
            "In all of these a digital device enabled the fraud to take place.".to_owned()
        }
        (e, r) => format!(
            "In {} of these a digital device enabled the fraud to take place.",
            wording::share(e, r)?
        ),
    })
}

/// The fraud headline paragraph.
fn fraud_headline(summary: &Summary, period: &str) -> String {
    let fraud = &summary.fraud;
    let mut sentences = vec![opening(
        fraud.reports,
        "fraud",
        &summary.area,
        period,
        fraud.loss_pence,
    )];
    sentences.extend(cyber_enabled_sentence(fraud.cyber_enabled, fraud.reports));
    sentences.extend(wording::year_on_year(
        fraud.reports,
        summary.year_earlier.fraud.reports,
    ));
    sentences.join(" ")
}

/// The cyber crime headline paragraph.
fn cyber_headline(summary: &Summary, period: &str) -> String {
    let cyber = &summary.cyber;
    let mut sentences = vec![opening(
        cyber.reports,
        "cyber crime (computer misuse)",
        &summary.area,
        period,
        cyber.loss_pence,
    )];
    sentences.extend(wording::year_on_year(
        cyber.reports,
        summary.year_earlier.cyber.reports,
    ));
    sentences.join(" ")
}

/// True when the month `label` is only partly inside the period.
fn is_part_month(label: &str, period: Option<(Date, Date)>) -> bool {
    let (Some((year, month)), Some((from, to))) = (wording::parse_month(label), period) else {
        return false;
    };
    let starts_late = (from.year(), from.month()) == (year, month) && from.day() > 1;
    let ends_early = (to.year(), to.month()) == (year, month)
        && to.day() < time::util::days_in_month(month, year);
    starts_late || ends_early
}

/// The monthly table and chart data.
fn months(summary: &Summary) -> (Vec<MonthBar>, Table) {
    let period = dates(summary);
    let mut table = Table::new(
        "Reports per month, by date reported",
        &["Month", "Fraud reports", "Cyber crime reports"],
        1,
        "There are no months in this period.",
    );
    let mut bars = Vec::new();
    let mut previous_year = None;
    for row in &summary.months {
        let mut name = wording::month(&row.month);
        if is_part_month(&row.month, period) {
            name.push_str(" (part)");
        }
        table.push(vec![
            name.clone(),
            wording::count(row.fraud_reports),
            wording::count(row.cyber_reports),
        ]);
        let parsed = wording::parse_month(&row.month);
        let year = parsed.map(|(y, _)| y);
        bars.push(MonthBar {
            name,
            short: parsed.map_or_else(|| row.month.clone(), |(_, m)| wording::month_short(m)),
            year: (year != previous_year)
                .then(|| year.map(|y| y.to_string()))
                .flatten(),
            fraud: row.fraud_reports,
            cyber: row.cyber_reports,
        });
        previous_year = year;
    }
    (bars, table)
}

/// One district table row.
fn district_cells(row: &DistrictRow) -> Vec<String> {
    vec![
        row.name.clone(),
        wording::count(row.reports),
        wording::money_table(row.loss_pence),
        wording::rate_per_100k(row.reports, row.population),
        wording::change_signed(row.reports, row.year_earlier_reports),
    ]
}

/// The district table, with the area's total.
fn districts(summary: &Summary) -> Table {
    let mut table = Table::new(
        "Reports by district",
        &[
            "District",
            "Reports",
            "Loss",
            "Rate per 100,000 residents",
            "Change on a year earlier",
        ],
        1,
        "There are no districts to show.",
    );
    for row in &summary.by_district {
        table.push(district_cells(row));
    }
    table.total = Some(cells(
        vec![
            format!("All of {}", summary.area),
            wording::count(summary.all.reports),
            wording::money_table(summary.all.loss_pence),
            wording::rate_per_100k(summary.all.reports, Some(summary.population)),
            wording::change_signed(summary.all.reports, summary.year_earlier.all.reports),
        ],
        1,
    ));
    table
}

/// The district chart's bars and data table: districts with a population, highest
/// rate first (the unknown row has no rate and is left out).
fn rates(summary: &Summary) -> (Vec<RateBar>, Table) {
    let mut bars: Vec<RateBar> = summary
        .by_district
        .iter()
        .filter_map(|row| {
            Some(RateBar {
                name: row.name.clone(),
                tenths: wording::rate_tenths(row.reports, row.population)?,
                reports: row.reports,
            })
        })
        .collect();
    bars.sort_by(|a, b| b.tenths.cmp(&a.tenths).then_with(|| a.name.cmp(&b.name)));
    let mut table = Table::new(
        "Reports per 100,000 residents by district, highest first",
        &["District", "Rate per 100,000 residents", "Reports"],
        1,
        "No district has a population to give a rate.",
    );
    for bar in &bars {
        table.push(vec![
            bar.name.clone(),
            wording::tenths(bar.tenths),
            wording::count(bar.reports),
        ]);
    }
    (bars, table)
}

/// "Courier fraud: 23 reports with a total loss of £150k, 10% fewer than …"
fn issue_sentence(row: &IssueRow) -> String {
    let mut sentence = format!("{}: {}", row.label, wording::reports(row.reports));
    if row.reports > 0 {
        if row.loss_pence == 0 {
            sentence.push_str(" with no loss recorded");
        } else {
            sentence.push_str(" with a total loss of ");
            sentence.push_str(&wording::money(row.loss_pence));
        }
    }
    if let Some(comparison) =
        wording::compared_with_year_earlier(row.reports, row.year_earlier_reports)
    {
        sentence.push_str(", ");
        sentence.push_str(&comparison);
    }
    sentence.push('.');
    sentence
}

/// The local issues: one sentence each, and a table.
fn issues(rows: &[IssueRow]) -> (Vec<String>, Table) {
    let mut table = Table::new(
        "Local issues: reports and loss",
        &["Issue", "Reports", "Loss", "Change on a year earlier"],
        1,
        "No local issues are set up.",
    );
    for row in rows {
        table.push(vec![
            row.label.clone(),
            wording::count(row.reports),
            wording::money_table(row.loss_pence),
            wording::change_signed(row.reports, row.year_earlier_reports),
        ]);
    }
    (rows.iter().map(issue_sentence).collect(), table)
}

/// Each local issue's monthly counts, and their table (months down, issues across).
/// `IssueRow::monthly` is aligned with the summary's months; a month it has no count
/// for shows as not applicable rather than as a made-up zero.
fn issue_trends(rows: &[IssueRow], months: &[MonthBar]) -> (Vec<IssueTrend>, Table) {
    let trends: Vec<IssueTrend> = rows
        .iter()
        .map(|row| IssueTrend {
            issue: row.issue.clone(),
            label: row.label.clone(),
            counts: (0..months.len())
                .map(|index| row.monthly.get(index).copied())
                .collect(),
        })
        .collect();
    let columns: Vec<&str> = std::iter::once("Month")
        .chain(rows.iter().map(|row| row.label.as_str()))
        .collect();
    let empty = if rows.is_empty() {
        "No local issues are set up."
    } else {
        "There are no months in this period."
    };
    let mut table = Table::new(
        "Local issue reports per month, by date reported",
        &columns,
        1,
        empty,
    );
    if !trends.is_empty() {
        for (index, month) in months.iter().enumerate() {
            let mut texts = vec![month.name.clone()];
            texts.extend(trends.iter().map(|trend| {
                trend
                    .counts
                    .get(index)
                    .copied()
                    .flatten()
                    .map_or_else(|| wording::NOT_APPLICABLE.to_owned(), wording::count)
            }));
            table.push(texts);
        }
    }
    (trends, table)
}

/// The spikes table.
fn spikes(spikes: &[Spike]) -> Table {
    let mut table = Table::new(
        "Months flagged as spikes",
        &[
            "What was counted",
            "Month",
            "Reports",
            "Expected (mean of the 12 months before)",
            "Chance of a count this high",
        ],
        2,
        "No month was flagged as a spike.",
    );
    for spike in spikes {
        table.push(vec![
            spike.label.clone(),
            wording::month(&spike.month),
            wording::count(spike.observed),
            wording::one_decimal(spike.expected),
            wording::chance(spike.p_value),
        ]);
    }
    table
}

/// "4,500 (92%)"
fn count_and_share(part: u64, whole: u64) -> String {
    match wording::share(part, whole) {
        Some(share) => format!("{} ({share})", wording::count(part)),
        None => wording::count(part),
    }
}

/// Sentences on who the victims were.
fn victim_sentences(profile: &VictimProfile, all_reports: u64) -> Vec<String> {
    let total = profile.individuals + profile.organisations;
    let mut sentences = Vec::new();
    if total == 0 {
        sentences.push("There were no reports from individuals or organisations.".to_owned());
    } else {
        let verb = if profile.individuals == 1 {
            "was"
        } else {
            "were"
        };
        sentences.push(format!(
            "Of the {}, {} {verb} from individuals and {} from organisations.",
            wording::reports(total),
            count_and_share(profile.individuals, total),
            count_and_share(profile.organisations, total),
        ));
    }
    sentences.push(match profile.vulnerable {
        0 => "No report was flagged as from a vulnerable victim.".to_owned(),
        n => format!(
            "{} flagged as from a vulnerable victim ({} of all reports).",
            if n == 1 {
                "1 report was".to_owned()
            } else {
                format!("{} reports were", wording::count(n))
            },
            wording::share(n, all_reports).unwrap_or_else(|| wording::NOT_APPLICABLE.to_owned()),
        ),
    });
    sentences.push(match profile.repeat_victims {
        0 => "No victim reported more than once in the period.".to_owned(),
        1 => "1 victim reported more than once in the period.".to_owned(),
        n => format!(
            "{} victims reported more than once in the period.",
            wording::count(n)
        ),
    });
    sentences
}

/// A share for a table cell: the percentage, or the dash when there is no whole.
fn share_cell(part: u64, whole: u64) -> String {
    wording::share(part, whole).unwrap_or_else(|| wording::NOT_APPLICABLE.to_owned())
}

/// The gender key in words.
fn gender_label(key: &str) -> String {
    match key {
        "female" => "Female".to_owned(),
        "male" => "Male".to_owned(),
        "other" => "Other".to_owned(),
        "unknown" => "Not known".to_owned(),
        other => other.to_owned(),
    }
}

/// Victim tables: who reported, individuals' ages, individuals' gender.
fn victim_tables(profile: &VictimProfile) -> Vec<Table> {
    let total = profile.individuals + profile.organisations;
    let mut who = Table::new(
        "Who reported",
        &["Victim", "Reports", "Share"],
        1,
        "There were no reports.",
    );
    who.push(vec![
        "Individuals".to_owned(),
        wording::count(profile.individuals),
        share_cell(profile.individuals, total),
    ]);
    who.push(vec![
        "Organisations".to_owned(),
        wording::count(profile.organisations),
        share_cell(profile.organisations, total),
    ]);
    let individuals = profile.individuals;
    let mut ages = Table::new(
        "Individual victims by age",
        &["Age band", "Reports", "Share of individuals", "Loss"],
        1,
        "There were no reports from individuals.",
    );
    for band in &profile.age_bands {
        ages.push(vec![
            band.band.clone(),
            wording::count(band.reports),
            share_cell(band.reports, individuals),
            wording::money_table(band.loss_pence),
        ]);
    }
    ages.push(vec![
        "Not known".to_owned(),
        wording::count(profile.age_unknown),
        share_cell(profile.age_unknown, individuals),
        wording::NOT_APPLICABLE.to_owned(),
    ]);
    let mut gender = Table::new(
        "Individual victims by gender",
        &["Gender", "Reports", "Share of individuals"],
        1,
        "There were no reports from individuals.",
    );
    for (key, reports) in &profile.gender {
        gender.push(vec![
            gender_label(key),
            wording::count(*reports),
            share_cell(*reports, individuals),
        ]);
    }
    vec![who, ages, gender]
}

/// The kind of a type in words.
fn category_label(category: Category) -> &'static str {
    match category {
        Category::Fraud => "Fraud",
        Category::Cyber => "Cyber crime",
    }
}

/// The most reported types (fraud and computer misuse alike, as the summary lists them).
fn fraud_types(rows: &[TypeRow]) -> Table {
    let shown = rows.len().min(TOP_TYPES);
    let caption = if rows.len() > TOP_TYPES {
        format!("The {TOP_TYPES} most reported types")
    } else {
        "Reports by type, most first".to_owned()
    };
    let mut table = Table::new(
        caption,
        &["Type", "Kind", "Reports", "Loss"],
        2,
        "There were no reports in this period.",
    );
    for row in &rows[..shown] {
        table.push(vec![
            row.name.clone(),
            category_label(row.category).to_owned(),
            wording::count(row.reports),
            wording::money_table(row.loss_pence),
        ]);
    }
    table
}

/// Notes on the data.
fn notes(summary: &Summary) -> Vec<String> {
    let all = &summary.all;
    let mut notes = vec![
        "Counts are reports to Action Fraud, by the date they were reported (not the date of the offence).".to_owned(),
        "Fraud is every fraud type that is not computer misuse; cyber crime is the computer-misuse types.".to_owned(),
    ];
    notes.push(if all.reports == 0 {
        "Losses count only reports with a known loss.".to_owned()
    } else {
        format!(
            "Losses count only reports with a known loss: {} of the {} recorded one.",
            wording::count(all.loss_known),
            wording::reports(all.reports)
        )
    });
    notes.push(format!(
        "Rates are reports per 100,000 residents, from a population of {} for the area. Reports with no known district, or from outside the area, count in the area's figures but have no rate of their own.",
        wording::count(summary.population)
    ));
    let earlier = &summary.year_earlier;
    if let (Some(from), Some(to)) = (
        wording::parse_date(&earlier.from),
        wording::parse_date(&earlier.to),
    ) {
        notes.push(format!(
            "Changes on a year earlier compare with the same days a year before: {}.",
            wording::date_range(from, to)
        ));
    }
    notes.push("Money in sentences is rounded (for example £950, £110k, £3.6 million); tables give whole pounds. Percentages are rounded to whole numbers, so shares may not add up to 100%.".to_owned());
    notes
}
