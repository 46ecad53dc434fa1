//! The summary of a period: headline figures for fraud and cyber crime, districts,
//! months, fraud types, local issues, victim profile and spikes.
//!
//! "Fraud" is every non-computer-misuse type and "cyber crime" every computer-misuse
//! type. Reports whose district is unknown count in the area's figures and appear as
//! their own row in the district table.

use crate::measures::{Accumulator, Measures, change_percent, repeat_candidates};
use crate::month_label;
use crate::spikes::{Spike, SpikeRule};
use beacon_core::period::month_key;
use beacon_core::report::{AgeBand, Gender, VictimType};
use beacon_core::{Category, Districts, FactSet, LocalIssueRules, Period, Taxonomy};
use serde::Serialize;
use std::collections::BTreeMap;
use time::Date;

/// What a summary needs besides the facts.
pub struct StatsContext<'a> {
    /// The area's districts (names and populations).
    pub districts: &'a Districts,
    /// Fraud types (names and groups).
    pub taxonomy: &'a Taxonomy,
    /// Local-issue rules (labels and order).
    pub rules: &'a LocalIssueRules,
    /// The first stored report's date: spikes are judged only with a full baseline.
    pub first_report: Option<Date>,
    /// The spike rule.
    pub spike_rule: SpikeRule,
}

/// Everything the board update and the dashboard say about a period.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The area's name.
    pub area: String,
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    pub to: String,
    /// Residents used for rates (population in the period's midpoint year).
    pub population: u64,
    /// Fraud: the non-computer-misuse types.
    pub fraud: Measures,
    /// Cyber crime: the computer-misuse types.
    pub cyber: Measures,
    /// Fraud and cyber crime together.
    pub all: Measures,
    /// The same days a year earlier, and the change.
    pub year_earlier: YearEarlier,
    /// One row per district, then one for reports with no known district.
    pub by_district: Vec<DistrictRow>,
    /// One row per month touched by the period (partial months count only days inside).
    pub months: Vec<MonthRow>,
    /// Fraud types by reports, most first.
    pub fraud_types: Vec<TypeRow>,
    /// The local issues in rule order.
    pub local_issues: Vec<IssueRow>,
    /// Who the victims were.
    pub victim_profile: VictimProfile,
    /// The spike rule in plain words.
    pub spike_rule: String,
    /// Months flagged as spikes.
    pub spikes: Vec<Spike>,
}

/// The year-earlier comparison.
#[derive(Debug, Clone, Serialize)]
pub struct YearEarlier {
    /// First day a year earlier.
    pub from: String,
    /// Last day a year earlier.
    pub to: String,
    /// Fraud a year earlier.
    pub fraud: Measures,
    /// Cyber crime a year earlier.
    pub cyber: Measures,
    /// Both a year earlier.
    pub all: Measures,
    /// Change in fraud reports, percent.
    pub fraud_change_percent: Option<f64>,
    /// Change in cyber crime reports, percent.
    pub cyber_change_percent: Option<f64>,
    /// Change in all reports, percent.
    pub all_change_percent: Option<f64>,
}

/// One district's figures.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictRow {
    /// ONS code, or `null` for reports with no known district.
    pub district_code: Option<String>,
    /// Name.
    pub name: String,
    /// Residents (midpoint year), if a district.
    pub population: Option<u64>,
    /// All reports.
    pub reports: u64,
    /// All losses, pence.
    pub loss_pence: i64,
    /// Fraud reports.
    pub fraud_reports: u64,
    /// Cyber crime reports.
    pub cyber_reports: u64,
    /// Reports per 100,000 residents.
    pub reports_per_100k: Option<f64>,
    /// Loss per 100,000 residents, pence.
    pub loss_per_100k_pence: Option<i64>,
    /// Share enabled by a digital device, percent.
    pub cyber_enabled_share: Option<f64>,
    /// Median known loss, pence.
    pub median_loss_pence: Option<i64>,
    /// Distinct repeat victims.
    pub repeat_victims: u64,
    /// Reports a year earlier.
    pub year_earlier_reports: u64,
    /// Change on a year earlier, percent.
    pub change_percent: Option<f64>,
}

/// One month's figures.
#[derive(Debug, Clone, Serialize)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Fraud reports.
    pub fraud_reports: u64,
    /// Cyber crime reports.
    pub cyber_reports: u64,
    /// Fraud losses, pence.
    pub fraud_loss_pence: i64,
    /// Cyber crime losses, pence.
    pub cyber_loss_pence: i64,
    /// Fraud reports enabled by a digital device.
    pub fraud_cyber_enabled: u64,
}

/// One fraud type's figures.
#[derive(Debug, Clone, Serialize)]
pub struct TypeRow {
    /// Type key (NFIB code or slug).
    pub key: String,
    /// Name, or the code when not in the taxonomy.
    pub name: String,
    /// ONS group.
    pub group: String,
    /// Fraud or cyber.
    pub category: Category,
    /// Reports.
    pub reports: u64,
    /// Losses, pence.
    pub loss_pence: i64,
}

/// One local issue's figures.
#[derive(Debug, Clone, Serialize)]
pub struct IssueRow {
    /// Issue name, e.g. `courier_fraud`.
    pub issue: String,
    /// Plain-words label.
    pub label: String,
    /// Reports in the period.
    pub reports: u64,
    /// Losses, pence.
    pub loss_pence: i64,
    /// Median known loss, pence.
    pub median_loss_pence: Option<i64>,
    /// Reports a year earlier.
    pub year_earlier_reports: u64,
    /// Change on a year earlier, percent.
    pub change_percent: Option<f64>,
    /// Reports per month, aligned with [`Summary::months`].
    pub monthly: Vec<u64>,
}

/// Who the victims were.
#[derive(Debug, Clone, Serialize)]
pub struct VictimProfile {
    /// Reports by individuals.
    pub individuals: u64,
    /// Reports by organisations.
    pub organisations: u64,
    /// Individuals' reports by age band (every band listed, in order).
    pub age_bands: Vec<BandRow>,
    /// Individuals' reports without an age.
    pub age_unknown: u64,
    /// Individuals' reports by gender: female, male, other, unknown.
    pub gender: BTreeMap<String, u64>,
    /// Reports flagged vulnerable.
    pub vulnerable: u64,
    /// Distinct victims with two or more reports in the period.
    pub repeat_victims: u64,
}

/// One age band.
#[derive(Debug, Clone, Serialize)]
pub struct BandRow {
    /// Band label, e.g. `80+`.
    pub band: String,
    /// Reports.
    pub reports: u64,
    /// Losses, pence.
    pub loss_pence: i64,
}

/// Summarises `facts` for `period`. `facts` should reach back to
/// [`crate::history_start`] of the period so year-earlier figures and spikes are right.
pub fn summarise(facts: &FactSet, period: Period, context: &StatsContext<'_>) -> Summary {
    summarise_with_candidates(facts, &repeat_candidates(&facts.facts), period, context)
}

/// [`summarise`] with the repeat-victim candidates already found (see
/// [`repeat_candidates`]), so a caller that also breaks the facts down finds them once.
pub fn summarise_with_candidates(
    facts: &FactSet,
    may_repeat: &[bool],
    period: Period,
    context: &StatsContext<'_>,
) -> Summary {
    let earlier = period.year_earlier();
    let year = period.midpoint_year();
    let district_population: Vec<Option<u64>> = facts
        .districts
        .iter()
        .map(|code| {
            context
                .districts
                .get(code)
                .map(|district| u64::from(district.population_in(year)))
        })
        .collect();
    let population = context.districts.population_in(year);
    let month_list = period.months();

    let mut fraud = Accumulator::default();
    let mut cyber = Accumulator::default();
    let mut all = Accumulator::default();
    let mut earlier_fraud = Accumulator::default();
    let mut earlier_cyber = Accumulator::default();
    let mut earlier_all = Accumulator::default();
    let district_slots = facts.districts.len() + 1;
    let mut districts: Vec<Accumulator> = vec![Accumulator::default(); district_slots];
    let mut district_fraud = vec![0u64; district_slots];
    let mut district_earlier = vec![0u64; district_slots];
    let mut months: Vec<MonthRow> = month_list
        .iter()
        .map(|(y, m)| MonthRow {
            month: month_label(*y, *m),
            fraud_reports: 0,
            cyber_reports: 0,
            fraud_loss_pence: 0,
            cyber_loss_pence: 0,
            fraud_cyber_enabled: 0,
        })
        .collect();
    let mut types: Vec<(u64, i64)> = vec![(0, 0); facts.fraud_types.len()];
    let issue_count = facts.issues.len();
    let mut issues: Vec<Accumulator> = vec![Accumulator::default(); issue_count];
    let mut issue_earlier = vec![0u64; issue_count];
    let mut issue_monthly = vec![vec![0u64; month_list.len()]; issue_count];
    let mut bands: Vec<(u64, i64)> = vec![(0, 0); AgeBand::ALL.len()];
    let mut age_unknown = 0;
    let mut gender: BTreeMap<String, u64> = ["female", "male", "other", "unknown"]
        .into_iter()
        .map(|g| (g.to_owned(), 0))
        .collect();
    let (mut individuals, mut organisations) = (0, 0);

    let first_month = month_list
        .first()
        .map_or(0, |(y, m)| y * 12 + i32::from(*m as u8) - 1);
    // Months are found by arithmetic, not by a map lookup per report.
    let month_slot = |date: Date| -> Option<usize> {
        let number = date.year() * 12 + i32::from(date.month() as u8) - 1 - first_month;
        usize::try_from(number)
            .ok()
            .filter(|&n| n < month_list.len())
    };
    for (fact, &may_repeat) in facts.facts.iter().zip(may_repeat) {
        let slot = fact.district.map_or(district_slots - 1, usize::from);
        if period.contains(fact.reported_on) {
            all.add(fact, may_repeat);
            districts[slot].add(fact, may_repeat);
            let month_number = month_slot(fact.reported_on);
            let month = month_number.map(|index| &mut months[index]);
            match fact.category {
                Category::Fraud => {
                    fraud.add(fact, may_repeat);
                    district_fraud[slot] += 1;
                    if let Some(month) = month {
                        month.fraud_reports += 1;
                        month.fraud_loss_pence += fact.loss_pence.unwrap_or(0);
                        month.fraud_cyber_enabled += u64::from(fact.cyber_enabled == Some(true));
                    }
                }
                Category::Cyber => {
                    cyber.add(fact, may_repeat);
                    if let Some(month) = month {
                        month.cyber_reports += 1;
                        month.cyber_loss_pence += fact.loss_pence.unwrap_or(0);
                    }
                }
            }
            let type_row = &mut types[usize::from(fact.fraud_type)];
            type_row.0 += 1;
            type_row.1 += fact.loss_pence.unwrap_or(0);
            for (index, accumulator) in issues.iter_mut().enumerate() {
                if fact.issues & (1 << index) != 0 {
                    accumulator.add(fact, may_repeat);
                    if let Some(month) = month_number {
                        issue_monthly[index][month] += 1;
                    }
                }
            }
            match fact.victim_type {
                VictimType::Organisation => organisations += 1,
                VictimType::Individual => {
                    individuals += 1;
                    match fact.age_band {
                        Some(band) => {
                            let row = &mut bands[band as usize];
                            row.0 += 1;
                            row.1 += fact.loss_pence.unwrap_or(0);
                        }
                        None => age_unknown += 1,
                    }
                    let key = fact.gender.map_or("unknown", Gender::as_str);
                    *gender.entry(key.to_owned()).or_default() += 1;
                }
            }
        } else if earlier.contains(fact.reported_on) {
            earlier_all.add(fact, may_repeat);
            district_earlier[slot] += 1;
            match fact.category {
                Category::Fraud => earlier_fraud.add(fact, may_repeat),
                Category::Cyber => earlier_cyber.add(fact, may_repeat),
            }
            for (index, count) in issue_earlier.iter_mut().enumerate() {
                if fact.issues & (1 << index) != 0 {
                    *count += 1;
                }
            }
        }
    }

    let earlier_population = Some(context.districts.population_in(earlier.midpoint_year()));
    let fraud = fraud.finish(Some(population));
    let cyber = cyber.finish(Some(population));
    let all = all.finish(Some(population));
    let earlier_fraud = earlier_fraud.finish(earlier_population);
    let earlier_cyber = earlier_cyber.finish(earlier_population);
    let earlier_all = earlier_all.finish(earlier_population);

    let mut by_district: Vec<DistrictRow> = Vec::new();
    let mut district_accumulators: Vec<Option<Accumulator>> =
        districts.into_iter().map(Some).collect();
    // Area districts first, in reference order, even when they have no reports.
    for district in &context.districts.list {
        let index = facts
            .districts
            .iter()
            .position(|code| code == &district.code);
        let accumulator = index
            .and_then(|i| district_accumulators[i].take())
            .unwrap_or_default();
        let population = u64::from(district.population_in(year));
        let earlier_reports = index.map_or(0, |i| district_earlier[i]);
        let fraud_reports = index.map_or(0, |i| district_fraud[i]);
        by_district.push(district_row(
            Some(district.code.to_string()),
            district.name.clone(),
            Some(population),
            accumulator,
            fraud_reports,
            earlier_reports,
        ));
    }
    // Codes outside the area's list (possible after reference data changes) and unknown.
    for (index, accumulator) in district_accumulators.iter_mut().enumerate() {
        let Some(accumulator) = accumulator.take() else {
            continue;
        };
        let is_unknown = index == district_slots - 1;
        if accumulator.reports() == 0 && district_earlier[index] == 0 && !is_unknown {
            continue;
        }
        let (code, name) = if is_unknown {
            (None, "Unknown or outside the area".to_owned())
        } else {
            (
                Some(facts.districts[index].to_string()),
                facts.districts[index].to_string(),
            )
        };
        let population = if is_unknown {
            None
        } else {
            district_population[index]
        };
        by_district.push(district_row(
            code,
            name,
            population,
            accumulator,
            district_fraud[index],
            district_earlier[index],
        ));
    }

    let mut fraud_types: Vec<TypeRow> = types
        .iter()
        .enumerate()
        .filter(|(_, (reports, _))| *reports > 0)
        .map(|(index, &(reports, loss_pence))| {
            let key = &facts.fraud_types[index];
            let known = context.taxonomy.get(key);
            TypeRow {
                key: key.clone(),
                name: known.map_or_else(|| key.clone(), |t| t.name.clone()),
                group: known.map_or_else(|| "Not in the taxonomy".to_owned(), |t| t.group.clone()),
                category: known.map_or_else(
                    || {
                        facts
                            .facts
                            .iter()
                            .find(|f| usize::from(f.fraud_type) == index)
                            .map_or(Category::Fraud, |f| f.category)
                    },
                    |t| t.category(),
                ),
                reports,
                loss_pence,
            }
        })
        .collect();
    fraud_types.sort_by(|a, b| b.reports.cmp(&a.reports).then(a.name.cmp(&b.name)));

    // Issues in rule order, then any others found in the data.
    let mut issue_names: Vec<String> = context
        .rules
        .rules
        .iter()
        .map(|r| r.issue.clone())
        .collect();
    for name in &facts.issues {
        if !issue_names.contains(name) {
            issue_names.push(name.clone());
        }
    }
    let mut issue_accumulators: Vec<Option<Accumulator>> = issues.into_iter().map(Some).collect();
    let local_issues: Vec<IssueRow> = issue_names
        .iter()
        .map(|name| {
            let index = facts.issues.iter().position(|n| n == name);
            let measures = index
                .and_then(|i| issue_accumulators[i].take())
                .unwrap_or_default()
                .finish(None);
            let year_earlier_reports = index.map_or(0, |i| issue_earlier[i]);
            IssueRow {
                issue: name.clone(),
                label: context.rules.label(name).to_owned(),
                reports: measures.reports,
                loss_pence: measures.loss_pence,
                median_loss_pence: measures.median_loss_pence,
                year_earlier_reports,
                change_percent: change_percent(measures.reports, year_earlier_reports),
                monthly: index
                    .map_or_else(|| vec![0; month_list.len()], |i| issue_monthly[i].clone()),
            }
        })
        .collect();

    let victim_profile = VictimProfile {
        individuals,
        organisations,
        age_bands: AgeBand::ALL
            .iter()
            .map(|band| BandRow {
                band: band.as_str().to_owned(),
                reports: bands[*band as usize].0,
                loss_pence: bands[*band as usize].1,
            })
            .collect(),
        age_unknown,
        gender,
        vulnerable: all.vulnerable,
        repeat_victims: all.repeat_victims,
    };

    let spikes = find_spikes(facts, period, context);
    Summary {
        area: context.districts.area_name.clone(),
        from: period.from.to_string(),
        to: period.to.to_string(),
        population,
        year_earlier: YearEarlier {
            from: earlier.from.to_string(),
            to: earlier.to.to_string(),
            fraud_change_percent: change_percent(fraud.reports, earlier_fraud.reports),
            cyber_change_percent: change_percent(cyber.reports, earlier_cyber.reports),
            all_change_percent: change_percent(all.reports, earlier_all.reports),
            fraud: earlier_fraud,
            cyber: earlier_cyber,
            all: earlier_all,
        },
        fraud,
        cyber,
        all,
        by_district,
        months,
        fraud_types,
        local_issues,
        victim_profile,
        spike_rule: context.spike_rule.describe(),
        spikes,
    }
}

fn district_row(
    district_code: Option<String>,
    name: String,
    population: Option<u64>,
    accumulator: Accumulator,
    fraud_reports: u64,
    year_earlier_reports: u64,
) -> DistrictRow {
    let measures = accumulator.finish(population);
    DistrictRow {
        district_code,
        name,
        population,
        reports: measures.reports,
        loss_pence: measures.loss_pence,
        fraud_reports,
        cyber_reports: measures.reports - fraud_reports,
        reports_per_100k: measures.reports_per_100k,
        loss_per_100k_pence: measures.loss_per_100k_pence,
        cyber_enabled_share: measures.cyber_enabled_share,
        median_loss_pence: measures.median_loss_pence,
        repeat_victims: measures.repeat_victims,
        year_earlier_reports,
        change_percent: change_percent(measures.reports, year_earlier_reports),
    }
}

/// Monthly series judged for spikes: fraud, cyber crime, each district, each issue.
fn find_spikes(facts: &FactSet, period: Period, context: &StatsContext<'_>) -> Vec<Spike> {
    let rule = context.spike_rule;
    let start = crate::history_start(period.from);
    let first_month = month_key(start);
    let month_number = |key: i32| (key / 100) * 12 + (key % 100 - 1);
    let last = month_number(month_key(period.to));
    let first = month_number(first_month);
    let span = usize::try_from(last - first + 1).unwrap_or(0);
    let slot = |date: Date| -> Option<usize> {
        let offset = month_number(month_key(date)) - first;
        usize::try_from(offset).ok().filter(|&o| o < span)
    };
    // Series: 0 fraud, 1 cyber, then districts, then issues.
    let series_count = 2 + facts.districts.len() + facts.issues.len();
    let mut counts = vec![vec![0u64; span]; series_count];
    for fact in &facts.facts {
        let Some(month) = slot(fact.reported_on) else {
            continue;
        };
        counts[usize::from(fact.category == Category::Cyber)][month] += 1;
        if let Some(district) = fact.district {
            counts[2 + usize::from(district)][month] += 1;
        }
        for issue in 0..facts.issues.len() {
            if fact.issues & (1 << issue) != 0 {
                counts[2 + facts.districts.len() + issue][month] += 1;
            }
        }
    }
    let mut spikes = Vec::new();
    for (series, monthly) in counts.iter().enumerate() {
        let (key, label) = match series {
            0 => ("all:fraud".to_owned(), "All fraud".to_owned()),
            1 => ("all:cyber".to_owned(), "All cyber crime".to_owned()),
            s if s < 2 + facts.districts.len() => {
                let code = &facts.districts[s - 2];
                let name = context
                    .districts
                    .get(code)
                    .map_or_else(|| code.to_string(), |d| d.name.clone());
                (format!("district:{code}"), name)
            }
            s => {
                let issue = &facts.issues[s - 2 - facts.districts.len()];
                (
                    format!("issue:{issue}"),
                    context.rules.label(issue).to_owned(),
                )
            }
        };
        for (index, &observed) in monthly.iter().enumerate() {
            let number = first + index as i32;
            let (year, month) = (number.div_euclid(12), number.rem_euclid(12) + 1);
            let Ok(month_enum) = time::Month::try_from(month as u8) else {
                continue;
            };
            let Ok(month_start) = Date::from_calendar_date(year, month_enum, 1) else {
                continue;
            };
            let month_end = Date::from_calendar_date(
                year,
                month_enum,
                time::util::days_in_month(month_enum, year),
            )
            .unwrap_or(month_start);
            // Only whole months inside the period are judged.
            if month_start < period.from || month_end > period.to {
                continue;
            }
            let baseline_start = crate::history_start(month_start);
            if context
                .first_report
                .is_none_or(|first| first > baseline_start)
            {
                continue;
            }
            if let Some((expected, p_value)) = rule.judge(&monthly[..index], observed) {
                spikes.push(Spike {
                    series: key.clone(),
                    label: label.clone(),
                    month: month_label(year, month_enum),
                    observed,
                    expected,
                    p_value,
                });
            }
        }
    }
    spikes.sort_by(|a, b| a.month.cmp(&b.month).then(a.series.cmp(&b.series)));
    spikes
}
