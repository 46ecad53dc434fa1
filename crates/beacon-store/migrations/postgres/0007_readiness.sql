-- Readiness: the library of exercise scenarios; exercise runs, each with its own snapshot
-- of its scenario, the organisations that play, the injects queued for them in the outbox,
-- what they answered and what the facilitator saw; and self-assessments, one row per answer
-- so answers can be counted in SQL.

CREATE TABLE exercise_scenarios (
    id TEXT PRIMARY KEY,                    -- the scenario's own id
    title TEXT NOT NULL,
    revision TEXT NOT NULL,                 -- hex SHA-256 of the scenario as JSON
    scenario TEXT NOT NULL,                 -- the whole scenario as JSON
    imported_by TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX exercise_scenarios_by_title ON exercise_scenarios (title, id);

CREATE TABLE exercise_runs (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,               -- creating a run twice with one key stores one
    scenario_id TEXT NOT NULL,              -- no reference: the run keeps its own snapshot
    scenario TEXT NOT NULL,                 -- the scenario as it was when the run was made, as JSON
    title TEXT NOT NULL,
    mode TEXT NOT NULL,                     -- table_top | live_play
    state TEXT NOT NULL,                    -- planned | running | finished
    starts_at TIMESTAMPTZ NOT NULL,
    current_phase TEXT,
    phase_opened_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    facilitator TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX exercise_runs_by_start ON exercise_runs (starts_at, id);

CREATE TABLE exercise_players (
    run_id BIGINT NOT NULL REFERENCES exercise_runs(id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    PRIMARY KEY (run_id, organisation_id)
);
CREATE INDEX exercise_players_by_organisation ON exercise_players (organisation_id, run_id);

CREATE TABLE exercise_injects (
    run_id BIGINT NOT NULL REFERENCES exercise_runs(id) ON DELETE CASCADE,
    message_id BIGINT NOT NULL REFERENCES outbox_messages(id),
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    inject_id TEXT NOT NULL,                -- the inject's id in the run's scenario
    PRIMARY KEY (run_id, message_id)
);
CREATE INDEX exercise_injects_by_organisation ON exercise_injects (run_id, organisation_id);

CREATE TABLE exercise_responses (
    id BIGSERIAL PRIMARY KEY,
    run_id BIGINT NOT NULL REFERENCES exercise_runs(id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    phase_id TEXT NOT NULL,
    inject_id TEXT,                         -- the inject answered, if any
    kind TEXT NOT NULL,                     -- response | escalation | decision
    text TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX exercise_responses_by_run ON exercise_responses (run_id, at, id);

CREATE TABLE exercise_observations (
    run_id BIGINT NOT NULL REFERENCES exercise_runs(id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    point_id TEXT NOT NULL,                 -- a good-practice point of the run's scenario
    observation TEXT NOT NULL,              -- met | partly | not_met
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, organisation_id, point_id)
);

CREATE TABLE assessments (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    bank_version TEXT NOT NULL,             -- the question bank answered
    submitted_by TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX assessments_by_organisation ON assessments (organisation_id, submitted_at, id);
CREATE INDEX assessments_by_submitted ON assessments (submitted_at, id);

CREATE TABLE assessment_answers (
    assessment_id BIGINT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    position BIGINT NOT NULL,               -- order as submitted, from 0
    answer TEXT NOT NULL,                   -- yes | partly | no | dont_know | not_applicable
    PRIMARY KEY (assessment_id, question_id)
);
CREATE INDEX assessment_answers_by_question ON assessment_answers (question_id, answer);
