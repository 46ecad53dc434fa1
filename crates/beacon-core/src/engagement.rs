//! Business engagement: which businesses the partnership reached, how and when, so the
//! board can see whether the reach to small firms is one-off or sustained.

use crate::{DistrictCode, OrgSize};
use serde::Serialize;
use time::Date;

/// How a business was reached (stored form, words).
pub const HOW: [(&str, &str); 4] = [
    ("event", "Event or workshop"),
    ("visit", "Visit"),
    ("email", "Email"),
    ("front_door_report", "Front-door report"),
];

/// A business's name's longest length.
pub const NAME_LIMIT: usize = 200;

/// A note's longest length.
pub const NOTE_LIMIT: usize = 500;

/// A business reached once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Engagement {
    /// The business's name as the partnership knows it (a re-import matches by its folded
    /// form).
    pub business: String,
    /// Its sector, lower case (as reports and contacts spell sectors).
    pub sector: String,
    /// Its size, where known.
    pub size: Option<OrgSize>,
    /// Its district.
    pub district: DistrictCode,
    /// How it was reached: one of [`HOW`].
    pub how: String,
    /// The day.
    pub on: Date,
    /// A short note.
    pub note: String,
}

/// The words for a way of reaching a business.
pub fn how_label(how: &str) -> &str {
    HOW.iter()
        .find(|(key, _)| *key == how)
        .map_or(how, |(_, label)| label)
}
