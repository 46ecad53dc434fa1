-- The protect advice library: one row per item (its latest version and whether the public
-- may read it) and one row per version of its content, kept for ever so a campaign can
-- say which words it sent.

CREATE TABLE advice_items (
    slug TEXT PRIMARY KEY,
    latest_version BIGINT NOT NULL,        -- 0 only inside the transaction that adds it
    published BOOLEAN NOT NULL DEFAULT FALSE, -- shown on the public pages
    updated_by TEXT NOT NULL,               -- who wrote the latest version
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE advice_versions (
    slug TEXT NOT NULL REFERENCES advice_items (slug),
    version BIGINT NOT NULL,                -- 1, 2, … per slug
    content_hash TEXT NOT NULL,             -- hex SHA-256 of the item as JSON
    title TEXT NOT NULL,
    threats TEXT NOT NULL,                  -- ' ransomware phishing ': slugs between spaces, for LIKE
    audiences TEXT NOT NULL,                -- likewise
    item TEXT NOT NULL,                     -- the whole item as JSON
    written_by TEXT NOT NULL,
    written_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (slug, version)
);
