-- Business engagement: the businesses the partnership reached (matched by the folded
-- name) and each time it reached one, how and on which day; once per business, way and
-- day, so a re-imported log stores nothing twice.
CREATE TABLE businesses (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,          -- the name folded: letters and digits, lower case
    sector TEXT NOT NULL,
    size TEXT,                              -- micro | small | medium | large
    district_code TEXT NOT NULL
);

CREATE TABLE business_engagements (
    id INTEGER PRIMARY KEY,
    business_id INTEGER NOT NULL REFERENCES businesses(id),
    how TEXT NOT NULL,                      -- event | visit | email | front_door_report
    on_day TEXT NOT NULL,                   -- YYYY-MM-DD
    note TEXT NOT NULL DEFAULT '',
    run_id INTEGER,                         -- the import, when it came from a file
    by_user TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (business_id, how, on_day)
);
CREATE INDEX business_engagements_by_day ON business_engagements(on_day);
