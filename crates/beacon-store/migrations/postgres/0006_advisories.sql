-- Partner advisories: partners' inventories (assets, the products on them, contacts),
-- advisories by source and key with their CVEs, their matches to partners' products, and
-- the notice to each affected partner with the status of every matched asset.

CREATE TABLE partner_assets (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,                 -- lower-case name: unique within the organisation
    kind TEXT NOT NULL DEFAULT '',
    owner TEXT,
    hostname TEXT,
    network TEXT,                           -- CIDR as written by Beacon
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (organisation_id, name_key)
);

CREATE TABLE partner_products (
    id BIGSERIAL PRIMARY KEY,
    asset_id BIGINT NOT NULL REFERENCES partner_assets(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,              -- order within the asset, from 0
    cpe TEXT,
    purl TEXT,
    vendor TEXT,
    product TEXT,
    version TEXT,
    derived_cpe TEXT
);
CREATE INDEX partner_products_by_asset ON partner_products (asset_id, position);

CREATE TABLE partner_contacts (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    role TEXT NOT NULL,                     -- it_manager | deputy | senior_responsible_owner
    delivery TEXT NOT NULL                  -- immediate | daily_digest
);
CREATE INDEX partner_contacts_by_organisation ON partner_contacts (organisation_id, role, name);

CREATE TABLE advisories (
    id BIGSERIAL PRIMARY KEY,
    source TEXT NOT NULL,                   -- csaf | kev | nvd | rss | manual
    key TEXT NOT NULL,
    revision TEXT NOT NULL,
    revised_at TIMESTAMPTZ,
    title TEXT NOT NULL,
    tlp BIGINT NOT NULL,                   -- 0 CLEAR … 4 RED
    priority TEXT NOT NULL,                 -- routine | normal | high | urgent
    due DATE,
    document TEXT NOT NULL,                 -- the whole advisory as JSON
    failures TEXT NOT NULL,                 -- JSON array of failed CSAF mandatory tests
    sha256 TEXT NOT NULL,
    run_id BIGINT REFERENCES ingest_runs(id),
    first_stored_at TIMESTAMPTZ NOT NULL,
    stored_at TIMESTAMPTZ NOT NULL,
    revisions BIGINT NOT NULL DEFAULT 1,
    UNIQUE (source, key)
);
CREATE INDEX advisories_by_stored ON advisories (stored_at, id);

CREATE TABLE advisory_cves (
    advisory_id BIGINT NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
    cve TEXT NOT NULL,
    PRIMARY KEY (advisory_id, cve)
);
CREATE INDEX advisory_cves_by_cve ON advisory_cves (cve, advisory_id);

CREATE TABLE advisory_matches (
    id BIGSERIAL PRIMARY KEY,
    advisory_id BIGINT NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    asset_id BIGINT NOT NULL REFERENCES partner_assets(id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES partner_products(id) ON DELETE CASCADE,
    confidence TEXT NOT NULL,               -- possible | certain
    reason TEXT NOT NULL,
    criterion TEXT NOT NULL,
    cves TEXT NOT NULL DEFAULT ''           -- ';'-joined CVE ids
);
CREATE INDEX advisory_matches_by_advisory ON advisory_matches (advisory_id, organisation_id, asset_id);
CREATE INDEX advisory_matches_by_organisation ON advisory_matches (organisation_id, advisory_id);
CREATE INDEX advisory_matches_by_asset ON advisory_matches (asset_id);
CREATE INDEX advisory_matches_by_product ON advisory_matches (product_id);

CREATE TABLE advisory_notices (
    id BIGSERIAL PRIMARY KEY,
    advisory_id BIGINT NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    opened_at TIMESTAMPTZ NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    due DATE,
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by TEXT,
    closed_at TIMESTAMPTZ,
    reminded_at TIMESTAMPTZ,
    escalated_at TIMESTAMPTZ,
    fingerprint TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '',
    UNIQUE (advisory_id, organisation_id)
);
CREATE INDEX advisory_notices_by_organisation ON advisory_notices (organisation_id, closed_at);
CREATE INDEX advisory_notices_by_due ON advisory_notices (due, opened_at);

CREATE TABLE advisory_notice_messages (
    id BIGSERIAL PRIMARY KEY,
    notice_id BIGINT NOT NULL REFERENCES advisory_notices(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                     -- notice | reminder | escalation
    message_id BIGINT REFERENCES outbox_messages(id), -- none: nobody to send to
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX advisory_notice_messages_by_notice ON advisory_notice_messages (notice_id, at);
CREATE INDEX advisory_notice_messages_by_message ON advisory_notice_messages (message_id);

CREATE TABLE asset_statuses (
    notice_id BIGINT NOT NULL REFERENCES advisory_notices(id) ON DELETE CASCADE,
    asset_id BIGINT NOT NULL REFERENCES partner_assets(id) ON DELETE CASCADE,
    status TEXT NOT NULL,                   -- not_affected | affected | in_progress | fixed | unreviewed
    set_by TEXT NOT NULL,
    set_at TIMESTAMPTZ NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (notice_id, asset_id)
);
CREATE INDEX asset_statuses_by_asset ON asset_statuses (asset_id);

-- Append-only: every status ever set, kept when the asset is later removed.
CREATE TABLE asset_status_history (
    id BIGSERIAL PRIMARY KEY,
    notice_id BIGINT NOT NULL REFERENCES advisory_notices(id) ON DELETE CASCADE,
    asset_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TIMESTAMPTZ NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX asset_status_history_by_notice ON asset_status_history (notice_id, set_at, id);
