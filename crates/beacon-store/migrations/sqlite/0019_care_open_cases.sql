-- The queue's open cases without reading every case's history: each case says whether it
-- is closed (a `closed` event was recorded for its report; triage sets it when it writes
-- the case, recording a closing sets it), the queue's order is indexed over the open
-- cases only, and the open cases are counted by level as cases are written and closed,
-- so a page of the queue counts its cases without a scan. The index carries the report
-- (the rowid), so a page's cases are found from the index alone.
ALTER TABLE care_cases ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;   -- 1 once closed
UPDATE care_cases SET closed = 1
WHERE EXISTS (SELECT 1 FROM care_case_events e
              WHERE e.report_id = care_cases.report_id AND e.kind = 'closed');
DROP INDEX care_cases_queue;
CREATE INDEX care_cases_open_queue ON care_cases(level DESC, score DESC, reported_on, reference)
    WHERE closed = 0;

-- Open cases in the queue by level (a level with none has no row).
CREATE TABLE care_queue_levels (
    level INTEGER PRIMARY KEY,
    open INTEGER NOT NULL
);
INSERT INTO care_queue_levels (level, open)
SELECT level, COUNT(*) FROM care_cases WHERE closed = 0 GROUP BY level;
