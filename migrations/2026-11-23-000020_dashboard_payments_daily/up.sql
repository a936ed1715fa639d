-- Money by payment method was summed live from payments, deposits and refunds: a 12-month range
-- at `demo --scale 8` read about 450k payments and took ~250 ms of the sales page's ~290. Per
-- branch, local day and method the figures are additive, so they join the other daily views:
-- a few thousand rows whatever the range, as of the same refresh.
CREATE MATERIALIZED VIEW dashboard_payments_daily AS
SELECT branch_id, day, method,
       sum(taken)::numeric(14,2) AS taken,
       sum(refunded)::numeric(14,2) AS refunded
FROM (
    SELECT p.branch_id, (p.at AT TIME ZONE b.timezone)::date AS day, p.method, p.amount AS taken, 0::numeric AS refunded
    FROM payments p JOIN branches b ON b.id = p.branch_id
    WHERE p.method <> 'deposit'
    UNION ALL
    SELECT d.branch_id, (d.at AT TIME ZONE b.timezone)::date, d.method, d.amount, 0
    FROM preorder_deposits d JOIN branches b ON b.id = d.branch_id
    UNION ALL
    SELECT r.branch_id, (r.at AT TIME ZONE b.timezone)::date, r.method, 0, r.amount
    FROM refund_payments r JOIN branches b ON b.id = r.branch_id
) m
GROUP BY branch_id, day, method;
CREATE UNIQUE INDEX dashboard_payments_daily_key ON dashboard_payments_daily (branch_id, day, method);

INSERT INTO dashboard_refreshes VALUES ('dashboard_payments_daily', now());

CREATE OR REPLACE FUNCTION refresh_dashboards() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(7261133) THEN
        RETURN false;
    END IF;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_sales_daily;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_services_daily;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_technicians_daily;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_payments_daily;
    UPDATE dashboard_refreshes SET refreshed_at = clock_timestamp();
    RETURN true;
END
$$;
GRANT SELECT ON dashboard_payments_daily TO workbay_app;
