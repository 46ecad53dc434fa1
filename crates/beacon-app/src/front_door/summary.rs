//! The Action Fraud-ready summary: the answers as plain labelled lines a reporter can
//! copy into Action Fraud's form or read out on the phone, with how to report.
//!
//! **Invariant:** plain text only, the reporter's own words exactly as given (pages
//! escape it when they show it); nothing here is stored.

use super::answers::{Loss, Place, Report, size_label};
use time::Date;

/// Action Fraud's phone number.
pub const ACTION_FRAUD_PHONE: &str = "0300 123 2040";
/// Action Fraud's website.
pub const ACTION_FRAUD_WEBSITE: &str = "https://www.actionfraud.police.uk";

/// A date in words, e.g. `3 December 2026`.
pub fn date_words(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

/// The summary of a report, prepared on `today`; `reference` when a local record was
/// kept.
pub fn summary(report: &Report, area_name: &str, today: Date, reference: Option<&str>) -> String {
    let mut lines = vec![
        "Summary of a fraud or cyber crime, to report to Action Fraud".to_owned(),
        format!(
            "Prepared on {} with the {area_name} cyber crime and fraud partnership's report form.",
            date_words(today)
        ),
    ];
    if let Some(reference) = reference {
        lines.push(format!("Local reference: {reference}"));
    }
    lines.push(String::new());
    lines.push(format!("Reporting as: {}", report.reporter.label()));
    lines.push(format!("What happened: {}", report.what.label()));
    lines.push(format!(
        "When it happened: {}",
        report
            .occurred_on
            .map_or_else(|| "Not sure".to_owned(), date_words)
    ));
    lines.push(format!(
        "Money lost: {}",
        match report.loss {
            Loss::Amount(pence) => pence.to_string(),
            Loss::Nothing => "None".to_owned(),
            Loss::NotSure => "Not sure".to_owned(),
        }
    ));
    lines.push(format!(
        "How they first made contact: {}",
        report.contact.label()
    ));
    if let Some(size) = report.size {
        lines.push(format!("Business size: {}", size_label(size)));
    }
    if let Some(sector) = report.sector {
        lines.push(format!("Business sector: {}", sector.label()));
    }
    lines.push(format!("Where: {}", place_words(&report.place, area_name)));
    if !report.description.is_empty() {
        lines.push("In my own words:".to_owned());
        lines.extend(report.description.lines().map(str::to_owned));
    }
    lines.push(String::new());
    lines.push("How to report this to Action Fraud".to_owned());
    lines.push(format!(
        "Report online at {ACTION_FRAUD_WEBSITE} or call Action Fraud on {ACTION_FRAUD_PHONE}."
    ));
    lines.push(
        "This summary is not a report to Action Fraud: you still need to report it to them."
            .to_owned(),
    );
    lines.push("If you have lost money, call your bank on 159 straight away.".to_owned());
    lines.push("If you are in immediate danger call 999.".to_owned());
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// Where, in words.
pub fn place_words(place: &Place, area_name: &str) -> String {
    match place {
        Place::District(_, name) => name.clone(),
        Place::Outside => format!("Outside {area_name}"),
        Place::NotSure => "Not sure".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::Pence;
    use beacon_core::front_door::{BusinessSector, ContactMethod, ReporterKind, WhatHappened};
    use time::macros::date;

    fn report() -> Report {
        Report {
            reporter: ReporterKind::Business,
            what: WhatHappened::InvoiceFraud,
            occurred_on: Some(date!(2026 - 12 - 03)),
            loss: Loss::Amount(Pence(125_050)),
            contact: ContactMethod::Email,
            size: Some(beacon_core::OrgSize::Small),
            sector: Some(BusinessSector::Retail),
            place: Place::District("E06000016".into(), "Leicester".into()),
            description: "They said <script>alert(1)</script>\nthen rang".into(),
        }
    }

    #[test]
    fn the_summary_has_every_answer_and_how_to_report() {
        let text = summary(&report(), "LLR", date!(2026 - 12 - 06), Some("LR-346Y3QBC"));
        for line in [
            "Local reference: LR-346Y3QBC",
            "Reporting as: A business, charity or other organisation",
            "When it happened: 3 December 2026",
            "Money lost: £1,250.50",
            "How they first made contact: An email",
            "Business size: 10 to 49 staff",
            "Business sector: Retail",
            "Where: Leicester",
            "They said <script>alert(1)</script>",
            "then rang",
            "call Action Fraud on 0300 123 2040",
            "https://www.actionfraud.police.uk",
            "If you are in immediate danger call 999.",
        ] {
            assert!(text.contains(line), "{line} in {text}");
        }
    }

    #[test]
    fn a_summary_without_a_record_has_no_reference() {
        let plain = Report {
            description: String::new(),
            occurred_on: None,
            loss: Loss::NotSure,
            place: Place::Outside,
            ..report()
        };
        let text = summary(&plain, "LLR", date!(2026 - 12 - 06), None);
        assert!(!text.contains("Local reference"));
        assert!(!text.contains("In my own words"));
        assert!(text.contains("When it happened: Not sure"));
        assert!(text.contains("Money lost: Not sure"));
        assert!(text.contains("Where: Outside LLR"));
    }
}
