-- Measured against `demo --scale 8`. A customer's last visit is the newest entry of an index
-- (not a scan of all their invoices). The application role gets working memory enough for the
-- dashboards' aggregates to stay in memory, costs that suit solid-state storage, and a ceiling
-- on any one statement so no request can run away. Changing a role needs CREATEROLE; where the
-- migrating user lacks it, the settings are skipped with a notice.
CREATE INDEX invoices_customer_issued_idx ON invoices (customer_id, issued_at) INCLUDE (branch_id)
    WHERE number IS NOT NULL AND customer_id IS NOT NULL;
DO $$
BEGIN
    ALTER ROLE workbay_app SET work_mem = '32MB';
    ALTER ROLE workbay_app SET random_page_cost = 1.1;
    ALTER ROLE workbay_app SET statement_timeout = '60s';
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'workbay_app keeps the server''s work_mem, random_page_cost and statement_timeout';
END
$$;
