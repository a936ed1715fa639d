-- Indexes measured against `demo --scale 8`: invoice search by number or walk-in name
-- (trigram, so '%…%' matches use an index), and unsold units with their cost and age for the
-- inventory figures (index-only).
CREATE INDEX invoices_number_trgm ON invoices USING gin (number gin_trgm_ops) WHERE number IS NOT NULL;
CREATE INDEX invoices_walk_in_trgm ON invoices USING gin (walk_in_name gin_trgm_ops);
CREATE INDEX assets_unsold_idx ON assets (branch_id) INCLUDE (landed_cost, received_at)
    WHERE status NOT IN ('sold', 'scrapped');
-- The customer list in name order, and the workshop board's open tickets, without reading the
-- whole table.
CREATE INDEX customers_name_idx ON customers (name, id) WHERE archived_at IS NULL AND erased_at IS NULL;
CREATE INDEX tickets_open_idx ON tickets (branch_id, created_at) WHERE status NOT IN ('closed', 'cancelled');
-- Invoice and ticket lists page newest first within a branch.
CREATE INDEX invoices_branch_id_idx ON invoices (branch_id, id);
CREATE INDEX tickets_branch_id_idx ON tickets (branch_id, id);
