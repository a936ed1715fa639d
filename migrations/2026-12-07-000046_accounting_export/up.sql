-- The accountant's export reads a branch's issued invoices by time, walk-ins included (the
-- ranking's index leaves them out): a week at one branch was a scan of the branch's invoices.
CREATE INDEX invoices_issued_at_idx ON invoices (branch_id, issued_at) WHERE number IS NOT NULL;
