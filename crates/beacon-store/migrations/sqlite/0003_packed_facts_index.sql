-- The facts scan moves from the wide covering index to a narrow one over the packed
-- columns of migration 2: day first, for periods. Built here, after migration 2 filled
-- the columns, so existing reports go in once and in order rather than one update at a
-- time (that leaves a larger, slower index).
DROP INDEX reports_facts;
CREATE INDEX reports_packed_facts ON reports(day, fact);
