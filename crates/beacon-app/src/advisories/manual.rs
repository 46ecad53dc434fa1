//! Advisories written by a coordinator in the web application: stored like any other
//! (source `manual`, a key of their own), matched at once against every partner's
//! inventory, and the affected partners' notices opened, as an ingested advisory's are.

use super::matching;
use super::notices::{self, NoticeOutcome};
use crate::notify::NotifySettings;
use beacon_core::{
    Advisory, AdvisorySource, Applicability, Criterion, Priority, ProductPattern, Tlp,
    VersionBounds,
};
use beacon_store::advisories::AdvisoryItem;
use beacon_store::{Store, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};

/// What a coordinator wrote. The web form checks each field (CPE names parse, CVE ids
/// are CVE ids) before it gets here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualAdvisory {
    /// The title.
    pub title: String,
    /// What it means, in plain words.
    pub summary: String,
    /// What to do, in plain words.
    pub action: String,
    /// Who may see it.
    pub tlp: Tlp,
    /// How urgently partners should act.
    pub priority: Priority,
    /// By when affected partners should have fixed it (none: from the priority).
    pub due: Option<Date>,
    /// Known to be used in ransomware campaigns.
    pub ransomware: bool,
    /// The CVE ids it covers, normalised.
    pub cves: Vec<String>,
    /// CPE 2.3 names of the affected products (any of them): none for guidance that
    /// matches nobody.
    pub products: Vec<String>,
    /// Where to read more, if anywhere.
    pub url: Option<String>,
}

/// What writing a manual advisory did.
#[derive(Debug, Clone, Serialize)]
pub struct ManualOutcome {
    /// The advisory's id.
    pub id: i64,
    /// Its key (`BEACON-<date>-<8 hex>`).
    pub key: String,
    /// Matches it has now.
    pub matches: u64,
    /// What the notices did.
    pub notices: NoticeOutcome,
}

/// The advisory as Beacon keeps it: one group of vulnerable CPE criteria (any of them
/// matches), revision 1, published now.
pub fn advisory_of(manual: &ManualAdvisory, now: OffsetDateTime) -> Advisory {
    let mut hash = Sha256::new();
    hash.update(manual.title.as_bytes());
    hash.update(now.unix_timestamp_nanos().to_le_bytes());
    let key = format!(
        "BEACON-{}-{}",
        now.date(),
        &hex::encode(hash.finalize())[..8]
    );
    let criteria: Vec<Criterion> = manual
        .products
        .iter()
        .map(|cpe| Criterion {
            pattern: ProductPattern::Cpe { cpe: cpe.clone() },
            versions: VersionBounds::default(),
            vulnerable: true,
            label: String::new(),
        })
        .collect();
    Advisory {
        source: AdvisorySource::Manual,
        key,
        revision: "1".to_owned(),
        revised_at: Some(now),
        published_at: Some(now),
        title: manual.title.clone(),
        summary: manual.summary.clone(),
        action: manual.action.clone(),
        tlp: manual.tlp,
        priority: manual.priority,
        cves: manual.cves.clone(),
        url: manual.url.clone(),
        due: manual.due,
        ransomware: manual.ransomware,
        cvss_tenths: None,
        applicability: if criteria.is_empty() {
            Vec::new()
        } else {
            vec![Applicability {
                all_of: vec![criteria],
                cves: Vec::new(),
            }]
        },
        not_affected: Vec::new(),
    }
}

/// Stores a coordinator's advisory, matches it against every inventory and opens the
/// affected partners' notices (queueing their letters).
pub fn write_advisory(
    store: &mut dyn Store,
    manual: &ManualAdvisory,
    now: OffsetDateTime,
    settings: &NotifySettings,
) -> Result<ManualOutcome, StoreError> {
    let advisory = advisory_of(manual, now);
    // The "document" of a written advisory is what the coordinator wrote, field by field.
    let mut document = Sha256::new();
    for field in [
        advisory.key.as_str(),
        &advisory.title,
        &advisory.summary,
        &advisory.action,
        advisory.tlp.as_str(),
        advisory.priority.as_str(),
        &advisory.due.map(|d| d.to_string()).unwrap_or_default(),
        &advisory.cves.join(","),
        &manual.products.join(","),
        advisory.url.as_deref().unwrap_or_default(),
    ] {
        document.update(field.as_bytes());
        document.update([0]);
    }
    let item = AdvisoryItem {
        sha256: hex::encode(document.finalize()),
        failures: Vec::new(),
        advisory,
    };
    let key = item.advisory.key.clone();
    let id = store.put_advisory(&item)?.id();
    let rematched = matching::rematch_advisories(store, &[id])?;
    let matches = rematched
        .iter()
        .filter(|r| r.stored.id == id)
        .map(|r| r.after.len() as u64)
        .sum();
    let notices = notices::update_notices(store, &rematched, now, settings)?;
    Ok(ManualOutcome {
        id,
        key,
        matches,
        notices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn written() -> ManualAdvisory {
        ManualAdvisory {
            title: "Acme gateway flaw".into(),
            summary: "Anyone can sign in.".into(),
            action: "Upgrade to 1.1.".into(),
            tlp: Tlp::Amber,
            priority: Priority::High,
            due: None,
            ransomware: false,
            cves: vec!["CVE-2026-0001".into()],
            products: vec!["cpe:2.3:a:acme:gateway:1.0:*:*:*:*:*:*:*".into()],
            url: None,
        }
    }

    #[test]
    fn a_written_advisory_has_its_own_key_and_one_group_of_products() {
        let now = datetime!(2026-03-01 10:00 UTC);
        let advisory = advisory_of(&written(), now);
        assert_eq!(advisory.source, AdvisorySource::Manual);
        assert!(
            advisory.key.starts_with("BEACON-2026-03-01-"),
            "{}",
            advisory.key
        );
        assert_eq!(advisory.key.len(), "BEACON-2026-03-01-".len() + 8);
        assert_eq!(advisory.applicability.len(), 1);
        assert_eq!(advisory.applicability[0].all_of[0].len(), 1);
        assert!(advisory.applicability[0].all_of[0][0].vulnerable);
        let later = advisory_of(&written(), now + time::Duration::seconds(1));
        assert_ne!(advisory.key, later.key, "two advisories never share a key");
        let guidance = ManualAdvisory {
            products: Vec::new(),
            ..written()
        };
        assert!(advisory_of(&guidance, now).applicability.is_empty());
    }
}
