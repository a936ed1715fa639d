-- What a repair counter records when an item is left with it: the accessories left with it, the
-- date promised, the unlock code (a table of its own, read only for the assigned technician and
-- managers, so no list or event ever carries it), the customer's signature (a PNG drawn on the
-- counter's screen), and deposits held against the ticket until its invoice is issued, when they
-- are applied as a `deposit` payment.
ALTER TABLE tickets
    ADD COLUMN accessories TEXT NOT NULL DEFAULT '',
    ADD COLUMN promised_on DATE;
CREATE INDEX tickets_promised_idx ON tickets (branch_id, promised_on)
    WHERE promised_on IS NOT NULL AND status NOT IN ('ready', 'closed', 'cancelled');

CREATE TABLE ticket_unlock_codes (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 64)
);

CREATE TABLE ticket_signatures (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    png BYTEA NOT NULL CHECK (octet_length(png) BETWEEN 60 AND 200000),
    signed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE ticket_deposits (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    method TEXT NOT NULL
        CHECK (method IN ('cash', 'card', 'mobile_money', 'bank_transfer', 'other')),
    amount NUMERIC(12,2) NOT NULL CHECK (amount > 0),
    reference TEXT NOT NULL DEFAULT '',
    received_by BIGINT REFERENCES staff_users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- the invoice it was applied to, once issued
    applied_invoice_id BIGINT REFERENCES invoices (id)
);
CREATE INDEX ticket_deposits_ticket_idx ON ticket_deposits (ticket_id);
CREATE INDEX ticket_deposits_branch_at_idx ON ticket_deposits (branch_id, at);

-- Money by method counts a ticket's deposit when it is taken, as it counts a preorder's (the
-- `deposit` payment that applies it to the invoice later is not counted again).
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
    SELECT d.branch_id, (d.at AT TIME ZONE b.timezone)::date, d.method, d.amount, 0
    FROM ticket_deposits d JOIN branches b ON b.id = d.branch_id
    UNION ALL
    SELECT r.branch_id, (r.at AT TIME ZONE b.timezone)::date, r.method, 0, r.amount
    FROM refund_payments r JOIN branches b ON b.id = r.branch_id
) m
GROUP BY branch_id, day, method;
CREATE UNIQUE INDEX dashboard_payments_daily_key ON dashboard_payments_daily (branch_id, day, method);
GRANT SELECT ON dashboard_payments_daily TO workbay_app;

GRANT SELECT, INSERT ON ticket_unlock_codes, ticket_signatures TO workbay_app;
GRANT SELECT, INSERT, UPDATE ON ticket_deposits TO workbay_app;
GRANT USAGE ON SEQUENCE ticket_deposits_id_seq TO workbay_app;
