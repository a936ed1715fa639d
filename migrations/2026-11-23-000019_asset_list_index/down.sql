CREATE INDEX assets_branch_status_idx ON assets (branch_id, status);
DROP INDEX assets_branch_status_id_idx;
DROP INDEX assets_branch_id_idx;
