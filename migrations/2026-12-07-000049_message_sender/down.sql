ALTER TABLE customers DROP COLUMN preferred_channel;
ALTER TABLE branches DROP COLUMN quiet_start, DROP COLUMN quiet_end;
DROP TABLE message_attempts;
DROP INDEX message_outbox_customer_idx;
DROP INDEX message_outbox_next_idx;
UPDATE message_outbox SET status = 'failed' WHERE status = 'skipped';
ALTER TABLE message_outbox DROP CONSTRAINT message_outbox_status_check;
ALTER TABLE message_outbox ADD CONSTRAINT message_outbox_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'cancelled'));
ALTER TABLE message_outbox DROP COLUMN channel, DROP COLUMN audience, DROP COLUMN attempts,
    DROP COLUMN next_attempt_at, DROP COLUMN lease_until, DROP COLUMN sent_at,
    DROP COLUMN last_error, DROP COLUMN message_id;
DROP TABLE message_templates;
