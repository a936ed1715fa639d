-- Two costs of `invoices_issued_idx` (branch, issued INCLUDE customer, subtotal, status,
-- ticket), measured at `demo --scale 8`:
-- * A customer ranking over a date range read `subtotal` from it and worked out
--   `(subtotal * 100)::bigint` for each of the ~480,000 entries of a year, walk-ins and void
--   invoices among them: 0.87-0.93 s for 12 months of all eight branches.
-- * `subtotal` in an index makes every change of it a non-HOT update, which writes a new entry
--   into each of the table's indexes (eight for a draft, two of them trigram indexes). A line
--   added to a draft changes its totals, so none of the 21,216 updates of invoices in a run of
--   the bench's counter writes was HOT.
-- An issued invoice's subtotal in whole cents is now a stored generated column, NULL on a
-- draft, and the ranking reads it from an index of just the rows it ranks: numbered, with a
-- customer, not void. A draft's totals are in no index any more, so adding a line can update
-- its row in place; the table keeps a tenth of each page free for those versions.
ALTER TABLE invoices SET (fillfactor = 90);
ALTER TABLE invoices ADD COLUMN issued_cents BIGINT
    GENERATED ALWAYS AS (CASE WHEN number IS NOT NULL THEN (subtotal * 100)::bigint END) STORED;
DROP INDEX invoices_issued_idx;
CREATE INDEX invoices_ranking_idx ON invoices (branch_id, issued_at) INCLUDE (customer_id, issued_cents)
    WHERE number IS NOT NULL AND customer_id IS NOT NULL AND status <> 'void';

-- A sum of whole cents that stays a bigint: `sum(bigint)` keeps a numeric state for each group
-- and returns numeric, which then compares and sorts more slowly. `int8pl` raises an error on
-- overflow instead of wrapping.
CREATE AGGREGATE sum_cents(bigint) (SFUNC = int8pl, STYPE = bigint);
