DROP TRIGGER refund_payments_audit ON refund_payments;
DROP TRIGGER credit_notes_audit ON credit_notes;
DROP TRIGGER payments_audit ON payments;
DROP TRIGGER invoices_audit_update ON invoices;
DROP TRIGGER invoices_audit_insert ON invoices;
DROP FUNCTION audit_money();
DROP INDEX audit_log_branch_idx;
DROP TRIGGER audit_log_branch ON audit_log;
DROP FUNCTION audit_log_branch();
