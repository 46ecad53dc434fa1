//! The address-id cache a connection keeps between feed batches.

use std::collections::HashMap;

/// A bounded map from observable to address id, kept between batches so most events
/// need no lookup. Only committed ids go in; it is emptied when full, so memory stays
/// flat however many addresses a feed names.
#[derive(Default)]
pub(crate) struct AddressIds {
    ids: HashMap<String, i64>,
}

impl AddressIds {
    /// Most ids kept.
    const CAPACITY: usize = 1 << 20;

    /// The committed id of an observable, if cached.
    pub fn get(&self, observable: &str) -> Option<i64> {
        self.ids.get(observable).copied()
    }

    /// Remembers ids that are now committed.
    pub fn extend(&mut self, committed: impl IntoIterator<Item = (String, i64)>) {
        for (observable, id) in committed {
            if self.ids.len() >= Self::CAPACITY {
                self.ids.clear();
            }
            self.ids.insert(observable, id);
        }
    }

    /// Forgets everything (after a rollback, or when organisations change).
    pub fn clear(&mut self) {
        self.ids.clear();
    }
}
