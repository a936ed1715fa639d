-- The workshop floor: assignment, outcomes, quality check and approval on tickets; parts used
-- (a stock item from the ledger or a unit); approval links for customers; technicians' time.
ALTER TABLE tickets
    ADD COLUMN assigned_to BIGINT REFERENCES staff_users (id),
    ADD COLUMN asset_id BIGINT REFERENCES assets (id),
    ADD COLUMN outcome TEXT CHECK (outcome IN ('repaired', 'replaced', 'refunded', 'unable')),
    ADD COLUMN approval TEXT CHECK (approval IN ('approved', 'declined')),
    ADD COLUMN approval_by TEXT NOT NULL DEFAULT '',
    ADD COLUMN approval_method TEXT NOT NULL DEFAULT '',
    ADD COLUMN approved_at TIMESTAMPTZ,
    ADD COLUMN qc_by BIGINT REFERENCES staff_users (id),
    ADD COLUMN qc_at TIMESTAMPTZ,
    ADD COLUMN closed_at TIMESTAMPTZ,
    ADD CONSTRAINT tickets_closed_with_outcome CHECK (status <> 'closed' OR outcome IS NOT NULL);
CREATE INDEX tickets_assigned_idx ON tickets (assigned_to, status);

ALTER TABLE ticket_lines
    ADD COLUMN stock_item_id BIGINT REFERENCES stock_items (id),
    ADD COLUMN asset_id BIGINT REFERENCES assets (id),
    ADD COLUMN created_by BIGINT REFERENCES staff_users (id);

-- An estimate sent for approval: the link carries the row id, its expiry and an HMAC of both;
-- it can be used once.
CREATE TABLE approval_links (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    decision TEXT CHECK (decision IN ('approved', 'declined')),
    created_by BIGINT REFERENCES staff_users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((used_at IS NULL) = (decision IS NULL))
);
CREATE INDEX approval_links_ticket_idx ON approval_links (ticket_id);

-- Technicians' time on tickets: one running clock per technician (the partial unique index).
CREATE TABLE time_entries (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    technician_id BIGINT NOT NULL REFERENCES staff_users (id),
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at TIMESTAMPTZ,
    hours NUMERIC(5,2) CHECK (hours >= 0 AND hours <= 24),
    billable BOOLEAN NOT NULL DEFAULT TRUE,
    approved_by BIGINT REFERENCES staff_users (id),
    approved_at TIMESTAMPTZ,
    invoice_id BIGINT REFERENCES invoices (id),
    note TEXT NOT NULL DEFAULT '',
    CHECK ((ended_at IS NULL) = (hours IS NULL)),
    CHECK (ended_at IS NULL OR ended_at >= started_at),
    CHECK (approved_at IS NULL OR ended_at IS NOT NULL)
);
CREATE UNIQUE INDEX time_entries_one_running_key ON time_entries (technician_id) WHERE ended_at IS NULL;
CREATE INDEX time_entries_ticket_idx ON time_entries (ticket_id);

-- The rate clocked labour is billed at.
ALTER TABLE branches ADD COLUMN labour_rate NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (labour_rate >= 0);

GRANT SELECT, INSERT, UPDATE ON approval_links, time_entries TO workbay_app;
GRANT USAGE ON SEQUENCE approval_links_id_seq, time_entries_id_seq TO workbay_app;
