-- Packed facts: what statistics read of a report, as a day number and one fixed-layout
-- BLOB, so the scan that feeds every statistic can read two columns of a narrow index
-- (migration 3) instead of thirteen mostly-text columns of a wide one. The text columns
-- stay: ingest keeps writing them, and people and other queries read them.
--
-- The layout of `fact` is documented in src/sqlite/packed.rs. Rust fills both columns
-- for existing reports straight after this script, in the same transaction
-- (`fill_packed_facts`): the victim hash is 64-bit FNV-1a, which SQL cannot compute, and
-- one packing function for ingest and backfill keeps the two identical.

-- Stable small ids for the text dimensions, given on first sight at ingest and never
-- changed or reused: packed facts refer to them.
CREATE TABLE fact_districts (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE
);
CREATE TABLE fact_fraud_types (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
);
CREATE TABLE fact_issues (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- Julian day number of reported_on: `date(day)` gives the date back.
ALTER TABLE reports ADD COLUMN day INTEGER;
-- Category, victim type, age band, gender, the yes/no/unknown flags, district and
-- fraud-type ids, loss, local-issue bits and victim-key hash.
ALTER TABLE reports ADD COLUMN fact BLOB;

-- The index over the new columns comes in migration 3, once they are filled.
