-- Threat-address register: organisations and their claims, feed events, addresses, the
-- digest outbox; and a skipped count for every ingest run.
ALTER TABLE ingest_runs ADD COLUMN rows_skipped INTEGER NOT NULL DEFAULT 0;

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,          -- lower-case name: names are unique regardless of case
    sector TEXT NOT NULL DEFAULT '',
    district_code TEXT,
    contacts TEXT NOT NULL DEFAULT '',      -- ';'-joined email addresses
    last_digest_at TEXT,                    -- end of the period its last digest covered
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE organisation_claims (
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                     -- network | asn | domain
    value TEXT NOT NULL,
    PRIMARY KEY (organisation_id, kind, value)
) WITHOUT ROWID;

CREATE TABLE addresses (
    id INTEGER PRIMARY KEY,
    observable TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,                     -- ip | network | url | domain
    organisation_id INTEGER,
    district_code TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    active_since TEXT NOT NULL,
    sightings INTEGER NOT NULL DEFAULT 0,
    tlp INTEGER NOT NULL DEFAULT 0,         -- most restrictive TLP of its events: 0 CLEAR … 4 RED
    feeds TEXT NOT NULL DEFAULT '',         -- ';'-joined, sorted: what its events said
    types TEXT NOT NULL DEFAULT '',
    malware TEXT NOT NULL DEFAULT '',
    ports TEXT NOT NULL DEFAULT ''
);
CREATE INDEX addresses_by_owner ON addresses (organisation_id, last_seen);

-- Each batch's events in full (the harmonised event as JSON with IntelMQ field names,
-- and the raw record), zstd-compressed together; feed_events rows point into them.
CREATE TABLE feed_event_blocks (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    events INTEGER NOT NULL,
    data BLOB NOT NULL
);

CREATE TABLE feed_events (
    id INTEGER PRIMARY KEY,
    event_key BLOB NOT NULL UNIQUE,         -- 128-bit hash of the harmonised fields
    run_id INTEGER NOT NULL,
    line INTEGER NOT NULL,
    address_id INTEGER NOT NULL,
    seen_at TEXT NOT NULL,                  -- time.source, else time.observation
    feed TEXT NOT NULL,
    taxonomy TEXT NOT NULL,
    type TEXT NOT NULL,
    malware TEXT,
    port INTEGER,
    organisation_id INTEGER,
    district_code TEXT,
    tlp INTEGER NOT NULL,
    block_id INTEGER NOT NULL,              -- feed_event_blocks row holding its full form
    block_index INTEGER NOT NULL            -- its position in that block
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    recipient TEXT NOT NULL,
    recipient_kind TEXT NOT NULL,           -- own | extra
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    message_id TEXT NOT NULL,
    tlp INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    withheld INTEGER NOT NULL,
    period_start TEXT,
    period_end TEXT NOT NULL,
    status TEXT NOT NULL,                   -- pending | sending | retrying | sent | given_up
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    acknowledged_at TEXT,
    acknowledged_by TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
