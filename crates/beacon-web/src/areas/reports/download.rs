//! Files the pages offer for download: CSV tables, Markdown and PDF.
//!
//! A download whose size depends on the data (every quarantined row of a run) is
//! streamed: read from the store a chunk at a time and sent as it is written, so the
//! server's memory stays flat whatever the number of rows.

use crate::chrome::error::{WebError, WebResult};
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

/// A response the browser saves as `name`, its body sent as it is produced.
pub fn streamed_attachment(content_type: &str, name: &str, body: axum::body::Body) -> Response {
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

/// A chunk of rows, `None` after the last; an error ends the download early.
pub type Chunk = Result<Option<Vec<Vec<String>>>, String>;

/// Chunks written ahead of the client: two keep the store and the network both busy.
const CHUNKS_AHEAD: usize = 2;

/// A CSV body under `headers`, its rows asked of `next(0)`, `next(1)`, … until one says
/// there are no more. Chunks are written ahead of a slow client only `CHUNKS_AHEAD` at
/// a time, and the reading stops as soon as the client goes away.
pub fn csv_stream<F, Fut>(headers: &[&str], mut next: F) -> axum::body::Body
where
    F: FnMut(u64) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Chunk> + Send + 'static,
{
    let (sender, receiver) = tokio::sync::mpsc::channel(CHUNKS_AHEAD);
    let first = encode(std::iter::once(
        headers.iter().map(|h| (*h).to_owned()).collect(),
    ));
    tokio::spawn(async move {
        if sender.send(first).await.is_err() {
            return;
        }
        let mut chunk = 0u64;
        loop {
            let encoded = match next(chunk).await {
                Ok(Some(rows)) => encode(rows.into_iter()),
                Ok(None) => return,
                Err(error) => {
                    tracing::error!(%error, "a streamed download stopped part way");
                    Err(std::io::Error::other(error))
                }
            };
            let failed = encoded.is_err();
            if sender.send(encoded).await.is_err() || failed {
                return;
            }
            chunk += 1;
        }
    });
    axum::body::Body::new(ChannelBody { receiver })
}

/// Rows as CSV bytes, each cell made inert.
fn encode(rows: impl Iterator<Item = Vec<String>>) -> Result<axum::body::Bytes, std::io::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(row.into_iter().map(inert))
            .map_err(std::io::Error::other)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(axum::body::Bytes::from(bytes))
}

/// A response body fed by a channel: each message is one frame.
struct ChannelBody {
    receiver: tokio::sync::mpsc::Receiver<Result<axum::body::Bytes, std::io::Error>>,
}

impl http_body::Body for ChannelBody {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        self.receiver
            .poll_recv(context)
            .map(|message| message.map(|bytes| bytes.map(http_body::Frame::data)))
    }
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
