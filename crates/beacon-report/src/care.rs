//! The board update's victim-care and Cyber Choices sections: how many victims were
//! triaged and at which level, how many were contacted, how soon and how many within
//! their service time, the safeguarding referrals and the repeat-victimisation rate;
//! then the period's Cyber Choices referrals, the contact-within-5-working-days measure
//! and how referrals ended.
//!
//! **Invariant:** pure, like the rest of the crate: the figures arrive computed; this
//! module only words them, once, for both the Markdown and the HTML.

use crate::wording;
use beacon_analytics::care::CareFigures;
use beacon_analytics::prevent::PreventFigures;
use beacon_core::care::CareLevel;

/// The victim-care section's heading.
pub const CARE_HEADING: &str = "Victim care";

/// The Cyber Choices section's heading.
pub const PREVENT_HEADING: &str = "Cyber Choices";

/// "1 victim", "36 victims".
fn victims(count: u64) -> String {
    let noun = if count == 1 { "victim" } else { "victims" };
    format!("{} {noun}", wording::count(count))
}

/// Hours in words: "34 hours", "1 hour", and days from 48 hours on ("3 days").
fn hours(value: u64) -> String {
    match value {
        1 => "1 hour".to_owned(),
        0..48 => format!("{value} hours"),
        _ => format!("{} days", wording::count(value / 24)),
    }
}

/// The victim-care paragraphs.
pub(crate) fn care_paragraphs(figures: &CareFigures) -> Vec<String> {
    let levels: Vec<String> = (1..=4u8)
        .rev()
        .filter_map(|number| {
            let level = CareLevel::from_number(number)?;
            let count = figures.by_level[usize::from(number - 1)];
            Some(format!(
                "{} at level {number} ({})",
                wording::count(count),
                level.label().to_lowercase()
            ))
        })
        .collect();
    let (last, init) = levels
        .split_last()
        .map_or((String::new(), &[][..]), |(last, init)| {
            (last.clone(), init)
        });
    let mut paragraphs = vec![format!(
        "{} of fraud reported in the period were triaged for support: {} and {last}.",
        victims(figures.triaged),
        init.join(", ")
    )];
    paragraphs.push(match (figures.contacted, figures.median_hours_to_contact) {
        (0, _) | (_, None) => format!(
            "None of the {} due a call or visit has been recorded as contacted yet.",
            wording::count(figures.due_contact)
        ),
        (contacted, Some(median)) => format!(
            "{} {} contacted; the median time from the report to first contact was {}, and {} of the {} {} reached within their level's service time.",
            victims(contacted),
            if contacted == 1 { "was" } else { "were" },
            hours(median),
            wording::count(figures.reached_in_time),
            wording::count(contacted),
            if contacted == 1 { "was" } else { "were" },
        ),
    });
    let referrals = match figures.referrals {
        0 => "No safeguarding referral was made".to_owned(),
        1 => "1 safeguarding referral was made".to_owned(),
        n => format!("{} safeguarding referrals were made", wording::count(n)),
    };
    let repeat = figures.repeat_percent().map_or_else(String::new, |percent| {
        format!(
            "; {percent}% of the victims triaged were repeat victims (they said so, or had reported in the 12 months before)"
        )
    });
    paragraphs.push(format!("{referrals}{repeat}."));
    paragraphs
}

/// The Cyber Choices paragraphs.
pub(crate) fn prevent_paragraphs(figures: &PreventFigures) -> Vec<String> {
    let referred = match figures.referrals {
        0 => "Nobody was referred to Cyber Choices, the cyber prevent programme, in the period."
            .to_owned(),
        1 => "1 person was referred to Cyber Choices, the cyber prevent programme, in the period."
            .to_owned(),
        n => format!(
            "{} people were referred to Cyber Choices, the cyber prevent programme, in the period.",
            wording::count(n)
        ),
    };
    let contact = &figures.contact;
    let measured = match contact.met_percent() {
        None if contact.full_referrals == 0 => "No full referral was received.".to_owned(),
        None => format!(
            "{} full referrals were received; none was yet due first contact.",
            wording::count(contact.full_referrals)
        ),
        Some(percent) => format!(
            "Of the {} full referrals whose 5 working days were up, {} {} contacted in time ({percent}%).",
            wording::count(contact.full_referrals - contact.pending),
            wording::count(contact.met),
            if contact.met == 1 { "was" } else { "were" },
        ),
    };
    let ended = format!(
        "{} completed a diversion plan and {} {} closed otherwise (not suitable, stopped taking part, referred on or passed to the police).",
        wording::count(figures.completed),
        wording::count(figures.closed_otherwise),
        if figures.closed_otherwise == 1 {
            "referral was"
        } else {
            "referrals were"
        },
    );
    vec![referred, measured, ended]
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_analytics::prevent::ContactSummary;

    #[test]
    fn the_sections_say_the_figures_in_words() {
        let care = CareFigures {
            triaged: 2_288,
            by_level: [1_784, 252, 216, 36],
            contacted: 4,
            reached_in_time: 3,
            due_contact: 504,
            median_hours_to_contact: Some(34),
            referrals: 3,
            repeat: 229,
        };
        assert_eq!(
            care_paragraphs(&care),
            [
                "2,288 victims of fraud reported in the period were triaged for support: 36 at level 4 (face-to-face by the local force), 216 at level 3 (vulnerable: contact by phone), 252 at level 2 (contact by phone) and 1,784 at level 1 (automated advice).",
                "4 victims were contacted; the median time from the report to first contact was 34 hours, and 3 of the 4 were reached within their level's service time.",
                "3 safeguarding referrals were made; 10% of the victims triaged were repeat victims (they said so, or had reported in the 12 months before).",
            ]
        );
        let nobody = CareFigures {
            contacted: 0,
            median_hours_to_contact: None,
            referrals: 1,
            ..care
        };
        assert_eq!(
            care_paragraphs(&nobody)[1],
            "None of the 504 due a call or visit has been recorded as contacted yet."
        );
        assert!(care_paragraphs(&nobody)[2].starts_with("1 safeguarding referral was made;"));
        assert_eq!(hours(80), "3 days");

        let prevent = PreventFigures {
            referrals: 9,
            contact: ContactSummary {
                full_referrals: 6,
                met: 3,
                late: 1,
                overdue: 1,
                pending: 0,
                not_contacted: 1,
            },
            completed: 1,
            closed_otherwise: 3,
        };
        assert_eq!(
            prevent_paragraphs(&prevent),
            [
                "9 people were referred to Cyber Choices, the cyber prevent programme, in the period.",
                "Of the 6 full referrals whose 5 working days were up, 3 were contacted in time (50%).",
                "1 completed a diversion plan and 3 referrals were closed otherwise (not suitable, stopped taking part, referred on or passed to the police).",
            ]
        );
    }
}
