-- Purchase orders: draft → ordered → partially_received → received; draft|ordered → cancelled.
-- Lines name a product model (a count of units) or a stock item (a quantity). Receiving is stock
-- intake: a batch may be tied to an order, and committing it advances each line's received count
-- and the order's status in the same transaction. Every status change writes an event row.
CREATE TABLE purchase_orders (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    vendor_id BIGINT NOT NULL REFERENCES vendors (id),
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'ordered', 'partially_received', 'received', 'cancelled')),
    vendor_reference TEXT NOT NULL DEFAULT '',
    expected_on DATE,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES staff_users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX purchase_orders_branch_idx ON purchase_orders (branch_id, status, id DESC);

CREATE TABLE purchase_order_lines (
    id BIGSERIAL PRIMARY KEY,
    purchase_order_id BIGINT NOT NULL REFERENCES purchase_orders (id),
    product_model_id BIGINT REFERENCES product_models (id),
    stock_item_id BIGINT REFERENCES stock_items (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_cost NUMERIC(12,2) NOT NULL CHECK (unit_cost >= 0),
    received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= quantity),
    CHECK ((product_model_id IS NULL) <> (stock_item_id IS NULL))
);
CREATE INDEX purchase_order_lines_po_idx ON purchase_order_lines (purchase_order_id, id);
-- One line per model or item on an order: a second order of the same thing raises the quantity.
CREATE UNIQUE INDEX purchase_order_lines_model_key ON purchase_order_lines (purchase_order_id, product_model_id)
    WHERE product_model_id IS NOT NULL;
CREATE UNIQUE INDEX purchase_order_lines_item_key ON purchase_order_lines (purchase_order_id, stock_item_id)
    WHERE stock_item_id IS NOT NULL;

CREATE TABLE purchase_order_events (
    id BIGSERIAL PRIMARY KEY,
    purchase_order_id BIGINT NOT NULL REFERENCES purchase_orders (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor_user_id BIGINT REFERENCES staff_users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX purchase_order_events_po_idx ON purchase_order_events (purchase_order_id, id);

ALTER TABLE intake_batches ADD COLUMN purchase_order_id BIGINT REFERENCES purchase_orders (id);

GRANT SELECT, INSERT, UPDATE ON purchase_orders TO workbay_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON purchase_order_lines TO workbay_app;
GRANT SELECT, INSERT ON purchase_order_events TO workbay_app;
GRANT USAGE ON SEQUENCE purchase_orders_id_seq, purchase_order_lines_id_seq, purchase_order_events_id_seq TO workbay_app;
