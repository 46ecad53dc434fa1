//! Who sees which exercises and results, and what the area's pages share: the viewer's
//! scope, the answer a readiness refusal gets, the area's links, times typed in UK local
//! time, and the audit of what the pages change.
//!
//! **Invariant:** a partner's reads name its organisation to the application layer, which
//! returns only that organisation's runs, injects, responses and debrief; a run it does
//! not play in is "not found". The organisation a partner acts for comes from its
//! account, never from a form.

use crate::auth::Viewer;
use crate::chrome::error::{WebError, WebResult};
use crate::chrome::forms::Problem;
use beacon_app::readiness::ReadinessError;
use beacon_core::Permission;
use beacon_store::{AuditEvent, Store, StoreResult};
use std::sync::LazyLock;
use time::{Date, OffsetDateTime};

/// The message for a partner account not linked to an organisation.
pub const NOT_LINKED: &str =
    "Your account is not linked to an organisation yet; ask the partnership coordinator to link it";

/// The most runs a page or API answer lists (newest first).
pub const LIST_LIMIT: usize = 500;

/// Whose exercises a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every run and every player (coordinators and analysts).
    All,
    /// Only the runs this organisation plays in, and only its own part of them.
    Own(i64),
}

impl Scope {
    /// The viewer's scope: every organisation's for roles that see readiness results, its
    /// own for a partner IT manager linked to one.
    ///
    /// # Errors
    /// [`WebError::Forbidden`] for roles that see neither; a bad request for a partner
    /// account not linked to an organisation.
    pub fn of(viewer: &Viewer) -> WebResult<Scope> {
        if viewer.may(Permission::ViewReadiness) {
            return Ok(Scope::All);
        }
        if viewer.may(Permission::ViewOwnOrganisation) {
            return viewer
                .user
                .organisation_id
                .map(Scope::Own)
                .ok_or_else(|| WebError::BadRequest(NOT_LINKED.into()));
        }
        viewer.require(Permission::ViewReadiness)?;
        Err(WebError::Forbidden)
    }

    /// The organisation the viewer is confined to, if any.
    pub fn organisation(self) -> Option<i64> {
        match self {
            Scope::All => None,
            Scope::Own(id) => Some(id),
        }
    }

    /// Whether the viewer sees every organisation.
    pub fn is_staff(self) -> bool {
        self == Scope::All
    }
}

/// A readiness refusal as a request's failure: "not found" for what the viewer may not
/// see, a bad request listing every problem, or the store's failure.
pub fn refused(error: ReadinessError) -> WebError {
    match error {
        ReadinessError::Store(error) => WebError::Store(error),
        ReadinessError::NotFound(_) => WebError::NotFound,
        ReadinessError::Invalid(problems) => WebError::BadRequest(problems.join("; ")),
    }
}

/// The problems of a refused form, each tied to `field` (the application layer names
/// no fields); anything but a refusal of what was given is the request's failure.
///
/// # Errors
/// The error itself when it is not [`ReadinessError::Invalid`].
pub fn problems_of(error: ReadinessError, field: &str) -> WebResult<Vec<Problem>> {
    match error {
        ReadinessError::Invalid(problems) => Ok(problems
            .into_iter()
            .map(|message| Problem::new(field, capitalised(&message)))
            .collect()),
        other => Err(refused(other)),
    }
}

/// A message with its first letter made a capital, as error summaries write them.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Writes an audit event for something a readiness page changed.
///
/// # Errors
/// When the store cannot record it.
pub fn audit(
    store: &mut dyn Store,
    actor: &str,
    action: &str,
    subject: String,
    detail: String,
) -> StoreResult<()> {
    store.audit(&AuditEvent {
        actor: actor.to_owned(),
        action: action.to_owned(),
        subject,
        detail,
    })
}

/// The area's own links for a viewer, as its pages show them above their heading.
pub fn area_links(viewer: &Viewer) -> Vec<(&'static str, &'static str)> {
    let mut links = Vec::new();
    if viewer.may(Permission::ViewReadiness) || viewer.user.organisation_id.is_some() {
        links.push(("/exercises", "Exercises"));
    }
    if viewer.may(Permission::ViewReadiness) {
        links.push(("/exercises/library", "Scenario library"));
    }
    if viewer.may(Permission::ManageReadiness) {
        links.push(("/exercises/new", "Start an exercise"));
    }
    if viewer.may(Permission::SelfAssess) && viewer.user.organisation_id.is_some() {
        links.push(("/assessment", "Self-assessment"));
        links.push(("/assessment/results", "Your results"));
    }
    if viewer.may(Permission::ViewReadiness) {
        links.push(("/assessment/summary", "Assessment summary"));
    }
    links
}

/// Europe/London from the time-zone database bundled into the binary, as the display
/// formats use it: what people type is UK local time.
static LONDON: LazyLock<Option<jiff::tz::TimeZone>> =
    LazyLock::new(|| jiff::tz::db().get("Europe/London").ok());

/// A UK local date and time as a moment (in the hour the clocks change, the earlier
/// reading); UTC if the time zone is unavailable. `None` for a time that is not real.
pub fn local_moment(day: Date, hour: u8, minute: u8) -> Option<OffsetDateTime> {
    let civil = jiff::civil::DateTime::new(
        i16::try_from(day.year()).ok()?,
        i8::try_from(u8::from(day.month())).ok()?,
        i8::try_from(day.day()).ok()?,
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        0,
        0,
    )
    .ok()?;
    let seconds = match LONDON.as_ref() {
        Some(zone) => civil.to_zoned(zone.clone()).ok()?.timestamp().as_second(),
        None => civil
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()?
            .timestamp()
            .as_second(),
    };
    OffsetDateTime::from_unix_timestamp(seconds).ok()
}

/// A moment's UK local date, hour and minute (UTC if the time zone is unavailable), for
/// filling in a form.
pub fn local_parts(moment: OffsetDateTime) -> (Date, u8, u8) {
    let utc = moment.to_offset(time::UtcOffset::UTC);
    let fallback = (utc.date(), utc.hour(), utc.minute());
    let Some(zone) = LONDON.as_ref() else {
        return fallback;
    };
    let Ok(timestamp) = jiff::Timestamp::from_second(moment.unix_timestamp()) else {
        return fallback;
    };
    let local = timestamp.to_zoned(zone.clone());
    let day = u8::try_from(local.month())
        .ok()
        .and_then(|month| time::Month::try_from(month).ok())
        .zip(u8::try_from(local.day()).ok())
        .and_then(|(month, day)| {
            Date::from_calendar_date(i32::from(local.year()), month, day).ok()
        });
    match (
        day,
        u8::try_from(local.hour()),
        u8::try_from(local.minute()),
    ) {
        (Some(day), Ok(hour), Ok(minute)) => (day, hour, minute),
        _ => fallback,
    }
}

/// Reads a time of day as people type it on the 24-hour clock: `9:30`, `09:30`, `9.30`
/// or `0930`; `None` for anything else.
pub fn parse_clock(text: &str) -> Option<(u8, u8)> {
    let text = text.trim();
    let (hour, minute) = match text.split_once([':', '.']) {
        Some(parts) => parts,
        None if text.len() == 4 => text.split_at(2),
        None => return None,
    };
    if hour.is_empty() || hour.len() > 2 || minute.len() != 2 {
        return None;
    }
    let hour: u8 = hour.parse().ok()?;
    let minute: u8 = minute.parse().ok()?;
    (hour < 24 && minute < 60).then_some((hour, minute))
}

/// A time of day as the forms fill it in: `09:30`.
pub fn clock_text(hour: u8, minute: u8) -> String {
    format!("{hour:02}:{minute:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn typed_times_are_read_on_the_24_hour_clock() {
        assert_eq!(parse_clock("9:30"), Some((9, 30)));
        assert_eq!(parse_clock("09.05"), Some((9, 5)));
        assert_eq!(parse_clock("2359"), Some((23, 59)));
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(parse_clock("9:3"), None);
        assert_eq!(parse_clock("half nine"), None);
        assert_eq!(parse_clock(""), None);
    }

    #[test]
    fn typed_times_are_uk_local_time() {
        // Winter: GMT.
        assert_eq!(
            local_moment(date!(2026 - 01 - 15), 10, 0),
            Some(datetime!(2026-01-15 10:00 UTC))
        );
        // Summer: BST, an hour ahead of UTC.
        assert_eq!(
            local_moment(date!(2026 - 07 - 15), 10, 0),
            Some(datetime!(2026-07-15 09:00 UTC))
        );
        assert_eq!(
            local_parts(datetime!(2026-07-15 09:00 UTC)),
            (date!(2026 - 07 - 15), 10, 0)
        );
    }

    #[test]
    fn messages_start_with_a_capital() {
        assert_eq!(capitalised("choose one"), "Choose one");
        assert_eq!(capitalised(""), "");
    }
}
