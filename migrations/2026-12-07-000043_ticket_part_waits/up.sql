-- A ticket waiting for a part: the stock item and how many. When a delivery (intake) or a
-- transfer brings that item to the branch, the wait is marked arrived in the same transaction
-- and the ticket's technician and whoever recorded the wait are told (a notification).
CREATE TABLE ticket_part_waits (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    stock_item_id BIGINT NOT NULL REFERENCES stock_items (id),
    quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    created_by BIGINT REFERENCES staff_users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    arrived_at TIMESTAMPTZ,
    -- what brought it: "intake #12", "transfer TR-3"
    arrived_with TEXT
);
CREATE INDEX ticket_part_waits_ticket_idx ON ticket_part_waits (ticket_id);
CREATE INDEX ticket_part_waits_open_idx ON ticket_part_waits (branch_id, stock_item_id)
    WHERE arrived_at IS NULL;

GRANT SELECT, INSERT, DELETE ON ticket_part_waits TO workbay_app;
GRANT UPDATE (arrived_at, arrived_with) ON ticket_part_waits TO workbay_app;
GRANT USAGE ON SEQUENCE ticket_part_waits_id_seq TO workbay_app;
