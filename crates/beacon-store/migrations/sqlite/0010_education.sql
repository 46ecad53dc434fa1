-- Staff education and phishing-awareness simulations: invitation links an organisation
-- hands its staff, the learners who joined through them, their quiz attempts and the
-- certificates passed attempts earn; and, for staff who opted in, simulated phishing
-- emails (each target's message is an outbox message) with what happened to each link.
-- Tokens are never stored, only their SHA-256 in hex.

CREATE TABLE education_invitations (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX education_invitations_by_organisation
    ON education_invitations (organisation_id, created_at);

CREATE TABLE education_learners (
    id INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES education_invitations(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,        -- the learner's own cookie token, hashed
    joined_at TEXT NOT NULL
);
CREATE INDEX education_learners_by_invitation ON education_learners (invitation_id);
CREATE INDEX education_learners_by_organisation ON education_learners (organisation_id);

CREATE TABLE education_attempts (
    id INTEGER PRIMARY KEY,
    learner_id INTEGER NOT NULL REFERENCES education_learners(id) ON DELETE CASCADE,
    module_id TEXT NOT NULL,
    score INTEGER NOT NULL,
    total INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    answers TEXT NOT NULL,                  -- JSON array of [question id, option index]
    attempted_at TEXT NOT NULL,
    certificate_code TEXT UNIQUE            -- only on passed attempts
);
CREATE INDEX education_attempts_by_learner ON education_attempts (learner_id, attempted_at);

CREATE TABLE simulation_recipients (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,                -- lower-case address: one consent per address
    consented_at TEXT NOT NULL,
    consent_evidence TEXT NOT NULL,         -- how, and in what words, they opted in
    withdrawn_at TEXT,
    UNIQUE (organisation_id, email_key)
);

CREATE TABLE simulations (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,               -- creating the same key again stores nothing
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    template_id TEXT NOT NULL,
    send_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX simulations_by_organisation ON simulations (organisation_id, created_at);

CREATE TABLE simulation_targets (
    id INTEGER PRIMARY KEY,
    simulation_id INTEGER NOT NULL REFERENCES simulations(id) ON DELETE CASCADE,
    recipient_id INTEGER NOT NULL REFERENCES simulation_recipients(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,        -- the tracked link's token, hashed
    message_id INTEGER NOT NULL UNIQUE REFERENCES outbox_messages(id),  -- one target per message
    UNIQUE (simulation_id, recipient_id)
);
CREATE INDEX simulation_targets_by_recipient ON simulation_targets (recipient_id);

CREATE TABLE simulation_events (
    id INTEGER PRIMARY KEY,
    target_id INTEGER NOT NULL REFERENCES simulation_targets(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                     -- fetch | reported
    occurred_at TEXT NOT NULL,
    verdict TEXT,                           -- fetches: person | scanner
    reason TEXT,                            -- why a fetch was judged a scanner's
    user_agent TEXT                         -- at most 300 characters
);
CREATE INDEX simulation_events_by_target ON simulation_events (target_id, kind, occurred_at);
