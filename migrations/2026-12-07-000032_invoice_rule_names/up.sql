-- The invoice and line rules that PostgreSQL had named by number (`invoices_check1`,
-- `invoice_lines_check7`) get names in the shop's words; the rules themselves are unchanged.
-- A refused write still fails with SQLSTATE 23514 naming the rule (`raise_check_violation`).
--
-- To add a rule: a new migration restates the function with `CREATE OR REPLACE` (down.sql
-- restores the previous body), adds one `IF NOT (…) THEN PERFORM raise_check_violation(table,
-- name)` with a name that says what must hold, and a case in the test
-- `the_database_refuses_an_invoice_or_line_that_breaks_a_rule_and_names_the_rule`.

CREATE OR REPLACE FUNCTION invoices_row_ok(r invoices) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF NOT (r.status IN ('draft', 'issued', 'partially_paid', 'paid', 'void', 'refunded')) THEN
        PERFORM raise_check_violation('invoices', 'invoices_status_check');
    END IF;
    IF NOT ((r.status = 'draft') = (r.number IS NULL)) THEN
        PERFORM raise_check_violation('invoices', 'invoices_numbered_unless_draft');
    END IF;
    IF NOT ((r.number IS NULL) = (r.seq IS NULL)) THEN
        PERFORM raise_check_violation('invoices', 'invoices_number_with_sequence');
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
    IF NOT (r.issued_cents IS NOT DISTINCT FROM
            CASE WHEN r.number IS NOT NULL THEN (r.subtotal * 100)::bigint END) THEN
        PERFORM raise_check_violation('invoices', 'invoices_issued_cents_check');
    END IF;
    RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION invoice_lines_row_ok(r invoice_lines) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF NOT (r.kind IN ('asset', 'stock', 'service', 'labour', 'fee', 'discount')) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_kind_check');
    END IF;
    IF NOT (length(btrim(r.description)) > 0) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_description_check');
    END IF;
    IF NOT (r.quantity > 0) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_quantity_check');
    END IF;
    IF NOT (r.unit_price >= 0) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_unit_price_check');
    END IF;
    IF NOT (r.unit_cost >= 0) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_unit_cost_check');
    END IF;
    IF NOT (r.warranty_tier IN ('standard', 'premium')) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_warranty_tier_check');
    END IF;
    IF NOT (r.refunded_quantity >= 0 AND r.refunded_quantity <= r.quantity) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_refund_within_quantity');
    END IF;
    IF NOT (num_nonnulls(r.asset_id, r.stock_item_id, r.service_id) <= 1) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_sells_one_thing');
    END IF;
    IF NOT ((r.kind = 'asset') = (r.asset_id IS NOT NULL)) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_unit_on_unit_lines');
    END IF;
    IF NOT ((r.kind = 'stock') = (r.stock_item_id IS NOT NULL)) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_item_on_stock_lines');
    END IF;
    IF NOT ((r.kind = 'service') = (r.service_id IS NOT NULL)) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_service_on_service_lines');
    END IF;
    IF NOT (r.kind <> 'asset' OR r.quantity = 1) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_one_unit_a_line');
    END IF;
    IF NOT (r.kind <> 'stock' OR r.quantity = trunc(r.quantity)) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_whole_pieces_of_stock');
    END IF;
    IF NOT ((r.kind = 'discount') = (r.net < 0) OR r.net = 0) THEN
        PERFORM raise_check_violation('invoice_lines', 'invoice_lines_only_discounts_take_off');
    END IF;
    RETURN true;
END
$$;
