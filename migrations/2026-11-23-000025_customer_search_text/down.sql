ALTER TABLE customers DROP COLUMN search_text;
CREATE INDEX customers_email_trgm ON customers USING gin (email gin_trgm_ops);
CREATE INDEX customers_search_idx ON customers (name, id) INCLUDE (email, phone_digits)
    WHERE archived_at IS NULL AND erased_at IS NULL;
