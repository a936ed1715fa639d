-- Service profitability charged a service with goods that were never used for it: every goods
-- line of an invoice was shared among the invoice's services and hourly labour by revenue, at
-- cost and without the price the customer paid for it. A laptop sold on the same invoice as half
-- an hour of diagnosis made "Labour (hourly)" lose its cost; parts used on a ticket were copied
-- onto its invoice as fees without a cost and counted nowhere.
--
-- Now a part goes to the work it was used for, with its price and its cost:
--   * a ticket's part line keeps what it cost (`unit_cost`, the item's cost or the unit's landed
--     cost when it was used) and the service it was used for (`service_id`; on a labour line it
--     is the service the labour is, on a part line the service the part was for);
--   * an invoice line keeps the service its goods were used for (`for_service_id`), and a part
--     copied from a ticket is a fee line with its cost;
--   * in the figures, a goods line (a unit, stock, or a fee with a cost) counts under the service
--     it was used for; when it names none, under the invoice's one catalogue service when that is
--     the only work on the invoice; otherwise, on a ticket's invoice, under "Labour (hourly)" (the
--     work of the ticket that was not a catalogue service, with its own parts), and on a counter
--     sale it is merchandise, not a part of any service;
--   * labour lines count their billed hours at the branch's labour cost rate when no time was
--     clocked on the ticket (they counted none).
ALTER TABLE ticket_lines ADD COLUMN unit_cost NUMERIC(12,2) CHECK (unit_cost >= 0);
ALTER TABLE invoice_lines ADD COLUMN for_service_id BIGINT REFERENCES services (id);

DROP MATERIALIZED VIEW dashboard_services_daily;
CREATE MATERIALIZED VIEW dashboard_services_daily AS
WITH inv AS (
    SELECT i.id, i.branch_id, i.ticket_id, (i.issued_at AT TIME ZONE b.timezone)::date AS day, b.labour_cost_rate AS rate
    FROM invoices i JOIN branches b ON b.id = i.branch_id
    WHERE i.number IS NOT NULL AND i.status <> 'void'),
lines AS (
    SELECT l.invoice_id, l.kind, l.service_id, l.for_service_id, l.quantity - l.refunded_quantity AS qty,
           CASE WHEN l.quantity = 0 THEN 0 ELSE l.net * (l.quantity - l.refunded_quantity) / l.quantity END AS net,
           COALESCE(l.unit_cost, 0) * (l.quantity - l.refunded_quantity) AS cost,
           l.kind IN ('asset', 'stock') OR (l.kind = 'fee' AND l.unit_cost IS NOT NULL) AS goods
    FROM invoice_lines l JOIN inv ON inv.id = l.invoice_id WHERE l.live),
-- The invoice's discounts, shared by its lines in proportion to their net (as a refund shares
-- them): each line keeps subtotal / (subtotal - discounts) of its net.
kept AS (
    SELECT d.invoice_id, i.subtotal / NULLIF(i.subtotal - sum(d.net), 0) AS factor
    FROM lines d JOIN invoices i ON i.id = d.invoice_id
    WHERE d.kind = 'discount' GROUP BY d.invoice_id, i.subtotal),
svc AS (SELECT * FROM lines WHERE kind IN ('service', 'labour')),
per_inv AS (
    SELECT invoice_id, sum(net) AS svc_net, count(*) AS n,
           count(DISTINCT service_id) AS services, bool_or(kind = 'labour') AS labour,
           min(service_id) AS one_service
    FROM svc GROUP BY 1),
clocked AS (
    SELECT inv.id AS invoice_id, sum(e.hours) AS hours
    FROM inv JOIN per_inv p ON p.invoice_id = inv.id JOIN time_entries e ON e.ticket_id = inv.ticket_id
    WHERE e.hours IS NOT NULL GROUP BY 1),
work AS (
    SELECT s.invoice_id, COALESCE(s.service_id, 0) AS service_key, s.qty AS sold, s.net,
           0::numeric AS parts_net, 0::numeric AS parts_cost,
           COALESCE(w.weight * k.hours,
                    CASE WHEN s.kind = 'labour' THEN s.qty ELSE COALESCE(v.labour_hours, 0) * s.qty END) AS hours
    FROM svc s JOIN per_inv p USING (invoice_id)
         CROSS JOIN LATERAL (SELECT CASE WHEN p.svc_net > 0 THEN s.net / p.svc_net ELSE 1.0 / p.n END AS weight) w
         LEFT JOIN clocked k USING (invoice_id)
         LEFT JOIN services v ON v.id = s.service_id),
parts AS (
    SELECT g.invoice_id,
           COALESCE(g.for_service_id,
                    CASE WHEN p.services = 1 AND NOT p.labour THEN p.one_service END,
                    CASE WHEN inv.ticket_id IS NOT NULL THEN 0 END) AS service_key,
           0::numeric AS sold, g.net, g.net AS parts_net, g.cost AS parts_cost, 0::numeric AS hours
    FROM lines g JOIN inv ON inv.id = g.invoice_id LEFT JOIN per_inv p USING (invoice_id)
    WHERE g.goods),
costed AS (
    SELECT inv.branch_id, inv.day, x.service_key, x.sold,
           x.net * COALESCE(kd.factor, 1) AS net, x.parts_net * COALESCE(kd.factor, 1) AS parts_net,
           x.parts_cost, x.hours, inv.rate
    FROM (SELECT * FROM work UNION ALL SELECT * FROM parts WHERE service_key IS NOT NULL) x
         JOIN inv ON inv.id = x.invoice_id LEFT JOIN kept kd USING (invoice_id))
SELECT branch_id, day, service_key,
       sum(sold) AS sold, sum(net) AS revenue, sum(parts_net) AS parts_revenue,
       sum(parts_cost) AS parts_cost, sum(hours) AS hours, sum(hours * rate) AS labour_cost
FROM costed GROUP BY branch_id, day, service_key;
CREATE UNIQUE INDEX dashboard_services_daily_key ON dashboard_services_daily (branch_id, day, service_key);
GRANT SELECT ON dashboard_services_daily TO workbay_app;
