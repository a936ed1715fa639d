-- Transfers between branches: shipped (units go in_transit, bulk leaves the source's ledger),
-- then received at the destination (units return to the status they left with, bulk enters the
-- destination's ledger).
CREATE TABLE transfers (
    id BIGSERIAL PRIMARY KEY,
    from_branch_id BIGINT NOT NULL REFERENCES branches (id),
    to_branch_id BIGINT NOT NULL REFERENCES branches (id),
    status TEXT NOT NULL DEFAULT 'in_transit' CHECK (status IN ('in_transit', 'received')),
    note TEXT NOT NULL DEFAULT '',
    shipped_by BIGINT REFERENCES staff_users (id),
    shipped_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    received_by BIGINT REFERENCES staff_users (id),
    received_at TIMESTAMPTZ,
    CHECK (from_branch_id <> to_branch_id)
);
CREATE INDEX transfers_to_idx ON transfers (to_branch_id, status);

CREATE TABLE transfer_lines (
    id BIGSERIAL PRIMARY KEY,
    transfer_id BIGINT NOT NULL REFERENCES transfers (id),
    asset_id BIGINT REFERENCES assets (id),
    -- the status the unit had when it left, restored on arrival
    asset_status TEXT,
    stock_item_id BIGINT REFERENCES stock_items (id),
    quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    CHECK ((asset_id IS NOT NULL AND asset_status IS NOT NULL AND stock_item_id IS NULL AND quantity = 1)
        OR (asset_id IS NULL AND stock_item_id IS NOT NULL))
);
CREATE INDEX transfer_lines_transfer_idx ON transfer_lines (transfer_id);

GRANT SELECT, INSERT, UPDATE ON transfers TO workbay_app;
GRANT SELECT, INSERT ON transfer_lines TO workbay_app;
GRANT USAGE ON SEQUENCE transfers_id_seq, transfer_lines_id_seq TO workbay_app;
