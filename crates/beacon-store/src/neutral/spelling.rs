//! Stored spellings of enums both backends read back the same way.

use beacon_core::Tlp;
use beacon_core::report::{Gender, VictimType};
use time::OffsetDateTime;

/// Reads a stored victim type (anything but `organisation` is an individual).
pub(crate) fn victim_type_from(text: &str) -> VictimType {
    if text == "organisation" {
        VictimType::Organisation
    } else {
        VictimType::Individual
    }
}

/// Reads a stored gender (unknown spellings read as unknown).
pub(crate) fn gender_from(text: Option<&str>) -> Option<Gender> {
    match text? {
        "female" => Some(Gender::Female),
        "male" => Some(Gender::Male),
        "other" => Some(Gender::Other),
        _ => None,
    }
}

/// Rank of a TLP label for "most restrictive" sums (CLEAR 0 … RED 4).
pub(crate) fn tlp_rank(tlp: Tlp) -> i64 {
    match tlp {
        Tlp::Clear => 0,
        Tlp::Green => 1,
        Tlp::Amber => 2,
        Tlp::AmberStrict => 3,
        Tlp::Red => 4,
    }
}

/// The TLP label of a stored rank.
pub(crate) fn tlp_from_rank(rank: i64) -> Tlp {
    match rank {
        0 => Tlp::Clear,
        1 => Tlp::Green,
        2 => Tlp::Amber,
        3 => Tlp::AmberStrict,
        _ => Tlp::Red,
    }
}

/// The Message-ID of an outbox message: the same on every attempt, unique per message.
pub(crate) fn message_id(id: i64, period_end: OffsetDateTime, domain: &str) -> String {
    format!(
        "beacon-digest-{id}-{}@{domain}",
        period_end.unix_timestamp()
    )
}
