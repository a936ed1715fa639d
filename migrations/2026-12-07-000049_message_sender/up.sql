-- Messages that reach customers (issue 35): each branch's own wording of the templates, the
-- sender's bookkeeping on the outbox (channel, attempts, the lease of a row being sent, the next
-- try), every attempt logged, quiet hours per branch, and each customer's preferred channel.

CREATE TABLE message_templates (
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    event TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    sms TEXT NOT NULL,
    updated_by BIGINT REFERENCES staff_users (id),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (branch_id, event)
);

ALTER TABLE message_outbox
    ADD COLUMN channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms')),
    ADD COLUMN audience TEXT NOT NULL DEFAULT 'service' CHECK (audience IN ('service', 'marketing')),
    ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at TIMESTAMPTZ,
    ADD COLUMN lease_until TIMESTAMPTZ,
    ADD COLUMN sent_at TIMESTAMPTZ,
    ADD COLUMN last_error TEXT NOT NULL DEFAULT '',
    ADD COLUMN message_id TEXT;
ALTER TABLE message_outbox DROP CONSTRAINT message_outbox_status_check;
ALTER TABLE message_outbox ADD CONSTRAINT message_outbox_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'cancelled', 'skipped'));
UPDATE message_outbox SET channel = CASE WHEN recipient LIKE '%@%' THEN 'email' ELSE 'sms' END;
-- The sender's walk: pending rows by when they are next due.
CREATE INDEX message_outbox_next_idx ON message_outbox ((coalesce(next_attempt_at, due_at)))
    WHERE status = 'pending';
CREATE INDEX message_outbox_customer_idx ON message_outbox (customer_id, id);

CREATE TABLE message_attempts (
    id BIGSERIAL PRIMARY KEY,
    outbox_id BIGINT NOT NULL REFERENCES message_outbox (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('sent', 'retry', 'failed', 'skipped', 'held')),
    answer TEXT NOT NULL DEFAULT ''
);
CREATE INDEX message_attempts_outbox_idx ON message_attempts (outbox_id, id);

ALTER TABLE branches
    ADD COLUMN quiet_start TIME NOT NULL DEFAULT '21:00',
    ADD COLUMN quiet_end TIME NOT NULL DEFAULT '08:00';
ALTER TABLE customers
    ADD COLUMN preferred_channel TEXT NOT NULL DEFAULT 'email' CHECK (preferred_channel IN ('email', 'sms'));

GRANT SELECT, INSERT ON message_templates TO workbay_app;
GRANT UPDATE (subject, body_text, body_html, sms, updated_by, updated_at, version)
    ON message_templates TO workbay_app;
GRANT SELECT, INSERT ON message_attempts TO workbay_app;
GRANT USAGE ON SEQUENCE message_attempts_id_seq TO workbay_app;
