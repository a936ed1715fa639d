-- Stock intake: a delivery is scanned into an open batch (kept in the database, so it survives a
-- page reload), then committed in one transaction that creates every unit and ledger row.
CREATE TABLE intake_batches (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'committed', 'discarded')),
    vendor_id BIGINT REFERENCES vendors (id),
    reference TEXT NOT NULL DEFAULT '',
    shipping NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (shipping >= 0),
    duty NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (duty >= 0),
    created_by BIGINT REFERENCES staff_users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    committed_at TIMESTAMPTZ
);
CREATE INDEX intake_batches_open_idx ON intake_batches (branch_id, created_by) WHERE status = 'open';

CREATE TABLE intake_lines (
    id BIGSERIAL PRIMARY KEY,
    batch_id BIGINT NOT NULL REFERENCES intake_batches (id),
    -- a serialized unit (serial + model) or a bulk quantity of a stock item
    serial TEXT,
    product_model_id BIGINT REFERENCES product_models (id),
    stock_item_id BIGINT REFERENCES stock_items (id),
    quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    unit_cost NUMERIC(12,2) NOT NULL CHECK (unit_cost >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((serial IS NOT NULL AND product_model_id IS NOT NULL AND stock_item_id IS NULL AND quantity = 1)
        OR (serial IS NULL AND product_model_id IS NULL AND stock_item_id IS NOT NULL))
);
CREATE UNIQUE INDEX intake_lines_serial_key ON intake_lines (batch_id, upper(btrim(serial))) WHERE serial IS NOT NULL;
CREATE INDEX intake_lines_batch_idx ON intake_lines (batch_id, id);

GRANT SELECT, INSERT, UPDATE ON intake_batches TO workbay_app;
GRANT SELECT, INSERT, DELETE ON intake_lines TO workbay_app;
GRANT USAGE ON SEQUENCE intake_batches_id_seq, intake_lines_id_seq TO workbay_app;
