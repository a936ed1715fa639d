-- The asset list (newest first, optionally one status) reads its ordered ids straight from an
-- index: one walk gives the page and the bounded count. The (branch, status) index it replaces
-- is a prefix of the new one.
CREATE INDEX assets_branch_id_idx ON assets (branch_id, id);
CREATE INDEX assets_branch_status_id_idx ON assets (branch_id, status, id);
DROP INDEX assets_branch_status_idx;
