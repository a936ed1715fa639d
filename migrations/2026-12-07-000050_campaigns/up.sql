-- Marketing campaigns (issue 35): a segment of a branch's customers chosen by a manager (vehicles
-- due for a service, customers not seen for months, the best customers), sent as marketing to
-- those who agreed; each message of a campaign names it, so its results (sent, skipped, failed,
-- bookings that followed within 30 days) are read from the outbox.

CREATE TABLE campaigns (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    segment TEXT NOT NULL CHECK (segment IN ('service_due', 'lapsed', 'top')),
    -- the segment's figures: months, kilometres
    params JSONB NOT NULL DEFAULT '{}',
    template TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    -- customers in the segment when it was sent, and messages queued (those who agreed)
    matched INTEGER NOT NULL CHECK (matched >= 0),
    queued INTEGER NOT NULL CHECK (queued >= 0 AND queued <= matched),
    created_by BIGINT REFERENCES staff_users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX campaigns_branch_idx ON campaigns (branch_id, id DESC);

ALTER TABLE message_outbox ADD COLUMN campaign_id BIGINT REFERENCES campaigns (id);
CREATE INDEX message_outbox_campaign_idx ON message_outbox (campaign_id) WHERE campaign_id IS NOT NULL;

-- the segments' reads, each an index-only pass over one branch (measured on `--scale 8`): a
-- vehicle's closed visits with their mileage, its upcoming bookings, and each customer's last
-- visit, sale and booking
CREATE INDEX tickets_closed_vehicle_idx ON tickets (branch_id, vehicle_id, created_at) INCLUDE (mileage)
    WHERE status = 'closed' AND vehicle_id IS NOT NULL;
CREATE INDEX bookings_vehicle_upcoming_idx ON bookings (vehicle_id, starts_at) WHERE vehicle_id IS NOT NULL;
CREATE INDEX tickets_branch_customer_idx ON tickets (branch_id, customer_id, created_at);
CREATE INDEX invoices_branch_customer_issued_idx ON invoices (branch_id, customer_id, issued_at)
    WHERE customer_id IS NOT NULL AND issued_at IS NOT NULL;
CREATE INDEX bookings_branch_customer_idx ON bookings (branch_id, customer_id, starts_at) INCLUDE (status);

GRANT SELECT, INSERT ON campaigns TO workbay_app;
GRANT UPDATE (queued) ON campaigns TO workbay_app;
GRANT USAGE ON SEQUENCE campaigns_id_seq TO workbay_app;
