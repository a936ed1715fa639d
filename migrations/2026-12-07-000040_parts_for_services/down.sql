DROP MATERIALIZED VIEW dashboard_services_daily;
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
-- The invoice's discounts, shared by its goods in proportion to their net (as a refund shares
-- them): each goods line keeps subtotal / (subtotal - discounts) of its net.
kept AS (
    SELECT d.invoice_id, i.subtotal / NULLIF(i.subtotal - sum(d.net), 0) AS factor
    FROM lines d JOIN invoices i ON i.id = d.invoice_id
    WHERE d.kind = 'discount' GROUP BY d.invoice_id, i.subtotal),
per_inv AS (SELECT invoice_id, sum(net) AS svc_net, count(*) AS n FROM svc GROUP BY 1),
parts AS (
    SELECT l.invoice_id, sum(l.cost) AS cost FROM lines l JOIN per_inv p USING (invoice_id)
    WHERE l.kind IN ('asset', 'stock') GROUP BY 1),
clocked AS (
    SELECT inv.id AS invoice_id, sum(e.hours) AS hours
    FROM inv JOIN per_inv p ON p.invoice_id = inv.id JOIN time_entries e ON e.ticket_id = inv.ticket_id
    WHERE e.hours IS NOT NULL GROUP BY 1),
costed AS (
    SELECT inv.branch_id, inv.day, COALESCE(s.service_id, 0) AS service_key, s.qty,
           s.net * COALESCE(kd.factor, 1) AS net,
           w.weight * COALESCE(pa.cost, 0) AS parts,
           COALESCE(w.weight * k.hours,
                    CASE WHEN s.kind = 'labour' THEN 0 ELSE COALESCE(v.labour_hours, 0) * s.qty END) AS hours,
           inv.rate
    FROM svc s JOIN per_inv p USING (invoice_id) JOIN inv ON inv.id = s.invoice_id
         CROSS JOIN LATERAL (SELECT CASE WHEN p.svc_net > 0 THEN s.net / p.svc_net ELSE 1.0 / p.n END AS weight) w
         LEFT JOIN parts pa USING (invoice_id) LEFT JOIN clocked k USING (invoice_id)
         LEFT JOIN kept kd USING (invoice_id)
         LEFT JOIN services v ON v.id = s.service_id)
SELECT branch_id, day, service_key,
       sum(qty) AS sold, sum(net) AS revenue, sum(parts) AS parts_cost, sum(hours) AS hours,
       sum(hours * rate) AS labour_cost
FROM costed GROUP BY branch_id, day, service_key;
CREATE UNIQUE INDEX dashboard_services_daily_key ON dashboard_services_daily (branch_id, day, service_key);
GRANT SELECT ON dashboard_services_daily TO workbay_app;
ALTER TABLE invoice_lines DROP COLUMN for_service_id;
ALTER TABLE ticket_lines DROP COLUMN unit_cost;
