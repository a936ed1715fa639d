-- Preorders: a customer orders a unit we do not have yet, against a deposit.
-- deposit_pending → ordered → in_transit → arrived → customer_notified → picked_up → closed;
-- customer_notified → rejected → resold → closed; deposit_pending → closed (cancelled).
CREATE TABLE preorders (
    id BIGSERIAL PRIMARY KEY,
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    product_model_id BIGINT NOT NULL REFERENCES product_models (id),
    specs TEXT NOT NULL DEFAULT '',
    agreed_price NUMERIC(12,2) NOT NULL CHECK (agreed_price > 0),
    deposit_required NUMERIC(12,2) NOT NULL CHECK (deposit_required >= 0),
    deposit_paid NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (deposit_paid >= 0),
    status TEXT NOT NULL DEFAULT 'deposit_pending'
        CHECK (status IN ('deposit_pending', 'ordered', 'in_transit', 'arrived', 'customer_notified',
                          'picked_up', 'rejected', 'resold', 'closed')),
    ordered_on DATE,
    sla_due_on DATE,
    asset_id BIGINT REFERENCES assets (id),
    invoice_id BIGINT REFERENCES invoices (id),
    resale_invoice_id BIGINT REFERENCES invoices (id),
    recovery NUMERIC(12,2) CHECK (recovery >= 0),
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES staff_users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (deposit_paid <= agreed_price),
    CHECK (status = 'deposit_pending' OR status = 'closed' OR deposit_paid >= deposit_required),
    CHECK ((ordered_on IS NULL) = (sla_due_on IS NULL))
);
CREATE INDEX preorders_branch_idx ON preorders (branch_id, status, sla_due_on);

CREATE TABLE preorder_events (
    id BIGSERIAL PRIMARY KEY,
    preorder_id BIGINT NOT NULL REFERENCES preorders (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor_user_id BIGINT REFERENCES staff_users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX preorder_events_idx ON preorder_events (preorder_id, id);

-- Deposits are money taken at the counter against the preorder; the final invoice gets them as a
-- `deposit` payment.
CREATE TABLE preorder_deposits (
    id BIGSERIAL PRIMARY KEY,
    preorder_id BIGINT NOT NULL REFERENCES preorders (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    method TEXT NOT NULL
        CHECK (method IN ('cash', 'card', 'mobile_money', 'bank_transfer', 'store_credit', 'other')),
    amount NUMERIC(12,2) NOT NULL CHECK (amount > 0),
    reference TEXT NOT NULL DEFAULT '',
    received_by BIGINT REFERENCES staff_users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX preorder_deposits_branch_at_idx ON preorder_deposits (branch_id, at);

GRANT SELECT, INSERT, UPDATE ON preorders TO workbay_app;
GRANT SELECT, INSERT ON preorder_events, preorder_deposits TO workbay_app;
GRANT USAGE ON SEQUENCE preorders_id_seq, preorder_events_id_seq, preorder_deposits_id_seq TO workbay_app;
