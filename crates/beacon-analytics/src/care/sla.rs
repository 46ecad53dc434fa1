//! A case's service level: was the victim first reached within the level's time? Pure:
//! the caller says what time it is, so the timers can be tested with a fake clock.

use serde::Serialize;
use time::OffsetDateTime;

/// Where a case stands against its service level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaStatus {
    /// Not reached yet, and still in time.
    Pending,
    /// Not reached, and the time has passed: a breach.
    Overdue,
    /// Reached in time.
    Met,
    /// Reached, but after the time: a breach.
    MetLate,
}

impl SlaStatus {
    /// Whether the service level was (or is being) missed.
    pub fn is_breach(self) -> bool {
        matches!(self, SlaStatus::Overdue | SlaStatus::MetLate)
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            SlaStatus::Pending => "Waiting for first contact, in time",
            SlaStatus::Overdue => "First contact overdue",
            SlaStatus::Met => "First contact made in time",
            SlaStatus::MetLate => "First contact made late",
        }
    }
}

/// A case's timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sla {
    /// When first contact was due.
    #[serde(with = "time::serde::rfc3339")]
    pub due: OffsetDateTime,
    /// When the victim was first reached, if they have been.
    #[serde(with = "time::serde::rfc3339::option")]
    pub first_contact: Option<OffsetDateTime>,
    /// Where it stands at the moment asked.
    pub status: SlaStatus,
}

/// The timer of a case due at `due`, whose successful contacts were at `reached` (any
/// order), as it stands at `now`.
pub fn sla(due: OffsetDateTime, reached: &[OffsetDateTime], now: OffsetDateTime) -> Sla {
    let first_contact = reached.iter().copied().filter(|at| *at <= now).min();
    let status = match first_contact {
        Some(at) if at <= due => SlaStatus::Met,
        Some(_) => SlaStatus::MetLate,
        None if now > due => SlaStatus::Overdue,
        None => SlaStatus::Pending,
    };
    Sla {
        due,
        first_contact,
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const DUE: OffsetDateTime = datetime!(2026-11-21 12:00 UTC);

    #[test]
    fn the_timer_runs_on_a_fake_clock() {
        let before = datetime!(2026-11-21 11:59 UTC);
        let after = datetime!(2026-11-21 12:01 UTC);
        assert_eq!(sla(DUE, &[], before).status, SlaStatus::Pending);
        assert_eq!(sla(DUE, &[], DUE).status, SlaStatus::Pending);
        assert_eq!(sla(DUE, &[], after).status, SlaStatus::Overdue);
        // Reached on the minute it was due: in time.
        assert_eq!(sla(DUE, &[DUE], after).status, SlaStatus::Met);
        let late = sla(
            DUE,
            &[after, datetime!(2026-11-22 09:00 UTC)],
            datetime!(2026-11-23 00:00 UTC),
        );
        assert_eq!(
            (late.status, late.first_contact),
            (SlaStatus::MetLate, Some(after))
        );
        assert!(late.status.is_breach() && SlaStatus::Overdue.is_breach());
        // A contact recorded after `now` does not count yet.
        assert_eq!(sla(DUE, &[after], before).status, SlaStatus::Pending);
    }
}
