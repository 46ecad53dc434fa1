//! Plumbing every feed parser shares: bytes to UTF-8 text, each record's raw text cut out
//! by offset, lines and CSV rows with their 1-based file line numbers, and the parsers for
//! the values feeds carry (times, addresses, ports, domain names, URLs).
//!
//! **Invariants:** nothing here panics on any input; a reader never holds more than one
//! record (plus a bounded window of recent text) in memory.

use super::{FeedError, FeedRecord};
use beacon_core::{Event, RejectedRow};
use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Longest line a line-based format reads; longer lines are rejected, not buffered.
pub(crate) const MAX_LINE_BYTES: usize = 1024 * 1024;

/// A whole-file refusal from `format`.
pub(crate) fn refuse(format: &'static str, reason: impl Into<String>) -> FeedError {
    FeedError {
        format,
        reason: reason.into(),
    }
}

/// Opens a byte stream as UTF-8 text with the report reader's rules
/// ([`crate::text_input::decode_text`]), as a whole-file refusal from `format` when it is
/// binary or UTF-16.
pub(crate) fn open_text<'a>(
    input: Box<dyn Read + Send + 'a>,
    format: &'static str,
) -> Result<Box<dyn Read + Send + 'a>, FeedError> {
    crate::text_input::decode_text(input)
        .map(|(text, _)| text)
        .map_err(|error| refuse(format, error.to_string()))
}

/// Keeps raw text to a sensible size and without its line ending.
pub(crate) use crate::reports::cut;

/// Largest JSON document a feed parser reads whole (STIX bundles, MISP events).
pub(crate) const MAX_JSON_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a whole JSON document (UTF-8, with or without a byte-order mark). The refusal's
/// reason is a verb phrase ("is not valid JSON: …") so callers can name the file first.
pub(crate) fn read_json(
    input: Box<dyn Read + Send + '_>,
    format: &'static str,
) -> Result<serde_json::Value, FeedError> {
    let mut bytes = Vec::new();
    input
        .take(MAX_JSON_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| refuse(format, format!("could not be read: {error}")))?;
    if bytes.len() as u64 > MAX_JSON_BYTES {
        return Err(refuse(
            format,
            format!("is larger than {} MiB", MAX_JSON_BYTES / (1024 * 1024)),
        ));
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
    serde_json::from_slice(body)
        .map_err(|error| refuse(format, format!("is not valid JSON: {error}")))
}

/// A rejected record.
pub(crate) fn rejected(line: u64, reason: impl Into<String>, raw: String) -> FeedRecord {
    FeedRecord::Rejected(RejectedRow {
        line,
        reason: reason.into(),
        raw: cut(raw),
    })
}

/// The record for a finished event: skipped when it names nothing the register holds.
pub(crate) fn event_or_skip(event: Event, line: u64, what: &str) -> FeedRecord {
    if event.has_observable() {
        FeedRecord::Event(Box::new(event), line)
    } else {
        FeedRecord::Skipped {
            line,
            reason: format!("{what} names no address, network, domain or URL"),
        }
    }
}

/// Recent decoded text, so a record's raw text can be cut out by offset.
#[derive(Default)]
struct Window {
    /// Offset (in the decoded stream) of `bytes[0]`.
    base: u64,
    bytes: Vec<u8>,
}

/// The decoded text a [`Recorder`] has passed on, shared with the parser that cuts records
/// out of it.
#[derive(Clone, Default)]
pub(crate) struct RawWindow(Arc<Mutex<Window>>);

impl RawWindow {
    fn lock(&self) -> MutexGuard<'_, Window> {
        // A panic elsewhere cannot leave the window inconsistent: take it as it is.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The text between two stream offsets, lossily decoded; forgets text before `end`.
    pub(crate) fn take(&self, start: u64, end: u64) -> String {
        let mut window = self.lock();
        let from = usize::try_from(start.saturating_sub(window.base)).unwrap_or(usize::MAX);
        let to = usize::try_from(end.saturating_sub(window.base))
            .unwrap_or(usize::MAX)
            .min(window.bytes.len());
        let text = if from < to {
            String::from_utf8_lossy(&window.bytes[from..to]).into_owned()
        } else {
            String::new()
        };
        window.forget_before(end);
        text
    }

    /// Forgets text before `offset`.
    pub(crate) fn forget_before(&self, offset: u64) {
        self.lock().forget_before(offset);
    }
}

impl Window {
    /// Compacts only once the forgotten prefix is large (or is everything), so each byte
    /// is moved a bounded number of times rather than once per row.
    fn forget_before(&mut self, offset: u64) {
        let forget = usize::try_from(offset.saturating_sub(self.base))
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        if forget >= 256 * 1024 || (forget > 0 && forget == self.bytes.len()) {
            self.bytes.drain(..forget);
            self.base += forget as u64;
        }
    }
}

/// Keeps a copy of the text it passes on, for [`RawWindow::take`].
pub(crate) struct Recorder<R> {
    inner: R,
    window: RawWindow,
}

impl<R: Read> Read for Recorder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.window.lock().bytes.extend_from_slice(&buf[..read]);
        Ok(read)
    }
}

/// One CSV record from [`CsvSource::next_record`]; its fields are in `CsvSource::record`.
pub(crate) enum CsvRow {
    /// A record that is not blank.
    Record {
        /// File line where it starts.
        line: u64,
        /// Its text as it appeared.
        raw: String,
    },
    /// The stream could not be read further; the reader stops after this.
    Unreadable(FeedRecord),
}

/// A CSV reader over decoded text that knows each record's line and raw text.
pub(crate) struct CsvSource<'a> {
    reader: csv::Reader<Recorder<Box<dyn Read + Send + 'a>>>,
    window: RawWindow,
    /// Lines consumed before the CSV reader started (e.g. skipped leading white space).
    line_offset: u64,
    /// The fields of the last record read; reused so rows allocate nothing here.
    pub(crate) record: csv::ByteRecord,
    finished: bool,
}

impl<'a> CsvSource<'a> {
    /// A reader of decoded text with the given field delimiter.
    pub(crate) fn new(text: Box<dyn Read + Send + 'a>, delimiter: u8, line_offset: u64) -> Self {
        let window = RawWindow::default();
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(Recorder {
                inner: text,
                window: window.clone(),
            });
        CsvSource {
            reader,
            window,
            line_offset,
            record: csv::ByteRecord::new(),
            finished: false,
        }
    }

    /// The next record that is not blank (blank lines are layout, not records).
    pub(crate) fn next_record(&mut self) -> Option<CsvRow> {
        while !self.finished {
            let start = self.reader.position().clone();
            let result = self.reader.read_byte_record(&mut self.record);
            let end = self.reader.position().byte();
            match result {
                Ok(false) => self.finished = true,
                Err(error) => {
                    // Input errors repeat; stop after reporting the first.
                    self.finished = true;
                    let raw = self.window.take(start.byte(), end.max(start.byte()));
                    return Some(CsvRow::Unreadable(rejected(
                        start.line() + self.line_offset,
                        format!("the rest of the file could not be read: {error}"),
                        raw,
                    )));
                }
                Ok(true) => {
                    if self
                        .record
                        .iter()
                        .all(|field| field.iter().all(u8::is_ascii_whitespace))
                    {
                        self.window.forget_before(end);
                        continue;
                    }
                    let (line, record_start) = self
                        .record
                        .position()
                        .map_or((start.line(), start.byte()), |position| {
                            (position.line(), position.byte())
                        });
                    // The csv crate starts a record's position before the empty lines
                    // it skipped; move past them so line and raw text are the record's.
                    let mut raw = self.window.take(record_start, end);
                    let skipped = raw.len() - raw.trim_start_matches(['\r', '\n']).len();
                    let empty_lines = raw[..skipped].bytes().filter(|&byte| byte == b'\n').count();
                    raw.drain(..skipped);
                    return Some(CsvRow::Record {
                        line: line + self.line_offset + empty_lines as u64,
                        raw,
                    });
                }
            }
        }
        None
    }

    /// Field `index` of the current record as trimmed text; `Err` names a field that is
    /// not UTF-8. Missing fields are empty.
    pub(crate) fn field(&self, index: usize) -> Result<&str, ()> {
        match self.record.get(index) {
            None => Ok(""),
            Some(bytes) => std::str::from_utf8(bytes).map(str::trim).map_err(|_| ()),
        }
    }

    /// Number of fields in the current record, not counting empty trailing ones beyond
    /// `expected` (spreadsheets add those).
    pub(crate) fn width(&self, expected: usize) -> usize {
        let len = self.record.len();
        if len > expected
            && self
                .record
                .iter()
                .skip(expected)
                .all(|field| field.iter().all(u8::is_ascii_whitespace))
        {
            expected
        } else {
            len
        }
    }

    /// Reads the first record as the header, or refuses the file as `format` when there
    /// is none (`what` names the file kind, e.g. "a Shadowserver report").
    pub(crate) fn read_header(
        &mut self,
        format: &'static str,
        what: &str,
    ) -> Result<Vec<String>, FeedError> {
        match self.next_record() {
            Some(CsvRow::Record { .. }) => Ok(self.fields_lossy()),
            Some(CsvRow::Unreadable(_)) | None => Err(refuse(
                format,
                format!("the file is empty: {what} starts with a header row"),
            )),
        }
    }

    /// The current record's fields as trimmed text (lossy), e.g. for a header.
    pub(crate) fn fields_lossy(&self) -> Vec<String> {
        self.record
            .iter()
            .map(|field| String::from_utf8_lossy(field).trim().to_owned())
            .collect()
    }
}

/// The reason for a ragged row, if it is one.
pub(crate) fn ragged(width: usize, header_len: usize) -> Option<String> {
    (width != header_len)
        .then(|| format!("the row has {width} fields but the header has {header_len}"))
}

/// What [`LineSource::next_line`] found.
pub(crate) enum Line<'b> {
    /// A line of text (without its line ending), with its number.
    Text(u64, &'b str),
    /// A line that cannot be read as text, already made a rejection.
    Bad(FeedRecord),
}

/// Reads decoded text line by line with 1-based line numbers, never holding more than one
/// line (of at most [`MAX_LINE_BYTES`]).
pub(crate) struct LineSource<'a> {
    reader: BufReader<Box<dyn Read + Send + 'a>>,
    buffer: Vec<u8>,
    line: u64,
    finished: bool,
}

impl<'a> LineSource<'a> {
    /// Lines of decoded text.
    pub(crate) fn new(text: Box<dyn Read + Send + 'a>) -> Self {
        LineSource {
            reader: BufReader::new(text),
            buffer: Vec::new(),
            line: 0,
            finished: false,
        }
    }

    /// The next line, or `None` at the end.
    pub(crate) fn next_line(&mut self) -> Option<Line<'_>> {
        if self.finished {
            return None;
        }
        self.buffer.clear();
        let mut too_long = false;
        let mut saw_any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    self.finished = true;
                    return Some(Line::Bad(rejected(
                        self.line + 1,
                        format!("the rest of the file could not be read: {error}"),
                        String::new(),
                    )));
                }
            };
            if available.is_empty() {
                break;
            }
            saw_any = true;
            let (chunk, newline) = match available.iter().position(|&byte| byte == b'\n') {
                Some(position) => (&available[..=position], true),
                None => (available, false),
            };
            let used = chunk.len();
            if !too_long {
                if self.buffer.len() + used > MAX_LINE_BYTES {
                    too_long = true;
                    let room = MAX_LINE_BYTES - self.buffer.len();
                    self.buffer.extend_from_slice(&chunk[..room]);
                } else {
                    self.buffer.extend_from_slice(chunk);
                }
            }
            self.reader.consume(used);
            if newline {
                break;
            }
        }
        if !saw_any {
            self.finished = true;
            return None;
        }
        self.line += 1;
        let line = self.line;
        if too_long {
            return Some(Line::Bad(rejected(
                line,
                format!(
                    "the line is longer than {} MiB",
                    MAX_LINE_BYTES / (1024 * 1024)
                ),
                String::from_utf8_lossy(&self.buffer).into_owned(),
            )));
        }
        while self
            .buffer
            .last()
            .is_some_and(|&byte| byte == b'\n' || byte == b'\r')
        {
            self.buffer.pop();
        }
        match std::str::from_utf8(&self.buffer) {
            Ok(text) => Some(Line::Text(line, text)),
            Err(_) => Some(Line::Bad(rejected(
                line,
                "the line is not valid UTF-8 text; save the file as UTF-8",
                String::from_utf8_lossy(&self.buffer).into_owned(),
            ))),
        }
    }
}

/// The first line of `head` (as much of it as `head` holds), lossily decoded, without a
/// byte-order mark.
pub(crate) fn first_line(head: &[u8]) -> Cow<'_, str> {
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let end = head
        .iter()
        .position(|&byte| byte == b'\n')
        .unwrap_or(head.len());
    let line = String::from_utf8_lossy(&head[..end]);
    match line {
        Cow::Borrowed(text) => Cow::Borrowed(text.trim_end_matches('\r')),
        Cow::Owned(text) => Cow::Owned(text.trim_end_matches('\r').to_owned()),
    }
}

/// The complete lines of `head` (a last line cut off by the end of `head` is left out
/// unless it is the only one), lossily decoded, without a byte-order mark.
pub(crate) fn head_lines(head: &[u8]) -> Vec<Cow<'_, str>> {
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let mut lines: Vec<&[u8]> = head.split(|&byte| byte == b'\n').collect();
    if lines.len() > 1 && !head.ends_with(b"\n") {
        // The last piece may be a line cut short by the end of the sniffed block.
        lines.pop();
    }
    lines
        .into_iter()
        .map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            String::from_utf8_lossy(line)
        })
        .collect()
}

/// Splits one line of CSV text (the first line of a sniffed head, say) into trimmed,
/// lower-case field names.
pub(crate) fn split_header(line: &str, delimiter: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(line.as_bytes());
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record
            .iter()
            .map(|field| String::from_utf8_lossy(field).trim().to_lowercase())
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads a time as feeds write it: `YYYY-MM-DD`, then optionally `T` or a space and
/// `HH:MM[:SS[.fraction]]`, then optionally `Z`, `UTC`, `GMT` or an offset such as
/// `+01:00`, `+0100` or `+01`. No zone means UTC (Shadowserver, abuse.ch and CERT-EU all
/// write UTC). The result is in UTC.
pub(crate) fn parse_time(text: &str) -> Option<OffsetDateTime> {
    let bytes = text.trim().as_bytes();
    let year = number(bytes.get(0..4)?)?;
    let month = number(bytes.get(5..7)?)?;
    let day = number(bytes.get(8..10)?)?;
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date =
        Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()?;
    let mut rest = &bytes[10..];
    if rest.is_empty() {
        return Some(date.midnight().assume_utc());
    }
    if !matches!(rest[0], b'T' | b't' | b' ') {
        return None;
    }
    rest = &rest[1..];
    let hour = number(rest.get(0..2)?)?;
    if rest.get(2) != Some(&b':') {
        return None;
    }
    let minute = number(rest.get(3..5)?)?;
    rest = &rest[5..];
    let mut second = 0;
    let mut nanosecond = 0;
    if rest.first() == Some(&b':') {
        second = number(rest.get(1..3)?)?;
        rest = &rest[3..];
        if matches!(rest.first(), Some(b'.' | b',')) {
            rest = &rest[1..];
            let digits = rest.iter().take_while(|byte| byte.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            let mut scale = 100_000_000;
            for &digit in rest.iter().take(digits.min(9)) {
                nanosecond += u32::from(digit - b'0') * scale;
                scale /= 10;
            }
            rest = &rest[digits..];
        }
    }
    let time = Time::from_hms_nano(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
        nanosecond,
    )
    .ok()?;
    let offset = parse_offset(std::str::from_utf8(rest).ok()?.trim())?;
    PrimitiveDateTime::new(date, time)
        .assume_offset(offset)
        .checked_to_offset(UtcOffset::UTC)
}

/// `Z`, `UTC`, `GMT`, nothing, or `±HH[:MM]` / `±HHMM`.
fn parse_offset(text: &str) -> Option<UtcOffset> {
    if text.is_empty() || matches!(text, "Z" | "z" | "UTC" | "GMT" | "utc" | "gmt") {
        return Some(UtcOffset::UTC);
    }
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits = digits.as_bytes();
    let (hours, minutes) = match digits.len() {
        2 => (number(digits)?, 0),
        4 => (number(&digits[..2])?, number(&digits[2..])?),
        5 if digits[2] == b':' => (number(&digits[..2])?, number(&digits[3..])?),
        _ => return None,
    };
    let hours = i8::try_from(hours).ok()? * sign;
    let minutes = i8::try_from(minutes).ok()? * sign;
    UtcOffset::from_hms(hours, minutes, 0).ok()
}

/// ASCII digits as a number; `None` for anything else.
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    digits.iter().try_fold(0u32, |total, &digit| {
        digit
            .is_ascii_digit()
            .then(|| total * 10 + u32::from(digit - b'0'))
    })
}

/// A port number.
pub(crate) fn parse_port(text: &str) -> Option<u16> {
    text.trim().parse().ok()
}

/// An autonomous system number, with or without `AS`; `Ok(None)` for 0 (which feeds
/// write for "unknown").
pub(crate) fn parse_asn(text: &str) -> Result<Option<u32>, ()> {
    let text = text.trim();
    let digits = text
        .strip_prefix("AS")
        .or_else(|| text.strip_prefix("as"))
        .unwrap_or(text);
    match digits.parse::<u32>() {
        Ok(0) => Ok(None),
        Ok(asn) => Ok(Some(asn)),
        Err(_) => Err(()),
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case.
pub(crate) fn parse_country(text: &str) -> Option<String> {
    let text = text.trim();
    (text.len() == 2 && text.bytes().all(|byte| byte.is_ascii_alphabetic()))
        .then(|| text.to_ascii_uppercase())
}

/// A domain name, lower case and in its ASCII (punycode) form: at least two labels of
/// letters, digits, `-` and `_` (1–63 characters each, not starting or ending with `-`),
/// at most 253 characters, a top-level label that is not all digits, not an IP address.
/// A trailing dot is dropped.
pub(crate) fn parse_hostname(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text.strip_suffix('.').unwrap_or(text);
    if text.is_empty() || text.len() > 253 {
        return None;
    }
    let ascii: Cow<'_, str> = if text.is_ascii() {
        Cow::Borrowed(text)
    } else {
        match url::Host::parse(text) {
            Ok(url::Host::Domain(domain)) => Cow::Owned(domain),
            _ => return None,
        }
    };
    if ascii.len() > 253 || ascii.parse::<IpAddr>().is_ok() {
        return None;
    }
    let mut labels = 0;
    let mut last = "";
    for label in ascii.split('.') {
        let bytes = label.as_bytes();
        if bytes.is_empty()
            || bytes.len() > 63
            || bytes[0] == b'-'
            || bytes[bytes.len() - 1] == b'-'
            || !bytes
                .iter()
                .all(|&byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        {
            return None;
        }
        labels += 1;
        last = label;
    }
    if labels < 2 || last.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    Some(ascii.to_ascii_lowercase())
}

/// The host of a web address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UrlHost {
    /// An IP address.
    Ip(IpAddr),
    /// A valid domain name (see [`parse_hostname`]).
    Domain(String),
    /// A host the URL parser accepts but that is no valid domain name (`intranet`).
    Other,
}

/// A web address as the `url` crate normalises it, with its host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebAddress {
    /// The normalised URL.
    pub text: String,
    /// Its host.
    pub host: UrlHost,
}

/// An `http`, `https`, `ftp` or `ftps` URL with a host (see [`web_address`]).
pub(crate) fn parse_url(text: &str) -> Option<WebAddress> {
    web_address(text).ok()
}

/// An `http`, `https`, `ftp` or `ftps` URL with a host, or why the text is not one, as
/// a phrase to follow the value ("is not …", "has …"). A host with an empty label
/// (`www..example.com`) is refused: no resolver can look it up, so it names no real host
/// and must not be attributed to the owner of `example.com`.
pub(crate) fn web_address(text: &str) -> Result<WebAddress, String> {
    const NOT_A_URL: &str = "is not an http, https or ftp URL with a host";
    let url = url::Url::parse(text.trim()).map_err(|_| NOT_A_URL.to_owned())?;
    if !matches!(url.scheme(), "http" | "https" | "ftp" | "ftps") {
        return Err(NOT_A_URL.to_owned());
    }
    let host = match url.host().ok_or_else(|| NOT_A_URL.to_owned())? {
        url::Host::Domain(domain) => {
            let labels = domain.strip_suffix('.').unwrap_or(domain);
            if labels.split('.').any(str::is_empty) {
                return Err(format!(
                    "has an empty label in its host '{domain}' (dots with nothing between \
                     them), so it names no real host"
                ));
            }
            parse_hostname(domain).map_or(UrlHost::Other, UrlHost::Domain)
        }
        url::Host::Ipv4(address) => UrlHost::Ip(IpAddr::V4(address)),
        url::Host::Ipv6(address) => UrlHost::Ip(IpAddr::V6(address)),
    };
    Ok(WebAddress {
        text: url.into(),
        host,
    })
}

/// Sets `source.url` and, where they are not set yet, `source.ip` or `source.fqdn` from
/// the URL's host.
pub(crate) fn set_source_url(event: &mut Event, address: WebAddress) {
    match address.host {
        UrlHost::Ip(ip) => {
            event.source_ip.get_or_insert(ip);
        }
        UrlHost::Domain(domain) => {
            if event.source_fqdn.is_none() {
                event.source_fqdn = Some(domain);
            }
        }
        UrlHost::Other => {}
    }
    event.source_url = Some(address.text);
}

/// Trimmed text, or `None` for values feeds use to mean "nothing" (empty, `0`,
/// `unknown`), as IntelMQ's `validate_to_none` has it.
pub(crate) fn meaningful(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty() && text != "0" && !text.eq_ignore_ascii_case("unknown")).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use time::macros::datetime;

    #[test]
    fn reads_the_time_forms_feeds_use() {
        assert_eq!(
            parse_time("2010-02-10 00:00:01"),
            Some(datetime!(2010-02-10 00:00:01 UTC))
        );
        assert_eq!(
            parse_time("2019-04-01 03:13:20Z"),
            Some(datetime!(2019-04-01 03:13:20 UTC))
        );
        assert_eq!(
            parse_time("2019-04-01T05:13:20+02:00"),
            Some(datetime!(2019-04-01 03:13:20 UTC))
        );
        assert_eq!(
            parse_time("2019-04-01 03:13:20.5 UTC"),
            Some(datetime!(2019-04-01 03:13:20.5 UTC))
        );
        assert_eq!(
            parse_time("2022-11-15"),
            Some(datetime!(2022-11-15 00:00 UTC))
        );
        assert_eq!(
            parse_time("2022-11-15 10:00-0130"),
            Some(datetime!(2022-11-15 11:30 UTC))
        );
        for bad in [
            "",
            "yesterday",
            "2022-13-01",
            "2022-02-30 10:00",
            "2022-02-01 25:00",
            "2022-02-01 10:00 CET",
            "+99999-01-01",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn domain_names_are_checked_and_lower_cased() {
        assert_eq!(parse_hostname("Example.COM."), Some("example.com".into()));
        assert_eq!(parse_hostname("bücher.ch"), Some("xn--bcher-kva.ch".into()));
        assert_eq!(
            parse_hostname("_dmarc.example.org"),
            Some("_dmarc.example.org".into())
        );
        for bad in [
            "",
            "localhost",
            "www..example.com",
            "-a.example.com",
            "1.2.3.4",
            "1.2.3.999",
            "a b.com",
            "example.com/x",
        ] {
            assert_eq!(parse_hostname(bad), None, "{bad}");
        }
    }

    #[test]
    fn urls_keep_their_host() {
        let address = parse_url("HTTP://Example.com:8080/a b").expect("url");
        assert_eq!(address.text, "http://example.com:8080/a%20b");
        assert_eq!(address.host, UrlHost::Domain("example.com".into()));
        assert_eq!(
            parse_url("http://192.0.2.1/x").map(|a| a.host),
            Some(UrlHost::Ip("192.0.2.1".parse().expect("ip")))
        );
        assert_eq!(
            parse_url("http://intranet/x").map(|a| a.host),
            Some(UrlHost::Other)
        );
        for empty_label in [
            "http://www..example.com/phishing",
            "https://.example.com/",
            "http://example..com./",
        ] {
            let reason = web_address(empty_label).expect_err(empty_label);
            assert!(reason.contains("empty label"), "{empty_label}: {reason}");
        }
        assert!(parse_url("http://example.com./x").is_some());
        assert!(parse_url("javascript:alert(1)").is_none());
        assert!(parse_url("example.com/path").is_none());
    }

    #[test]
    fn numbers_and_codes() {
        assert_eq!(parse_asn("AS64512"), Ok(Some(64512)));
        assert_eq!(parse_asn("0"), Ok(None));
        assert_eq!(parse_asn("x"), Err(()));
        assert_eq!(parse_port("65536"), None);
        assert_eq!(parse_country("gb"), Some("GB".into()));
        assert_eq!(parse_country("GBR"), None);
    }

    #[test]
    fn lines_are_numbered_and_long_lines_refused() {
        let mut text = b"one\r\n\ntwo".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 10));
        text.extend_from_slice(b"\nthree\n");
        let mut lines = LineSource::new(Box::new(Cursor::new(text)));
        let mut seen = Vec::new();
        while let Some(line) = lines.next_line() {
            seen.push(match line {
                Line::Text(number, text) => format!("{number}:{text}"),
                Line::Bad(FeedRecord::Rejected(row)) => format!("{}:bad", row.line),
                Line::Bad(_) => "other".into(),
            });
        }
        assert_eq!(seen, ["1:one", "2:", "3:bad", "4:three"]);
    }

    #[test]
    fn csv_rows_know_their_lines_and_raw_text() {
        let text = "a,b\n\n\"multi\nline\",c\nd,e\n";
        let mut source = CsvSource::new(Box::new(Cursor::new(text.as_bytes().to_vec())), b',', 0);
        let mut seen = Vec::new();
        while let Some(row) = source.next_record() {
            if let CsvRow::Record { line, raw } = row {
                seen.push((line, raw));
            }
        }
        assert_eq!(
            seen,
            [
                (1, "a,b\n".to_owned()),
                (3, "\"multi\nline\",c\n".to_owned()),
                (5, "d,e\n".to_owned())
            ]
        );
    }

    #[test]
    fn windows_1252_is_transcoded_and_binary_refused() {
        let mut text = String::new();
        open_text(Box::new(Cursor::new(b"caf\xe9\n".to_vec())), "test")
            .expect("text")
            .read_to_string(&mut text)
            .expect("read");
        assert_eq!(text, "café\n");
        assert!(open_text(Box::new(Cursor::new(b"PK\x03\x04\x00".to_vec())), "test").is_err());
        assert!(open_text(Box::new(Cursor::new(b"\xff\xfea\x00".to_vec())), "test").is_err());
    }
}
