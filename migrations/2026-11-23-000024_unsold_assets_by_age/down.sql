CREATE INDEX assets_unsold_idx ON assets (branch_id) INCLUDE (landed_cost, received_at)
    WHERE status NOT IN ('sold', 'scrapped');
DROP INDEX assets_unsold_received_idx;
