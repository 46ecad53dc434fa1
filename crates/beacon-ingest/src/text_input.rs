//! Turns a byte stream into UTF-8 text for the CSV reader, hashing the original bytes and
//! keeping each record's raw text for quarantine.
//!
//! Files come from Excel and case-management exports: UTF-8 with or without a byte-order
//! mark, or Windows-1252. The encoding is decided from the first 64 KiB: valid UTF-8 is
//! read as UTF-8, other text as Windows-1252 (transcoded), and binary or UTF-16 files
//! are refused with a plain message. A UTF-8 file with a bad byte further on loses only
//! that row, which is rejected with a hint.

use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::io::{self, Cursor, Read};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How many bytes are inspected to decide the encoding.
const SNIFF_BYTES: usize = 64 * 1024;

/// The text encoding a file was read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (a byte-order mark, if any, is skipped).
    Utf8,
    /// Windows-1252, transcoded to UTF-8 as it is read.
    Windows1252,
}

impl Encoding {
    /// The name users know.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// Why a whole file was refused before any row was read.
#[derive(Debug, thiserror::Error)]
pub enum FileRefused {
    /// The file holds NUL bytes or other binary data.
    #[error("this is not a text file (it holds binary data near byte {0}); export the data as CSV")]
    Binary(usize),
    /// UTF-16 text, which spreadsheets write as "Unicode text".
    #[error("this file is UTF-16 text; save it as \"CSV UTF-8\" and load it again")]
    Utf16,
    /// Reading failed.
    #[error("could not read the file: {0}")]
    Io(#[from] io::Error),
}

/// The SHA-256 of every byte read so far, shared with the caller.
#[derive(Clone, Default)]
pub struct SharedHash(Arc<Mutex<Sha256>>);

impl SharedHash {
    /// The hex digest of what has been read (call once the reader is exhausted).
    pub fn hex(&self) -> String {
        let hash = self.0.lock().map(|hash| hash.clone()).unwrap_or_default();
        hex::encode(hash.finalize())
    }
}

/// Counts and hashes the original bytes as they are read. Shared through `Arc`s so the
/// reader can move to a parsing thread; the locks are taken once per read call (a
/// buffer of bytes), not per byte or row.
struct Hashing<R> {
    inner: R,
    hash: SharedHash,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        if let Ok(mut hash) = self.hash.0.lock() {
            hash.update(&buf[..read]);
        }
        self.bytes.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

/// Recent decoded text, so a record's raw bytes can be cut out by offset.
#[derive(Default)]
struct Window {
    /// Offset (in the decoded stream) of `bytes[0]`.
    base: u64,
    bytes: Vec<u8>,
}

/// The raw text of records, by decoded-stream offsets, shared with the CSV layer.
#[derive(Clone, Default)]
pub struct RawText(Rc<RefCell<Window>>);

impl RawText {
    /// The text between two offsets, lossily decoded, and forgets everything before `end`.
    pub fn take(&self, start: u64, end: u64) -> String {
        let mut window = self.0.borrow_mut();
        let from = usize::try_from(start.saturating_sub(window.base)).unwrap_or(usize::MAX);
        let to = usize::try_from(end.saturating_sub(window.base)).unwrap_or(usize::MAX);
        let to = to.min(window.bytes.len());
        let text = if from < to {
            String::from_utf8_lossy(&window.bytes[from..to]).into_owned()
        } else {
            String::new()
        };
        window.forget_before(end);
        text
    }

    /// Line breaks at `offset` before any other text: the CSV reader reports a record as
    /// starting before the blank lines it skipped. Returns (lines, bytes) to move past.
    pub fn blank_lines_at(&self, offset: u64) -> (u64, u64) {
        let window = self.0.borrow();
        let from = usize::try_from(offset.saturating_sub(window.base)).unwrap_or(usize::MAX);
        let (mut lines, mut bytes) = (0, 0);
        for &byte in window.bytes.get(from..).unwrap_or_default() {
            match byte {
                b'\n' => lines += 1,
                b'\r' => {}
                _ => break,
            }
            bytes += 1;
        }
        (lines, bytes)
    }

    /// Line breaks between two offsets not yet forgotten: `\n`, `\r\n` and a bare `\r`
    /// (old Mac exports end lines so) each count once. `after_cr` carries whether the text
    /// before `start` ended with `\r`, so a `\r\n` split across two calls counts once;
    /// it is updated for the next call.
    pub fn line_breaks(&self, start: u64, end: u64, after_cr: &mut bool) -> u64 {
        let window = self.0.borrow();
        let from = usize::try_from(start.saturating_sub(window.base)).unwrap_or(usize::MAX);
        let to = usize::try_from(end.saturating_sub(window.base))
            .unwrap_or(usize::MAX)
            .min(window.bytes.len());
        let mut breaks = 0;
        for &byte in window.bytes.get(from..to).unwrap_or_default() {
            match byte {
                b'\r' => breaks += 1,
                b'\n' if !*after_cr => breaks += 1,
                _ => {}
            }
            *after_cr = byte == b'\r';
        }
        breaks
    }

    /// Forgets text before `offset` (the start of the next record).
    pub fn forget_before(&self, offset: u64) {
        self.0.borrow_mut().forget_before(offset);
    }
}

impl Window {
    /// Forgets text before `offset`. The buffer is compacted only once the forgotten
    /// prefix is large, so each byte is moved a bounded number of times (not once per row).
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

/// Keeps a copy of the decoded text it passes on.
struct Recording<R> {
    inner: R,
    window: RawText,
}

impl<R: Read> Read for Recording<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.window
            .0
            .borrow_mut()
            .bytes
            .extend_from_slice(&buf[..read]);
        Ok(read)
    }
}

/// A file opened as text: the reader to parse, and what was learnt about it.
pub struct TextInput {
    /// UTF-8 text with any byte-order mark removed.
    pub reader: Box<dyn Read>,
    /// The encoding the file was read with.
    pub encoding: Encoding,
    /// SHA-256 of the original bytes, complete once the reader is exhausted.
    pub hash: SharedHash,
    /// Raw text of recent records.
    pub raw: RawText,
    /// Original bytes read so far, for progress.
    pub bytes_read: Arc<AtomicU64>,
}

/// Wraps a byte stream so its SHA-256 and byte count are known as it is read (for run
/// records and progress bars), whatever then parses it.
pub fn count_and_hash<'a>(
    input: Box<dyn Read + Send + 'a>,
) -> (Box<dyn Read + Send + 'a>, SharedHash, Arc<AtomicU64>) {
    let hash = SharedHash::default();
    let bytes_read = Arc::new(AtomicU64::new(0));
    let hashing = Hashing {
        inner: input,
        hash: hash.clone(),
        bytes: bytes_read.clone(),
    };
    (Box::new(hashing), hash, bytes_read)
}

/// Opens a byte stream as text, deciding its encoding from its first 64 KiB.
pub fn open_text(input: Box<dyn Read + Send>) -> Result<TextInput, FileRefused> {
    let hash = SharedHash::default();
    let bytes_read = Arc::new(AtomicU64::new(0));
    let hashing = Hashing {
        inner: input,
        hash: hash.clone(),
        bytes: bytes_read.clone(),
    };
    let (decoded, encoding) = decode_text(Box::new(hashing))?;
    let raw = RawText::default();
    Ok(TextInput {
        reader: Box::new(Recording {
            inner: decoded,
            window: raw.clone(),
        }),
        encoding,
        hash,
        raw,
        bytes_read,
    })
}

/// Decides a stream's encoding from its first 64 KiB and returns it as UTF-8 text without
/// a byte-order mark: valid UTF-8 as is, other text transcoded from Windows-1252, binary
/// and UTF-16 refused. Shared by the report reader and the feed parsers.
pub fn decode_text<'a>(
    mut input: Box<dyn Read + Send + 'a>,
) -> Result<(Box<dyn Read + Send + 'a>, Encoding), FileRefused> {
    let mut head = Vec::with_capacity(8 * 1024);
    (&mut input)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(FileRefused::Utf16);
    }
    if let Some(position) = head.iter().position(|&b| b == 0) {
        return Err(FileRefused::Binary(position));
    }
    let encoding = match std::str::from_utf8(&head) {
        Ok(_) => Encoding::Utf8,
        // A multi-byte character cut at the end of the sniffed block is still UTF-8.
        Err(error) if error.error_len().is_none() => Encoding::Utf8,
        Err(_) => Encoding::Windows1252,
    };
    if encoding == Encoding::Windows1252 && looks_binary(&head) {
        return Err(FileRefused::Binary(0));
    }
    if encoding == Encoding::Utf8 && head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        head.drain(..3);
    }
    let rest = Cursor::new(head).chain(input);
    let decoded: Box<dyn Read + Send + 'a> = match encoding {
        Encoding::Utf8 => Box::new(rest),
        Encoding::Windows1252 => Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding_rs::WINDOWS_1252))
                .build(rest),
        ),
    };
    Ok((decoded, encoding))
}

/// True when many bytes are control characters that text files do not hold.
fn looks_binary(head: &[u8]) -> bool {
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    control * 20 > head.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Result<(String, Encoding), FileRefused> {
        let mut input = open_text(Box::new(Cursor::new(bytes.to_vec())))?;
        let mut text = String::new();
        input.reader.read_to_string(&mut text)?;
        Ok((text, input.encoding))
    }

    #[test]
    fn strips_a_utf8_byte_order_mark() {
        let (text, encoding) = read_all(b"\xEF\xBB\xBFa,b\n").expect("text");
        assert_eq!(text, "a,b\n");
        assert_eq!(encoding, Encoding::Utf8);
    }

    #[test]
    fn transcodes_windows_1252() {
        let (text, encoding) = read_all(b"loss\n\xA3100\n").expect("text");
        assert_eq!(text, "loss\n£100\n");
        assert_eq!(encoding, Encoding::Windows1252);
    }

    #[test]
    fn refuses_binary_and_utf16() {
        assert!(matches!(
            read_all(b"PK\x03\x04\x00\x00"),
            Err(FileRefused::Binary(_))
        ));
        assert!(matches!(
            read_all(b"\xFF\xFEa\x00"),
            Err(FileRefused::Utf16)
        ));
        assert!(matches!(
            read_all(&[0x01, 0x02, 0x03, 0x81, 0x90, 0x05, 0x06, 0x07]),
            Err(FileRefused::Binary(_))
        ));
    }

    #[test]
    fn hashes_the_original_bytes() {
        let mut input = open_text(Box::new(Cursor::new(b"abc".to_vec()))).expect("text");
        let mut sink = String::new();
        input.reader.read_to_string(&mut sink).expect("read");
        assert_eq!(
            input.hash.hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
