-- Reports made through the public front door (`/report`) by residents and businesses
-- who consented to the partnership keeping one. Only the answers from fixed lists are
-- kept: no names, contact details, addresses, IP addresses or free text. They are their
-- own source for the district picture, never added to Action Fraud's reports.
CREATE TABLE front_door_reports (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,         -- LR- and 8 characters, given to the reporter
    submission_key TEXT NOT NULL UNIQUE,    -- SHA-256 of the form's token: a resubmitted form stores nothing new
    submitted_on TEXT NOT NULL,             -- YYYY-MM-DD (UTC)
    submitted_at TIMESTAMPTZ NOT NULL,
    reporter TEXT NOT NULL,                 -- resident | business
    what_happened TEXT NOT NULL,            -- beacon_core::front_door::WhatHappened key
    occurred_on TEXT,                       -- YYYY-MM-DD; NULL when not sure
    loss_pence BIGINT,                      -- NULL when none was given
    contact_method TEXT NOT NULL,           -- beacon_core::front_door::ContactMethod key
    business_size TEXT,                     -- micro | small | medium | large (businesses)
    business_sector TEXT,                   -- beacon_core::front_door::BusinessSector key (businesses)
    place TEXT NOT NULL                     -- a district code, 'outside' or 'not_sure'
);
-- Lists and counts read a period of submissions.
CREATE INDEX front_door_reports_by_day ON front_door_reports(submitted_on, id);
