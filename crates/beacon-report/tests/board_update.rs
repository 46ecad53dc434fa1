//! The board update end to end: summaries built by hand with the board paper's figures,
//! rendered as Markdown and HTML, checked sentence by sentence.

use beacon_analytics::summary::{
    BandRow, DistrictRow, IssueRow, MonthRow, Summary, TypeRow, VictimProfile, YearEarlier,
};
use beacon_analytics::{Measures, Spike, SpikeRule};
use beacon_core::Category;
use std::collections::BTreeMap;

const AREA: &str = "Leicester, Leicestershire and Rutland";

const FRAUD_HEADLINE: &str = "There were 4,726 reports of fraud in Leicester, Leicestershire and Rutland between 1 January and 30 June 2017 with a total loss of £3.6 million. In 59% of these a digital device enabled the fraud to take place. This is 12% more than in the same period a year earlier (4,220).";

fn measures(reports: u64, loss_pence: i64) -> Measures {
    Measures {
        reports,
        loss_pence,
        loss_known: reports / 2,
        ..Measures::default()
    }
}

fn district(name: &str, population: Option<u64>, reports: u64, earlier: u64) -> DistrictRow {
    DistrictRow {
        district_code: population.map(|_| format!("E0{name}")),
        name: name.to_owned(),
        population,
        reports,
        loss_pence: i64::try_from(reports).expect("small") * 50_000,
        fraud_reports: reports,
        cyber_reports: 0,
        reports_per_100k: None,
        loss_per_100k_pence: None,
        cyber_enabled_share: None,
        median_loss_pence: None,
        repeat_victims: 0,
        year_earlier_reports: earlier,
        change_percent: None,
    }
}

fn month(label: &str, fraud: u64, cyber: u64) -> MonthRow {
    MonthRow {
        month: label.to_owned(),
        fraud_reports: fraud,
        cyber_reports: cyber,
        fraud_loss_pence: 0,
        cyber_loss_pence: 0,
        fraud_cyber_enabled: 0,
    }
}

fn issue(label: &str, reports: u64, loss_pence: i64, earlier: u64) -> IssueRow {
    IssueRow {
        issue: label.to_lowercase().replace(' ', "_"),
        label: label.to_owned(),
        reports,
        loss_pence,
        median_loss_pence: None,
        year_earlier_reports: earlier,
        change_percent: None,
        monthly: Vec::new(),
    }
}

fn fraud_type(index: u64) -> TypeRow {
    TypeRow {
        key: format!("NFIB{index}"),
        name: format!("Type {index:02}"),
        group: "Advance fee".to_owned(),
        category: if index == 3 {
            Category::Cyber
        } else {
            Category::Fraud
        },
        reports: 1_000 - index * 50,
        loss_pence: i64::try_from(index).expect("small") * 100_000_000,
    }
}

fn profile() -> VictimProfile {
    let bands = [
        "0-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+",
    ];
    let gender: BTreeMap<String, u64> = [
        ("female", 2_300),
        ("male", 2_100),
        ("other", 3),
        ("unknown", 97),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    VictimProfile {
        individuals: 4_500,
        organisations: 372,
        age_bands: bands
            .iter()
            .map(|band| BandRow {
                band: (*band).to_owned(),
                reports: 500,
                loss_pence: 1_000_000,
            })
            .collect(),
        age_unknown: 500,
        gender,
        vulnerable: 310,
        repeat_victims: 57,
    }
}

/// The board paper's first half of 2017.
fn board_paper() -> Summary {
    let fraud = Measures {
        cyber_enabled: 2_788,
        ..measures(4_726, 360_012_345)
    };
    let cyber = measures(146, 11_000_000);
    let all = measures(4_872, 371_012_345);
    Summary {
        area: AREA.to_owned(),
        from: "2017-01-01".to_owned(),
        to: "2017-06-30".to_owned(),
        population: 1_017_697,
        fraud,
        cyber,
        all,
        year_earlier: YearEarlier {
            from: "2016-01-01".to_owned(),
            to: "2016-06-30".to_owned(),
            fraud: measures(4_220, 300_000_000),
            cyber: Measures::default(),
            all: measures(4_220, 300_000_000),
            fraud_change_percent: Some(11.99),
            cyber_change_percent: None,
            all_change_percent: Some(15.45),
        },
        by_district: vec![
            district("Leicester", Some(329_839), 1_700, 1_518),
            district("Rutland", Some(37_369), 95, 100),
            district("Charnwood", Some(166_100), 800, 800),
            district("Melton", Some(50_376), 20, 0),
            district("Unknown or outside the area", None, 7, 9),
        ],
        months: vec![
            month("2017-01", 700, 20),
            month("2017-02", 760, 25),
            month("2017-03", 850, 30),
            month("2017-04", 800, 22),
            month("2017-05", 816, 24),
            month("2017-06", 800, 25),
        ],
        fraud_types: (1..=12).map(fraud_type).collect(),
        local_issues: vec![
            issue("Ransomware", 12, 4_000_000, 10),
            issue("Courier fraud", 23, 15_000_000, 25),
            issue("Romance fraud", 1, 95_000, 0),
            issue("Sextortion", 0, 0, 0),
        ],
        victim_profile: profile(),
        spike_rule: SpikeRule::default().describe(),
        spikes: vec![Spike {
            series: "issue:courier_fraud".to_owned(),
            label: "Courier fraud".to_owned(),
            month: "2017-03".to_owned(),
            observed: 12,
            expected: 3.25,
            p_value: 0.0002,
        }],
    }
}

/// The board paper's cyber crime period, April to September 2017.
fn cyber_period() -> Summary {
    let mut summary = board_paper();
    summary.from = "2017-04-01".to_owned();
    summary.to = "2017-09-30".to_owned();
    summary
}

/// A period with no reports at all.
fn empty() -> Summary {
    let mut summary = board_paper();
    summary.fraud = Measures::default();
    summary.cyber = Measures::default();
    summary.all = Measures::default();
    summary.year_earlier.fraud = Measures::default();
    summary.year_earlier.all = Measures::default();
    for row in &mut summary.by_district {
        row.reports = 0;
        row.loss_pence = 0;
        row.year_earlier_reports = 0;
    }
    for row in &mut summary.months {
        row.fraud_reports = 0;
        row.cyber_reports = 0;
    }
    summary.fraud_types.clear();
    summary.local_issues = vec![issue("Ransomware", 0, 0, 0)];
    summary.victim_profile = VictimProfile {
        individuals: 0,
        organisations: 0,
        age_bands: Vec::new(),
        age_unknown: 0,
        gender: BTreeMap::new(),
        vulnerable: 0,
        repeat_victims: 0,
    };
    summary.spikes.clear();
    summary
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).expect("start marker present");
    let rest = &text[from..];
    let to = rest.find(end).expect("end marker present");
    &rest[..to + end.len()]
}

#[test]
fn fraud_headline_matches_the_board_paper() {
    let summary = board_paper();
    let markdown = beacon_report::markdown(&summary);
    assert!(
        markdown.contains(&format!("## Headlines\n\n{FRAUD_HEADLINE}\n")),
        "{markdown}"
    );
    let html = beacon_report::html(&summary);
    assert!(html.contains(&format!("<p>{FRAUD_HEADLINE}</p>")), "{html}");
}

#[test]
fn cyber_headline_matches_the_board_paper() {
    let expected = "There were 146 reports of cyber crime (computer misuse) in Leicester, Leicestershire and Rutland between 1 April and 30 September 2017 with a total loss of £110k.";
    let summary = cyber_period();
    let markdown = beacon_report::markdown(&summary);
    assert!(markdown.contains(&format!("\n{expected}\n")), "{markdown}");
    let html = beacon_report::html(&summary);
    assert!(html.contains(&format!("<p>{expected}</p>")), "{html}");
}

#[test]
fn year_on_year_sentence_says_fewer_or_about_the_same() {
    let mut summary = board_paper();
    summary.year_earlier.cyber = measures(150, 0);
    summary.year_earlier.fraud = measures(4_710, 0);
    let markdown = beacon_report::markdown(&summary);
    assert!(markdown.contains(
        "with a total loss of £110k. This is 3% fewer than in the same period a year earlier (150).\n"
    ));
    assert!(markdown.contains(
        "to take place. This is about the same (within 1%) as in the same period a year earlier (4,710).\n"
    ));
}

#[test]
fn zero_report_period_reads_gracefully() {
    let summary = empty();
    let markdown = beacon_report::markdown(&summary);
    assert!(markdown.contains(
        "\nThere were no reports of fraud in Leicester, Leicestershire and Rutland between 1 January and 30 June 2017.\n"
    ));
    assert!(markdown.contains(
        "\nThere were no reports of cyber crime (computer misuse) in Leicester, Leicestershire and Rutland between 1 January and 30 June 2017.\n"
    ));
    assert!(markdown.contains("- Ransomware: no reports.\n"));
    assert!(markdown.contains("No month was flagged as a spike."));
    assert!(markdown.contains("There were no reports from individuals or organisations."));
    assert!(
        markdown
            .contains("**Reports by type, most first**\n\nThere were no reports in this period.\n")
    );
    let html = beacon_report::html(&summary);
    assert!(html.contains("<p>There were no reports of fraud in"));
    assert_eq!(html.matches("role=\"img\"").count(), 2);
}

#[test]
fn a_single_report_is_singular() {
    let mut summary = board_paper();
    summary.fraud = Measures {
        cyber_enabled: 1,
        ..measures(1, 95_000)
    };
    summary.year_earlier.fraud = Measures::default();
    let markdown = beacon_report::markdown(&summary);
    assert!(markdown.contains(
        "\nThere was 1 report of fraud in Leicester, Leicestershire and Rutland between 1 January and 30 June 2017 with a total loss of £950. A digital device enabled the fraud to take place.\n"
    ));
}

#[test]
fn district_table_has_rates_changes_and_the_unknown_row() {
    let markdown = beacon_report::markdown(&board_paper());
    let expected = "\
**Reports by district**

| District | Reports | Loss | Rate per 100,000 residents | Change on a year earlier |
| --- | ---: | ---: | ---: | ---: |
| Leicester | 1,700 | £850,000 | 515.4 | +12% |
| Rutland | 95 | £47,500 | 254.2 | −5% |
| Charnwood | 800 | £400,000 | 481.6 | 0% |
| Melton | 20 | £10,000 | 39.7 | no earlier data |
| Unknown or outside the area | 7 | £3,500 | – | −22% |
| **All of Leicester, Leicestershire and Rutland** | **4,872** | **£3,710,123** | **478.7** | **+15%** |
";
    assert!(markdown.contains(expected), "{markdown}");
    let html = beacon_report::html(&board_paper());
    assert!(html.contains(
        "<th scope=\"row\" class=\"govuk-table__header\">Unknown or outside the area</th>"
    ));
    assert!(html.contains("<td class=\"govuk-table__cell govuk-table__cell--numeric\">–</td>"));
}

#[test]
fn local_issues_have_one_sentence_each_and_a_table() {
    let markdown = beacon_report::markdown(&board_paper());
    let expected = "\
- Ransomware: 12 reports with a total loss of £40k, 20% more than in the same period a year earlier (10).
- Courier fraud: 23 reports with a total loss of £150k, 8% fewer than in the same period a year earlier (25).
- Romance fraud: 1 report with a total loss of £950.
- Sextortion: no reports.
";
    assert!(markdown.contains(expected), "{markdown}");
    assert!(markdown.contains("| Romance fraud | 1 | £950 | no earlier data |\n"));
}

#[test]
fn spikes_are_listed_with_the_rule() {
    let summary = board_paper();
    let markdown = beacon_report::markdown(&summary);
    assert!(markdown.contains(&format!(
        "## Spikes\n\n{}\n",
        summary.spike_rule.replace('<', "\\<")
    )));
    assert!(markdown.contains("| Courier fraud | March 2017 | 12 | 3.3 | 1 in 5,000 |\n"));
    let html = beacon_report::html(&summary);
    assert!(html.contains("p &#60; 0.001"));
    assert!(!html.contains("No month was flagged as a spike."));
    let mut quiet = summary;
    quiet.spikes.clear();
    let html = beacon_report::html(&quiet);
    assert!(html.contains("No month was flagged as a spike."));
}

#[test]
fn victim_profile_gives_shares() {
    let markdown = beacon_report::markdown(&board_paper());
    assert!(markdown.contains(
        "- Of the 4,872 reports, 4,500 (92%) were from individuals and 372 (8%) from organisations.\n- 310 reports were flagged as from a vulnerable victim (6% of all reports).\n- 57 victims reported more than once in the period.\n"
    ));
    assert!(markdown.contains("| 80+ | 500 | 11% | £10,000 |\n"));
    assert!(markdown.contains("| Other | 3 | less than 1% |\n"));
    assert!(markdown.contains("| Not known | 97 | 2% |\n"));
}

#[test]
fn fraud_types_show_the_top_ten() {
    let markdown = beacon_report::markdown(&board_paper());
    let table = between(&markdown, "**The 10 most reported types**", "\n\n## ");
    let rows = table
        .lines()
        .filter(|line| line.starts_with("| Type ") && !line.starts_with("| Type |"))
        .count();
    assert_eq!(rows, 10);
    assert!(table.contains("| Type 01 | Fraud | 950 | £1,000,000 |\n"));
    assert!(table.contains("| Type 03 | Cyber crime | 850 | £3,000,000 |\n"));
    assert!(!table.contains("Type 11"));
}

#[test]
fn data_note_explains_counts_and_losses() {
    let markdown = beacon_report::markdown(&board_paper());
    assert!(markdown.contains("- Counts are reports to Action Fraud, by the date they were reported (not the date of the offence).\n"));
    assert!(markdown.contains(
        "- Losses count only reports with a known loss: 2,436 of the 4,872 reports recorded one.\n"
    ));
    assert!(markdown.contains("same days a year before: 1 January to 30 June 2016."));
}

#[test]
fn hostile_names_are_escaped() {
    let mut summary = board_paper();
    summary.area = "<script>alert(\"area\")</script>".to_owned();
    summary.by_district[0].name = "<img src=x onerror=alert(1)> & Co".to_owned();
    summary.fraud_types[0].name = "</title><script>x</script>".to_owned();
    let html = beacon_report::html(&summary);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"));
    // askama writes numeric character references; the charts write named ones.
    assert!(html.contains(
        "<h1>Fraud and cyber crime in &#60;script&#62;alert(&#34;area&#34;)&#60;/script&#62;</h1>"
    ));
    assert!(html.contains(
        "<th scope=\"row\" class=\"govuk-table__header\">&#60;img src=x onerror=alert(1)&#62; &#38; Co</th>"
    ));
    assert!(html.contains("&#60;/title&#62;&#60;script&#62;x&#60;/script&#62;"));
    // The district chart escapes the name too.
    let districts = between(&html, "id=\"districts-title\"", "</svg>");
    assert!(districts.contains("&lt;img src=x onerror=alert(1)&gt; &amp; Co"));
    let markdown = beacon_report::markdown(&summary);
    assert!(
        markdown
            .starts_with("# Fraud and cyber crime in \\<script\\>alert(\"area\")\\</script\\>\n")
    );
    assert!(markdown.contains("| \\<img src=x onerror=alert(1)\\> \\& Co | 1,700 |"));
}

#[test]
fn html_is_a_standalone_accessible_document() {
    let html = beacon_report::html(&board_paper());
    assert!(
        html.starts_with(
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">"
        )
    );
    assert!(html.contains("<title>Fraud and cyber crime in Leicester, Leicestershire and Rutland: board update, 1 January to 30 June 2017</title>"));
    assert_eq!(html.matches("<h1").count(), 1);
    assert!(
        html.contains("<h1>Fraud and cyber crime in Leicester, Leicestershire and Rutland</h1>")
    );
    assert!(html.contains("font-family: \"GDS Transport\", arial, sans-serif;"));
    assert!(html.contains("@media print"));
    assert!(html.contains("@page { size: A4;"));
    assert!(html.contains("page-break-inside: avoid"));
    assert!(html.trim_end().ends_with("</html>"));
    for forbidden in ["<script", "<link", "src=", "@import", "url("] {
        assert!(!html.contains(forbidden), "found {forbidden}");
    }
    // Headings go h1, then h2 only: no level is skipped.
    assert_eq!(html.matches("<h3").count(), 0);
    assert_eq!(html.matches("<h2>").count(), 8);
}

#[test]
fn both_charts_are_accessible_figures_with_their_tables() {
    let html = beacon_report::html(&board_paper());
    assert_eq!(html.matches("<figure>").count(), 2);
    assert_eq!(html.matches("role=\"img\"").count(), 2);
    let trend = between(&html, "<figure>\n<figcaption>Figure 1", "</figure>");
    assert!(trend.contains("aria-labelledby=\"trend-title trend-desc\""));
    assert!(
        trend.contains("<title id=\"trend-title\">Fraud and cyber crime reports per month</title>")
    );
    assert!(trend.contains("<desc id=\"trend-desc\">Two bar charts of reports per month, by date reported. Fraud: lowest 700 in January 2017, highest 850 in March 2017."));
    assert!(trend.contains(">Fraud reports per month</text>"));
    assert!(trend.contains(">Month reported</text>"));
    assert!(trend.contains(">Reports</text>"));
    assert!(trend.contains(
        "<caption class=\"govuk-table__caption\">Reports per month, by date reported</caption>"
    ));
    assert!(trend.contains("<th scope=\"row\" class=\"govuk-table__header\">March 2017</th>"));
    let districts = between(&html, "<figure>\n<figcaption>Figure 2", "</figure>");
    assert!(districts.contains(
        "<title id=\"districts-title\">Reports per 100,000 residents by district</title>"
    ));
    assert!(districts.contains("<desc id=\"districts-desc\">"));
    assert!(districts.contains(">515.4</text>"));
    assert!(districts.contains(">Area: 478.7</text>"));
    assert!(!districts.contains("Unknown or outside the area"));
    let rates = between(districts, "<table", "</table>");
    let order: Vec<usize> = ["Leicester", "Charnwood", "Rutland", "Melton"]
        .iter()
        .map(|name| {
            rates
                .find(&format!(">{name}</th>"))
                .expect("district in table")
        })
        .collect();
    assert!(
        order.windows(2).all(|pair| pair[0] < pair[1]),
        "highest rate first"
    );
}

#[test]
fn months_spanning_a_year_boundary() {
    let mut summary = board_paper();
    summary.from = "2016-11-01".to_owned();
    summary.to = "2017-01-31".to_owned();
    summary.months = vec![
        month("2016-11", 700, 20),
        month("2016-12", 650, 18),
        month("2017-01", 720, 25),
    ];
    let markdown = beacon_report::markdown(&summary);
    assert!(markdown.contains("between 1 November 2016 and 31 January 2017 with a total loss"));
    assert!(markdown.contains("Board update for 1 November 2016 to 31 January 2017."));
    assert!(markdown.contains(
        "| November 2016 | 700 | 20 |\n| December 2016 | 650 | 18 |\n| January 2017 | 720 | 25 |\n"
    ));
    let html = beacon_report::html(&summary);
    let trend = between(&html, "id=\"trend-title\"", "</svg>");
    // Each panel names the year under its first month and under January.
    assert_eq!(trend.matches(">2016</text>").count(), 2);
    assert_eq!(trend.matches(">2017</text>").count(), 2);
    assert_eq!(trend.matches(">Dec</text>").count(), 2);
}

#[test]
fn part_months_and_whole_months_are_named() {
    let mut summary = board_paper();
    summary.from = "2017-01-15".to_owned();
    summary.to = "2017-06-10".to_owned();
    let markdown = beacon_report::markdown(&summary);
    assert!(markdown.contains("between 15 January and 10 June 2017"));
    assert!(markdown.contains("| January 2017 (part) | 700 | 20 |\n"));
    assert!(markdown.contains("| February 2017 | 760 | 25 |\n"));
    assert!(markdown.contains("| June 2017 (part) | 800 | 25 |\n"));
    summary.from = "2017-03-01".to_owned();
    summary.to = "2017-03-31".to_owned();
    let markdown = beacon_report::markdown(&summary);
    assert!(
        markdown.contains("Leicester, Leicestershire and Rutland in March 2017 with a total loss")
    );
}

#[test]
#[ignore = "writes sample output for a person to look at"]
fn write_samples() {
    let dir = std::env::var("BOARD_SAMPLES").unwrap_or_else(|_| "/tmp".to_owned());
    std::fs::write(
        format!("{dir}/board.md"),
        beacon_report::markdown(&board_paper()),
    )
    .expect("write");
    std::fs::write(
        format!("{dir}/board.html"),
        beacon_report::html(&board_paper()),
    )
    .expect("write");
}

const BOUNDARIES: &str = include_str!("../../../data/reference/llr_districts.geojson");

#[test]
fn html_with_map_includes_the_district_map_before_the_table() {
    let mut summary = board_paper();
    let first = summary
        .by_district
        .iter_mut()
        .find(|row| row.population.is_some())
        .expect("the board paper has a district with a population");
    first.district_code = Some("E06000016".to_owned());
    let name = first.name.clone();
    let html = beacon_report::html_with_map(&summary, Some(BOUNDARIES));
    assert!(html.contains("<figure class=\"district-map\">"));
    assert!(html.contains("Figure 2: reports per 100,000 residents by district."));
    assert!(html.contains("Figure 3: reports per 100,000 residents by district."));
    assert_eq!(html.matches("data-code=\"").count(), 9);
    assert!(html.contains(&format!("<title>{name}: ")));
    let map = html.find("district-map").expect("the map is there");
    let table = html
        .find("Reports by district")
        .expect("the table is there");
    assert!(map < table, "the map comes before its data table");

    let plain = beacon_report::html(&summary);
    assert!(!plain.contains("district-map"));
    assert!(!plain.contains("<figure class=\"district-map\">"));
    assert!(plain.contains("Figure 2: reports per 100,000 residents by district."));
}

#[test]
fn unparseable_boundaries_leave_the_map_out() {
    let summary = board_paper();
    let html = beacon_report::html_with_map(&summary, Some("{not geojson"));
    assert!(!html.contains("district-map"));
    assert_eq!(html, beacon_report::html(&summary));
}

/// The board paper's third figure: 960 addresses across the districts, April to
/// September 2017.
fn register_figures() -> beacon_analytics::register::RegisterFigures {
    use beacon_analytics::register::DistrictAddresses;
    let row = |code: Option<&str>, name: &str, addresses: u64| DistrictAddresses {
        district_code: code.map(str::to_owned),
        name: name.to_owned(),
        addresses,
    };
    beacon_analytics::register::RegisterFigures {
        distinct_addresses: 960,
        attributed_addresses: 960,
        by_district: vec![
            row(Some("E06000016"), "Leicester", 1_000),
            row(Some("E06000017"), "Rutland", 0),
        ],
    }
}

const REGISTER_SENTENCE: &str = "Between 1 April and 30 September 2017 there were 960 individual addresses believed to be involved in the spread or delivery of tools to assist with the delivery of cyber crime within Leicester, Leicestershire and Rutland.";

#[test]
fn register_section_states_the_figure_in_the_board_papers_words() {
    let mut figures = register_figures();
    figures.by_district[0].addresses = 960;
    let summary = cyber_period();
    let markdown = beacon_report::markdown_with_register(&summary, &figures);
    let section = between(
        &markdown,
        "## Addresses involved in cyber crime",
        "## Reports by month",
    );
    assert!(section.contains(REGISTER_SENTENCE), "{section}");
    assert!(section.contains("**Addresses by district**"), "{section}");
    assert!(section.contains("| Leicester | 960 | 100% |"), "{section}");
    assert!(section.contains("| Rutland | 0 | 0% |"), "{section}");
    assert!(
        section
            .contains("| **All of Leicester, Leicestershire and Rutland** | **960** | **100%** |"),
        "{section}"
    );
    assert!(!section.contains("add up to more"), "{section}");

    let html = beacon_report::html_with_register(&summary, &figures, None);
    assert!(
        html.contains("<h2>Addresses involved in cyber crime</h2>"),
        "{html}"
    );
    assert!(html.contains(REGISTER_SENTENCE));
    assert!(html.contains("Addresses by district"));
    let fragment = beacon_report::html_fragment_with_register(&summary, &figures, None);
    assert!(fragment.contains(REGISTER_SENTENCE));
    assert!(
        html.contains(&fragment),
        "the document's body is the fragment"
    );
}

#[test]
fn register_section_says_when_districts_overlap() {
    let markdown = beacon_report::markdown_with_register(&cyber_period(), &register_figures());
    assert!(
        markdown.contains("districts add up to more than the area's total"),
        "{markdown}"
    );
}

#[test]
fn register_section_says_plainly_when_the_register_saw_nothing() {
    let figures = beacon_analytics::register::RegisterFigures {
        distinct_addresses: 0,
        attributed_addresses: 0,
        by_district: Vec::new(),
    };
    let markdown = beacon_report::markdown_with_register(&cyber_period(), &figures);
    assert!(
        markdown.contains("The threat-address register has no addresses seen between 1 April and 30 September 2017, so there is no figure for addresses believed to be involved in the spread or delivery of tools to assist with the delivery of cyber crime within Leicester, Leicestershire and Rutland for this period."),
        "{markdown}"
    );
    assert!(!markdown.contains("Addresses by district"));
    assert!(!markdown.contains("individual addresses"));
}

#[test]
fn one_address_is_singular_and_the_update_without_figures_has_no_register_section() {
    let mut figures = register_figures();
    figures.distinct_addresses = 1;
    figures.attributed_addresses = 0;
    figures.by_district = vec![beacon_analytics::register::DistrictAddresses {
        district_code: None,
        name: "No known district".to_owned(),
        addresses: 1,
    }];
    let markdown = beacon_report::markdown_with_register(&cyber_period(), &figures);
    assert!(
        markdown.contains("there was 1 individual address believed"),
        "{markdown}"
    );
    assert!(markdown.contains("0 of them belong to a registered partner organisation"));
    let without = beacon_report::markdown(&cyber_period());
    assert!(!without.contains("Addresses involved in cyber crime"));
}

/// Advisory figures as the application layer gives them for a quarter.
fn advisory_figures() -> beacon_report::AdvisoryFigures {
    let timings = |notices, median, overdue| beacon_analytics::advisories::Timings {
        notices,
        median_days_to_fix: median,
        overdue,
        ..beacon_analytics::advisories::Timings::default()
    };
    beacon_report::AdvisoryFigures {
        sentence: "3 advisories affected 4 partners in the period; median time to fix 2.5 days; 2 overdue.".to_owned(),
        area: timings(6, Some(2.5), 2),
        by_sector: BTreeMap::from([
            ("education".to_owned(), timings(2, None, 2)),
            ("local-government".to_owned(), timings(4, Some(2.5), 0)),
        ]),
        judged_on: time::macros::date!(2017 - 09 - 30),
        judged_at_period_end: true,
    }
}

#[test]
fn advisories_section_states_the_figures_in_every_output() {
    let summary = cyber_period();
    let register = register_figures();
    let advisories = advisory_figures();
    let extras = beacon_report::BoardExtras {
        register: Some(&register),
        advisories: Some(&advisories),
        readiness: None,
        protect: None,
        ..Default::default()
    };
    let markdown = beacon_report::markdown_with(&summary, &extras);
    let section = between(&markdown, "## Partner advisories", "## Reports by month");
    assert!(section.contains(&advisories.sentence), "{section}");
    assert!(
        section.contains("at the end of the period (30 September 2017)"),
        "{section}"
    );
    assert!(
        section.contains("**Partner advisories by sector**"),
        "{section}"
    );
    assert!(section.contains("| Education | 2 | – | 2 |"), "{section}");
    assert!(
        section.contains("| Local government | 4 | 2.5 | 0 |"),
        "{section}"
    );
    assert!(
        section.contains("| **All partners** | **6** | **2.5** | **2** |"),
        "{section}"
    );
    assert!(
        markdown.find("## Addresses involved in cyber crime")
            < markdown.find("## Partner advisories"),
        "the register section comes first"
    );

    let html = beacon_report::html_with(&summary, &extras, None);
    assert!(html.contains("<h2>Partner advisories</h2>"), "{html}");
    assert!(html.contains(&advisories.sentence));
    assert!(html.contains("Partner advisories by sector"));
    let fragment = beacon_report::html_fragment_with(&summary, &extras, None);
    assert!(
        html.contains(&fragment),
        "the document's body is the fragment"
    );
}

#[test]
fn without_advisory_figures_the_update_is_as_before() {
    let summary = cyber_period();
    let register = register_figures();
    let extras = beacon_report::BoardExtras::register(&register);
    assert_eq!(
        beacon_report::markdown_with(&summary, &extras),
        beacon_report::markdown_with_register(&summary, &register)
    );
    assert!(!beacon_report::markdown_with(&summary, &extras).contains("Partner advisories"));
    assert_eq!(
        beacon_report::html_with(&summary, &extras, None),
        beacon_report::html_with_register(&summary, &register, None)
    );
}

#[test]
fn a_period_with_no_notices_says_so() {
    let mut advisories = advisory_figures();
    advisories.area = beacon_analytics::advisories::Timings::default();
    advisories.by_sector.clear();
    let extras = beacon_report::BoardExtras {
        register: None,
        advisories: Some(&advisories),
        readiness: None,
        protect: None,
        ..Default::default()
    };
    let markdown = beacon_report::markdown_with(&cyber_period(), &extras);
    let section = between(&markdown, "## Partner advisories", "## Reports by month");
    assert!(
        section.contains("No partner advisories were tracked in this period."),
        "{section}"
    );
    assert!(!section.contains("by sector"), "{section}");
}

/// Two campaigns in the period, one of them an evaluated trial with a measured effect.
fn protect_figures() -> beacon_analytics::campaigns::ProtectFigures {
    use beacon_analytics::campaigns::{CampaignLine, MeasuredEffect, ProtectFigures};
    let line = |name: &str, channel, reached, clicked, acted| CampaignLine {
        name: name.to_owned(),
        channel,
        launched_on: time::macros::date!(2017 - 08 - 14),
        finished: true,
        evaluated: false,
        recipients: reached,
        messaged: reached,
        reached,
        not_reached: 0,
        pending: 0,
        clicked,
        acted,
        unsubscribed: 1,
    };
    ProtectFigures {
        campaigns: vec![
            line("Courier | fraud trial", beacon_core::Channel::Email, 800, 96, 40),
            line("Text reminders", beacon_core::Channel::Sms, 200, 4, 2),
        ],
        effects: vec![MeasuredEffect {
            campaign: "Courier | fraud trial".to_owned(),
            outcome: "said they had acted on the advice".to_owned(),
            sentence: "Courier | fraud trial: 6.0% of those sent the new advice said they had acted, against 4.0% of the control arm: a difference of 2.0 points (95% CI −1.0 to 5.0; p = 0.210).".to_owned(),
            significant: false,
        }],
    }
}

#[test]
fn protect_section_states_the_campaigns_in_every_output() {
    let summary = cyber_period();
    let register = register_figures();
    let protect = protect_figures();
    let extras = beacon_report::BoardExtras {
        register: Some(&register),
        advisories: None,
        readiness: None,
        protect: Some(&protect),
        ..Default::default()
    };
    let markdown = beacon_report::markdown_with(&summary, &extras);
    let section = between(&markdown, "## Protect campaigns", "## Reports by month");
    assert!(
        section.contains("2 campaigns were run in the period, reaching 1,000 people by email and text message; 100 people followed the link (10.0%) and 42 said they had acted on the advice."),
        "{section}"
    );
    assert!(
        section.contains(
            "| Courier \\| fraud trial | Email | 14 August 2017 | 800 | 12.0% | 40 | 1 |"
        ),
        "{section}"
    );
    assert!(
        section.contains("p = 0.210). The difference is not statistically significant"),
        "{section}"
    );
    let html = beacon_report::html_with(&summary, &extras, None);
    assert!(html.contains("<h2>Protect campaigns</h2>"), "{html}");
    assert!(html.contains("Protect campaigns launched in the period"));
    assert!(html.contains(">Text reminders</th>"));
    let fragment = beacon_report::html_fragment_with(&summary, &extras, None);
    assert!(
        html.contains(&fragment),
        "the document's body is the fragment"
    );
    assert!(
        fragment.find("<h2>Protect campaigns</h2>") < fragment.find("<h2>Reports by month</h2>")
    );
}

#[test]
fn without_protect_figures_there_is_no_protect_section() {
    let summary = cyber_period();
    let register = register_figures();
    let extras = beacon_report::BoardExtras::register(&register);
    assert!(!beacon_report::markdown_with(&summary, &extras).contains("Protect campaigns"));
    assert!(!beacon_report::html_with(&summary, &extras, None).contains("Protect campaigns"));
    assert!(!beacon_report::markdown(&summary).contains("Protect campaigns"));
}

/// The victim-care and Cyber Choices sections come after the others, in the same words
/// in the Markdown and the HTML, and are left out when no figures are given.
#[test]
fn victim_care_and_cyber_choices_have_their_sections() {
    let care = beacon_analytics::care::CareFigures {
        triaged: 10,
        by_level: [6, 2, 1, 1],
        contacted: 2,
        reached_in_time: 1,
        due_contact: 4,
        median_hours_to_contact: Some(30),
        referrals: 1,
        repeat: 2,
    };
    let prevent = beacon_analytics::prevent::PreventFigures {
        referrals: 3,
        ..Default::default()
    };
    let extras = beacon_report::BoardExtras {
        care: Some(&care),
        prevent: Some(&prevent),
        ..Default::default()
    };
    let summary = cyber_period();
    let markdown = beacon_report::markdown_with(&summary, &extras);
    let section = between(&markdown, "## Victim care", "## Cyber Choices");
    assert!(
        section.contains("10 victims of fraud reported in the period were triaged for support"),
        "{section}"
    );
    assert!(section.contains("the median time from the report to first contact was 30 hours"));
    assert!(section.contains("20% of the victims triaged were repeat victims"));
    let section = between(&markdown, "## Cyber Choices", "## Reports by month");
    assert!(
        section.contains("3 people were referred to Cyber Choices"),
        "{section}"
    );
    let html = beacon_report::html_fragment_with(&summary, &extras, None);
    assert!(html.contains("<h2>Victim care</h2>"), "{html}");
    assert!(html.contains("<h2>Cyber Choices</h2>"));
    assert!(html.contains("1 safeguarding referral was made"));
    let without = beacon_report::markdown_with(&summary, &beacon_report::BoardExtras::default());
    assert!(!without.contains("## Businesses"));
    assert!(!without.contains("## Victim care"));
    assert!(!without.contains("## Cyber Choices"));
}

/// The businesses section: the reach in words and the reporting gap's table, escaped, in
/// the Markdown and the HTML.
#[test]
fn businesses_have_their_section_with_the_reporting_gap() {
    use beacon_analytics::engagement::{BusinessFigures, GapRow, ReachFigures};
    let business = BusinessFigures {
        reach: ReachFigures {
            businesses: 2,
            engagements: 3,
            by_how: vec![("visit".into(), 2), ("front_door_report".into(), 1)],
            more_than_once: 1,
            sustained: 1,
            ..Default::default()
        },
        gap: vec![GapRow {
            sector: "<retail>".into(),
            front_door: 1,
            action_fraud: 4,
        }],
    };
    let extras = beacon_report::BoardExtras {
        business: Some(&business),
        ..Default::default()
    };
    let summary = cyber_period();
    let markdown = beacon_report::markdown_with(&summary, &extras);
    let section = between(&markdown, "## Businesses", "## Reports by month");
    assert!(
        section.contains(
            "The partnership reached 2 businesses in the period (2 visits and 1 front-door report)"
        ),
        "{section}"
    );
    assert!(section.contains("| 1 | 4 | 25.0 |"), "{section}");
    let html = beacon_report::html_fragment_with(&summary, &extras, None);
    assert!(html.contains("<h2>Businesses</h2>"), "{html}");
    assert!(
        html.contains("&lt;retail&gt;") || html.contains("&#60;retail&#62;"),
        "{html}"
    );
    assert!(!html.contains("<retail>"));
}
