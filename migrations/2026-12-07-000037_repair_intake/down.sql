DROP MATERIALIZED VIEW dashboard_payments_daily;
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

GRANT SELECT ON dashboard_payments_daily TO workbay_app;
DROP TABLE ticket_deposits;
DROP TABLE ticket_signatures;
DROP TABLE ticket_unlock_codes;
DROP INDEX tickets_promised_idx;
ALTER TABLE tickets DROP COLUMN promised_on, DROP COLUMN accessories;
