-- Protect campaigns: a message (an advice item at the version pinned at launch) to a
-- segment of the contacts on one channel from a scheduled time; its recipients, each with
-- their evaluation arm and their own link token (hashed); what happened to each message;
-- and the evaluation plan, locked before launch and never changed after.
CREATE TABLE campaigns (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    advice_slug TEXT NOT NULL,
    advice_version BIGINT,                 -- pinned at launch
    control_advice_slug TEXT,               -- the control arm's usual message; NULL: the control arm is held back
    control_advice_version BIGINT,          -- pinned at launch
    channel TEXT NOT NULL,                  -- email | sms | social
    basis TEXT NOT NULL,                    -- public_task | consent
    segment TEXT NOT NULL,                  -- the segment rule as JSON
    starts_at TIMESTAMPTZ NOT NULL,
    evaluated BOOLEAN NOT NULL,               -- an evaluated trial: its plan must be locked first
    state TEXT NOT NULL,                    -- draft | launched | finished
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    launched_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    plan TEXT,                              -- the evaluation plan as JSON, once locked
    plan_fingerprint TEXT,                  -- hex SHA-256 of the plan's canonical JSON
    plan_locked_by TEXT,
    plan_locked_at TIMESTAMPTZ
);

CREATE TABLE campaign_recipients (
    id BIGSERIAL PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    contact_id BIGINT,                     -- no foreign key: a purged contact leaves an anonymous row
    arm TEXT NOT NULL,                      -- the evaluation arm (`all` when not evaluated)
    stratum TEXT NOT NULL,
    cluster TEXT,                           -- ward or district of a cluster design
    district TEXT,
    token_hash TEXT NOT NULL UNIQUE,        -- the tracked link and survey token, hashed
    message_id BIGINT UNIQUE REFERENCES outbox_messages(id),  -- NULL for a held-back arm
    UNIQUE (campaign_id, contact_id)
);
CREATE INDEX campaign_recipients_by_campaign ON campaign_recipients (campaign_id, arm);

CREATE TABLE campaign_events (
    id BIGSERIAL PRIMARY KEY,
    recipient_id BIGINT NOT NULL REFERENCES campaign_recipients(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                     -- click | scanner_click | open | survey | delivered | bounced | complained | unsubscribed
    occurred_at TIMESTAMPTZ NOT NULL,
    detail TEXT                             -- at most 300 characters: a survey answer, a scanner reason, a bounce
);
CREATE INDEX campaign_events_by_recipient ON campaign_events (recipient_id, kind);
