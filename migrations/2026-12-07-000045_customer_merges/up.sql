-- Merging duplicate customers: the duplicate keeps a pointer to the customer it was merged into,
-- so old links land on the survivor; it leaves searches and lists (archived) and can be merged
-- only once.
ALTER TABLE customers ADD COLUMN merged_into BIGINT REFERENCES customers (id);
ALTER TABLE customers ADD CONSTRAINT customers_not_merged_into_itself CHECK (merged_into <> id);
CREATE INDEX customers_merged_into_idx ON customers (merged_into) WHERE merged_into IS NOT NULL;

-- Likely duplicates (the finder's pairs), worked out with the dashboards' views every few minutes:
-- the same stored phone digits, the same email, or the same name with a number ending in the same
-- seven digits. Comparing every customer with every other takes seconds at scale, too long for a
-- page; the page reads this view and leaves out pairs merged or erased since.
CREATE MATERIALIZED VIEW customer_duplicate_pairs AS
WITH live AS (SELECT id, name, phone_digits, lower(email) AS email FROM customers
              WHERE merged_into IS NULL AND erased_at IS NULL),
pairs AS (
    SELECT a.id AS a, b.id AS b, 'the same phone number' AS why FROM live a
      JOIN live b ON b.phone_digits = a.phone_digits AND b.id > a.id
      WHERE a.phone_digits <> ''
    UNION ALL
    SELECT a.id, b.id, 'the same email' FROM live a
      JOIN live b ON b.email = a.email AND b.id > a.id WHERE a.email <> ''
    UNION ALL
    SELECT a.id, b.id, 'the same name, a similar number' FROM live a
      JOIN live b ON lower(b.name) = lower(a.name) AND b.id > a.id
       AND right(b.phone_digits, 7) = right(a.phone_digits, 7)
       AND b.phone_digits <> a.phone_digits
      WHERE length(a.phone_digits) >= 7)
SELECT a, b, string_agg(why, ', ' ORDER BY why) AS why FROM pairs GROUP BY a, b;
CREATE UNIQUE INDEX customer_duplicate_pairs_key ON customer_duplicate_pairs (a, b);
CREATE INDEX customer_duplicate_pairs_newest ON customer_duplicate_pairs (b DESC, a);
GRANT SELECT ON customer_duplicate_pairs TO workbay_app;
INSERT INTO dashboard_refreshes VALUES ('customer_duplicate_pairs', now());
