-- Cyber Choices referrals: no names, only who referred, an age band, a district and the
-- concern. A referral's reference is `CC` and its id (CC00012).
CREATE TABLE cyber_choices_referrals (
    id BIGSERIAL PRIMARY KEY,
    referrer TEXT NOT NULL,
    age_band TEXT NOT NULL,
    district_code TEXT NOT NULL,
    concern TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Each referral's stages (summary, suitability, full_referral, contact, meeting,
-- diversion_plan, outcome), each once, with the day it happened and who recorded it.
CREATE TABLE cyber_choices_steps (
    id BIGSERIAL PRIMARY KEY,
    referral_id BIGINT NOT NULL REFERENCES cyber_choices_referrals(id),
    step TEXT NOT NULL,
    on_day TEXT NOT NULL,                   -- YYYY-MM-DD
    result TEXT NOT NULL DEFAULT '',        -- suitability's and the outcome's
    note TEXT NOT NULL DEFAULT '',
    by_user TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    UNIQUE (referral_id, step)
);
