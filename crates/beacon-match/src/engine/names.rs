//! Loose names for matching advisories that name products in words (CISA KEV's
//! "Microsoft" / "Exchange Server"): lower case, every run of punctuation, `_` or space
//! one separator, and a product name's leading vendor name dropped
//! ("microsoft exchange_server" under vendor "microsoft" is "exchange server").

/// A vendor and product as word lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct LooseName {
    /// The vendor's words.
    pub vendor: Vec<String>,
    /// The product's words, without a leading repeat of the vendor.
    pub product: Vec<String>,
}

/// The words of a name: lower case, split on anything but letters and digits.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

impl LooseName {
    /// The loose form of a vendor and product; `None` when the product has no words.
    pub(crate) fn new(vendor: &str, product: &str) -> Option<LooseName> {
        let vendor = words(vendor);
        let mut product = words(product);
        if product.len() > vendor.len() && !vendor.is_empty() && product.starts_with(&vendor) {
            product.drain(..vendor.len());
        } else if product.len() > 1 && vendor.first().is_some_and(|first| &product[0] == first) {
            product.remove(0);
        }
        (!product.is_empty()).then_some(LooseName { vendor, product })
    }

    /// The word an index files this name under: the product's first.
    pub(crate) fn key(&self) -> &str {
        &self.product[0]
    }

    /// Whether this name (an advisory's) loosely names `other` (a product's): the
    /// vendors' first words agree and this product's words begin the other's
    /// ("Exchange Server" names "Exchange Server 2019").
    pub(crate) fn names(&self, other: &LooseName) -> bool {
        !self.vendor.is_empty()
            && self.vendor.first() == other.vendor.first()
            && other.product.starts_with(&self.product)
    }
}
