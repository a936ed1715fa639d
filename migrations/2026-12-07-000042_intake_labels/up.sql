-- A committed delivery remembers the unit each scanned line became, so its labels can be printed
-- afterwards (copies per unit, label-roll sizes) and the delivery can be looked at again.
ALTER TABLE intake_lines ADD COLUMN asset_id BIGINT REFERENCES assets (id);
CREATE INDEX intake_lines_asset_idx ON intake_lines (asset_id) WHERE asset_id IS NOT NULL;
GRANT UPDATE (asset_id) ON intake_lines TO workbay_app;
-- the deliveries a branch received, newest first
CREATE INDEX intake_batches_committed_idx ON intake_batches (branch_id, committed_at DESC)
    WHERE status = 'committed';
-- which delivery brought a serial (the deliveries list's search)
CREATE INDEX intake_lines_serial_idx ON intake_lines (upper(btrim(serial))) WHERE serial IS NOT NULL;
