-- Every master record can be corrected after it is saved. Each carries a version, raised by
-- every edit, so a form opened before someone else's save is refused with what changed instead of
-- overwriting it silently (customers have had one since the start).
ALTER TABLE vehicles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE devices ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE customer_contacts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE services ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE bays ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE product_models ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stock_items ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE vendors ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE locations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
