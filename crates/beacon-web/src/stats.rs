//! The statistics pages' data: which period a page shows, and summaries cached until
//! the stored reports change.
//!
//! A summary over a year of a million reports takes a few hundred milliseconds to
//! compute and microseconds to reuse. Each request asks the store for its data version
//! (one small query) and reuses a summary computed at the same version, so figures are
//! never stale and the dashboard stays fast. Only one computation runs at a time;
//! requests that arrive meanwhile wait for it and then find it cached.

use crate::chrome::error::WebError;
use beacon_analytics::{PeriodFacts, Summary};
use beacon_core::{DistrictCode, LocalIssueRules, Period};
use beacon_report::wording;
use beacon_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use time::{Date, Month};

/// Period presets the pages offer.
pub const PRESETS: [(&str, &str); 5] = [
    ("quarter", "Last complete quarter"),
    ("previous_quarter", "The quarter before"),
    ("half", "Last 6 complete months"),
    ("year", "Last 12 complete months"),
    ("calendar_year", "Last complete calendar year"),
];

/// A chosen period and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// The period.
    pub period: Period,
    /// The preset's key, or `custom`.
    pub preset: String,
    /// Why the period shown differs from the one asked for (clamped to the data held or
    /// to [`MAX_SPAN_YEARS`]), in words for the page.
    pub adjusted: Option<String>,
}

/// The longest period a page or API call covers, in years: a summary's work and size
/// grow with its months, so a request for ten thousand years must not cost ten thousand
/// years of work.
pub const MAX_SPAN_YEARS: i32 = 10;

/// Clamps a custom period to the reports held (`range`, first and last report dates) and
/// to [`MAX_SPAN_YEARS`] (keeping its end, the most recent part). A period wholly outside
/// the data keeps its dates, bounded in span: it simply has no reports.
pub fn clamp(period: Period, range: Option<(Date, Date)>) -> (Period, Option<String>) {
    let (mut from, mut to) = (period.from, period.to);
    let mut reasons = Vec::new();
    if let Some((earliest, latest)) = range
        && from <= latest
        && to >= earliest
        && (from < earliest || to > latest)
    {
        from = from.max(earliest);
        to = to.min(latest);
        reasons.push("within the reports held");
    }
    let earliest_start = to
        .replace_year(to.year() - MAX_SPAN_YEARS)
        .or_else(|_| Date::from_calendar_date(to.year() - MAX_SPAN_YEARS, to.month(), 28))
        .ok()
        .and_then(Date::next_day);
    if let Some(earliest_start) = earliest_start
        && from < earliest_start
    {
        from = earliest_start;
        reasons.push("of at most 10 years");
    }
    let clamped = Period::new(from, to).unwrap_or(period);
    let note = (!reasons.is_empty()).then(|| {
        format!(
            "You asked for {}. Beacon shows {}, the part {}.",
            wording::date_range(period.from, period.to),
            wording::date_range(clamped.from, clamped.to),
            reasons.join(" and ")
        )
    });
    (clamped, note)
}

fn month_start(year: i32, month: Month) -> Date {
    Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN)
}

/// The first day of the month `months` months before (negative) or after `date`'s month.
fn add_months(date: Date, months: i32) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1))
        .unwrap_or(Month::January);
    month_start(index.div_euclid(12), month)
}

/// The day after the last complete month on or before `latest`: complete months end
/// the day before this.
fn complete_until(latest: Date) -> Date {
    match latest.next_day() {
        Some(next) if next.day() == 1 => next,
        _ => month_start(latest.year(), latest.month()),
    }
}

/// The preset's period, judged from the latest report (`latest`); presets end at the
/// last complete month or quarter in the data, so a half-loaded month never reads as a
/// fall.
pub fn preset_period(preset: &str, latest: Date) -> Option<Period> {
    let end = complete_until(latest);
    let quarter_end = {
        let month0 = i32::from(u8::from(end.month())) - 1;
        add_months(end, -(month0 % 3))
    };
    let (from, until) = match preset {
        "quarter" => (add_months(quarter_end, -3), quarter_end),
        "previous_quarter" => (add_months(quarter_end, -6), add_months(quarter_end, -3)),
        "half" => (add_months(end, -6), end),
        "year" => (add_months(end, -12), end),
        "calendar_year" => {
            let year_end = month_start(end.year(), Month::January);
            (add_months(year_end, -12), year_end)
        }
        _ => return None,
    };
    Period::new(from, until.previous_day()?).ok()
}

/// Chooses the period from a page's query: custom dates when both are given (clamped to
/// the data held, `range`, and to [`MAX_SPAN_YEARS`]), else a preset (default: the last
/// complete quarter in the data).
///
/// # Errors
/// [`WebError::BadRequest`] with what to fix.
pub fn choose(
    preset: Option<&str>,
    from: Option<Date>,
    to: Option<Date>,
    range: Option<(Date, Date)>,
    today: Date,
) -> Result<Chosen, WebError> {
    if let (Some(from), Some(to)) = (from, to) {
        let period = Period::new(from, to).map_err(|_| {
            WebError::BadRequest("The start date must be on or before the end date".into())
        })?;
        let (period, adjusted) = clamp(period, range);
        return Ok(Chosen {
            period,
            preset: "custom".into(),
            adjusted,
        });
    }
    if from.is_some() || to.is_some() {
        return Err(WebError::BadRequest(
            "Enter both a start date and an end date, or choose a preset".into(),
        ));
    }
    let key = preset.unwrap_or("quarter");
    let period = preset_period(key, range.map_or(today, |range| range.1))
        .ok_or_else(|| WebError::BadRequest(format!("'{key}' is not a period preset")))?;
    Ok(Chosen {
        period,
        preset: key.to_owned(),
        adjusted: None,
    })
}

/// A summary, and its page sections rendered once on first use.
pub struct Cached {
    /// The summary.
    pub summary: Summary,
    sections: OnceLock<beacon_report::Sections>,
}

impl Cached {
    /// The summary's board sections (tables, charts, map), rendered on first use. A
    /// given summary is always shown with the same boundaries (the area's with the map,
    /// a district's without), so the first caller's choice holds.
    pub fn sections(&self, boundaries: Option<&str>) -> &beacon_report::Sections {
        self.sections
            .get_or_init(|| beacon_report::sections(&self.summary, boundaries))
    }
}

#[derive(Default)]
struct Entries {
    version: String,
    range: Option<Option<(Date, Date)>>,
    facts: HashMap<(Date, Date), Arc<PeriodFacts>>,
    summaries: HashMap<(Date, Date, Option<String>), Arc<Cached>>,
}

/// The summaries a page asked for, in order; `None` for a district not in the area.
pub type Summaries = Vec<Option<Arc<Cached>>>;

/// Summaries and facts, valid for one data version.
#[derive(Default)]
pub struct StatsCache {
    entries: Mutex<Entries>,
    computing: Mutex<()>,
}

/// Fact sets kept at once (each is a period's facts plus 12 months).
const MAX_FACT_SETS: usize = 8;
/// Summaries kept at once.
const MAX_SUMMARIES: usize = 128;

impl StatsCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets everything if the data changed since it was cached.
    fn check_version(&self, store: &mut dyn Store) -> Result<(), WebError> {
        let version = store.data_version()?;
        let mut entries = self.entries();
        if entries.version != version {
            *entries = Entries {
                version,
                ..Entries::default()
            };
        }
        Ok(())
    }

    fn range_unchecked(&self, store: &mut dyn Store) -> Result<Option<(Date, Date)>, WebError> {
        if let Some(range) = self.entries().range {
            return Ok(range);
        }
        let range = store.report_date_range()?;
        self.entries().range = Some(range);
        Ok(range)
    }

    /// A page's period and summaries in one visit to the store (one version check): the
    /// period is chosen from the first and last reports' dates, then each wanted summary (`None`
    /// for the area, or a district) is found. `None` in the result for an unknown district.
    ///
    /// # Errors
    /// When the period cannot be chosen or the store fails.
    pub fn view(
        &self,
        store: &mut dyn Store,
        choose: impl FnOnce(Option<(Date, Date)>) -> Result<Chosen, WebError>,
        wanted: &[Option<DistrictCode>],
        rules: &LocalIssueRules,
    ) -> Result<(Chosen, Summaries), WebError> {
        self.check_version(store)?;
        let chosen = choose(self.range_unchecked(store)?)?;
        let summaries = wanted
            .iter()
            .map(|district| self.summary_unchecked(store, chosen.period, district.as_ref(), rules))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((chosen, summaries))
    }

    fn summary_unchecked(
        &self,
        store: &mut dyn Store,
        period: Period,
        district: Option<&DistrictCode>,
        rules: &LocalIssueRules,
    ) -> Result<Option<Arc<Cached>>, WebError> {
        let key = (
            period.from,
            period.to,
            district.map(|d| d.as_str().to_owned()),
        );
        if let Some(found) = self.entries().summaries.get(&key) {
            return Ok(Some(Arc::clone(found)));
        }
        let _only_one = self
            .computing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = self.entries().summaries.get(&key) {
            return Ok(Some(Arc::clone(found)));
        }
        let facts = self.facts(store, period)?;
        let summary = match district {
            None => Some(facts.summary(rules)),
            Some(code) => facts.district_summary(code, rules),
        };
        let Some(summary) = summary.map(|summary| {
            Arc::new(Cached {
                summary,
                sections: OnceLock::new(),
            })
        }) else {
            return Ok(None);
        };
        let mut entries = self.entries();
        if entries.summaries.len() >= MAX_SUMMARIES {
            entries.summaries.clear();
        }
        entries.summaries.insert(key, Arc::clone(&summary));
        Ok(Some(summary))
    }

    fn facts(&self, store: &mut dyn Store, period: Period) -> Result<Arc<PeriodFacts>, WebError> {
        let key = (period.from, period.to);
        if let Some(found) = self.entries().facts.get(&key) {
            return Ok(Arc::clone(found));
        }
        let loaded = Arc::new(beacon_app::period::load_period_facts(store, period)?);
        let mut entries = self.entries();
        if entries.facts.len() >= MAX_FACT_SETS {
            entries.facts.clear();
        }
        entries.facts.insert(key, Arc::clone(&loaded));
        Ok(loaded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn presets_end_at_the_last_complete_month() {
        let latest = date!(2019 - 12 - 31);
        let quarter = preset_period("quarter", latest).expect("quarter");
        assert_eq!(
            (quarter.from, quarter.to),
            (date!(2019 - 10 - 01), date!(2019 - 12 - 31))
        );
        // Mid-November: October is the last complete month, so Q3 is the last complete quarter.
        let mid = date!(2019 - 11 - 15);
        let quarter = preset_period("quarter", mid).expect("quarter");
        assert_eq!(
            (quarter.from, quarter.to),
            (date!(2019 - 07 - 01), date!(2019 - 09 - 30))
        );
        let year = preset_period("year", mid).expect("year");
        assert_eq!(
            (year.from, year.to),
            (date!(2018 - 11 - 01), date!(2019 - 10 - 31))
        );
        let calendar = preset_period("calendar_year", mid).expect("calendar");
        assert_eq!(
            (calendar.from, calendar.to),
            (date!(2018 - 01 - 01), date!(2018 - 12 - 31))
        );
        assert!(preset_period("fortnight", mid).is_none());
    }

    #[test]
    fn custom_dates_need_both_ends_in_order() {
        let today = date!(2026 - 11 - 29);
        let chosen = choose(
            None,
            Some(date!(2017 - 01 - 01)),
            Some(date!(2017 - 06 - 30)),
            None,
            today,
        )
        .expect("custom");
        assert_eq!(chosen.preset, "custom");
        assert!(choose(None, Some(date!(2017 - 01 - 01)), None, None, today).is_err());
        assert!(
            choose(
                None,
                Some(date!(2017 - 02 - 01)),
                Some(date!(2017 - 01 - 01)),
                None,
                today
            )
            .is_err()
        );
    }
}
