-- Contacts of protect campaigns: coarse attributes only (kind, district, ward, age band,
-- sector, size; never a name, date of birth or street address), the channel addresses
-- needed to send (normalised, with their hex SHA-256 beside them to meet the suppression
-- list, and whether each is on it, so a segment count reads no other table for that),
-- keyed by the importer's own reference so a re-import updates rather than adds.
CREATE TABLE contacts (
    id BIGSERIAL PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,               -- the importer's own id for the contact
    kind TEXT NOT NULL,                     -- resident | business | staff
    sole_trader BOOLEAN NOT NULL,
    individual BOOLEAN NOT NULL,           -- derived: not a business, or a sole trader
    district TEXT,                          -- ONS code
    ward TEXT,
    age_band TEXT,
    sector TEXT,
    size TEXT,
    email TEXT,                             -- trimmed, lower case
    email_hash TEXT,                        -- hex SHA-256 of email
    email_suppressed BOOLEAN NOT NULL DEFAULT FALSE,  -- derived: email_hash is on the email suppression list
    mobile TEXT,                            -- E.164, +447…
    mobile_hash TEXT,                       -- hex SHA-256 of mobile
    mobile_suppressed BOOLEAN NOT NULL DEFAULT FALSE, -- derived: mobile_hash is on the sms suppression list
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    purge_after TIMESTAMPTZ                        -- retention: deleted after this moment
);
CREATE INDEX contacts_by_kind_district ON contacts (kind, district);
CREATE INDEX contacts_by_district ON contacts (district);
CREATE INDEX contacts_by_purge_after ON contacts (purge_after) WHERE purge_after IS NOT NULL;
CREATE INDEX contacts_by_email_hash ON contacts (email_hash) WHERE email_hash IS NOT NULL;
CREATE INDEX contacts_by_mobile_hash ON contacts (mobile_hash) WHERE mobile_hash IS NOT NULL;

-- Consent evidence (or the service relationship of a public task), per contact and channel.
CREATE TABLE consents (
    id BIGSERIAL PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    basis TEXT NOT NULL,                    -- public_task | consent
    given_at TIMESTAMPTZ NOT NULL,
    how TEXT NOT NULL,
    wording TEXT NOT NULL,
    withdrawn_at TIMESTAMPTZ,
    UNIQUE (contact_id, channel, basis, given_at)
);

-- The suppression list: addresses never to be sent to on a channel, kept as hashes so they
-- outlive the contact's purge or erasure without keeping the address itself.
CREATE TABLE suppressions (
    id BIGSERIAL PRIMARY KEY,
    channel TEXT NOT NULL,
    address_hash TEXT NOT NULL,             -- hex SHA-256 of the normalised address
    reason TEXT NOT NULL,                   -- unsubscribe | stop | bounce | complaint | manual
    at TIMESTAMPTZ NOT NULL,
    source TEXT NOT NULL,
    UNIQUE (channel, address_hash)
);
