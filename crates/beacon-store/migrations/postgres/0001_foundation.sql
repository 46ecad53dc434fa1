-- Foundation: reference data, ingest runs, quarantine, reports, audit.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE districts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    population_2011 BIGINT NOT NULL,
    population_2021 BIGINT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE fraud_types (
    key TEXT PRIMARY KEY,
    code TEXT,
    name TEXT NOT NULL,
    type_group TEXT NOT NULL,
    computer_misuse BOOLEAN NOT NULL,
    position BIGINT NOT NULL
);

-- Byte-order ("C") collation, as SQLite compares text: the sector rebuild breaks ties by
-- the lowest district code, and C comparisons keep the 2.6-million-row key fast.
CREATE TABLE postcodes (
    postcode TEXT COLLATE "C" PRIMARY KEY,
    district_code TEXT COLLATE "C" NOT NULL
);

CREATE TABLE postcode_sectors (
    sector TEXT COLLATE "C" PRIMARY KEY,
    district_code TEXT COLLATE "C" NOT NULL
);

CREATE TABLE ingest_runs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT,
    status TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    rows_read BIGINT NOT NULL DEFAULT 0,
    rows_stored BIGINT NOT NULL DEFAULT 0,
    rows_duplicate BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    message TEXT
);

CREATE TABLE quarantine (
    id BIGSERIAL PRIMARY KEY,
    run_id BIGINT NOT NULL REFERENCES ingest_runs(id),
    line BIGINT NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE INDEX quarantine_by_run ON quarantine(run_id, line);

CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    run_id BIGINT NOT NULL,
    reported_on DATE NOT NULL,
    offence_on DATE,
    fraud_type TEXT NOT NULL,
    category TEXT NOT NULL,
    victim_type TEXT NOT NULL,
    victim_age SMALLINT,
    age_band TEXT,
    victim_gender TEXT,
    contact_method TEXT,
    org_sector TEXT,
    org_size TEXT,
    postcode TEXT,
    district_code TEXT,
    loss_pence BIGINT,
    cyber_enabled BOOLEAN,
    vulnerable BOOLEAN,
    repeat_victim BOOLEAN,
    victim_key TEXT,
    tags TEXT NOT NULL DEFAULT '',
    local_issues TEXT NOT NULL DEFAULT '',
    summary TEXT
);
-- Covers every column analytics read, so statistics can use index-only scans and never
-- touch the wide rows (the same role as SQLite's reports_facts).
CREATE INDEX reports_facts ON reports(reported_on) INCLUDE (
    district_code, fraud_type, category, victim_type, age_band,
    victim_gender, cyber_enabled, loss_pence, local_issues, victim_key,
    repeat_victim, vulnerable
);

CREATE TABLE audit_events (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_by_time ON audit_events(at);
