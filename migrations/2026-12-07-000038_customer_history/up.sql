-- The customer page lists everything of one customer, preorders among them.
CREATE INDEX preorders_customer_idx ON preorders (customer_id);
