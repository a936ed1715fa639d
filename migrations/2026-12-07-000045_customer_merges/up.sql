-- Merging duplicate customers: the duplicate keeps a pointer to the customer it was merged into,
-- so old links land on the survivor; it leaves searches and lists (archived) and can be merged
-- only once.
ALTER TABLE customers ADD COLUMN merged_into BIGINT REFERENCES customers (id);
ALTER TABLE customers ADD CONSTRAINT customers_not_merged_into_itself CHECK (merged_into <> id);
CREATE INDEX customers_merged_into_idx ON customers (merged_into) WHERE merged_into IS NOT NULL;
