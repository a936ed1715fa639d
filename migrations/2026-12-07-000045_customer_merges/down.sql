DELETE FROM dashboard_refreshes WHERE view_name = 'customer_duplicate_pairs';
DROP MATERIALIZED VIEW customer_duplicate_pairs;
DROP INDEX customers_merged_into_idx;
ALTER TABLE customers DROP CONSTRAINT customers_not_merged_into_itself;
ALTER TABLE customers DROP COLUMN merged_into;
