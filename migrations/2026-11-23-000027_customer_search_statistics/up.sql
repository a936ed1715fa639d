-- The customer search either walks the name order until it has 10,000 matches, or finds the
-- matches by the trigram index and sorts them. It chooses by how many customers it expects the
-- text to match. With the default statistics (a 100-value histogram of `search_text`), a name
-- that one customer in twenty has ("wanjiru" at `demo --scale 8`: 9,844 rows) was estimated
-- at anywhere from 3,000 to 19,000 rows, depending on the last ANALYZE. Above 10,000 the planner
-- walks the whole name order: 60-77 ms instead of 27 ms. A 1,000-value histogram (a sample of
-- 300,000 rows) put it at 9,845 after each of four ANALYZEs; ANALYZE of the table then takes
-- 2.4 s at that scale.
ALTER TABLE customers ALTER COLUMN search_text SET STATISTICS 1000;
ANALYZE customers;
