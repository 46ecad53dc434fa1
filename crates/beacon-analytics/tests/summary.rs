//! Summaries and breakdowns over a small known set of facts.

use beacon_analytics::{Dimension, SpikeRule, StatsContext, group_by, summarise};
use beacon_core::report::{AgeBand, Gender, VictimType};
use beacon_core::{
    Category, District, Districts, Fact, FactSet, FraudType, IssueRule, LocalIssueRules, Period,
    Taxonomy,
};
use time::Date;
use time::macros::date;

fn districts() -> Districts {
    let district = |code: &str, name: &str, population: u32| District {
        code: code.parse().expect("valid code"),
        name: name.into(),
        kind: "unitary".into(),
        population_2011: population,
        population_2021: population,
    };
    Districts {
        area_name: "Testshire".into(),
        list: vec![
            district("E06000016", "Leicester", 20_0000),
            district("E06000017", "Rutland", 50_000),
        ],
    }
}

fn taxonomy() -> Taxonomy {
    Taxonomy::new(vec![
        FraudType::new(Some("NFIB5A"), "Cheque, plastic card", "Banking", false),
        FraudType::new(
            Some("NFIB52B"),
            "Hacking - personal",
            "Computer misuse",
            true,
        ),
    ])
}

fn rules() -> LocalIssueRules {
    LocalIssueRules {
        rules: vec![IssueRule {
            issue: "courier_fraud".into(),
            label: "Courier fraud".into(),
            fraud_types: vec![],
            tags: vec![],
            keywords: vec![],
        }],
    }
}

fn fact(day: Date, district: Option<u16>, cyber: bool, loss: Option<i64>) -> Fact {
    Fact {
        reported_on: day,
        district,
        fraud_type: u16::from(cyber),
        category: if cyber {
            Category::Cyber
        } else {
            Category::Fraud
        },
        victim_type: VictimType::Individual,
        age_band: Some(AgeBand::EightyPlus),
        gender: Some(Gender::Female),
        cyber_enabled: Some(!cyber && loss.is_some()),
        loss_pence: loss,
        issues: 0,
        victim: None,
        repeat_victim: None,
        vulnerable: None,
    }
}

fn facts() -> FactSet {
    let mut facts = vec![
        fact(date!(2017 - 01 - 10), Some(0), false, Some(10_000)),
        fact(date!(2017 - 02 - 10), Some(0), false, Some(30_000)),
        fact(date!(2017 - 02 - 11), Some(1), false, None),
        fact(date!(2017 - 03 - 01), None, true, Some(5_000)),
        // A year earlier.
        fact(date!(2016 - 01 - 10), Some(0), false, Some(1)),
        fact(date!(2016 - 02 - 10), Some(0), false, Some(1)),
        // Outside both periods.
        fact(date!(2017 - 07 - 01), Some(0), false, Some(999)),
    ];
    facts[1].issues = 1;
    facts[1].victim = Some(7);
    facts[2].victim = Some(7);
    FactSet {
        districts: vec![
            "E06000016".parse().expect("code"),
            "E06000017".parse().expect("code"),
        ],
        fraud_types: vec!["NFIB5A".into(), "NFIB52B".into()],
        issues: vec!["courier_fraud".into()],
        facts,
    }
}

fn context<'a>(
    districts: &'a Districts,
    taxonomy: &'a Taxonomy,
    rules: &'a LocalIssueRules,
) -> StatsContext<'a> {
    StatsContext {
        districts,
        taxonomy,
        rules,
        first_report: Some(date!(2016 - 01 - 10)),
        spike_rule: SpikeRule::default(),
    }
}

#[test]
fn headline_figures_split_fraud_and_cyber_crime() {
    let (districts, taxonomy, rules) = (districts(), taxonomy(), rules());
    let period = Period::new(date!(2017 - 01 - 01), date!(2017 - 06 - 30)).expect("period");
    let summary = summarise(&facts(), period, &context(&districts, &taxonomy, &rules));
    assert_eq!(summary.fraud.reports, 3);
    assert_eq!(summary.fraud.loss_pence, 40_000);
    assert_eq!(summary.fraud.loss_known, 2);
    assert_eq!(summary.fraud.median_loss_pence, Some(20_000));
    assert_eq!(summary.fraud.cyber_enabled, 2);
    assert_eq!(summary.cyber.reports, 1);
    assert_eq!(summary.cyber.loss_pence, 5_000);
    assert_eq!(summary.all.reports, 4);
    assert_eq!(summary.population, 250_000);
    assert_eq!(summary.year_earlier.fraud.reports, 2);
    assert_eq!(summary.year_earlier.fraud_change_percent, Some(50.0));
    assert_eq!(summary.year_earlier.cyber_change_percent, None);
    assert_eq!(summary.all.repeat_victims, 1);
}

#[test]
fn districts_are_listed_in_order_with_the_unknown_row_last() {
    let (districts, taxonomy, rules) = (districts(), taxonomy(), rules());
    let period = Period::new(date!(2017 - 01 - 01), date!(2017 - 06 - 30)).expect("period");
    let summary = summarise(&facts(), period, &context(&districts, &taxonomy, &rules));
    let rows: Vec<(Option<&str>, u64, i64)> = summary
        .by_district
        .iter()
        .map(|r| (r.district_code.as_deref(), r.reports, r.loss_pence))
        .collect();
    assert_eq!(
        rows,
        vec![
            (Some("E06000016"), 2, 40_000),
            (Some("E06000017"), 1, 0),
            (None, 1, 5_000)
        ]
    );
    assert_eq!(summary.by_district[0].reports_per_100k, Some(1.0));
    assert_eq!(summary.by_district[0].change_percent, Some(0.0));
    let total: u64 = summary.by_district.iter().map(|r| r.reports).sum();
    assert_eq!(total, summary.all.reports);
}

#[test]
fn months_issues_and_profile() {
    let (districts, taxonomy, rules) = (districts(), taxonomy(), rules());
    let period = Period::new(date!(2017 - 01 - 01), date!(2017 - 03 - 31)).expect("period");
    let summary = summarise(&facts(), period, &context(&districts, &taxonomy, &rules));
    let months: Vec<(&str, u64, u64)> = summary
        .months
        .iter()
        .map(|m| (m.month.as_str(), m.fraud_reports, m.cyber_reports))
        .collect();
    assert_eq!(
        months,
        vec![("2017-01", 1, 0), ("2017-02", 2, 0), ("2017-03", 0, 1)]
    );
    assert_eq!(summary.local_issues.len(), 1);
    assert_eq!(summary.local_issues[0].reports, 1);
    assert_eq!(summary.local_issues[0].monthly, vec![0, 1, 0]);
    assert_eq!(summary.victim_profile.individuals, 4);
    assert_eq!(summary.victim_profile.age_bands[7].reports, 4);
    assert_eq!(summary.fraud_types[0].key, "NFIB5A");
}

#[test]
fn a_planted_spike_is_flagged_and_steady_months_are_not() {
    let (districts, taxonomy, rules) = (districts(), taxonomy(), rules());
    let mut set = facts();
    set.facts.clear();
    // Two reports a month for two years in Rutland, then 20 in March 2018.
    for year in [2016, 2017] {
        for month in 1..=12u8 {
            let month = time::Month::try_from(month).expect("month");
            for day in [3, 17] {
                set.facts.push(fact(
                    Date::from_calendar_date(year, month, day).expect("date"),
                    Some(1),
                    false,
                    None,
                ));
            }
        }
    }
    for day in 1..=20 {
        set.facts.push(fact(
            Date::from_calendar_date(2018, time::Month::March, day).expect("date"),
            Some(1),
            false,
            None,
        ));
    }
    let mut context = context(&districts, &taxonomy, &rules);
    context.first_report = Some(date!(2016 - 01 - 03));
    let period = Period::new(date!(2017 - 01 - 01), date!(2018 - 03 - 31)).expect("period");
    let summary = summarise(&set, period, &context);
    let flagged: Vec<(&str, &str)> = summary
        .spikes
        .iter()
        .map(|s| (s.series.as_str(), s.month.as_str()))
        .collect();
    assert_eq!(
        flagged,
        vec![("all:fraud", "2018-03"), ("district:E06000017", "2018-03")]
    );
    assert!(summary.spike_rule.contains("p < 0.001"));
}

#[test]
fn breakdowns_add_up_to_the_total() {
    let (districts, taxonomy, _) = (districts(), taxonomy(), rules());
    let set = facts();
    let period = Period::new(date!(2016 - 01 - 01), date!(2017 - 12 - 31)).expect("period");
    let population = |code: &str| {
        districts
            .list
            .iter()
            .find(|d| d.code.as_str() == code)
            .map(|d| u64::from(d.population_2021))
    };
    let groups = group_by(
        &set,
        period,
        &[Dimension::District, Dimension::Month],
        &taxonomy,
        &population,
        250_000,
    );
    let total: u64 = groups.iter().map(|g| g.measures.reports).sum();
    assert_eq!(total, 7);
    let first = &groups[0];
    assert_eq!(
        first.keys.get("district").map(String::as_str),
        Some("unknown")
    );
    assert_eq!(first.keys.get("month").map(String::as_str), Some("2017-03"));
    let leicester_jan_2016 = groups
        .iter()
        .find(|g| {
            g.keys.get("district").map(String::as_str) == Some("E06000016")
                && g.keys.get("month").map(String::as_str) == Some("2016-01")
        })
        .expect("a group");
    assert_eq!(leicester_jan_2016.measures.reports, 1);
    assert_eq!(leicester_jan_2016.measures.reports_per_100k, Some(0.5));
    let by_issue = group_by(
        &set,
        period,
        &[Dimension::LocalIssue],
        &taxonomy,
        &population,
        250_000,
    );
    let issues: Vec<(&str, u64)> = by_issue
        .iter()
        .map(|g| (g.keys["local_issue"].as_str(), g.measures.reports))
        .collect();
    assert_eq!(issues, vec![("none", 6), ("courier_fraud", 1)]);
}
