//! The document version and its revision history: 6.1.14 (sorted), 6.1.16 (the version
//! is the latest revision), 6.1.17 (drafts), 6.1.18 (released history), 6.1.19 (no
//! pre-releases in the history), 6.1.20 (no pre-release versions once released), 6.1.21
//! (no missing revisions), 6.1.22 (no repeated revisions) and 6.1.30 (integer and
//! semantic versioning not mixed).

use super::super::super::text::parse_time;
use super::{Failures, indexed, string};
use serde_json::Value;
use std::cmp::Ordering;

/// A `version_t`: integer versioning or semantic versioning 2.0.0.
#[derive(Debug, Clone, PartialEq)]
enum Version {
    Integer(u64),
    Semantic {
        major: u64,
        minor: u64,
        patch: u64,
        pre: Option<String>,
    },
}

impl Version {
    fn parse(text: &str) -> Option<Version> {
        let number = |s: &str| {
            (!s.is_empty()
                && s.bytes().all(|b| b.is_ascii_digit())
                && (s == "0" || !s.starts_with('0')))
            .then(|| s.parse::<u64>().ok())
            .flatten()
        };
        if let Some(integer) = number(text) {
            return Some(Version::Integer(integer));
        }
        let (text, build) = match text.split_once('+') {
            Some((text, build)) => (text, Some(build)),
            None => (text, None),
        };
        let identifiers = |s: &str| {
            s.split('.').all(|id| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
        };
        if build.is_some_and(|build| !identifiers(build)) {
            return None;
        }
        let (core, pre) = match text.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (text, None),
        };
        if let Some(pre) = pre {
            let numeric_leading_zero = pre.split('.').any(|id| {
                id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
            });
            if !identifiers(pre) || numeric_leading_zero {
                return None;
            }
        }
        let mut parts = core.split('.');
        let (major, minor, patch) = (
            number(parts.next()?)?,
            number(parts.next()?)?,
            number(parts.next()?)?,
        );
        if parts.next().is_some() {
            return None;
        }
        Some(Version::Semantic {
            major,
            minor,
            patch,
            pre: pre.map(str::to_owned),
        })
    }

    fn major(&self) -> u64 {
        match self {
            Version::Integer(n) => *n,
            Version::Semantic { major, .. } => *major,
        }
    }

    fn pre(&self) -> Option<&str> {
        match self {
            Version::Integer(_) => None,
            Version::Semantic { pre, .. } => pre.as_deref(),
        }
    }

    fn without_pre(&self) -> Version {
        match self {
            Version::Semantic {
                major,
                minor,
                patch,
                ..
            } => Version::Semantic {
                major: *major,
                minor: *minor,
                patch: *patch,
                pre: None,
            },
            other => other.clone(),
        }
    }

    /// Precedence, when both use the same versioning.
    fn compare(&self, other: &Version) -> Option<Ordering> {
        match (self, other) {
            (Version::Integer(a), Version::Integer(b)) => Some(a.cmp(b)),
            (
                Version::Semantic {
                    major,
                    minor,
                    patch,
                    pre,
                },
                Version::Semantic {
                    major: m2,
                    minor: n2,
                    patch: p2,
                    pre: pre2,
                },
            ) => Some(
                (major, minor, patch)
                    .cmp(&(m2, n2, p2))
                    .then_with(|| compare_pre(pre.as_deref(), pre2.as_deref())),
            ),
            _ => None,
        }
    }
}

/// Semantic versioning's pre-release precedence (none ranks above any).
fn compare_pre(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => {
            let mut left = a.split('.');
            let mut right = b.split('.');
            loop {
                match (left.next(), right.next()) {
                    (None, None) => return Ordering::Equal,
                    (None, Some(_)) => return Ordering::Less,
                    (Some(_), None) => return Ordering::Greater,
                    (Some(x), Some(y)) => {
                        let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                            (Ok(x), Ok(y)) => x.cmp(&y),
                            (Ok(_), Err(_)) => Ordering::Less,
                            (Err(_), Ok(_)) => Ordering::Greater,
                            (Err(_), Err(_)) => x.cmp(y),
                        };
                        if order != Ordering::Equal {
                            return order;
                        }
                    }
                }
            }
        }
    }
}

/// One revision history item.
struct Revision<'a> {
    index: usize,
    date: &'a str,
    number: &'a str,
    version: Option<Version>,
}

/// Runs the revision history tests.
pub(super) fn check(document: &Value, failures: &mut Failures) {
    let Some(tracking) = document.pointer("/document/tracking") else {
        return;
    };
    let history_path = "/document/tracking/revision_history";
    let status = string(tracking, "status").unwrap_or("");
    let released = matches!(status, "final" | "interim");
    let version_text = string(tracking, "version");
    let version = version_text.and_then(Version::parse);
    let mut revisions: Vec<Revision<'_>> = indexed(tracking, "revision_history")
        .filter_map(|(index, item)| {
            let number = string(item, "number")?;
            Some(Revision {
                index,
                date: string(item, "date").unwrap_or(""),
                number,
                version: Version::parse(number),
            })
        })
        .collect();

    // 6.1.22 and 6.1.19 and 6.1.18 look at each item.
    for (position, revision) in revisions.iter().enumerate() {
        let path = format!("{history_path}/{}/number", revision.index);
        if revisions[..position]
            .iter()
            .any(|earlier| earlier.number == revision.number)
        {
            failures.add(
                "6.1.22",
                format!("{history_path}/{}", revision.index),
                format!(
                    "the revision number '{}' is given more than once",
                    revision.number
                ),
            );
        }
        if let Some(version) = &revision.version {
            if let Some(pre) = version.pre() {
                failures.add(
                    "6.1.19",
                    path.clone(),
                    format!(
                        "the revision number '{}' is a pre-release ('-{pre}')",
                        revision.number
                    ),
                );
            }
            if released && version.major() == 0 {
                failures.add(
                    "6.1.18",
                    path,
                    format!(
                        "the document is {status} but its history has the draft revision '{}'",
                        revision.number
                    ),
                );
            }
        }
    }

    // 6.1.17 and 6.1.20: the document version against the status.
    if let Some(version) = &version {
        let draft_version = version.major() == 0 || version.pre().is_some();
        if draft_version && status != "draft" {
            failures.add(
                "6.1.17",
                "/document/tracking/status",
                format!(
                    "the version '{}' is a draft version but the status is '{status}'",
                    version_text.unwrap_or("")
                ),
            );
        }
        if released && let Some(pre) = version.pre() {
            failures.add(
                "6.1.20",
                "/document/tracking/version",
                format!(
                    "the document is {status} but its version has the pre-release part '-{pre}'"
                ),
            );
        }
    }

    // 6.1.30: one kind of versioning throughout.
    let mut kinds = revisions
        .iter()
        .filter_map(|r| r.version.as_ref())
        .chain(version.as_ref())
        .map(|v| matches!(v, Version::Integer(_)));
    if let Some(first) = kinds.next()
        && kinds.any(|kind| kind != first)
    {
        failures.add(
            "6.1.30",
            "/document/tracking",
            "integer and semantic versioning are mixed in the version and revision history",
        );
    }

    // Sorted by date (stable, so items of the same date keep their order).
    revisions.sort_by(|a, b| match (parse_time(a.date), parse_time(b.date)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.date.cmp(b.date),
    });

    // 6.1.14: numbers ascend with dates.
    for pair in revisions.windows(2) {
        if let (Some(a), Some(b)) = (&pair[0].version, &pair[1].version)
            && a.compare(b) == Some(Ordering::Greater)
        {
            failures.add(
                "6.1.14",
                history_path,
                format!(
                    "revision '{}' is dated after revision '{}' but numbered lower",
                    pair[1].number, pair[0].number
                ),
            );
        }
    }

    // 6.1.16: the version is the latest revision's number.
    if let (Some(last), Some(version_text)) = (revisions.last(), version_text) {
        let normalise = |text: &str| {
            let text = text.split('+').next().unwrap_or(text);
            match (status, Version::parse(text)) {
                ("draft", Some(version)) => Some(version.without_pre()),
                (_, parsed) => parsed,
            }
        };
        let (latest, current) = (normalise(last.number), normalise(version_text));
        if latest.is_some() && current.is_some() && latest != current {
            failures.add(
                "6.1.16",
                "/document/tracking/version",
                format!(
                    "the latest revision is '{}' but the document version is '{version_text}'",
                    last.number
                ),
            );
        }
    }

    // 6.1.21: the history starts at 0 or 1 and skips no (major) version.
    let majors: Vec<(u64, &str)> = revisions
        .iter()
        .filter_map(|r| r.version.as_ref().map(|v| (v.major(), r.number)))
        .collect();
    if let Some((first, number)) = majors.first()
        && *first > 1
    {
        failures.add(
            "6.1.21",
            history_path,
            format!("the first revision is '{number}'; it must be 0 or 1"),
        );
    }
    for pair in majors.windows(2) {
        if pair[1].0 > pair[0].0 + 1 {
            failures.add(
                "6.1.21",
                history_path,
                format!(
                    "the history goes from '{}' to '{}', missing the versions between",
                    pair[0].1, pair[1].1
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{document, failed};
    use super::Version;
    use serde_json::{Value, json};

    fn tracking(history: &[(&str, &str)], version: &str, status: &str) -> Value {
        let history: Vec<Value> = history
            .iter()
            .map(|(date, number)| json!({"date": date, "number": number, "summary": "x"}))
            .collect();
        document(
            json!({"tracking": {"revision_history": history, "version": version, "status": status}}),
            json!({}),
        )
    }

    #[test]
    fn versions_parse_as_the_standard_says() {
        assert_eq!(Version::parse("2"), Some(Version::Integer(2)));
        assert!(Version::parse("1.0.0-rc.1+build.5").is_some());
        for bad in ["01", "1.0", "1.0.0-", "1.0.0-01", "a"] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn test_6_1_14_sorted_revision_history() {
        let bad = tracking(
            &[
                ("2021-07-22T10:00:00.000Z", "2"),
                ("2021-07-23T10:00:00.000Z", "1"),
            ],
            "2",
            "final",
        );
        assert!(failed(&bad).contains(&"6.1.14".to_owned()));
        let good = tracking(
            &[
                ("2021-07-23T10:00:00.000Z", "2"),
                ("2021-07-22T10:00:00.000Z", "1"),
            ],
            "2",
            "final",
        );
        assert!(failed(&good).is_empty());
    }

    #[test]
    fn test_6_1_16_latest_document_version() {
        let bad = tracking(
            &[
                ("2021-07-21T09:00:00.000Z", "1"),
                ("2021-07-21T10:00:00.000Z", "2"),
            ],
            "1",
            "final",
        );
        assert_eq!(failed(&bad), ["6.1.16"]);
        let draft = tracking(
            &[
                ("2021-07-21T09:00:00.000Z", "0.9.0"),
                ("2021-07-21T10:00:00.000Z", "1.0.0"),
            ],
            "1.0.0-rc.1+build",
            "draft",
        );
        assert!(failed(&draft).is_empty());
    }

    #[test]
    fn test_6_1_17_document_status_draft() {
        assert_eq!(
            failed(&tracking(
                &[("2021-07-21T09:00:00.000Z", "0.9.5")],
                "0.9.5",
                "final"
            )),
            ["6.1.17", "6.1.18"]
        );
        assert_eq!(
            failed(&tracking(
                &[("2021-07-21T09:00:00.000Z", "0.9.5")],
                "0.9.5",
                "draft"
            )),
            Vec::<String>::new()
        );
    }

    #[test]
    fn test_6_1_18_released_revision_history() {
        let bad = tracking(
            &[
                ("2021-05-17T10:00:00.000Z", "0"),
                ("2021-07-21T10:00:00.000Z", "1"),
            ],
            "1",
            "final",
        );
        assert_eq!(failed(&bad), ["6.1.18"]);
        assert!(
            failed(&tracking(
                &[
                    ("2021-05-17T10:00:00.000Z", "0"),
                    ("2021-07-21T10:00:00.000Z", "1")
                ],
                "1",
                "draft"
            ))
            .is_empty()
        );
    }

    #[test]
    fn test_6_1_19_pre_release_revisions() {
        let bad = tracking(
            &[
                ("2021-04-22T10:00:00.000Z", "1.0.0-rc"),
                ("2021-04-23T10:00:00.000Z", "1.0.0"),
            ],
            "1.0.0",
            "final",
        );
        assert_eq!(failed(&bad), ["6.1.19"]);
        assert!(
            failed(&tracking(
                &[("2021-04-23T10:00:00.000Z", "1.0.0")],
                "1.0.0",
                "final"
            ))
            .is_empty()
        );
    }

    #[test]
    fn test_6_1_20_non_draft_document_version() {
        let bad = tracking(
            &[("2021-04-23T10:00:00.000Z", "1.0.0")],
            "1.0.0-alpha",
            "interim",
        );
        assert!(failed(&bad).contains(&"6.1.20".to_owned()));
        assert!(
            failed(&tracking(
                &[("2021-04-23T10:00:00.000Z", "1.0.0")],
                "1.0.0",
                "interim"
            ))
            .is_empty()
        );
    }

    #[test]
    fn test_6_1_21_missing_item_in_revision_history() {
        let bad = tracking(
            &[
                ("2021-04-22T10:00:00.000Z", "1"),
                ("2021-07-21T10:00:00.000Z", "3"),
            ],
            "3",
            "final",
        );
        assert_eq!(failed(&bad), ["6.1.21"]);
        let late_start = tracking(&[("2021-04-22T10:00:00.000Z", "2")], "2", "final");
        assert_eq!(failed(&late_start), ["6.1.21"]);
        let good = tracking(
            &[
                ("2021-04-22T10:00:00.000Z", "1.0.0"),
                ("2021-05-22T10:00:00.000Z", "1.1.0"),
                ("2021-07-21T10:00:00.000Z", "2.0.0"),
            ],
            "2.0.0",
            "final",
        );
        assert!(failed(&good).is_empty());
    }

    #[test]
    fn test_6_1_22_multiple_definition_in_revision_history() {
        let bad = tracking(
            &[
                ("2021-07-20T10:00:00.000Z", "1"),
                ("2021-07-21T10:00:00.000Z", "1"),
            ],
            "1",
            "final",
        );
        assert_eq!(failed(&bad), ["6.1.22"]);
    }

    #[test]
    fn test_6_1_30_mixed_versioning() {
        let bad = tracking(
            &[
                ("2021-07-21T09:00:00.000Z", "1.0.0"),
                ("2021-07-21T10:00:00.000Z", "2"),
            ],
            "2",
            "final",
        );
        assert!(failed(&bad).contains(&"6.1.30".to_owned()));
        assert!(
            failed(&tracking(
                &[
                    ("2021-07-21T09:00:00.000Z", "1"),
                    ("2021-07-21T10:00:00.000Z", "2")
                ],
                "2",
                "final"
            ))
            .is_empty()
        );
    }
}
