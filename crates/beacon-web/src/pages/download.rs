//! Files the pages offer for download: CSV tables, Markdown and PDF.

use crate::error::{WebError, WebResult};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A response the browser saves as `name`.
pub fn attachment(content_type: &str, name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// A cell as written to CSV: one starting with a formula character is prefixed with `'`,
/// so a spreadsheet shows it rather than running it (feed and report text is untrusted).
fn inert(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell
    }
}

/// A CSV file of `rows` under `headers`.
///
/// # Errors
/// Only if writing to memory fails.
pub fn csv(
    name: &str,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> WebResult<Response> {
    let failed = |e: csv::Error| WebError::Internal(e.to_string());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(headers).map_err(failed)?;
    for row in rows {
        writer
            .write_record(row.into_iter().map(inert))
            .map_err(failed)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(attachment("text/csv; charset=utf-8", name, body))
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn formulas_are_made_inert_but_numbers_are_not() {
        assert_eq!(inert("=HYPERLINK(\"x\")".into()), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("-12.5".into()), "-12.5");
        assert_eq!(inert("plain".into()), "plain");
    }
}
