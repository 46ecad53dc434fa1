//! The stored form of a message's content, kind and channel, shared by both dialects.

use super::MessageContent;
use crate::{StoreError, StoreResult};
use std::collections::BTreeMap;

/// Personalisation data as stored (a JSON object).
pub(super) fn template_data_text(data: &BTreeMap<String, String>) -> StoreResult<String> {
    serde_json::to_string(data)
        .map_err(|error| StoreError::Corrupt(format!("template data: {error}")))
}

/// Reads stored content: a template when one is named, else the written subject and bodies.
pub(super) fn content_from(
    subject: String,
    text: String,
    html: String,
    template: Option<String>,
    data: Option<String>,
) -> StoreResult<MessageContent> {
    Ok(match template {
        None => MessageContent::Written {
            subject,
            text,
            html,
        },
        Some(name) => MessageContent::Template {
            name,
            data: match data {
                Some(data) => serde_json::from_str(&data)
                    .map_err(|error| StoreError::Corrupt(format!("template data: {error}")))?,
                None => BTreeMap::new(),
            },
        },
    })
}

/// The stored columns of content: subject, text, html, template, template data.
pub(super) type ContentColumns<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<String>);

pub(super) fn content_columns(content: &MessageContent) -> StoreResult<ContentColumns<'_>> {
    Ok(match content {
        MessageContent::Written {
            subject,
            text,
            html,
        } => (subject, text, html, None, None),
        MessageContent::Template { name, data } => (
            "",
            "",
            "",
            Some(name.as_str()),
            Some(template_data_text(data)?),
        ),
    })
}

/// Reads a stored kind or channel, or says the row is not as expected.
pub(super) fn known<T>(value: Option<T>, what: &str, text: &str) -> StoreResult<T> {
    value.ok_or_else(|| StoreError::Corrupt(format!("'{text}' is not a known {what}")))
}
