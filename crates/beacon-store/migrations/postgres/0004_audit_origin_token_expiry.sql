-- Where each audited request came from (the client address and its user agent; empty for
-- the command line), and an expiry for every API token. Tokens made before expiry existed
-- expire 90 days after they were made, the default for new ones.
ALTER TABLE audit_events ADD COLUMN address TEXT;
ALTER TABLE audit_events ADD COLUMN user_agent TEXT;

ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
UPDATE api_tokens SET expires_at = created_at + INTERVAL '90 days' WHERE expires_at IS NULL;
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;

-- Failed sign-ins under names no account has, counted and locked exactly as an account's
-- are, so that answers never tell whether an account exists. Keyed by a hash of the name.
CREATE TABLE failed_names (
    name_key TEXT PRIMARY KEY,
    failed_sign_ins BIGINT NOT NULL,
    locked_until TIMESTAMPTZ,
    last_failed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX failed_names_by_time ON failed_names(last_failed_at);
