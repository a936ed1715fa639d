DROP AGGREGATE sum_cents(bigint);
DROP INDEX invoices_ranking_idx;
ALTER TABLE invoices DROP COLUMN issued_cents;
ALTER TABLE invoices RESET (fillfactor);
CREATE INDEX invoices_issued_idx ON invoices (branch_id, issued_at) INCLUDE (customer_id, subtotal, status, ticket_id)
    WHERE number IS NOT NULL;
