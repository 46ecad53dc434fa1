//! Which of two revisions of one advisory is newer, and so what storing one does.
//!
//! **Invariant:** a revision replaces the stored one only when it is strictly newer; the
//! same revision, or an older one arriving late (a mirror behind the source), changes
//! nothing.

use super::{AdvisoryBatch, AdvisoryWrite};
use beacon_core::Advisory;
use beacon_core::RunCounts;
use std::cmp::Ordering;
use time::OffsetDateTime;

/// The revision stored under a source and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredRevision {
    /// The advisory's id.
    pub id: i64,
    /// Its revision as written.
    pub revision: String,
    /// When that revision was current, if the source said.
    pub revised_at: Option<OffsetDateTime>,
}

/// What storing an advisory must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Decision {
    /// A key not stored before: insert it.
    Insert,
    /// A newer revision: replace the stored one, keeping its id.
    Replace {
        /// The advisory's id.
        id: i64,
        /// The revision replaced.
        previous_revision: String,
    },
    /// The same or an older revision: nothing to write.
    Keep {
        /// The advisory's id.
        id: i64,
    },
}

impl Decision {
    /// What storing `advisory` over `stored` (if any) must do.
    pub(super) fn of(advisory: &Advisory, stored: Option<StoredRevision>) -> Decision {
        let Some(stored) = stored else {
            return Decision::Insert;
        };
        if stored.revision != advisory.revision
            && is_newer(
                &advisory.revision,
                advisory.revised_at,
                &stored.revision,
                stored.revised_at,
            )
        {
            Decision::Replace {
                id: stored.id,
                previous_revision: stored.revision,
            }
        } else {
            Decision::Keep { id: stored.id }
        }
    }
}

/// A batch's counts from what was done with each of its advisories: every record read is
/// stored (new or revised), a duplicate (unchanged), skipped or rejected.
pub(super) fn counts_of(batch: &AdvisoryBatch, writes: &[AdvisoryWrite]) -> RunCounts {
    let stored = writes
        .iter()
        .filter(|write| !matches!(write, AdvisoryWrite::Unchanged { .. }))
        .count() as u64;
    RunCounts {
        read: (batch.items.len() + batch.rejected.len()) as u64 + batch.skipped,
        stored,
        duplicates: writes.len() as u64 - stored,
        rejected: batch.rejected.len() as u64,
        skipped: batch.skipped,
    }
}

/// True when the candidate revision is newer than the stored one: by the time each was
/// current when both say (and they differ), else by the revision strings as version
/// numbers.
pub(super) fn is_newer(
    candidate: &str,
    candidate_at: Option<OffsetDateTime>,
    stored: &str,
    stored_at: Option<OffsetDateTime>,
) -> bool {
    match (candidate_at, stored_at) {
        (Some(candidate_at), Some(stored_at)) if candidate_at != stored_at => {
            candidate_at > stored_at
        }
        _ => compare_revisions(candidate, stored) == Ordering::Greater,
    }
}

/// Orders revision strings as version numbers: split on `.`, segments of digits compared
/// as numbers (so `10` follows `9`, and `1.10.0` follows `1.9.2`), other segments as text;
/// a version that is a prefix of another comes first (`1.0` before `1.0.1`). CSAF
/// tracking versions are integers or semantic versions; KEV and feed revisions are ISO
/// dates, which this orders as text. Written here rather than with a semver crate because
/// integer versions and dates are not semantic versions.
pub(super) fn compare_revisions(left: &str, right: &str) -> Ordering {
    let mut left_segments = left.trim().split('.');
    let mut right_segments = right.trim().split('.');
    loop {
        match (left_segments.next(), right_segments.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(left), Some(right)) => {
                let order = compare_segments(left, right);
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// One segment of a version: numerically when both are digits (of any length), else as
/// text.
fn compare_segments(left: &str, right: &str) -> Ordering {
    let numeric =
        |segment: &str| !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
    if numeric(left) && numeric(right) {
        let left = left.trim_start_matches('0');
        let right = right.trim_start_matches('0');
        left.len().cmp(&right.len()).then_with(|| left.cmp(right))
    } else {
        left.cmp(right)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn versions_compare_segment_by_segment_as_numbers() {
        assert_eq!(compare_revisions("10", "9"), Ordering::Greater);
        assert_eq!(compare_revisions("1.10.0", "1.9.2"), Ordering::Greater);
        assert_eq!(compare_revisions("1.0", "1.0.1"), Ordering::Less);
        assert_eq!(compare_revisions("2", "02"), Ordering::Equal);
        assert_eq!(
            compare_revisions("2024-03-01", "2024-02-28"),
            Ordering::Greater
        );
        assert_eq!(
            compare_revisions("123456789012345678901234567890", "9"),
            Ordering::Greater,
            "numbers longer than any integer type still compare"
        );
    }

    #[test]
    fn revision_times_decide_when_both_are_known() {
        let earlier = Some(datetime!(2026-01-01 00:00 UTC));
        let later = Some(datetime!(2026-02-01 00:00 UTC));
        assert!(
            is_newer("1", later, "2", earlier),
            "the time wins over the number"
        );
        assert!(!is_newer("3", earlier, "2", later));
        assert!(
            is_newer("3", None, "2", later),
            "without both times, the number"
        );
        assert!(
            is_newer("3", earlier, "2", earlier),
            "equal times: the number"
        );
    }

    #[test]
    fn only_a_newer_revision_replaces() {
        let advisory = |revision: &str| Advisory {
            source: beacon_core::AdvisorySource::Csaf,
            key: "ACME-2026-001".into(),
            revision: revision.into(),
            revised_at: None,
            published_at: None,
            title: "Acme gateway".into(),
            summary: String::new(),
            action: String::new(),
            tlp: beacon_core::Tlp::Clear,
            priority: beacon_core::Priority::High,
            cves: Vec::new(),
            url: None,
            due: None,
            ransomware: false,
            cvss_tenths: None,
            applicability: Vec::new(),
            not_affected: Vec::new(),
        };
        let stored = || {
            Some(StoredRevision {
                id: 4,
                revision: "2".into(),
                revised_at: None,
            })
        };
        assert_eq!(Decision::of(&advisory("1"), None), Decision::Insert);
        assert_eq!(
            Decision::of(&advisory("3"), stored()),
            Decision::Replace {
                id: 4,
                previous_revision: "2".into()
            }
        );
        assert_eq!(
            Decision::of(&advisory("2"), stored()),
            Decision::Keep { id: 4 }
        );
        assert_eq!(
            Decision::of(&advisory("1"), stored()),
            Decision::Keep { id: 4 }
        );
        assert_eq!(
            Decision::of(&advisory("02"), stored()),
            Decision::Keep { id: 4 },
            "a different spelling of the same version is not newer"
        );
    }
}
