-- Staff notifications (the bell in the top bar): one row per person told, read or not. A
-- notification that must come once (a preorder's SLA passing) carries a key; the unique index
-- makes a second one a no-op.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES staff_users (id),
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    kind TEXT NOT NULL
        CHECK (kind IN ('approval_answered', 'parts_received', 'job_assigned', 'preorder_overdue')),
    text TEXT NOT NULL CHECK (length(btrim(text)) > 0),
    link TEXT NOT NULL DEFAULT '',
    once_key TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    read_at TIMESTAMPTZ
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_once_key ON notifications (user_id, kind, once_key)
    WHERE once_key <> '';
GRANT SELECT, INSERT ON notifications TO workbay_app;
GRANT UPDATE (read_at) ON notifications TO workbay_app;
GRANT USAGE ON SEQUENCE notifications_id_seq TO workbay_app;

-- What the technician found, written for the customer (the approval page shows it).
ALTER TABLE tickets ADD COLUMN findings TEXT NOT NULL DEFAULT '';

-- A branch's logo for the pages its customers open (PNG, JPEG or WebP, at most 200 kB).
ALTER TABLE branches ADD COLUMN logo BYTEA,
    ADD COLUMN logo_type TEXT CHECK (logo_type IN ('image/png', 'image/jpeg', 'image/webp')),
    ADD CONSTRAINT branches_logo_with_type CHECK ((logo IS NULL) = (logo_type IS NULL)),
    ADD CONSTRAINT branches_logo_size CHECK (octet_length(logo) <= 204800);

-- The customer's no-login status page of a repair: a signed link per ticket, revocable by the
-- counter (a new one can then be made).
CREATE TABLE status_links (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    expires_at TIMESTAMPTZ NOT NULL,
    created_by BIGINT REFERENCES staff_users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ,
    revoked_by BIGINT REFERENCES staff_users (id)
);
-- One live link per ticket.
CREATE UNIQUE INDEX status_links_live_key ON status_links (ticket_id) WHERE revoked_at IS NULL;
GRANT SELECT, INSERT ON status_links TO workbay_app;
GRANT UPDATE (revoked_at, revoked_by) ON status_links TO workbay_app;
GRANT USAGE ON SEQUENCE status_links_id_seq TO workbay_app;
