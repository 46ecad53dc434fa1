//! The block codec: a feed batch's events in full (stored JSON and raw text), compressed
//! together with zstd, so the register's rows stay narrow.

use super::RegisterEvent;
use super::event_key::event_from_stored;
use beacon_core::Event;
use std::collections::{BTreeMap, HashMap};

/// Events at the given (block, index) places, in that order, decoding each block once
/// (the most recent block is kept, as events of one batch are read together).
pub(super) fn read_events(
    places: &[(i64, i64)],
    mut block_data: impl FnMut(i64) -> crate::StoreResult<Vec<u8>>,
) -> crate::StoreResult<Vec<Event>> {
    let corrupt = |what: String| crate::StoreError::Corrupt(what);
    let mut cache: HashMap<i64, Block> = HashMap::new();
    let mut events = Vec::with_capacity(places.len());
    for &(block_id, index) in places {
        if !cache.contains_key(&block_id) {
            if cache.len() >= 64 {
                cache.clear();
            }
            let block = Block::decode(&block_data(block_id)?)
                .ok_or_else(|| corrupt(format!("feed event block {block_id} does not decode")))?;
            cache.insert(block_id, block);
        }
        let event = cache
            .get(&block_id)
            .and_then(|block| block.event(usize::try_from(index).ok()?))
            .ok_or_else(|| {
                corrupt(format!(
                    "event {index} of block {block_id} does not read back"
                ))
            })?;
        events.push(event);
    }
    Ok(events)
}

/// zstd level: the fastest, which still compresses a block of feed events about tenfold.
pub(super) const BLOCK_LEVEL: i32 = 1;

/// Frees what only the block needs: the stored JSON, the raw text and `extra`.
pub(super) fn strip(event: &mut RegisterEvent) {
    event.detail = String::new();
    event.event.raw = String::new();
    event.event.extra = BTreeMap::new();
}

/// Writes one event's record into a block being compressed, then strips the event.
pub(super) fn append_record(
    encoder: Option<&mut zstd::stream::Encoder<'static, Vec<u8>>>,
    event: &mut RegisterEvent,
) {
    use std::io::Write;
    if let Some(encoder) = encoder {
        for part in [event.detail.as_bytes(), event.event.raw.as_bytes()] {
            // Writing to a Vec cannot fail.
            let _ = encoder.write_all(&(part.len() as u32).to_le_bytes());
            let _ = encoder.write_all(part);
        }
    }
    strip(event);
}

/// A block: for each event in batch order, its stored JSON and raw text, each as a
/// little-endian u32 length and the bytes; zstd-compressed as a whole.
pub(super) fn encode_block(events: &[RegisterEvent]) -> Vec<u8> {
    let mut plain = Vec::with_capacity(events.len() * 1_500);
    for event in events {
        for part in [event.detail.as_bytes(), event.event.raw.as_bytes()] {
            plain.extend_from_slice(&(part.len() as u32).to_le_bytes());
            plain.extend_from_slice(part);
        }
    }
    zstd::bulk::compress(&plain, BLOCK_LEVEL).unwrap_or_default()
}

/// A decoded block: the events' (stored JSON, raw text) in batch order.
pub(super) struct Block {
    plain: Vec<u8>,
    /// Byte ranges of each event's two parts.
    parts: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

impl Block {
    /// Decompresses and indexes a stored block.
    pub fn decode(data: &[u8]) -> Option<Block> {
        let plain = zstd::stream::decode_all(data).ok()?;
        let mut parts = Vec::new();
        let mut at = 0;
        let next = |at: &mut usize| -> Option<std::ops::Range<usize>> {
            let length = u32::from_le_bytes(plain.get(*at..*at + 4)?.try_into().ok()?) as usize;
            let range = *at + 4..*at + 4 + length;
            plain.get(range.clone())?;
            *at = range.end;
            Some(range)
        };
        while at < plain.len() {
            let detail = next(&mut at)?;
            let raw = next(&mut at)?;
            parts.push((detail, raw));
        }
        Some(Block { plain, parts })
    }

    /// The event at `index`.
    pub fn event(&self, index: usize) -> Option<Event> {
        let (detail, raw) = self.parts.get(index)?;
        let text =
            |range: &std::ops::Range<usize>| std::str::from_utf8(&self.plain[range.clone()]).ok();
        event_from_stored(text(detail)?, text(raw)?)
    }
}
