DROP INDEX bookings_branch_customer_idx;
DROP INDEX invoices_branch_customer_issued_idx;
DROP INDEX tickets_branch_customer_idx;
DROP INDEX bookings_vehicle_upcoming_idx;
DROP INDEX tickets_closed_vehicle_idx;
ALTER TABLE message_outbox DROP COLUMN campaign_id;
DROP TABLE campaigns;
