-- Foundation: reference data, ingest runs, quarantine, reports, audit.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE districts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    population_2011 INTEGER NOT NULL,
    population_2021 INTEGER NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE fraud_types (
    key TEXT PRIMARY KEY,
    code TEXT,
    name TEXT NOT NULL,
    type_group TEXT NOT NULL,
    computer_misuse INTEGER NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE postcodes (
    postcode TEXT PRIMARY KEY,
    district_code TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE postcode_sectors (
    sector TEXT PRIMARY KEY,
    district_code TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE ingest_runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_stored INTEGER NOT NULL DEFAULT 0,
    rows_duplicate INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    message TEXT
);

CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES ingest_runs(id),
    line INTEGER NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE INDEX quarantine_by_run ON quarantine(run_id, line);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    run_id INTEGER NOT NULL,
    reported_on TEXT NOT NULL,
    offence_on TEXT,
    fraud_type TEXT NOT NULL,
    category TEXT NOT NULL,
    victim_type TEXT NOT NULL,
    victim_age INTEGER,
    age_band TEXT,
    victim_gender TEXT,
    contact_method TEXT,
    org_sector TEXT,
    org_size TEXT,
    postcode TEXT,
    district_code TEXT,
    loss_pence INTEGER,
    cyber_enabled INTEGER,
    vulnerable INTEGER,
    repeat_victim INTEGER,
    victim_key TEXT,
    tags TEXT NOT NULL DEFAULT '',
    local_issues TEXT NOT NULL DEFAULT '',
    summary TEXT
);
-- Covers every column analytics read, so statistics never touch the wide rows.
CREATE INDEX reports_facts ON reports(
    reported_on, district_code, fraud_type, category, victim_type, age_band,
    victim_gender, cyber_enabled, loss_pence, local_issues, victim_key,
    repeat_victim, vulnerable
);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_by_time ON audit_events(at);
