-- Where each audited request came from (the client address and its user agent; empty for
-- the command line), and an expiry for every API token. Tokens made before expiry existed
-- expire 90 days after they were made, the default for new ones.
ALTER TABLE audit_events ADD COLUMN address TEXT;
ALTER TABLE audit_events ADD COLUMN user_agent TEXT;

ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
UPDATE api_tokens
   SET expires_at = strftime('%Y-%m-%dT%H:%M:%S', created_at, '+90 days') || '.000000Z'
 WHERE expires_at IS NULL;

-- Failed sign-ins under names no account has, counted and locked exactly as an account's
-- are, so that answers never tell whether an account exists. Keyed by a hash of the name.
CREATE TABLE failed_names (
    name_key TEXT PRIMARY KEY,
    failed_sign_ins INTEGER NOT NULL,
    locked_until TEXT,
    last_failed_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX failed_names_by_time ON failed_names(last_failed_at);
