ALTER TABLE branches DROP COLUMN labour_rate;
DROP TABLE time_entries, approval_links;
ALTER TABLE ticket_lines DROP COLUMN stock_item_id, DROP COLUMN asset_id, DROP COLUMN created_by;
ALTER TABLE tickets DROP CONSTRAINT tickets_closed_with_outcome, DROP COLUMN assigned_to, DROP COLUMN asset_id,
    DROP COLUMN outcome, DROP COLUMN approval, DROP COLUMN approval_by, DROP COLUMN approval_method,
    DROP COLUMN approved_at, DROP COLUMN qc_by, DROP COLUMN qc_at, DROP COLUMN closed_at;
