ALTER TABLE invoices DROP CONSTRAINT invoices_rules;
CREATE OR REPLACE FUNCTION invoices_row_ok(r invoices) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF NOT (r.status IN ('draft', 'issued', 'partially_paid', 'paid', 'void', 'refunded')) THEN
        PERFORM raise_check_violation('invoices', 'invoices_status_check');
    END IF;
    IF NOT ((r.status = 'draft') = (r.number IS NULL)) THEN
        PERFORM raise_check_violation('invoices', 'invoices_check');
    END IF;
    IF NOT ((r.number IS NULL) = (r.seq IS NULL)) THEN
        PERFORM raise_check_violation('invoices', 'invoices_check1');
    END IF;
    IF NOT (r.tax_rate >= 0 AND r.tax_rate <= 100) THEN
        PERFORM raise_check_violation('invoices', 'invoices_tax_rate_check');
    END IF;
    IF NOT (r.tax_rounding IN ('per_line', 'per_invoice')) THEN
        PERFORM raise_check_violation('invoices', 'invoices_tax_rounding_check');
    END IF;
    IF NOT (r.total >= 0) THEN
        PERFORM raise_check_violation('invoices', 'invoices_total_check');
    END IF;
    IF NOT (r.paid_total >= 0) THEN
        PERFORM raise_check_violation('invoices', 'invoices_paid_total_check');
    END IF;
    IF NOT (r.paid_total <= r.total) THEN
        PERFORM raise_check_violation('invoices', 'invoices_paid_within_total');
    END IF;
    IF NOT (r.refunded_total >= 0) THEN
        PERFORM raise_check_violation('invoices', 'invoices_refunded_total_check');
    END IF;
    IF NOT (r.refunded_total <= r.paid_total) THEN
        PERFORM raise_check_violation('invoices', 'invoices_refund_within_paid');
    END IF;
    RETURN true;
END
$$;

DROP INDEX invoices_ranking_idx;
ALTER TABLE invoices DROP COLUMN issued_cents;
ALTER TABLE invoices ADD COLUMN issued_cents BIGINT
    GENERATED ALWAYS AS (CASE WHEN number IS NOT NULL THEN (subtotal * 100)::bigint END) STORED;
CREATE INDEX invoices_ranking_idx ON invoices (branch_id, issued_at) INCLUDE (customer_id, issued_cents)
    WHERE number IS NOT NULL AND customer_id IS NOT NULL AND status <> 'void';
ALTER TABLE invoices ADD CONSTRAINT invoices_rules CHECK (invoices_row_ok(invoices));
