//! Domain ownership by whole-label suffix: `mail.example.co.uk` belongs to the owner of
//! `example.co.uk`; `badexample.co.uk` does not.

use crate::OwnerId;
use std::borrow::Cow;
use std::collections::HashMap;

/// Owned domain suffixes in normal form (see [`normalise`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct DomainTable {
    suffixes: HashMap<String, OwnerId>,
}

impl DomainTable {
    /// Records `owner` for the normalised `suffix`; on an exact duplicate the lower id
    /// keeps it and the previous holder is returned (a conflict to report).
    pub(crate) fn insert(&mut self, suffix: String, owner: OwnerId) -> Option<OwnerId> {
        match self.suffixes.insert(suffix.clone(), owner) {
            Some(previous) if previous == owner => None,
            Some(previous) => {
                if previous < owner {
                    self.suffixes.insert(suffix, previous);
                }
                Some(previous)
            }
            None => None,
        }
    }

    /// The longest owned suffix of `fqdn` made of whole labels, with its owner.
    pub(crate) fn lookup(&self, fqdn: &str) -> Option<(&str, OwnerId)> {
        let name = normalise(fqdn);
        // Walk from the whole name towards the top-level label, so the first hit is the
        // longest (most specific) suffix.
        let mut rest: &str = &name;
        loop {
            if rest.is_empty() {
                return None;
            }
            if let Some((suffix, owner)) = self.suffixes.get_key_value(rest) {
                return Some((suffix.as_str(), *owner));
            }
            rest = rest.split_once('.')?.1;
        }
    }
}

/// A domain in the form the table compares: trimmed, without the trailing root dot,
/// lower case, internationalised labels in their ASCII (punycode) form. Borrowed when
/// already in that form, since most feed names are.
pub(crate) fn normalise(raw: &str) -> Cow<'_, str> {
    let trimmed = raw.trim();
    let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
    if !trimmed.is_ascii() {
        // URL hosts arrive from the `url` crate already in punycode (`xn--…`), while an
        // admin or a feed's fqdn field may write the Unicode form; IDNA makes them equal.
        if let Ok(url::Host::Domain(ascii)) = url::Host::parse(trimmed) {
            return Cow::Owned(ascii);
        }
    }
    if trimmed.chars().any(char::is_uppercase) {
        Cow::Owned(trimmed.to_lowercase())
    } else {
        Cow::Borrowed(trimmed)
    }
}

/// A claimed suffix in normal form; admins may also write `.example.org` or
/// `*.example.org` to mean the same thing. `None` when nothing is left to match.
pub(crate) fn normalise_claim(raw: &str) -> Option<String> {
    let name = normalise(raw);
    let name = name.strip_prefix("*.").unwrap_or(&name);
    let name = name.trim_start_matches('.');
    (!name.is_empty()).then(|| name.to_owned())
}
