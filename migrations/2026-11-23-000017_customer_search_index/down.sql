CREATE INDEX customers_name_idx ON customers (name, id) WHERE archived_at IS NULL AND erased_at IS NULL;
DROP INDEX customers_search_idx;
