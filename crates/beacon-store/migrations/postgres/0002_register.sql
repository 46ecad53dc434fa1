-- Threat-address register: organisations and their claims, feed events, addresses, the
-- digest outbox; and a skipped count for every ingest run.
ALTER TABLE ingest_runs ADD COLUMN rows_skipped BIGINT NOT NULL DEFAULT 0;

CREATE TABLE organisations (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    sector TEXT NOT NULL DEFAULT '',
    district_code TEXT,
    contacts TEXT NOT NULL DEFAULT '',
    last_digest_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE organisation_claims (
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (organisation_id, kind, value)
);

CREATE TABLE addresses (
    id BIGSERIAL PRIMARY KEY,
    observable TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    organisation_id BIGINT,
    district_code TEXT,
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL,
    active_since TIMESTAMPTZ NOT NULL,
    sightings BIGINT NOT NULL DEFAULT 0,
    tlp BIGINT NOT NULL DEFAULT 0,
    feeds TEXT NOT NULL DEFAULT '',
    types TEXT NOT NULL DEFAULT '',
    malware TEXT NOT NULL DEFAULT '',
    ports TEXT NOT NULL DEFAULT ''
);

-- The union of two ';'-joined label lists, sorted, without empties, at most 16 (as
-- SQLite's beacon_merge_labels, which Beacon registers on each connection).
CREATE FUNCTION beacon_merge_labels(a TEXT, b TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT COALESCE(array_to_string(ARRAY(
        SELECT label FROM (
            SELECT DISTINCT label COLLATE "C" AS label
            FROM unnest(string_to_array(a, ';') || string_to_array(b, ';')) AS given(label)
            WHERE label <> '') AS labels
        ORDER BY label LIMIT 16), ';'), '')
$$;
CREATE INDEX addresses_by_owner ON addresses (organisation_id, last_seen);

CREATE TABLE feed_event_blocks (
    id BIGSERIAL PRIMARY KEY,
    run_id BIGINT NOT NULL,
    events INTEGER NOT NULL,
    data BYTEA NOT NULL
);

CREATE TABLE feed_events (
    id BIGSERIAL PRIMARY KEY,
    event_key BYTEA NOT NULL UNIQUE,
    run_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    address_id BIGINT NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL,
    feed TEXT NOT NULL,
    taxonomy TEXT NOT NULL,
    type TEXT NOT NULL,
    malware TEXT,
    port INTEGER,
    organisation_id BIGINT,
    district_code TEXT,
    tlp BIGINT NOT NULL,
    block_id BIGINT NOT NULL,
    block_index INTEGER NOT NULL
);
CREATE INDEX feed_events_by_time ON feed_events (seen_at);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    recipient TEXT NOT NULL,
    recipient_kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    message_id TEXT NOT NULL,
    tlp BIGINT NOT NULL,
    findings BIGINT NOT NULL,
    withheld BIGINT NOT NULL,
    period_start TIMESTAMPTZ,
    period_end TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_until TIMESTAMPTZ,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
