//! RSS 2.0 and Atom feeds of advisories and news (NCSC's, for one), read with `feed-rs`:
//! each item becomes a routine advisory with no product data, which partners read but
//! which never matches an inventory.
//!
//! Descriptions are HTML in most feeds; they are turned into plain words (tags dropped,
//! entities decoded), since advisories never carry markup. CVE ids the title or summary
//! mention are kept, so a later KEV or NVD record of the same CVE can be linked to it.

use super::text::{find_cves, html_to_plain, rfc3339};
use super::{
    AdvisoryContext, AdvisoryError, AdvisoryFormat, AdvisoryRecord, head_text, sha256_hex,
};
use beacon_core::{Advisory, AdvisorySource, Priority, RejectedRow};
use time::OffsetDateTime;

/// RSS 2.0 and Atom feeds (`--format rss`).
pub struct Rss;

impl AdvisoryFormat for Rss {
    fn name(&self) -> &'static str {
        "rss"
    }

    fn detect(&self, file_name: &str, head: &[u8]) -> bool {
        let head = head_text(head);
        let xml = head.starts_with('<');
        let lower = head.to_ascii_lowercase();
        xml && (lower.contains("<rss")
            || lower.contains("<rdf:rdf")
            || (lower.contains("<feed") && lower.contains("http://www.w3.org/2005/atom"))
            || (lower.contains("<feed")
                && (file_name.ends_with(".atom") || file_name.ends_with(".xml"))))
    }

    fn parse(
        &self,
        bytes: &[u8],
        context: &AdvisoryContext,
    ) -> Result<Vec<AdvisoryRecord>, AdvisoryError> {
        // An item without a guid or id gets an empty one, so its link is used instead of
        // an id feed-rs would make up from a hash.
        let parser = feed_rs::parser::Builder::new()
            .id_generator(|_links, _title, _uri| String::new())
            .build();
        let feed = parser.parse(bytes).map_err(|error| {
            AdvisoryError::new("rss", format!("this is not an RSS or Atom feed: {error}"))
        })?;
        let mut records = Vec::with_capacity(feed.entries.len());
        for (index, entry) in feed.entries.iter().enumerate() {
            let record = index as u64 + 1;
            let text = |text: &Option<feed_rs::model::Text>| {
                text.as_ref()
                    .map(|t| html_to_plain(&t.content))
                    .unwrap_or_default()
            };
            let title = text(&entry.title);
            let summary = match text(&entry.summary) {
                empty if empty.is_empty() => entry
                    .content
                    .as_ref()
                    .and_then(|content| content.body.as_deref())
                    .map(html_to_plain)
                    .unwrap_or_default(),
                summary => summary,
            };
            let link = entry
                .links
                .iter()
                .find(|link| link.rel.as_deref().is_none_or(|rel| rel == "alternate"))
                .or_else(|| entry.links.first())
                .map(|link| link.href.trim().to_owned())
                .filter(|href| !href.is_empty());
            let key = match entry.id.trim() {
                "" => link.clone(),
                id => Some(id.to_owned()),
            };
            let Some(key) = key else {
                records.push(AdvisoryRecord::Rejected(RejectedRow {
                    line: record,
                    reason: "the item has neither a guid/id nor a link, so it cannot be told apart from others".to_owned(),
                    raw: format!("{title} {summary}").trim().to_owned(),
                }));
                continue;
            };
            let revised_at = entry
                .updated
                .or(entry.published)
                .map(|when| (when.timestamp(), when.timestamp_subsec_nanos()))
                .and_then(to_time);
            let published_at = entry
                .published
                .map(|when| (when.timestamp(), when.timestamp_subsec_nanos()))
                .and_then(to_time);
            let revision = revised_at.map(rfc3339).unwrap_or_default();
            let mut cves = find_cves(&title);
            for cve in find_cves(&summary) {
                if !cves.contains(&cve) {
                    cves.push(cve);
                }
            }
            // Feed items carry no raw bytes of their own once parsed: the hash is taken
            // over the fields Beacon keeps, so an unchanged item hashes the same.
            let canonical = serde_json::json!([key, revision, title, summary, link]).to_string();
            let advisory = Advisory {
                source: AdvisorySource::Rss,
                key,
                revision,
                revised_at,
                published_at,
                title,
                summary,
                action: String::new(),
                tlp: context.default_tlp,
                priority: Priority::Routine,
                cves,
                url: link,
                due: None,
                ransomware: false,
                cvss_tenths: None,
                applicability: Vec::new(),
                not_affected: Vec::new(),
            };
            records.push(AdvisoryRecord::Advisory {
                advisory: Box::new(advisory),
                record,
                failures: Vec::new(),
                raw_sha256: sha256_hex(canonical.as_bytes()),
            });
        }
        Ok(records)
    }
}

/// A feed-rs time (seconds and nanoseconds since the epoch) as a `time` one.
fn to_time((seconds, nanos): (i64, u32)) -> Option<OffsetDateTime> {
    let nanos = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
    OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon_core::Tlp;
    use time::macros::datetime;

    fn context() -> AdvisoryContext {
        AdvisoryContext {
            file_name: "feed.xml".into(),
            default_tlp: Tlp::Clear,
            observed_at: datetime!(2025-01-01 00:00 UTC),
        }
    }

    #[test]
    fn items_without_guid_use_their_link_and_items_without_either_are_rejected() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
          <item><title>Fix &amp; patch CVE-2024-1111</title><link>https://example.org/a</link>
            <description>&lt;p&gt;Read &lt;a href="x"&gt;this&lt;/a&gt;.&lt;/p&gt;</description>
            <pubDate>Tue, 10 Jun 2025 09:00:00 GMT</pubDate></item>
          <item><title>No identity</title><description>none</description></item>
        </channel></rss>"#;
        let records = Rss.parse(rss, &context()).expect("parses");
        let AdvisoryRecord::Advisory { advisory, .. } = &records[0] else {
            panic!("advisory: {records:?}");
        };
        assert_eq!(advisory.key, "https://example.org/a");
        assert_eq!(advisory.title, "Fix & patch CVE-2024-1111");
        assert_eq!(advisory.summary, "Read this.");
        assert_eq!(advisory.revision, "2025-06-10T09:00:00Z");
        assert_eq!(advisory.cves, ["CVE-2024-1111"]);
        assert!(matches!(&records[1], AdvisoryRecord::Rejected(row) if row.line == 2));
    }

    #[test]
    fn other_text_is_refused() {
        assert!(Rss.parse(b"{\"json\": true}", &context()).is_err());
    }
}
