-- Measured against `demo --scale 8`: a broad customer search ("an") walks the name order until
-- it has its first 10,000 matches, testing name and email on each row. With email and phone
-- digits in the index the walk never visits the table (24 ms instead of 220).
CREATE INDEX customers_search_idx ON customers (name, id) INCLUDE (email, phone_digits)
    WHERE archived_at IS NULL AND erased_at IS NULL;
DROP INDEX customers_name_idx;
