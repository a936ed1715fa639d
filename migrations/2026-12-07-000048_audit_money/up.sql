-- The audit log covers money (issue 34, build 6). Issuing and voiding an invoice, a payment, a
-- credit note and the money paid back are written to it by the database, with the row that
-- records them, so no path that takes money can leave its entry out; amounts are written as
-- text, to the cent. Each entry names its branch; one written without (a customer record, a
-- catalogue price) takes the acting user's home branch, so a manager's view of the log shows
-- their branches' entries.

CREATE FUNCTION audit_log_branch() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF NEW.branch_id IS NULL AND NEW.actor_user_id IS NOT NULL THEN
        NEW.branch_id := (SELECT home_branch_id FROM staff_users WHERE id = NEW.actor_user_id);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_branch BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_branch();

-- Entries already written take the same rule (the log is append-only, so its guard is lifted
-- for this one statement).
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete;
UPDATE audit_log a SET branch_id = u.home_branch_id
    FROM staff_users u WHERE u.id = a.actor_user_id AND a.branch_id IS NULL;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete;

CREATE INDEX audit_log_branch_idx ON audit_log (branch_id, id DESC);

CREATE FUNCTION audit_money() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public AS $$
DECLARE
    actor BIGINT := nullif(current_setting('workbay.user_id', true), '')::bigint;
    inv invoices%ROWTYPE;
BEGIN
    IF TG_TABLE_NAME = 'invoices' THEN
        IF NEW.status = 'void' AND (TG_OP = 'INSERT' OR OLD.status <> 'void') THEN
            INSERT INTO audit_log (actor_user_id, branch_id, action, entity, entity_id, after)
            VALUES (actor, NEW.branch_id, 'invoice.void', 'invoice', NEW.id::text,
                    jsonb_build_object('number', NEW.number, 'total', NEW.total::text,
                                       'reason', NEW.void_reason));
        ELSIF NEW.number IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.number IS NULL) THEN
            INSERT INTO audit_log (actor_user_id, branch_id, action, entity, entity_id, after)
            VALUES (coalesce(actor, NEW.issued_by), NEW.branch_id, 'invoice.issue', 'invoice',
                    NEW.id::text,
                    jsonb_build_object('number', NEW.number, 'total', NEW.total::text,
                                       'tax', NEW.tax_total::text, 'customer_id', NEW.customer_id));
        END IF;
    ELSIF TG_TABLE_NAME = 'payments' THEN
        SELECT * INTO inv FROM invoices WHERE id = NEW.invoice_id;
        INSERT INTO audit_log (actor_user_id, branch_id, action, entity, entity_id, after)
        VALUES (coalesce(actor, NEW.received_by), NEW.branch_id, 'payment.take', 'invoice',
                NEW.invoice_id::text,
                jsonb_build_object('number', inv.number, 'method', NEW.method,
                                   'amount', NEW.amount::text, 'reference', NEW.reference));
    ELSIF TG_TABLE_NAME = 'credit_notes' THEN
        SELECT * INTO inv FROM invoices WHERE id = NEW.invoice_id;
        INSERT INTO audit_log (actor_user_id, branch_id, action, entity, entity_id, after)
        VALUES (coalesce(actor, NEW.created_by), NEW.branch_id, 'invoice.credit', 'invoice',
                NEW.invoice_id::text,
                jsonb_build_object('number', inv.number, 'credit_note', NEW.id,
                                   'total', NEW.total::text, 'reason', NEW.reason));
    ELSIF TG_TABLE_NAME = 'refund_payments' THEN
        SELECT i.* INTO inv FROM invoices i JOIN credit_notes n ON n.invoice_id = i.id
            WHERE n.id = NEW.credit_note_id;
        INSERT INTO audit_log (actor_user_id, branch_id, action, entity, entity_id, after)
        VALUES (coalesce(actor, NEW.paid_by), NEW.branch_id, 'refund.pay', 'invoice',
                inv.id::text,
                jsonb_build_object('number', inv.number, 'credit_note', NEW.credit_note_id,
                                   'method', NEW.method, 'amount', NEW.amount::text,
                                   'reference', NEW.reference));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER invoices_audit_insert AFTER INSERT ON invoices
    FOR EACH ROW WHEN (NEW.number IS NOT NULL) EXECUTE FUNCTION audit_money();
CREATE TRIGGER invoices_audit_update AFTER UPDATE OF number, status ON invoices
    FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION audit_money();
CREATE TRIGGER payments_audit AFTER INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION audit_money();
CREATE TRIGGER credit_notes_audit AFTER INSERT ON credit_notes
    FOR EACH ROW EXECUTE FUNCTION audit_money();
CREATE TRIGGER refund_payments_audit AFTER INSERT ON refund_payments
    FOR EACH ROW EXECUTE FUNCTION audit_money();
