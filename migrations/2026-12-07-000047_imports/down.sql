ALTER TABLE stock_ledger DROP CONSTRAINT stock_ledger_opening_positive;
DELETE FROM stock_ledger WHERE kind = 'opening';
ALTER TABLE stock_ledger DROP CONSTRAINT stock_ledger_kind_check;
ALTER TABLE stock_ledger ADD CONSTRAINT stock_ledger_kind_check
    CHECK (kind IN ('intake', 'sale', 'repair_use', 'adjustment', 'transfer_out', 'transfer_in', 'return'));
ALTER TABLE customers DROP COLUMN external_ref;
ALTER TABLE stock_items DROP COLUMN external_ref;
ALTER TABLE product_models DROP COLUMN external_ref;
ALTER TABLE services DROP COLUMN external_ref;
ALTER TABLE vendors DROP COLUMN external_ref;
DROP TABLE import_mappings;
DROP TABLE imports;
