//! CSAF 2.0 documents (vendor and CSIRT advisories, VEX): a lenient reader into one
//! [`beacon_core::Advisory`] per document, and the mandatory tests of section 6.1.
//!
//! Reading and validating are separate: a document failing mandatory tests is still read
//! (the failures travel with it, for the coordinator to see), because partners are better
//! told about a flawed advisory than not at all.

mod products;
mod purl;
mod reader;
mod validate;

pub use validate::validate;

use super::{
    AdvisoryContext, AdvisoryError, AdvisoryFormat, AdvisoryRecord, head_text, parse_json,
};

/// The CSAF 2.0 format (`--format csaf`).
pub struct Csaf;

impl AdvisoryFormat for Csaf {
    fn name(&self) -> &'static str {
        "csaf"
    }

    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        let head = head_text(head);
        head.starts_with('{')
            && (head.contains("\"csaf_version\"")
                || (head.contains("\"document\"") && head.contains("\"tracking\"")))
    }

    fn parse(
        &self,
        bytes: &[u8],
        context: &AdvisoryContext,
    ) -> Result<Vec<AdvisoryRecord>, AdvisoryError> {
        let document = parse_json("csaf", bytes)?;
        if !document
            .get("document")
            .is_some_and(serde_json::Value::is_object)
        {
            return Err(AdvisoryError::new(
                "csaf",
                "this JSON has no 'document' object, so it is not a CSAF document",
            ));
        }
        Ok(vec![reader::read(&document, bytes, context)])
    }
}
