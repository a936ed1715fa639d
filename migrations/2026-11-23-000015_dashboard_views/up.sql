-- Measured against `demo --scale 8` (8 branches, 5 years): computed live over all branches,
-- service profitability took ~500 ms, technician performance ~500 ms and branch benchmarking
-- ~800 ms for 30 days. Their per-day figures are additive, so they become materialized views by
-- branch and local day, refreshed concurrently with the daily sales (which gain the goods sold
-- at cost); a dashboard then sums a few thousand rows whatever the range.
DROP MATERIALIZED VIEW dashboard_sales_daily;
CREATE MATERIALIZED VIEW dashboard_sales_daily AS
SELECT branch_id, day, segment,
       sum(invoiced)::numeric(14,2) AS invoiced,
       sum(credited)::numeric(14,2) AS credited,
       sum(n)::bigint AS transactions,
       sum(goods_cost)::numeric(14,2) AS goods_cost
FROM (
    SELECT i.branch_id, (i.issued_at AT TIME ZONE b.timezone)::date AS day,
           COALESCE(c.segment, 'retail') AS segment, i.subtotal AS invoiced, 0::numeric AS credited, 1 AS n,
           COALESCE(g.cost, 0) AS goods_cost
    FROM invoices i JOIN branches b ON b.id = i.branch_id LEFT JOIN customers c ON c.id = i.customer_id
         LEFT JOIN (SELECT invoice_id, sum(unit_cost * (quantity - refunded_quantity)) AS cost
                    FROM invoice_lines WHERE unit_cost IS NOT NULL GROUP BY invoice_id) g ON g.invoice_id = i.id
    WHERE i.number IS NOT NULL AND i.status <> 'void'
    UNION ALL
    SELECT n.branch_id, (n.at AT TIME ZONE b.timezone)::date, COALESCE(c.segment, 'retail'), 0, n.subtotal, 0, 0
    FROM credit_notes n JOIN branches b ON b.id = n.branch_id JOIN invoices i ON i.id = n.invoice_id
         LEFT JOIN customers c ON c.id = i.customer_id
) m
GROUP BY branch_id, day, segment;
CREATE UNIQUE INDEX dashboard_sales_daily_key ON dashboard_sales_daily (branch_id, day, segment);

-- Per branch, local day and service (0: billed labour lines): sold and revenue less refunded
-- quantities; the invoice's parts at cost shared among its services by revenue; hours clocked
-- on the invoice's ticket shared likewise (the catalogue's standard hours when none were), and
-- those hours at the branch's labour cost rate.
CREATE MATERIALIZED VIEW dashboard_services_daily AS
WITH inv AS (
    SELECT i.id, i.branch_id, i.ticket_id, (i.issued_at AT TIME ZONE b.timezone)::date AS day, b.labour_cost_rate AS rate
    FROM invoices i JOIN branches b ON b.id = i.branch_id
    WHERE i.number IS NOT NULL AND i.status <> 'void'),
lines AS (
    SELECT l.invoice_id, l.kind, l.service_id, l.quantity - l.refunded_quantity AS qty,
           CASE WHEN l.quantity = 0 THEN 0 ELSE l.net * (l.quantity - l.refunded_quantity) / l.quantity END AS net,
           COALESCE(l.unit_cost, 0) * (l.quantity - l.refunded_quantity) AS cost
    FROM invoice_lines l WHERE l.live),
svc AS (SELECT * FROM lines WHERE kind IN ('service', 'labour')),
per_inv AS (SELECT invoice_id, sum(net) AS svc_net, count(*) AS n FROM svc GROUP BY 1),
parts AS (
    SELECT l.invoice_id, sum(l.cost) AS cost FROM lines l JOIN per_inv p USING (invoice_id)
    WHERE l.kind IN ('asset', 'stock') GROUP BY 1),
clocked AS (
    SELECT inv.id AS invoice_id, sum(e.hours) AS hours
    FROM inv JOIN per_inv p ON p.invoice_id = inv.id JOIN time_entries e ON e.ticket_id = inv.ticket_id
    WHERE e.hours IS NOT NULL GROUP BY 1),
costed AS (
    SELECT inv.branch_id, inv.day, COALESCE(s.service_id, 0) AS service_key, s.qty, s.net,
           w.weight * COALESCE(pa.cost, 0) AS parts,
           COALESCE(w.weight * k.hours,
                    CASE WHEN s.kind = 'labour' THEN 0 ELSE COALESCE(v.labour_hours, 0) * s.qty END) AS hours,
           inv.rate
    FROM svc s JOIN per_inv p USING (invoice_id) JOIN inv ON inv.id = s.invoice_id
         CROSS JOIN LATERAL (SELECT CASE WHEN p.svc_net > 0 THEN s.net / p.svc_net ELSE 1.0 / p.n END AS weight) w
         LEFT JOIN parts pa USING (invoice_id) LEFT JOIN clocked k USING (invoice_id)
         LEFT JOIN services v ON v.id = s.service_id)
SELECT branch_id, day, service_key,
       sum(qty) AS sold, sum(net) AS revenue, sum(parts) AS parts_cost, sum(hours) AS hours,
       sum(hours * rate) AS labour_cost
FROM costed GROUP BY branch_id, day, service_key;
CREATE UNIQUE INDEX dashboard_services_daily_key ON dashboard_services_daily (branch_id, day, service_key);

-- Per branch, local day and technician: tickets closed (their hours from opening to closing, and
-- how many came back: a new ticket for the same vehicle or device within 30 days of closing),
-- hours clocked (entries ended that day) and of those the hours billed.
CREATE MATERIALIZED VIEW dashboard_technicians_daily AS
SELECT branch_id, day, technician_id,
       sum(closed)::bigint AS closed, sum(turnaround) AS turnaround_hours, sum(comebacks)::bigint AS comebacks,
       sum(clocked) AS clocked, sum(billed) AS billed
FROM (
    SELECT t.branch_id, (t.closed_at AT TIME ZONE b.timezone)::date AS day, t.assigned_to AS technician_id,
           1 AS closed, extract(epoch FROM t.closed_at - t.created_at) / 3600 AS turnaround,
           (EXISTS (SELECT 1 FROM tickets n WHERE n.id <> t.id AND n.created_at > t.closed_at
                      AND n.created_at <= t.closed_at + interval '30 days'
                      AND ((t.vehicle_id IS NOT NULL AND n.vehicle_id = t.vehicle_id)
                        OR (t.device_id IS NOT NULL AND n.device_id = t.device_id))))::int AS comebacks,
           0::numeric AS clocked, 0::numeric AS billed
    FROM tickets t JOIN branches b ON b.id = t.branch_id
    WHERE t.status = 'closed' AND t.assigned_to IS NOT NULL AND t.closed_at IS NOT NULL
    UNION ALL
    SELECT t.branch_id, (e.ended_at AT TIME ZONE b.timezone)::date, e.technician_id, 0, 0, 0, e.hours,
           CASE WHEN e.billable AND e.approved_at IS NOT NULL AND e.invoice_id IS NOT NULL THEN e.hours ELSE 0 END
    FROM time_entries e JOIN tickets t ON t.id = e.ticket_id JOIN branches b ON b.id = t.branch_id
    WHERE e.ended_at IS NOT NULL
) x
GROUP BY branch_id, day, technician_id;
CREATE UNIQUE INDEX dashboard_technicians_daily_key ON dashboard_technicians_daily (branch_id, day, technician_id);

INSERT INTO dashboard_refreshes VALUES ('dashboard_services_daily', now()), ('dashboard_technicians_daily', now());

CREATE OR REPLACE FUNCTION refresh_dashboards() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(7261133) THEN
        RETURN false;
    END IF;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_sales_daily;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_services_daily;
    REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_technicians_daily;
    UPDATE dashboard_refreshes SET refreshed_at = clock_timestamp();
    RETURN true;
END
$$;
GRANT SELECT ON dashboard_sales_daily, dashboard_services_daily, dashboard_technicians_daily TO workbay_app;
