DROP INDEX intake_lines_serial_idx;
DROP INDEX intake_batches_committed_idx;
REVOKE UPDATE (asset_id) ON intake_lines FROM workbay_app;
ALTER TABLE intake_lines DROP COLUMN asset_id;
