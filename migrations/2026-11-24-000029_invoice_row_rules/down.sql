ALTER TABLE invoice_lines
    DROP CONSTRAINT invoice_lines_rules,
    ADD CONSTRAINT invoice_lines_kind_check
        CHECK (kind IN ('asset', 'stock', 'service', 'labour', 'fee', 'discount')),
    ADD CONSTRAINT invoice_lines_description_check CHECK (length(btrim(description)) > 0),
    ADD CONSTRAINT invoice_lines_quantity_check CHECK (quantity > 0),
    ADD CONSTRAINT invoice_lines_unit_price_check CHECK (unit_price >= 0),
    ADD CONSTRAINT invoice_lines_unit_cost_check CHECK (unit_cost >= 0),
    ADD CONSTRAINT invoice_lines_warranty_tier_check CHECK (warranty_tier IN ('standard', 'premium')),
    ADD CONSTRAINT invoice_lines_check CHECK (refunded_quantity >= 0 AND refunded_quantity <= quantity),
    ADD CONSTRAINT invoice_lines_check1 CHECK (num_nonnulls(asset_id, stock_item_id, service_id) <= 1),
    ADD CONSTRAINT invoice_lines_check2 CHECK ((kind = 'asset') = (asset_id IS NOT NULL)),
    ADD CONSTRAINT invoice_lines_check3 CHECK ((kind = 'stock') = (stock_item_id IS NOT NULL)),
    ADD CONSTRAINT invoice_lines_check4 CHECK ((kind = 'service') = (service_id IS NOT NULL)),
    ADD CONSTRAINT invoice_lines_check5 CHECK (kind <> 'asset' OR quantity = 1),
    ADD CONSTRAINT invoice_lines_check6 CHECK (kind <> 'stock' OR quantity = trunc(quantity)),
    ADD CONSTRAINT invoice_lines_check7 CHECK ((kind = 'discount') = (net < 0) OR net = 0);

ALTER TABLE invoices
    DROP CONSTRAINT invoices_rules,
    ADD CONSTRAINT invoices_status_check
        CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'void', 'refunded')),
    ADD CONSTRAINT invoices_check CHECK ((status = 'draft') = (number IS NULL)),
    ADD CONSTRAINT invoices_check1 CHECK ((number IS NULL) = (seq IS NULL)),
    ADD CONSTRAINT invoices_tax_rate_check CHECK (tax_rate >= 0 AND tax_rate <= 100),
    ADD CONSTRAINT invoices_tax_rounding_check CHECK (tax_rounding IN ('per_line', 'per_invoice')),
    ADD CONSTRAINT invoices_total_check CHECK (total >= 0),
    ADD CONSTRAINT invoices_paid_total_check CHECK (paid_total >= 0),
    ADD CONSTRAINT invoices_paid_within_total CHECK (paid_total <= total),
    ADD CONSTRAINT invoices_refunded_total_check CHECK (refunded_total >= 0),
    ADD CONSTRAINT invoices_refund_within_paid CHECK (refunded_total <= paid_total);

DROP FUNCTION invoice_lines_row_ok(invoice_lines);
DROP FUNCTION invoices_row_ok(invoices);
DROP FUNCTION raise_check_violation(TEXT, TEXT);
