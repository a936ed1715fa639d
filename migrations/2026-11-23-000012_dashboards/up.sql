-- Dashboards: what an hour of technician time costs a branch (for service profitability and
-- branch margins), indexes that let the live dashboard queries read only their date range, and
-- the daily sales figures as a materialized view the server refreshes concurrently.
ALTER TABLE branches ADD COLUMN labour_cost_rate NUMERIC(10,2) NOT NULL DEFAULT 20.00 CHECK (labour_cost_rate >= 0);

CREATE INDEX invoices_issued_idx ON invoices (branch_id, issued_at) INCLUDE (customer_id, subtotal, status, ticket_id)
    WHERE number IS NOT NULL;
CREATE INDEX credit_notes_branch_at_idx ON credit_notes (branch_id, at);
CREATE INDEX tickets_closed_idx ON tickets (branch_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX tickets_vehicle_idx ON tickets (vehicle_id, created_at) WHERE vehicle_id IS NOT NULL;
CREATE INDEX tickets_device_idx ON tickets (device_id, created_at) WHERE device_id IS NOT NULL;
CREATE INDEX time_entries_ended_idx ON time_entries (ended_at) WHERE ended_at IS NOT NULL;
CREATE INDEX time_entries_invoice_idx ON time_entries (invoice_id) WHERE invoice_id IS NOT NULL;

-- Per branch, local day and customer segment: invoiced (net of tax, issued and not void),
-- credited (credit notes raised that day) and invoices issued.
CREATE MATERIALIZED VIEW dashboard_sales_daily AS
SELECT branch_id, day, segment,
       sum(invoiced)::numeric(14,2) AS invoiced,
       sum(credited)::numeric(14,2) AS credited,
       sum(n)::bigint AS transactions
FROM (
    SELECT i.branch_id, (i.issued_at AT TIME ZONE b.timezone)::date AS day,
           COALESCE(c.segment, 'retail') AS segment, i.subtotal AS invoiced, 0::numeric AS credited, 1 AS n
    FROM invoices i JOIN branches b ON b.id = i.branch_id LEFT JOIN customers c ON c.id = i.customer_id
    WHERE i.number IS NOT NULL AND i.status <> 'void'
    UNION ALL
    SELECT n.branch_id, (n.at AT TIME ZONE b.timezone)::date, COALESCE(c.segment, 'retail'), 0, n.subtotal, 0
    FROM credit_notes n JOIN branches b ON b.id = n.branch_id JOIN invoices i ON i.id = n.invoice_id
         LEFT JOIN customers c ON c.id = i.customer_id
) m
GROUP BY branch_id, day, segment;
CREATE UNIQUE INDEX dashboard_sales_daily_key ON dashboard_sales_daily (branch_id, day, segment);

-- When each view was last refreshed.
CREATE TABLE dashboard_refreshes (
    view_name TEXT PRIMARY KEY,
    refreshed_at TIMESTAMPTZ NOT NULL
);
INSERT INTO dashboard_refreshes VALUES ('dashboard_sales_daily', now());

-- The application role does not own the views; it refreshes them through this function, which
-- skips (returns false) when another refresh is already running.
CREATE FUNCTION refresh_dashboards() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(7261133) THEN
        RETURN false;
    END IF;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_sales_daily;
    UPDATE dashboard_refreshes SET refreshed_at = clock_timestamp() WHERE view_name = 'dashboard_sales_daily';
    RETURN true;
END
$$;
REVOKE ALL ON FUNCTION refresh_dashboards() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION refresh_dashboards() TO workbay_app;
GRANT SELECT ON dashboard_sales_daily, dashboard_refreshes TO workbay_app;
