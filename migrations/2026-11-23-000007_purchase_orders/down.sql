ALTER TABLE intake_batches DROP COLUMN purchase_order_id;
DROP TABLE purchase_order_events;
DROP TABLE purchase_order_lines;
DROP TABLE purchase_orders;
