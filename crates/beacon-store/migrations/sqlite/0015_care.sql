-- The victim triage queue: one case per report of a person, with the score, level
-- (1 automated advice .. 4 face-to-face), the time first contact is due and every reason
-- with its points (JSON), as scored by the weights whose fingerprint it keeps. A triage
-- run replaces the queue whole.
CREATE TABLE care_cases (
    report_id INTEGER PRIMARY KEY REFERENCES reports(id),
    reference TEXT NOT NULL,
    reported_on TEXT NOT NULL,              -- YYYY-MM-DD, copied for the queue's order
    score INTEGER NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    contact_due TEXT NOT NULL,              -- RFC 3339 UTC
    reasons TEXT NOT NULL,                  -- [{"text": ..., "points": ...}]
    weights TEXT NOT NULL,                  -- SHA-256 of the weights file's content
    triaged_at TEXT NOT NULL
);
-- The queue page reads in this order and stops after a page.
CREATE INDEX care_cases_queue ON care_cases(level DESC, score DESC, reported_on, reference);

-- What the officer did on a case: contact attempts with their outcome, protect advice
-- given, safeguarding referrals, hand-overs and the closing outcome. Kept by report, so
-- a triage run (which replaces the queue) never loses a case's history.
CREATE TABLE care_case_events (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    kind TEXT NOT NULL,                     -- contact_attempt | advice | referral | handover | closed
    detail TEXT NOT NULL,                   -- the outcome, advice slug, referral, officer or closing outcome
    note TEXT NOT NULL DEFAULT '',
    by_user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX care_case_events_by_report ON care_case_events(report_id, at, id);
