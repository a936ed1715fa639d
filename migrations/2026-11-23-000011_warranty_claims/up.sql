-- Warranty claims: submitted → approved (opens a ticket) → completed, or submitted → denied.
-- A claim puts its warranty in `claimed` until it is completed or denied.
CREATE TABLE warranty_claims (
    id BIGSERIAL PRIMARY KEY,
    warranty_id BIGINT NOT NULL REFERENCES warranties (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    status TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'completed', 'denied')),
    problem TEXT NOT NULL CHECK (length(btrim(problem)) > 0),
    deny_reason TEXT NOT NULL DEFAULT '',
    ticket_id BIGINT REFERENCES tickets (id),
    outcome TEXT NOT NULL DEFAULT '',
    cost NUMERIC(12,2) CHECK (cost >= 0),
    created_by BIGINT REFERENCES staff_users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (status <> 'denied' OR length(btrim(deny_reason)) > 0),
    CHECK (status NOT IN ('approved', 'completed') OR ticket_id IS NOT NULL)
);
CREATE INDEX warranty_claims_branch_idx ON warranty_claims (branch_id, status);
-- one open claim per warranty
CREATE UNIQUE INDEX warranty_claims_open_key ON warranty_claims (warranty_id) WHERE status IN ('submitted', 'approved');

CREATE TABLE warranty_claim_events (
    id BIGSERIAL PRIMARY KEY,
    claim_id BIGINT NOT NULL REFERENCES warranty_claims (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor_user_id BIGINT REFERENCES staff_users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX warranty_claim_events_idx ON warranty_claim_events (claim_id, id);

GRANT SELECT, INSERT, UPDATE ON warranty_claims TO workbay_app;
GRANT SELECT, INSERT ON warranty_claim_events TO workbay_app;
GRANT USAGE ON SEQUENCE warranty_claims_id_seq, warranty_claim_events_id_seq TO workbay_app;
