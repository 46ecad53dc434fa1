-- One outbox for every kind of outgoing message (digests, notices, escalations, exercise
-- injects, campaigns …) on every channel (email now; SMS and webhooks later). Every digest
-- already queued moves across with its id (acknowledgement links carry it), status,
-- attempts, times, Message-ID and acknowledgement; then the digest-only table goes.
CREATE TABLE outbox_messages (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                     -- digest | notice | escalation | inject | campaign
    channel TEXT NOT NULL,                  -- email | sms | webhook
    organisation_id INTEGER REFERENCES organisations(id),  -- the organisation it concerns, if any
    recipient TEXT NOT NULL,                -- address on the channel (email address, number, URL)
    recipient_kind TEXT NOT NULL DEFAULT '',-- digests: own | extra
    subject TEXT NOT NULL DEFAULT '',
    text_body TEXT NOT NULL DEFAULT '',
    html_body TEXT NOT NULL DEFAULT '',
    template TEXT,                          -- NULL: written out above; else rendered when sent
    template_data TEXT,                     -- JSON object of personalisation fields
    tlp INTEGER NOT NULL,                   -- 0 CLEAR … 4 RED
    dedupe_key TEXT NOT NULL UNIQUE,        -- queuing the same key again keeps the first message
    message_id TEXT NOT NULL,               -- the same on every attempt
    ack_wanted INTEGER NOT NULL DEFAULT 0,
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
CREATE INDEX outbox_messages_due ON outbox_messages (channel, status, next_attempt_at);
CREATE INDEX outbox_messages_by_kind ON outbox_messages (kind, organisation_id, id);

-- What only a digest has.
CREATE TABLE outbox_digests (
    id INTEGER PRIMARY KEY REFERENCES outbox_messages(id),
    findings INTEGER NOT NULL,
    withheld INTEGER NOT NULL,
    period_start TEXT,
    period_end TEXT NOT NULL
);

-- Digests' dedupe key is digest:{organisation}:{period end}:{recipient kind}:{recipient};
-- should two old rows share one, the later ones add #{id} so none is lost.
INSERT INTO outbox_messages (id, kind, channel, organisation_id, recipient, recipient_kind, subject,
    text_body, html_body, template, template_data, tlp, dedupe_key, message_id, ack_wanted, status,
    attempts, next_attempt_at, claimed_until, last_error, created_at, sent_at, acknowledged_at,
    acknowledged_by)
SELECT id, 'digest', 'email', organisation_id, recipient, recipient_kind, subject, text_body,
    html_body, NULL, NULL, tlp,
    'digest:' || organisation_id || ':' || period_end || ':' || recipient_kind || ':' || recipient
        || CASE WHEN ROW_NUMBER() OVER (
                PARTITION BY organisation_id, period_end, recipient_kind, recipient ORDER BY id) > 1
            THEN '#' || id ELSE '' END,
    message_id, 1, status, attempts, next_attempt_at, claimed_until, last_error, created_at,
    sent_at, acknowledged_at, acknowledged_by
FROM outbox ORDER BY id;

INSERT INTO outbox_digests (id, findings, withheld, period_start, period_end)
SELECT id, findings, withheld, period_start, period_end FROM outbox ORDER BY id;

DROP TABLE outbox;
