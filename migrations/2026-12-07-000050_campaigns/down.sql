ALTER TABLE message_outbox DROP COLUMN campaign_id;
DROP TABLE campaigns;
