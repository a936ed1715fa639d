DROP INDEX preorders_customer_idx;
