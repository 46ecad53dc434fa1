//! Advisory matching: which partners' assets an advisory concerns, and how surely.
//!
//! An advisory names products by CPE 2.3 name, package URL, or vendor and product in
//! words, with version ranges (NVD bounds, `vers` ranges, exact versions); a partner's
//! inventory names what each asset runs the same ways. This crate reads both and
//! decides, for each asset, whether it runs an affected product — the asset-matching
//! role CSAF 2.0 section 9.1.13 describes:
//! - [`cpe`]: CPE 2.3 formatted strings and 2.2 URIs, NISTIR 7696 name comparison;
//! - [`purl`]: package URLs and their canonical form;
//! - [`version`]: version ordering per ecosystem (SemVer, PEP 440, Maven, Debian, RPM,
//!   generic dotted numbers);
//! - [`vers`]: `vers:` ranges and whether a version is inside one;
//! - [`engine`]: the [`Index`] built once from the inventory, which matches advisories
//!   against it, and [`naive_match`], the all-pairs oracle it must agree with.
//!
//! **Architecture invariant:** pure — no I/O, no clock, no database. Callers load the
//! inventory and advisories and store the [`Match`]es.

pub mod cpe;
pub mod engine;
pub mod purl;
pub mod vers;
pub mod version;

pub use cpe::{Cpe, NameRelation, compare_names, derive_cpe};
pub use engine::{Index, InventoryProduct, Match, naive_match};
pub use purl::Purl;
pub use vers::VersRange;
pub use version::{Scheme, compare};
