//! Labels an address keeps from its events (feeds, types, malware, ports): gathered per
//! batch, merged into the stored lists, and read back.

use beacon_core::Event;

/// What an address's events said, kept on the address so reading it needs no scan of
/// its events: feeds, classification types, malware families and ports.
#[derive(Debug, Clone, Default)]
pub(super) struct Labels {
    pub feeds: std::collections::BTreeSet<String>,
    pub types: std::collections::BTreeSet<String>,
    pub malware: std::collections::BTreeSet<String>,
    pub ports: std::collections::BTreeSet<u16>,
}

impl Labels {
    /// Takes in one event's labels.
    pub(super) fn add(&mut self, event: &Event) {
        if !self.feeds.contains(&event.feed_name) {
            self.feeds.insert(event.feed_name.clone());
        }
        if !self.types.contains(&event.classification_type) {
            self.types.insert(event.classification_type.clone());
        }
        if let Some(malware) = &event.malware_name
            && !self.malware.contains(malware)
        {
            self.malware.insert(malware.clone());
        }
        if let Some(port) = event.source_port {
            self.ports.insert(port);
        }
    }

    /// Each kind as stored: `;`-joined (labels holding `;` have it replaced by `,`).
    pub fn joined(&self) -> [String; 4] {
        let join = |set: &std::collections::BTreeSet<String>| {
            set.iter()
                .map(|label| label.replace(';', ","))
                .collect::<Vec<_>>()
                .join(";")
        };
        [
            join(&self.feeds),
            join(&self.types),
            join(&self.malware),
            self.ports
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(";"),
        ]
    }
}

/// Most labels of one kind an address keeps (a sinkhole sees a new client port on every
/// connection; the first few say enough).
pub const MAX_LABELS: usize = 16;

/// The union of two `;`-joined label lists, sorted bytewise, without empty labels, at
/// most [`MAX_LABELS`]: how an address's stored labels take in a batch's (SQLite calls it
/// as `beacon_merge_labels`; PostgreSQL has the same function in SQL).
pub fn merge_labels(stored: &str, added: &str) -> String {
    let mut labels: Vec<&str> = stored
        .split(';')
        .chain(added.split(';'))
        .filter(|label| !label.is_empty())
        .collect();
    labels.sort_unstable();
    labels.dedup();
    labels.truncate(MAX_LABELS);
    labels.join(";")
}

/// Splits a stored label list.
pub(super) fn split_labels(stored: &str) -> Vec<String> {
    stored
        .split(';')
        .filter(|label| !label.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Taxonomies of stored types, and ports as numbers in order.
pub(super) fn taxonomies_of(types: &[String]) -> Vec<String> {
    let mut taxonomies: Vec<String> = types
        .iter()
        .map(|t| {
            beacon_core::event::taxonomy_of(t)
                .unwrap_or("other")
                .to_owned()
        })
        .collect();
    taxonomies.sort();
    taxonomies.dedup();
    taxonomies
}

/// Ports from a stored list, in numeric order.
pub(super) fn ports_of(stored: &str) -> Vec<u16> {
    let mut ports: Vec<u16> = stored.split(';').filter_map(|p| p.parse().ok()).collect();
    ports.sort_unstable();
    ports
}
