DROP INDEX invoices_issued_at_idx;
