//! Cyber Choices' measure: was the person contacted within 5 working days of the full
//! referral? And the summary of it over many referrals, for the list page and the board.
//!
//! Pure: the caller passes each referral's recorded stages, the working calendar and
//! today's date.

use beacon_core::prevent::{
    CONTACT_WITHIN_WORKING_DAYS, RecordedStep, Step, WorkingCalendar, stage_of,
};
use serde::Serialize;
use time::Date;

/// Where a referral stands against the contact measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactStatus {
    /// Contacted on or before the due day.
    Met,
    /// Contacted, after the due day.
    Late,
    /// Not contacted, the due day has passed and the referral is open.
    Overdue,
    /// Not contacted, and not yet due.
    Pending,
    /// Closed without any contact recorded.
    NotContacted,
}

impl ContactStatus {
    /// How pages say it.
    pub fn label(self) -> &'static str {
        match self {
            ContactStatus::Met => "Contacted in time",
            ContactStatus::Late => "Contacted late",
            ContactStatus::Overdue => "Contact overdue",
            ContactStatus::Pending => "Contact due",
            ContactStatus::NotContacted => "Closed without contact",
        }
    }
}

/// One referral against the measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ContactMeasure {
    /// The day of the full referral.
    pub referred_on: Date,
    /// The last day contact counts as in time: 5 working days after the full referral.
    pub due: Date,
    /// The first contact (or, with none recorded, the first meeting).
    pub contacted_on: Option<Date>,
    /// Working days from the full referral to that contact.
    pub working_days: Option<u32>,
    /// Where it stands.
    pub status: ContactStatus,
}

/// A referral against the measure, as of `today`; `None` before its full referral (there
/// is nobody to contact yet).
pub fn contact_measure(
    recorded: &[RecordedStep],
    calendar: &WorkingCalendar,
    today: Date,
) -> Option<ContactMeasure> {
    let on = |step: Step| {
        recorded
            .iter()
            .find(|done| done.step == step)
            .map(|done| done.on)
    };
    let referred_on = on(Step::FullReferral)?;
    let due = calendar.add_working_days(referred_on, CONTACT_WITHIN_WORKING_DAYS);
    let contacted_on = match (on(Step::Contact), on(Step::Meeting)) {
        (Some(contact), Some(meeting)) => Some(contact.min(meeting)),
        (contact, meeting) => contact.or(meeting),
    };
    let closed = stage_of(recorded).is_some_and(|(_, closed)| closed);
    let status = match contacted_on {
        Some(day) if day <= due => ContactStatus::Met,
        Some(_) => ContactStatus::Late,
        None if closed => ContactStatus::NotContacted,
        None if today > due => ContactStatus::Overdue,
        None => ContactStatus::Pending,
    };
    Some(ContactMeasure {
        referred_on,
        due,
        contacted_on,
        working_days: contacted_on.map(|day| calendar.working_days_between(referred_on, day)),
        status,
    })
}

/// The measure over many referrals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ContactSummary {
    /// Referrals with a full referral.
    pub full_referrals: u64,
    /// Contacted in time.
    pub met: u64,
    /// Contacted late.
    pub late: u64,
    /// Not contacted and overdue.
    pub overdue: u64,
    /// Not contacted, not yet due.
    pub pending: u64,
    /// Closed without contact.
    pub not_contacted: u64,
}

impl ContactSummary {
    /// Adds one referral's measure.
    pub fn add(&mut self, measure: &ContactMeasure) {
        self.full_referrals += 1;
        match measure.status {
            ContactStatus::Met => self.met += 1,
            ContactStatus::Late => self.late += 1,
            ContactStatus::Overdue => self.overdue += 1,
            ContactStatus::Pending => self.pending += 1,
            ContactStatus::NotContacted => self.not_contacted += 1,
        }
    }

    /// The share contacted in time, in whole per cent, of those whose time is up (all
    /// but the pending); `None` when none is.
    pub fn met_percent(&self) -> Option<u64> {
        let decided = self.full_referrals - self.pending;
        (decided > 0).then(|| (self.met * 100 + decided / 2) / decided)
    }
}

/// What the board update says of Cyber Choices in a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PreventFigures {
    /// Referrals whose anonymised summary arrived in the period.
    pub referrals: u64,
    /// Full referrals received in the period, against the contact measure (as of the
    /// period's last day).
    pub contact: ContactSummary,
    /// Referrals closed in the period having completed the diversion plan.
    pub completed: u64,
    /// Referrals closed in the period any other way (not suitable, stopped, referred on,
    /// passed to the police).
    pub closed_otherwise: u64,
}

/// The figures of a period `(from, to)` (both days in it) over every referral's stages.
pub fn prevent_figures(
    referrals: &[Vec<RecordedStep>],
    calendar: &WorkingCalendar,
    (from, to): (Date, Date),
) -> PreventFigures {
    let within = |day: Date| day >= from && day <= to;
    let mut figures = PreventFigures::default();
    for steps in referrals {
        if steps
            .iter()
            .any(|s| s.step == Step::Summary && within(s.on))
        {
            figures.referrals += 1;
        }
        if let Some(measure) = contact_measure(steps, calendar, to)
            && within(measure.referred_on)
        {
            figures.contact.add(&measure);
        }
        for step in steps.iter().filter(|s| within(s.on)) {
            match (step.step, step.result.as_str()) {
                (Step::Outcome, "completed") => figures.completed += 1,
                (Step::Outcome, _) | (Step::Suitability, "not_suitable") => {
                    figures.closed_otherwise += 1;
                }
                _ => {}
            }
        }
    }
    figures
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn at(step: Step, on: Date, result: &str) -> RecordedStep {
        RecordedStep {
            step,
            on,
            result: result.into(),
        }
    }

    fn opened(full: Date) -> Vec<RecordedStep> {
        vec![
            at(Step::Summary, date!(2019 - 12 - 01), ""),
            at(Step::Suitability, date!(2019 - 12 - 02), "suitable"),
            at(Step::FullReferral, full, ""),
        ]
    }

    #[test]
    fn contact_is_counted_in_working_days() {
        let calendar = WorkingCalendar::new([date!(2019 - 12 - 25), date!(2019 - 12 - 26)]);
        let today = date!(2020 - 01 - 31);
        // Full referral Friday 20 December: due Tuesday 31 December.
        let mut steps = opened(date!(2019 - 12 - 20));
        steps.push(at(Step::Contact, date!(2019 - 12 - 31), ""));
        let measure = contact_measure(&steps, &calendar, today).expect("a measure");
        assert_eq!(measure.due, date!(2019 - 12 - 31));
        assert_eq!(measure.working_days, Some(5));
        assert_eq!(measure.status, ContactStatus::Met);
        // A meeting the next working day is late, and it counts when no contact is.
        let mut steps = opened(date!(2019 - 12 - 20));
        steps.push(at(Step::Meeting, date!(2020 - 01 - 02), ""));
        let measure = contact_measure(&steps, &calendar, today).expect("a measure");
        assert_eq!(measure.contacted_on, Some(date!(2020 - 01 - 02)));
        assert_eq!(measure.working_days, Some(7));
        assert_eq!(measure.status, ContactStatus::Late);
    }

    #[test]
    fn no_contact_is_pending_then_overdue_or_closed() {
        let calendar = WorkingCalendar::default();
        let steps = opened(date!(2019 - 12 - 02));
        let status = |today| contact_measure(&steps, &calendar, today).map(|m| m.status);
        assert_eq!(status(date!(2019 - 12 - 09)), Some(ContactStatus::Pending));
        assert_eq!(status(date!(2019 - 12 - 10)), Some(ContactStatus::Overdue));
        let mut closed = steps.clone();
        closed.push(at(Step::Outcome, date!(2019 - 12 - 20), "disengaged"));
        assert_eq!(
            contact_measure(&closed, &calendar, date!(2019 - 12 - 31)).map(|m| m.status),
            Some(ContactStatus::NotContacted)
        );
        // Before the full referral there is nobody to contact.
        assert_eq!(
            contact_measure(&steps[..2], &calendar, date!(2019 - 12 - 31)),
            None
        );
    }

    #[test]
    fn the_share_leaves_out_those_not_yet_due() {
        let mut summary = ContactSummary::default();
        let measure = |status| ContactMeasure {
            referred_on: date!(2019 - 12 - 02),
            due: date!(2019 - 12 - 09),
            contacted_on: None,
            working_days: None,
            status,
        };
        for status in [
            ContactStatus::Met,
            ContactStatus::Met,
            ContactStatus::Late,
            ContactStatus::Pending,
        ] {
            summary.add(&measure(status));
        }
        assert_eq!(summary.full_referrals, 4);
        // 2 of the 3 whose time is up: 67%.
        assert_eq!(summary.met_percent(), Some(67));
        assert_eq!(ContactSummary::default().met_percent(), None);
    }
}
