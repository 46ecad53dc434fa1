-- One outbox for every kind of outgoing message (digests, notices, escalations, exercise
-- injects, campaigns …) on every channel (email now; SMS and webhooks later). Every digest
-- already queued moves across with its id (acknowledgement links carry it), status,
-- attempts, times, Message-ID and acknowledgement; then the digest-only table goes.
CREATE TABLE outbox_messages (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations(id),
    recipient TEXT NOT NULL,
    recipient_kind TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    text_body TEXT NOT NULL DEFAULT '',
    html_body TEXT NOT NULL DEFAULT '',
    template TEXT,
    template_data TEXT,
    tlp BIGINT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    message_id TEXT NOT NULL,
    ack_wanted BOOLEAN NOT NULL DEFAULT FALSE,
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
CREATE INDEX outbox_messages_due ON outbox_messages (channel, status, next_attempt_at);
CREATE INDEX outbox_messages_by_kind ON outbox_messages (kind, organisation_id, id);

CREATE TABLE outbox_digests (
    id BIGINT PRIMARY KEY REFERENCES outbox_messages(id),
    findings BIGINT NOT NULL,
    withheld BIGINT NOT NULL,
    period_start TIMESTAMPTZ,
    period_end TIMESTAMPTZ NOT NULL
);

-- Digests' dedupe key is digest:{organisation}:{period end}:{recipient kind}:{recipient},
-- the period end written as Beacon writes times (fixed-width RFC 3339 UTC, microseconds);
-- should two old rows share one, the later ones add #{id} so none is lost.
INSERT INTO outbox_messages (id, kind, channel, organisation_id, recipient, recipient_kind, subject,
    text_body, html_body, template, template_data, tlp, dedupe_key, message_id, ack_wanted, status,
    attempts, next_attempt_at, claimed_until, last_error, created_at, sent_at, acknowledged_at,
    acknowledged_by)
SELECT id, 'digest', 'email', organisation_id, recipient, recipient_kind, subject, text_body,
    html_body, NULL, NULL, tlp,
    'digest:' || organisation_id || ':'
        || to_char(period_end AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        || ':' || recipient_kind || ':' || recipient
        || CASE WHEN ROW_NUMBER() OVER (
                PARTITION BY organisation_id, period_end, recipient_kind, recipient ORDER BY id) > 1
            THEN '#' || id ELSE '' END,
    message_id, TRUE, status, attempts, next_attempt_at, claimed_until, last_error, created_at,
    sent_at, acknowledged_at, acknowledged_by
FROM outbox ORDER BY id;

INSERT INTO outbox_digests (id, findings, withheld, period_start, period_end)
SELECT id, findings, withheld, period_start, period_end FROM outbox ORDER BY id;

-- New messages are numbered after the highest moved id.
SELECT setval(pg_get_serial_sequence('outbox_messages', 'id'),
    GREATEST((SELECT MAX(id) FROM outbox_messages), (SELECT last_value FROM outbox_id_seq), 1));

DROP TABLE outbox;
